// The console in a real browser: Debian's chromium driven by playwright-core, against a real
// admin-api (ConsoleBrowserTest starts it on PostgreSQL and passes these variables):
//   CONSOLE_URL     http://127.0.0.1:<port>/console/
//   OPERATOR_KEY    the operator key
//   OTHER_WS        a workspace made beforehand, with calls (one live); OTHER_ADMIN_KEY is its admin key
//   RECORDED_CALL   the id of OTHER_WS's call whose recording a stand-in node holds
//   LIVE_CALL       the id of OTHER_WS's live call; the test asks on stdout for it to end ("hangup?")
//                   and waits for a line on stdin before checking that it leaves the live page
//   NODE_CALL       the id of OTHER_WS's second live call, held by a stand-in node that takes transfers and DTMF
//   WALLET_SESSION  an agent session of OTHER_WS; FOREIGN_SESSION one of another workspace
//   SHOTS           where to write the screenshots (1280 and 390 px wide)
// Prints "ok <check>" per check passed; exits 1 on the first failure.
import { env, expect, labelled, nextLine, ok, shot, signIn, withBrowser, TIMEOUT, ZONE } from "./browser.mjs";

const URL = env("CONSOLE_URL");
const OPERATOR_KEY = env("OPERATOR_KEY");
const OTHER_WS = env("OTHER_WS");
const OTHER_ADMIN_KEY = env("OTHER_ADMIN_KEY");
const LIVE_CALL = env("LIVE_CALL");
const RECORDED_CALL = env("RECORDED_CALL");
const NODE_CALL = env("NODE_CALL");
const WALLET_SESSION = env("WALLET_SESSION");
const FOREIGN_SESSION = env("FOREIGN_SESSION");
const SHOTS = env("SHOTS");

async function api(method, path, key, body) {
  const res = await fetch(new globalThis.URL(path, URL), {
    method, headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The admin API's answer to /v1/me for a key: 200 when it works, 401 when it does not. */
const me = async (key) => (await api("GET", "/v1/me", key)).status;

/** An outbound trunk made through the console; its password goes in and never comes back out. */
async function trunks(page, wsId) {
  const form = page.locator('form[aria-label="New outbound trunk"]');
  await page.getByLabel("Trunk name").fill("Carrier");
  await page.getByLabel("Trunk host").fill("bad host!");
  await page.getByRole("button", { name: "Create trunk" }).click();
  await form.locator('[data-error-for="host"]').filter({ hasText: /./ }).waitFor();
  ok("a bad trunk host shows the API's error next to the host field");
  const secret = `pw-${Date.now().toString(36)}`;
  await page.getByLabel("Trunk host").fill("sip.carrier.example");
  await page.getByLabel("Caller ID (E.164)").fill("+442079460999");
  await page.getByLabel("SIP user name").fill("acme");
  await page.getByLabel("SIP password").fill(secret);
  await page.getByRole("button", { name: "Create trunk" }).click();
  await page.getByRole("row").filter({ hasText: "sip.carrier.example:5060" }).filter({ hasText: "set (write-only)" }).waitFor();
  expect(await page.getByLabel("SIP password").inputValue() === "", "the password field still holds the password");
  const listed = JSON.stringify((await api("GET", `/v1/workspaces/${wsId}/trunks`, OPERATOR_KEY)).json);
  expect(listed.includes('"has_password":true') && !listed.includes(secret), `the API's trunk list: ${listed}`);
  expect(!(await page.content()).includes(secret), "the trunk's password is in the page");
  ok("an outbound trunk is created through the console; its password is write-only");

  await page.getByRole("button", { name: "Edit trunk Carrier" }).click();
  const editForm = page.locator('form[aria-label="Edit trunk Carrier"]');
  const host = page.getByLabel("Edit: host");
  expect(await page.getByLabel("Edit: trunk name").evaluate((el) => el === document.activeElement), "the edit form's first field has no focus");
  expect(await page.getByLabel("Edit: SIP password").inputValue() === "", "the edit form holds a password");
  await host.fill("bad host!");
  await page.getByRole("button", { name: "Save trunk" }).click();
  await editForm.locator('[data-error-for="host"]').filter({ hasText: /./ }).waitFor();
  ok("a bad host in the outbound trunk's edit form shows the API's error next to the field");
  const secret2 = `pw2-${Date.now().toString(36)}`;
  await host.fill("sip2.carrier.example");
  await page.getByLabel("Edit: SIP password").fill(secret2);
  await page.getByRole("button", { name: "Save trunk" }).click();
  await page.getByRole("row").filter({ hasText: "sip2.carrier.example:5060" }).filter({ hasText: "set (write-only)" }).waitFor();
  const edited = (await api("GET", `/v1/workspaces/${wsId}/trunks`, OPERATOR_KEY)).json.items.find((t) => t.name === "Carrier");
  expect(edited?.host === "sip2.carrier.example" && edited.username === "acme" && edited.has_password === true,
    `the API's outbound trunk: ${JSON.stringify(edited)}`);
  const html = await page.content();
  expect(!html.includes(secret) && !html.includes(secret2), "a trunk password is in the page");
  ok("an outbound trunk is edited through the console (PATCH with If-Match); its new password is write-only");

  const inbound = page.locator('form[aria-label="New inbound trunk"]');
  await page.getByLabel("Name (inbound)").fill("Office PBX");
  await page.getByLabel("Allowed sources (CIDRs)", { exact: true }).fill("198.51.100.0/24\n300.1.1.1/32");
  await page.getByRole("button", { name: "Create inbound trunk" }).click();
  await inbound.locator('[data-error-for="allowed_cidrs"]').filter({ hasText: /^item 2: / }).waitFor();
  ok("a bad inbound CIDR shows the API's error next to the sources field, naming the item");
  await page.getByLabel("Allowed sources (CIDRs)", { exact: true }).fill("198.51.100.0/24");
  await page.getByLabel("Transports (inbound)").fill("udp, tcp");
  await page.getByRole("button", { name: "Create inbound trunk" }).click();
  await page.getByRole("row").filter({ hasText: "Office PBX" }).filter({ hasText: "198.51.100.0/24" }).waitFor();
  await page.getByRole("button", { name: "Edit trunk Office PBX" }).click();
  const cidrs = page.getByLabel("Edit: allowed sources (CIDRs)");
  expect(await cidrs.evaluate((el) => el === document.activeElement), "the edit form's first field has no focus");
  await cidrs.fill("198.51.100.0/24\n192.0.2.0/25");
  await page.getByRole("button", { name: "Save trunk" }).click();
  await page.getByRole("row").filter({ hasText: "Office PBX" }).filter({ hasText: "192.0.2.0/25" }).waitFor();
  const pbx = (await api("GET", `/v1/workspaces/${wsId}/trunks`, OPERATOR_KEY)).json.items.find((t) => t.name === "Office PBX");
  expect(JSON.stringify(pbx?.allowed_cidrs) === '["198.51.100.0/24","192.0.2.0/25"]'
    && JSON.stringify(pbx?.transports) === '["udp","tcp"]', `the API's inbound trunk: ${JSON.stringify(pbx)}`);
  ok("an inbound trunk is created and its sources edited through the console (PATCH with If-Match)");
}

/** A webhook made through the console: its generated secret shown once, never listed; then deleted. */
async function webhooks(page, wsId) {
  const form = page.locator('form[aria-label="New webhook"]');
  await page.getByLabel("Webhook URL").fill("ftp://crm.example/hook");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await form.locator('[data-error-for="url"]').filter({ hasText: /./ }).waitFor();
  await page.getByLabel("Webhook URL").fill("https://crm.example/hook");
  for (const e of ["call.answered", "call.completed", "call.failed"]) await page.getByLabel(e).uncheck();
  await page.getByRole("button", { name: "Add webhook" }).click();
  await form.locator('[data-error-for="events"]').filter({ hasText: /./ }).waitFor();
  ok("a bad webhook URL and an empty event list show the API's errors next to their fields");
  await page.getByLabel("call.completed").check();
  await page.getByRole("button", { name: "Add webhook" }).click();
  const secret = await page.getByLabel("Signing secret (shown once)").inputValue();
  await page.getByRole("row").filter({ hasText: "https://crm.example/hook" }).filter({ hasText: "call.completed" }).waitFor();
  const listed = JSON.stringify((await api("GET", `/v1/workspaces/${wsId}/webhooks`, OPERATOR_KEY)).json);
  expect(secret.startsWith("whsec_") && !listed.includes(secret), `generated secret ${secret.slice(0, 6)}…, list ${listed}`);
  ok("a webhook is added through the console; its generated secret is shown once and never listed");
  await page.getByRole("button", { name: "I have copied it" }).click();
  await page.getByRole("button", { name: "Delete webhook https://crm.example/hook" }).click();
  await page.getByRole("button", { name: "Confirm delete webhook https://crm.example/hook" }).click();
  await page.getByText("No webhooks yet.").waitFor();
  expect((await api("GET", `/v1/workspaces/${wsId}/webhooks`, OPERATOR_KEY)).json.items.length === 0, "the webhook is still there");
  ok("deleting a webhook asks once more, then the API no longer holds it");
  // One kept for the screenshot.
  await page.getByLabel("Webhook URL").fill("https://crm.example/calls");
  await page.getByLabel("call.completed").check();
  await page.getByLabel("Signing secret", { exact: true }).fill("a-secret-typed-by-the-operator-0123");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await page.getByRole("row").filter({ hasText: "https://crm.example/calls" }).waitFor();
  expect(await page.getByLabel("Signing secret (shown once)").count() === 0, "a secret the operator typed was shown back");
  ok("a secret the operator typed is not shown back");
}

/** Ameyo and RingCX settings saved through the console; Ameyo's Authorization is write-only; a second save sends If-Match. */
async function integrations(page, wsId) {
  const ameyo = page.locator('form[aria-label="Ameyo settings"]');
  await page.getByLabel("Ameyo allowed sources (CIDRs)").fill("203.0.113.0/24, not-a-cidr");
  await page.getByLabel("Ameyo notification URL").fill("https://tenant.ameyo.app/notify");
  await page.getByRole("button", { name: "Save Ameyo" }).click();
  await ameyo.locator('[data-error-for="allowed_sources"]').filter({ hasText: "item 2" }).waitFor();
  ok("a bad Ameyo source shows the API's error next to the sources field, naming the item");
  const token = `Bearer tok-${Date.now().toString(36)}`;
  await page.getByLabel("Ameyo allowed sources (CIDRs)").fill("203.0.113.0/24");
  await page.getByLabel("Ameyo Authorization value").fill(token);
  await page.getByLabel("Ameyo host").fill("tenant.ameyo.app");
  await page.getByRole("button", { name: "Save Ameyo" }).click();
  await page.getByRole("heading", { name: /^Ameyo: configured.*Authorization set \(write-only\)/ }).waitFor();
  expect(await page.getByLabel("Ameyo Authorization value").inputValue() === "", "the Authorization field shows a stored value");
  expect(!(await page.content()).includes(token), "the Ameyo Authorization value is in the page");
  await page.getByLabel("Ameyo host").fill("other.ameyo.app");
  const [replaced] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/integrations/ameyo") && r.request().method() === "PUT"),
    page.getByRole("button", { name: "Save Ameyo" }).click()]);
  expect(replaced.status() === 200 && /^(W\/)?"/.test(replaced.request().headers()["if-match"] ?? ""),
    `the second Ameyo save: ${replaced.status()}, If-Match ${replaced.request().headers()["if-match"]}`);
  const stored = (await api("GET", `/v1/workspaces/${wsId}/integrations/ameyo`, OPERATOR_KEY)).json;
  expect(stored.host === "other.ameyo.app" && stored.has_authorization === true && !JSON.stringify(stored).includes(token),
    `the API's Ameyo settings: ${JSON.stringify(stored)}`);
  ok("Ameyo settings are saved and replaced (with If-Match) through the console; the Authorization stays write-only");
  await page.getByLabel("RingCX INFO max bytes").fill("4096");
  await page.getByRole("button", { name: "Save RingCX" }).click();
  await page.getByRole("heading", { name: /^RingCX: configured/ }).waitFor();
  expect(await page.getByLabel("RingCX INFO max bytes").inputValue() === "4096", "RingCX's saved value is not shown");
  ok("RingCX settings are saved through the console");
}

/** API and admin keys: created, rotated and revoked through the console; each secret is shown once. */
async function keys(page, wsId) {
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.locator('form[aria-label="New API key"] [data-error-for="name"]').filter({ hasText: /./ }).waitFor();
  ok("an API key without a name shows the API's error next to its name field");
  await page.getByLabel("API key name").fill("CRM");
  await page.getByRole("button", { name: "Create API key" }).click();
  const apiSecret = await page.getByLabel("New API key (shown once)").inputValue();
  const apiKeys = (await api("GET", `/v1/workspaces/${wsId}/api-keys`, OPERATOR_KEY)).json.items;
  expect(apiKeys.length === 1 && apiSecret.startsWith(`${apiKeys[0].id}.`) && !JSON.stringify(apiKeys).includes(apiSecret.split(".")[1]),
    `the API key shown (${apiSecret.split(".")[0]}) is not the one the API holds: ${JSON.stringify(apiKeys)}`);
  await page.getByRole("cell", { name: apiKeys[0].id, exact: true }).waitFor();
  ok("an API key is created through the console and its secret shown once");

  await page.getByLabel("Admin key name").fill("ops");
  await page.getByRole("button", { name: "Create admin key" }).click();
  const first = await page.getByLabel("New admin key (shown once)").inputValue();
  expect(await me(first) === 200, "the admin key the console showed does not sign in");
  const id = first.split(".")[0];
  await page.getByLabel("Old key after rotating", { exact: true }).last().selectOption({ label: "ends now" });
  await page.getByRole("button", { name: `Rotate admin key ops (${id})` }).click();
  await page.getByRole("status").filter({ hasText: "rotated" }).waitFor();
  const second = await page.getByLabel("New admin key (shown once)").inputValue();
  expect(second !== first && await me(second) === 200 && await me(first) === 401,
    "after rotating with no overlap the old admin key still works or the new one does not");
  ok("rotating an admin key shows its successor once and ends the old one");

  const nextId = second.split(".")[0];
  const copied = page.getByRole("button", { name: "I have copied it" });
  while (await copied.count() > 0) await copied.first().click();
  expect(await page.getByLabel(/\(shown once\)$/).count() === 0, "a secret stays on the page after 'I have copied it'");
  await page.getByRole("button", { name: `Revoke admin key ops (${nextId})` }).click();
  expect(await me(second) === 200, "one press on Revoke revoked the key without asking");
  await page.keyboard.press("Enter"); // the armed button keeps the focus: a keyboard user confirms with Enter
  await page.getByRole("row").filter({ hasText: nextId }).filter({ hasText: "revoked" }).waitFor();
  expect(await me(second) === 401, "the revoked admin key still signs in");
  const html = await page.content();
  expect(![first, second, apiSecret].some((k) => html.includes(k.split(".")[1])), "a secret is still in the page");
  ok("revoking an admin key asks once more, then the key no longer signs in; no secret is left in the page");
}

/** The text of one cell of the live page's row for a caller. */
const liveCell = (page, from, column) =>
  page.locator("tr[data-call-row]", { hasText: from }).locator(`td[data-label="${column}"]`).textContent();

/**
 * The stand-in node's figures on the live page, pushed by the stream: its codec, and its jitter, which the
 * node raises with every CallStats, so a later push must change the cell in place.
 */
async function liveMedia(page) {
  const from = "+34911234567";
  await page.waitForFunction((f) => {
    const row = [...document.querySelectorAll("tr[data-call-row]")].find((tr) => tr.textContent.includes(f));
    return /^\d+\.\d ms$/.test(row?.querySelector('td[data-label="Jitter"]')?.textContent ?? "");
  }, from);
  const codec = await liveCell(page, from, "Codec");
  expect(codec === "PCMU 20 ms", `the codec cell: ${codec}`);
  const loss = await liveCell(page, from, "Loss");
  expect(loss === "1.0 %", `the loss cell: ${loss}`);
  const mos = await liveCell(page, from, "MOS");
  expect(/^4\.\d\d$/.test(mos), `the MOS cell: ${mos}`);
  const jitter = await liveCell(page, from, "Jitter");
  const button = page.getByRole("button", { name: `Transfer or DTMF call from ${from}` });
  await button.focus();
  await page.waitForFunction(([f, before]) => {
    const row = [...document.querySelectorAll("tr[data-call-row]")].find((tr) => tr.textContent.includes(f));
    const now = row?.querySelector('td[data-label="Jitter"]')?.textContent ?? "";
    return /^\d+\.\d ms$/.test(now) && now !== before;
  }, [from, jitter]);
  const later = await liveCell(page, from, "Jitter");
  expect(await button.evaluate((el) => el === document.activeElement), "a push took the focus off the row's button");
  ok(`the live page shows the node's codec (${codec}), loss (${loss}) and MOS (${mos}); jitter updates in place (${jitter} -> ${later})`);
}

/** Transfer and DTMF on the call the stand-in node holds, from the live page's action forms. */
async function liveActions(page) {
  await page.getByRole("button", { name: "Transfer or DTMF call from +34911234567" }).click();
  const to = page.getByLabel("Transfer to");
  expect(await to.evaluate((el) => el === document.activeElement), "the transfer field has no focus after picking the call");
  await to.fill("desk");
  await page.getByRole("button", { name: "Transfer", exact: true }).click();
  await page.locator('form[aria-label="Transfer the call"] [data-error-for="to"]').filter({ hasText: "E.164" }).waitFor();
  expect(await to.getAttribute("aria-invalid") === "true", "the transfer target is not marked invalid");
  ok("a bad transfer target shows the API's error next to the field");
  await to.fill("+442079460777");
  await page.getByRole("button", { name: "Transfer", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "to tel:+442079460777: the target answered 202" }).waitFor();
  ok("the live page transfers a call through the node holding it (blind, REFER)");
  await page.getByLabel("Digits").fill("12#");
  await page.getByRole("button", { name: "Send DTMF" }).click();
  await page.getByRole("status").filter({ hasText: "3 digit(s) sent" }).waitFor();
  const events = (await api("GET", `/v1/workspaces/${OTHER_WS}/calls/${NODE_CALL}`, OPERATOR_KEY)).json.events;
  expect(["transfer-requested", "dtmf-sent"].every((t) => events.some((e) => e.type === t && e.detail.includes("operator"))),
    `the call's timeline: ${JSON.stringify(events)}`);
  ok("the live page sends DTMF through the node holding the call; the timeline names who asked");
}

/** The wallets: the operator lists every session, opens one and grants credit; a bad amount is refused. */
async function wallets(page) {
  await page.getByRole("link", { name: "Wallets" }).click();
  await page.getByRole("link", { name: WALLET_SESSION }).waitFor();
  await page.getByRole("link", { name: FOREIGN_SESSION }).waitFor();
  ok("the wallets page lists every workspace's agent sessions for the operator");
  await labelled(page, "wallets");
  await shot(page, SHOTS, "wallets");
  await page.getByRole("link", { name: WALLET_SESSION }).click();
  await page.getByRole("heading", { name: `Wallet of ${WALLET_SESSION}` }).waitFor();
  const amount = page.getByLabel("Amount (USD)");
  await amount.fill("-5");
  await page.getByRole("button", { name: "Grant credit" }).click();
  await page.locator('form[aria-label="Grant credit"] [data-error-for="amount"]').filter({ hasText: "positive amount" }).waitFor();
  expect(await amount.getAttribute("aria-invalid") === "true", "the amount is not marked invalid");
  const base = `/v1/workspaces/${OTHER_WS}/agent-sessions/${WALLET_SESSION}`;
  expect((await api("GET", `${base}/wallet`, OPERATOR_KEY)).json.ledger.length === 0, "a refused amount reached the ledger");
  ok("a bad amount shows the API's error next to the amount field, and nothing is credited");
  await amount.fill("12.50");
  await page.getByLabel("Note").fill("console trial credit");
  await page.getByRole("button", { name: "Grant credit" }).click();
  await page.locator('dd[data-fact="Available"]').filter({ hasText: "12.50" }).waitFor();
  await page.getByRole("row").filter({ hasText: "credit" }).filter({ hasText: "operator" }).waitFor();
  const w = (await api("GET", `${base}/wallet`, OPERATOR_KEY)).json;
  expect(w.balance.available === 12.5 && w.ledger.length === 1 && w.ledger[0].granted_by === "operator",
    `the API's wallet: ${JSON.stringify(w)}`);
  ok("a credit granted through the console shows in the balance and the ledger (one transaction)");
  await labelled(page, "wallet");
  await shot(page, SHOTS, "wallet");
}

async function run(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  // Anything loaded from another origin would be a CDN dependency.
  const foreign = [];
  // A blob: URL of this origin is the recording the page fetched from the API and holds in memory.
  const origin = new globalThis.URL(URL).origin;
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:") && !r.url().startsWith(`blob:${origin}/`)) foreign.push(r.url());
  });

  await page.goto(URL);
  await page.getByLabel("Admin key").waitFor();
  await labelled(page, "sign-in");
  await shot(page, SHOTS, "sign-in");
  await page.getByLabel("Admin key").fill("not-a-key");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('[data-error-for="Authorization"]').filter({ hasText: "not valid" }).waitFor();
  ok("a wrong key is refused, with the API's error next to the key field");

  await signIn(page, URL, OPERATOR_KEY);
  ok("the operator signs in by keyboard; the key is in sessionStorage only");

  // The operator creates a workspace, a bot and a DID through the forms.
  const name = `Acme ${Date.now().toString(36)}`;
  await page.getByLabel("Workspace name").fill(name);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.getByRole("heading", { name: `Bots of ${name}` }).waitFor();
  const wsId = decodeURIComponent(page.url().split("#/config/")[1]);
  await page.getByLabel("Bot name").fill("Front desk");
  await page.getByLabel("Kind").selectOption("wss");
  await page.getByLabel("URL", { exact: true }).fill("wss://bots.acme.example/voice");
  await page.getByRole("button", { name: "Create bot" }).click();
  await page.getByRole("cell", { name: "wss://bots.acme.example/voice" }).waitFor();
  await page.getByLabel("Bot", { exact: true }).selectOption({ label: "Front desk (wss)" });
  await page.getByLabel("Number (E.164)").fill("+442079460321");
  await page.getByRole("button", { name: "Add DID" }).click();
  await page.getByRole("cell", { name: "+442079460321 United Kingdom" }).waitFor();
  const dids = await api("GET", `/v1/workspaces/${wsId}/dids`, OPERATOR_KEY);
  const bots = await api("GET", `/v1/workspaces/${wsId}/bots`, OPERATOR_KEY);
  expect(dids.json.items.length === 1 && dids.json.items[0].number === "+442079460321"
    && dids.json.items[0].bot_id === bots.json.items[0].id, `the API does not hold the DID: ${JSON.stringify(dids.json)}`);
  ok("the operator creates a workspace, a bot and a DID through the console");
  expect(dids.json.items[0].country === "GB", `the DID's country is ${dids.json.items[0].country}`);
  ok("the DID is shown in E.164 with its country, as the API's libphonenumber placed it (GB: United Kingdom)");

  // A bad value: the API's problem+json detail appears next to the field it names.
  await page.getByLabel("Bot", { exact: true }).selectOption({ label: "Front desk (wss)" });
  await page.getByLabel("Number (E.164)").fill("+1 555");
  await page.getByRole("button", { name: "Add DID" }).click();
  const expected = await api("POST", `/v1/workspaces/${wsId}/dids`, OPERATOR_KEY,
    { number: "+1 555", bot_id: bots.json.items[0].id });
  expect(expected.status === 400 || expected.status === 422, `the API took +1 555: ${expected.status}`);
  const detail = expected.json.errors.find((e) => e.field === "number").detail;
  const slot = page.locator('[data-field="number"] [data-error-for="number"]');
  await slot.filter({ hasText: detail }).waitFor();
  expect(await page.getByLabel("Number (E.164)").getAttribute("aria-invalid") === "true", "the number is not marked invalid");
  expect(await page.getByLabel("Number (E.164)").evaluate((el) => el === document.activeElement), "focus did not go to the field at fault");
  ok(`a bad DID shows the API's error next to the number field: "${detail}"`);
  await page.getByLabel("Bot name").fill("");
  await page.getByRole("button", { name: "Create bot" }).click();
  await page.locator('[data-field="name"] [data-error-for="name"]').filter({ hasText: /./ }).first().waitFor();
  ok("an empty bot name shows the API's error next to the name field");
  // The audit log shows the three changes the forms made (the refused ones made none).
  await page.waitForFunction(() => ["workspace create", "bot create", "did create"].every((w) =>
    [...document.querySelectorAll('td[data-label="What"]')].some((td) => td.textContent === w)));
  expect(await page.locator('td[data-label="What"]').count() === 3, "the audit log holds other than the three changes");
  ok("the workspace's audit log shows the workspace, bot and DID created");
  await trunks(page, wsId);
  await keys(page, wsId);
  await webhooks(page, wsId);
  await integrations(page, wsId);
  // The screenshot shows a refused form: the API's error next to its field.
  await page.getByLabel("Bot", { exact: true }).selectOption({ label: "Front desk (wss)" });
  await page.getByLabel("Number (E.164)").fill("+1 555");
  await page.getByRole("button", { name: "Add DID" }).click();
  await page.locator('[data-field="number"] [data-error-for="number"]').filter({ hasText: "E.164" }).waitFor();
  await labelled(page, "configuration");
  await shot(page, SHOTS, "configuration");

  // Call log, one call, live calls and fleet, as the operator.
  await page.getByRole("link", { name: "Call log" }).click();
  await page.getByRole("heading", { name: "Call log" }).waitFor();
  await page.getByRole("link", { name: LIVE_CALL }).waitFor();
  await labelled(page, "call log");
  await shot(page, SHOTS, "call-log");
  await page.getByLabel("Status").selectOption("in-progress");
  await page.getByRole("button", { name: "Search" }).click();
  // The first page already showed the live calls: wait for the search's own answer, the two in progress.
  await page.waitForFunction(() => {
    const status = [...document.querySelectorAll('td[data-label="Status"]')].map((td) => td.textContent);
    return status.length === 2 && status.every((s) => s === "in-progress");
  });
  await page.getByRole("link", { name: LIVE_CALL }).waitFor();
  await page.getByLabel("Number").fill("12ab");
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator('[data-error-for="number"]').filter({ hasText: "digits" }).waitFor();
  ok("the call log searches by status, and a bad number shows the API's error next to the field");
  await page.getByLabel("Number").fill("");
  await page.getByLabel("Status").selectOption("completed");
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForFunction(() => {
    const status = [...document.querySelectorAll('td[data-label="Status"]')].map((td) => td.textContent);
    return status.length === 25 && status.every((s) => s === "completed");
  });
  const more = page.getByRole("button", { name: "Load more" });
  await more.waitFor();
  const before = await page.locator("tbody tr").count();
  await more.click();
  await page.waitForFunction((n) => document.querySelectorAll("tbody tr").length > n, before);
  ok("the call log pages on with the API's cursor (Load more)");

  await page.getByRole("link", { name: "Live calls" }).click();
  await page.getByRole("cell", { name: "+33142685300 France" }).first().waitFor();
  const live = (await api("GET", "/v1/live-calls", OPERATOR_KEY)).json.items.find((c) => c.from === "+33142685300");
  expect(live?.from_country === "FR", `the live call's from_country: ${live?.from_country}`);
  ok("the live page shows the caller in E.164 with its country (FR: France)");
  await liveMedia(page);
  await liveActions(page);
  await labelled(page, "live calls");
  await shot(page, SHOTS, "live-calls");
  // The live call's node ("node-1") does not exist: the hang-up reaches the API, which says so.
  await page.getByRole("button", { name: "Hang up call from +33142685300" }).click();
  await page.getByRole("button", { name: "Confirm hang up call from +33142685300" }).click();
  await page.getByRole("alert").filter({ hasText: /^503: the media node at node-1 does not answer/ }).waitFor();
  ok("the live page's hang-up (two presses) shows the API's 503 when the node does not answer");
  console.log("hangup?");
  await nextLine();
  const gone = Date.now();
  await page.getByText("No calls in progress.").waitFor({ timeout: 3000 });
  ok(`an ended call leaves the live page (${Date.now() - gone} ms after the row ended)`);

  await page.goto(`${URL}#/calls/${OTHER_WS}/${LIVE_CALL}`);
  await page.getByRole("heading", { name: `Call ${LIVE_CALL}` }).waitFor();
  await page.getByRole("cell", { name: "answered" }).waitFor();
  const started = await page.locator("dt:text-is('Started') + dd").textContent();
  expect(/GMT\+5:30|IST/.test(started), `the start time is not in the viewer's zone (${ZONE}): ${started}`);
  ok(`a call's page shows its events, and its times in the viewer's zone: ${started}`);
  const sip = page.getByRole("region", { name: "INVITE headers, in order" });
  const names = await sip.locator('td[data-label="Header"]').allTextContents();
  expect(JSON.stringify(names) === JSON.stringify(["Via", "Max-Forwards", "From", "To", "Call-ID", "CSeq", "User-Agent",
    "P-Asserted-Identity", "Diversion", "X-Customer-Id", "Content-Type"]), `the INVITE's headers, in order: ${names}`);
  await sip.getByRole("row").filter({ hasText: "X-Customer-Id" }).filter({ hasText: "cust-4711" }).waitFor();
  await sip.getByRole("row").filter({ hasText: "P-Asserted-Identity" }).filter({ hasText: '"Marie" <sip:+33142685300@' }).waitFor();
  await page.getByText("2 more header(s) past the stored limit").waitFor();
  const mos = await page.locator('dd[data-fact="mos"]').textContent();
  const loss = await page.locator('dd[data-fact="loss"]').textContent();
  const jitter = await page.locator('dd[data-fact="jitter"]').textContent();
  expect(mos === "4.33" && loss === "0.40 %" && jitter === "4.3 ms", `the call's quality: MOS ${mos}, loss ${loss}, jitter ${jitter}`);
  ok(`a call's page shows its INVITE's SIP headers in order and its quality (${names.length} headers, MOS ${mos})`);
  await shot(page, SHOTS, "call");

  // A recorded call: 2 s of a tone on the caller's (left) channel, silence on the bot's, from the node.
  await page.goto(`${URL}#/calls/${OTHER_WS}/${RECORDED_CALL}`);
  const audio = page.getByLabel(`Recording of call ${RECORDED_CALL}`);
  await audio.waitFor();
  await page.waitForFunction(() => Math.abs((document.querySelector("audio")?.duration ?? 0) - 2) < 0.05);
  await audio.evaluate((a) => a.play());
  await page.waitForFunction(() => document.querySelector("audio").currentTime > 0.2);
  const inked = await page.evaluate(() => {
    const c = document.querySelector("canvas");
    const g = c.getContext("2d");
    const count = (y) => g.getImageData(0, y, c.width, c.height / 2).data.filter((v, i) => i % 4 === 3 && v > 0).length;
    return [count(0), count(c.height / 2)];
  });
  expect(inked[0] > 5 * inked[1], `the waveform's caller row is not louder than the bot's: ${inked}`);
  ok(`a recorded call's page plays its recording (2 s) and draws both channels (caller ${inked[0]} px, bot ${inked[1]} px)`);
  await labelled(page, "recording");
  await shot(page, SHOTS, "call-recording");

  await page.getByRole("link", { name: "Fleet" }).click();
  await page.getByRole("cell", { name: "node-console", exact: true }).waitFor();
  await labelled(page, "fleet");
  await shot(page, SHOTS, "fleet");
  ok("the fleet page lists the media nodes");
  await page.getByRole("button", { name: "Drain node node-console" }).click();
  await page.getByRole("button", { name: "Confirm drain node node-console" }).click();
  await page.getByRole("alert").filter({ hasText: /^50[23]: the media node at 127\.0\.0\.1:9090 / }).waitFor();
  ok("the fleet page's drain (two presses) shows the API's error when the node does not answer");
  await wallets(page);

  // A workspace admin in a fresh tab (its own sessionStorage) sees its own workspace only.
  const admin = await context.newPage();
  admin.setDefaultTimeout(TIMEOUT);
  await signIn(admin, URL, OTHER_ADMIN_KEY);
  const links = await admin.locator("section").first().getByRole("link").allTextContents();
  await admin.getByRole("heading", { name: /^Admin keys of / }).waitFor();
  expect(await admin.getByRole("button", { name: /^(Rotate|Revoke) admin key / }).count() === 0
    && await admin.getByRole("button", { name: "Create admin key" }).count() === 0,
    "the workspace admin is offered to issue, rotate or revoke admin keys");
  expect(links.length === 1 && !links.includes(name), `the workspace admin sees workspaces ${links}`);
  expect(await admin.getByRole("link", { name: "Fleet" }).count() === 0, "the workspace admin has a Fleet link");
  await admin.goto(`${URL}#/config/${wsId}`);
  await admin.getByRole("heading", { name: "Configuration" }).waitFor();
  expect(await admin.getByText(name).count() === 0, `the workspace admin sees ${name} at #/config/${wsId}`);
  await admin.getByRole("link", { name: "Call log" }).click();
  await admin.getByRole("heading", { name: "Call log" }).waitFor();
  await admin.locator("tbody tr").first().waitFor();
  const otherName = (await api("GET", `/v1/workspaces/${OTHER_WS}`, OTHER_ADMIN_KEY)).json.name;
  const workspaces = await admin.locator('td[data-label="Workspace"]').allTextContents();
  expect(workspaces.every((w) => w === otherName), `the workspace admin's call log shows ${[...new Set(workspaces)]}`);
  const probe = await admin.evaluate(async (ws) => {
    const key = Object.values(sessionStorage)[0];
    const r = await fetch(`/v1/workspaces/${ws}/bots`, { headers: { Authorization: `Bearer ${key}` } });
    return r.status;
  }, wsId);
  expect(probe === 404, `the workspace admin's key read another workspace's bots: ${probe}`);
  await admin.getByRole("link", { name: "Wallets" }).click();
  await admin.getByRole("link", { name: WALLET_SESSION }).waitFor();
  expect(await admin.getByRole("link", { name: FOREIGN_SESSION }).count() === 0, "the workspace admin sees another workspace's wallet");
  const foreignWallet = await admin.evaluate(async (path) => {
    const key = Object.values(sessionStorage)[0];
    return (await fetch(path, { headers: { Authorization: `Bearer ${key}` } })).status;
  }, `/v1/agent-sessions?workspace_id=${encodeURIComponent(wsId)}`);
  expect(foreignWallet === 404, `the workspace admin's key listed another workspace's wallets: ${foreignWallet}`);
  ok("a workspace admin sees only its own workspace's wallets");
  await admin.goto(`${URL}#/fleet`);
  await admin.getByRole("alert").filter({ hasText: "403" }).waitFor();
  ok("a workspace admin sees only its own workspace (list, config page, call log, API)");
  await admin.close();

  expect(foreign.length === 0, `requests to other origins: ${foreign.join(", ")}`);
  ok("nothing was loaded from another origin");
}

await withBrowser(SHOTS, run);
