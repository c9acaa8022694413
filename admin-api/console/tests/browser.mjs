// What the console's browser tests share: Debian's chromium driven by playwright-core, a fresh
// profile per run, and the checks every page gets (labels, no sideways scrolling, screenshots).
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const TIMEOUT = 10_000;
/** A zone far from UTC, so that "dates in the viewer's time zone" is visible and checkable. */
export const ZONE = "Asia/Kolkata";

export const env = (name) => process.env[name] ?? fail(`${name} is not set`);

export function fail(message) {
  console.log(`FAIL ${message}`);
  process.exit(1);
}
export function ok(check) {
  console.log(`ok ${check}`);
}
export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const lines = createInterface({ input: process.stdin });
/** The next line the JUnit test writes to our stdin. */
export const nextLine = () => new Promise((resolve) => lines.once("line", resolve));

/**
 * Runs `test(context)` in a fresh chromium profile; on failure, screenshots what the browser showed
 * into `shots`. Exits the process: 0 when the test passed.
 */
export async function withBrowser(shots, test) {
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "patchbay-console-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    timezoneId: ZONE,
    locale: "en-GB",
    viewport: { width: 1280, height: 800 },
  });
  const errors = [];
  context.on("weberror", (e) => errors.push(String(e.error())));
  try {
    await test(context).catch(async (e) => {
      for (const [i, p] of context.pages().entries()) await p.screenshot({ path: join(shots, `failure-${i}.png`) }).catch(() => {});
      throw e;
    });
    expect(errors.length === 0, `page errors: ${errors.join("; ")}`);
  } catch (e) {
    fail(e.stack ?? String(e));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    lines.close();
  }
  process.exit(0);
}

/** Every control has a label; a page with an unlabelled control fails. */
export async function labelled(page, where) {
  const bad = await page.evaluate(() => [...document.querySelectorAll("input, select, textarea, button")]
    .filter((el) => !(el.labels?.length) && !el.getAttribute("aria-label") && !el.textContent.trim())
    .map((el) => el.outerHTML.slice(0, 80)));
  expect(bad.length === 0, `${where}: controls without a label: ${bad.join(", ")}`);
}

/** Screenshots at 1280 and 390 px, failing when the page scrolls sideways at either. */
export async function shot(page, shots, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width > 800 ? 800 : 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) {
      // Name the widest element that sticks out, so the failure says what to fix.
      const culprit = await page.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth || el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.outerHTML.slice(0, 120)).pop());
      expect(false, `${name} at ${width} px scrolls sideways by ${overflow} px: ${culprit}`);
    }
    await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Signs in by keyboard only and checks the key went to sessionStorage and nowhere else. */
export async function signIn(page, url, key) {
  await page.goto(url);
  const input = page.getByLabel("Admin key");
  await input.waitFor({ timeout: TIMEOUT });
  expect(await input.evaluate((el) => el === document.activeElement), "the key field has no focus on load");
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Configuration" }).waitFor({ timeout: TIMEOUT });
  const stored = await page.evaluate(() => ({
    session: Object.values(sessionStorage), local: Object.keys(localStorage), cookie: document.cookie, url: location.href,
  }));
  expect(stored.session.includes(key), "the key is not in sessionStorage");
  expect(stored.local.length === 0 && stored.cookie === "" && !stored.url.includes(key),
    `the key leaked outside sessionStorage: ${JSON.stringify({ ...stored, session: undefined })}`);
}
