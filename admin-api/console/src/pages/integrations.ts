import { ApiError, tagged } from "../api";
import { field, h, when } from "../dom";
import { body, submit } from "../forms";

/** How a form value becomes the JSON the API wants; anything that does not convert goes as typed, so the API names it. */
type Kind = "text" | "secret" | "int" | "list" | "json" | "select";
interface Input { name: string; label: string; kind: Kind; hint?: string; options?: string[] }
interface Integration { path: string; title: string; about: string; inputs: Input[] }

const INTEGRATIONS: Integration[] = [
  { path: "ameyo", title: "Ameyo", about: "Calls Ameyo's SIP gateway sends, and the notifications sent back.", inputs: [
    { name: "allowed_sources", label: "Ameyo allowed sources (CIDRs)", kind: "list", hint: "comma-separated, e.g. 203.0.113.0/24" },
    { name: "notification_url", label: "Ameyo notification URL", kind: "text" },
    { name: "authorization", label: "Ameyo Authorization value", kind: "secret", hint: "write-only; empty keeps the stored one" },
    { name: "host", label: "Ameyo host", kind: "text", hint: "e.g. tenant.ameyo.app" },
    { name: "notification_id", label: "Ameyo notification id", kind: "text", hint: "empty: 95" },
    { name: "properties", label: "Ameyo properties (JSON object)", kind: "json" },
    { name: "bye_timeout_seconds", label: "Ameyo BYE timeout (s)", kind: "int", hint: "empty: 60" }] },
  { path: "ringcx", title: "RingCX", about: "SIP INFO size and hang-up timing for RingCentral Contact Center.", inputs: [
    { name: "info_max_bytes", label: "RingCX INFO max bytes", kind: "int", hint: "empty: 8192" },
    { name: "bye_timeout_seconds", label: "RingCX BYE timeout (s)", kind: "int" }] },
  { path: "asapp", title: "ASAPP", about: "Transfers to and from ASAPP.", inputs: [
    { name: "bot_id", label: "ASAPP bot id", kind: "text", hint: "a bot of this workspace, or empty" },
    { name: "transfer_ttl_seconds", label: "ASAPP transfer TTL (s)", kind: "int", hint: "60 to 86400" },
    { name: "default_return_transfer_type", label: "ASAPP return transfer", kind: "select", options: ["", "BYE", "REFER"] }] },
];

function control(i: Input, stored: Record<string, unknown> | null): HTMLElement {
  const v = stored?.[i.name];
  if (i.kind === "select") {
    return h("select", {}, (i.options ?? []).map((o) => h("option", { value: o, selected: v === o }, o || "(default)")));
  }
  if (i.kind === "json") {
    const t = h("textarea", { rows: "3", spellcheck: "false" });
    t.textContent = v === undefined || v === null ? "" : JSON.stringify(v);
    return t;
  }
  // A stored secret is never put in the form: the API does not return it, and the field stays empty.
  const shown = i.kind === "secret" || v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);
  return h("input", { type: i.kind === "secret" ? "password" : "text", value: shown, autocomplete: i.kind === "secret" ? "new-password" : "off",
    inputmode: i.kind === "int" ? "numeric" : undefined, spellcheck: "false" });
}

function json(form: HTMLFormElement, inputs: Input[]): Record<string, unknown> {
  const out: Record<string, unknown> = body(form);
  for (const i of inputs) {
    const v = out[i.name];
    if (typeof v !== "string") continue;
    if (i.kind === "int" && /^[0-9]+$/.test(v)) out[i.name] = Number(v);
    if (i.kind === "list") out[i.name] = v.split(",").map((x) => x.trim()).filter((x) => x);
    if (i.kind === "json") { try { out[i.name] = JSON.parse(v); } catch { /* sent as typed: the API says what it wants */ } }
  }
  return out;
}

async function integrationForm(ws: { id: string }, it: Integration): Promise<HTMLElement> {
  const path = `/v1/workspaces/${ws.id}/integrations/${it.path}`;
  let current: { value: Record<string, unknown>; etag: string | null } | null;
  try {
    current = await tagged<Record<string, unknown>>("GET", path);
  } catch (e) {
    if (!(e instanceof ApiError && e.problem.status === 404)) throw e;
    current = null;
  }
  const stored = current?.value ?? null;
  const form = h("form", { class: "grid", "aria-label": `${it.title} settings` },
    it.inputs.map((i) => field(i.label, i.name, control(i, stored), i.hint)),
    h("button", { type: "submit" }, `Save ${it.title}`)) as HTMLFormElement;
  submit(form, async () => {
    // Replacing settings names the version replaced, so two operators do not overwrite each other unseen.
    await tagged("PUT", path, json(form, it.inputs), current?.etag ? { "If-Match": current.etag } : {});
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
  const status = stored
    ? `configured, updated ${when(String(stored.updated_at ?? ""))}${stored.has_authorization ? "; Authorization set (write-only)" : ""}`
    : "not configured";
  return h("div", { class: "integration" }, h("h3", {}, `${it.title}: ${status}`), h("p", { class: "hint" }, it.about), form);
}

/** The workspace's contact-centre integrations (Ameyo, RingCX, ASAPP), each one document replaced whole by PUT. */
export async function integrationsSection(ws: { id: string; name: string }): Promise<HTMLElement> {
  const forms = await Promise.all(INTEGRATIONS.map((it) => integrationForm(ws, it)));
  return h("section", { "aria-labelledby": "integrations-title", class: "card" },
    h("h2", { id: "integrations-title" }, `Integrations of ${ws.name}`), forms);
}
