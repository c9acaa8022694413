// A real call on the live page: ConsoleLiveCallE2eTest runs the whole gateway (admin-api,
// control-plane, media-plane on PostgreSQL) and SIPp, which streams PCMU. This script signs in, opens the
// live page, prints "watching", and on stdin gets "placed" when SIPp starts; it checks the call's codec,
// jitter and MOS show within 1 s of the answer. SIPp waits for the far end's BYE:
// the script hangs the call up with the live page's button, and gets "ended" once SIPp has passed.
// Then it drains the media node from the Fleet page. Variables: CONSOLE_URL, OPERATOR_KEY, DID (the
// number SIPp calls), NODE (the media node's id), SHOTS.
import { env, expect, labelled, nextLine, ok, shot, signIn, withBrowser, TIMEOUT } from "./browser.mjs";

const URL = env("CONSOLE_URL");
const OPERATOR_KEY = env("OPERATOR_KEY");
const DID = env("DID");
const NODE = env("NODE");
const SHOTS = env("SHOTS");
/**
 * The bound on both waits. The stream pushes every 500 ms, and "placed" is said when SIPp starts, so
 * the time also holds SIPp's start and the call's set-up; the script prints what it measured.
 */
const WITHIN_MS = 3000;

await withBrowser(SHOTS, async (context) => {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await signIn(page, URL, OPERATOR_KEY);
  await page.getByRole("link", { name: "Live calls" }).click();
  await page.getByText("No calls in progress.").waitFor();
  console.log("watching");
  expect(await nextLine() === "placed", "expected 'placed' on stdin");
  const placed = Date.now();
  await page.getByRole("cell", { name: DID }).first().waitFor({ timeout: 20_000 });
  const appeared = Date.now() - placed;
  expect(appeared <= WITHIN_MS, `the call took ${appeared} ms to appear on the live page`);
  ok(`a SIPp call appears on the live page ${appeared} ms after SIPp started`);

  // The media node's figures (CallStats: codec since contract v1.11, jitter from SIPp's RTP), pushed by the stream.
  const filled = await (await page.waitForFunction((did) => {
    const row = [...document.querySelectorAll("tr[data-call-row]")].find((tr) => tr.textContent.includes(did));
    const cell = (l) => row?.querySelector(`td[data-label="${l}"]`)?.textContent ?? "";
    return /^PCMU/.test(cell("Codec")) && /^\d+\.\d ms$/.test(cell("Jitter")) && /^\d\.\d\d$/.test(cell("MOS"))
      ? { at: Date.now(), codec: cell("Codec"), jitter: cell("Jitter"), loss: cell("Loss"), mos: cell("MOS") } : false;
  }, DID, { timeout: 20_000 })).jsonValue();
  const res = await fetch(new globalThis.URL("/v1/live-calls", URL), { headers: { Authorization: `Bearer ${OPERATOR_KEY}` } });
  const call = (await res.json()).items.find((c) => c.to === DID);
  expect(call?.answered_at, `the call has no answer time: ${JSON.stringify(call)}`);
  const sinceAnswer = filled.at - Date.parse(call.answered_at);
  expect(sinceAnswer <= 1000, `codec and jitter showed ${sinceAnswer} ms after the answer`);
  ok(`the live page shows codec ${filled.codec}, jitter ${filled.jitter}, loss ${filled.loss} and MOS ${filled.mos} `
    + `${sinceAnswer} ms after the answer`);
  await labelled(page, "live calls with a call");
  await shot(page, SHOTS, "live-calls-sipp");

  // DTMF on the real call: the admin-api asks the media node holding it (SendDtmf), which queues the digits.
  await page.getByRole("button", { name: /^Transfer or DTMF call from / }).click();
  await page.getByLabel("Digits").fill("12");
  await page.getByRole("button", { name: "Send DTMF" }).click();
  await page.getByRole("status").filter({ hasText: "2 digit(s) sent" }).waitFor();
  ok("the console sends DTMF on the real call through its media node");

  // Listening before the hang-up: SIPp ends on its BYE and the test says "ended" at once, maybe
  // before the call has left the page, and a line said with no listener is lost.
  const ended = nextLine();
  // By keyboard: the button keeps its focus across the page's refreshes, so Enter twice confirms.
  await page.getByRole("button", { name: /^Hang up call from / }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: /^Confirm hang up call from / }).waitFor();
  await page.keyboard.press("Enter");
  const pressed = Date.now();
  await page.getByText("No calls in progress.").waitFor({ timeout: 20_000 });
  const gone = Date.now() - pressed;
  expect(gone <= WITHIN_MS, `the call took ${gone} ms to leave the live page after the hang-up`);
  ok(`the console hangs the call up: it leaves the live page ${gone} ms after the confirming press`);
  expect(await ended === "ended", "expected 'ended' on stdin");
  ok("SIPp got the BYE");

  await page.getByRole("link", { name: "Fleet" }).click();
  await page.getByRole("button", { name: `Drain node ${NODE}` }).click();
  await page.getByRole("button", { name: `Confirm drain node ${NODE}` }).click();
  await page.getByRole("alert").filter({ hasText: `Node ${NODE} is draining: 0 calls in progress` }).waitFor();
  ok("the fleet page drains the media node");
});
