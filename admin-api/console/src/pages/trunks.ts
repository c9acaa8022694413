import { api, get, post, tagged, type Page } from "../api";
import { field, h, mount, table, when } from "../dom";
import { body, submit } from "../forms";

/** A comma- or line-separated list as the API's array; empty stays out of the body. */
const list = (v: unknown) => typeof v === "string" ? v.split(/[\s,]+/).filter((x) => x !== "") : v;

interface Trunk {
  id: string; name: string; direction: "inbound" | "outbound"; host?: string; port?: number; transport?: string;
  caller_id?: string | null; allowed_cidrs?: string[]; transports?: string[]; username: string | null;
  has_password: boolean; dtmf_mode: string; created_at: string;
}

/**
 * One workspace's SIP trunks: listed; outbound and inbound ones created; an inbound one's sources,
 * transports and TLS rule, or an outbound one's settings, edited (PATCH with the If-Match of what it replaces). The password is
 * write-only: the form never holds a stored one, and the API answers only whether one is set.
 */
export async function trunksSection(ws: { id: string; name: string }): Promise<HTMLElement> {
  const base = `/v1/workspaces/${ws.id}/trunks`;
  const listed = h("div", {});
  const editSlot = h("div", {});
  async function load(): Promise<void> {
    const trunks = (await get<Page<Trunk>>(`${base}?limit=200`)).items;
    mount(listed, table(`Trunks of ${ws.name}`, ["Name", "Direction", "Peer", "Caller ID", "User", "Password", "Created", "Action"],
      trunks.map((t) => [t.name, t.direction,
        t.direction === "outbound" ? h("code", {}, `${t.host}:${t.port};transport=${t.transport}`)
          : (t.allowed_cidrs ?? []).join(", "),
        t.caller_id ? h("span", { class: "num" }, t.caller_id) : "—", t.username ?? "—",
        t.has_password ? "set (write-only)" : "none", when(t.created_at),
        h("button", { type: "button", class: "secondary", "aria-label": `Edit trunk ${t.name}`,
          onclick: () => void (t.direction === "inbound" ? edit(t.id) : editOutbound(t.id)) }, "Edit")]), "No trunks yet."));
  }
  /**
   * The outbound trunk's settings, filled from a fresh GET whose ETag the PATCH names. The password field
   * starts empty and is sent only when typed into: the stored one is never in the page.
   */
  async function editOutbound(id: string): Promise<void> {
    const { value: t, etag } = await tagged<Trunk>("GET", `${base}/${id}`);
    const text = (value: string | null | undefined, extra: Record<string, string> = {}) =>
      h("input", { type: "text", autocomplete: "off", spellcheck: "false", value: value ?? "", ...extra });
    const form = h("form", { class: "grid", "aria-label": `Edit trunk ${t.name}` },
      field("Edit: trunk name", "name", text(t.name)),
      field("Edit: host", "host", text(t.host)),
      field("Edit: port", "port", text(String(t.port ?? ""), { inputmode: "numeric" })),
      field("Edit: transport", "transport", h("select", {}, ["udp", "tcp", "tls"].map((v) =>
        h("option", { value: v, selected: t.transport === v }, v)))),
      field("Edit: caller ID (E.164)", "caller_id", text(t.caller_id, { type: "tel" }), "empty: none"),
      field("Edit: SIP user name", "username", text(t.username)),
      field("Edit: SIP password", "password", h("input", { type: "password", autocomplete: "new-password", spellcheck: "false" }),
        t.has_password ? "a password is set (write-only): leave empty to keep it" : "none set; leave empty for none"),
      h("button", { type: "submit" }, "Save trunk"),
      h("button", { type: "button", class: "secondary", onclick: () => mount(editSlot) }, "Cancel")) as HTMLFormElement;
    submit(form, async () => {
      const f = new FormData(form);
      const v = (k: string) => String(f.get(k) ?? "").trim();
      const b: Record<string, unknown> = { name: v("name"), host: v("host"), transport: v("transport"),
        port: /^[0-9]+$/.test(v("port")) ? Number(v("port")) : v("port"),
        caller_id: v("caller_id") || null, username: v("username") || null };
      if (String(f.get("password") ?? "") !== "") b.password = String(f.get("password"));
      await api("PATCH", `${base}/${id}`, b, etag ? { "If-Match": etag } : {});
      mount(editSlot);
      await load();
    });
    mount(editSlot, h("h3", {}, `Edit outbound trunk ${t.name}`), form);
    form.querySelector<HTMLElement>("input")?.focus();
  }
  /** The inbound trunk's editable fields, filled from a fresh GET whose ETag the PATCH names. */
  async function edit(id: string): Promise<void> {
    const { value: t, etag } = await tagged<Trunk>("GET", `${base}/${id}`);
    const form = h("form", { class: "grid", "aria-label": `Edit trunk ${t.name}` },
      field("Edit: allowed sources (CIDRs)", "allowed_cidrs", h("textarea", { rows: "2", spellcheck: "false" },
        (t.allowed_cidrs ?? []).join("\n")), "one per line or comma-separated; empty: digest only"),
      field("Edit: transports", "transports", h("input", { type: "text", autocomplete: "off",
        value: (t.transports ?? []).join(", ") }), "udp, tcp, tls"),
      field("Edit: require TLS", "tls_required", h("select", {}, ["false", "true"].map((v) => h("option",
        { value: v, selected: String((t as { tls_required?: boolean }).tls_required ?? false) === v }, v === "true" ? "yes" : "no")))),
      h("button", { type: "submit" }, "Save trunk"),
      h("button", { type: "button", class: "secondary", onclick: () => mount(editSlot) }, "Cancel")) as HTMLFormElement;
    submit(form, async () => {
      const f = new FormData(form);
      await api("PATCH", `${base}/${id}`, {
        allowed_cidrs: list(String(f.get("allowed_cidrs") ?? "")), transports: list(String(f.get("transports") ?? "")),
        tls_required: f.get("tls_required") === "true",
      }, etag ? { "If-Match": etag } : {});
      mount(editSlot);
      await load();
    });
    mount(editSlot, h("h3", {}, `Edit inbound trunk ${t.name}`), form);
    form.querySelector<HTMLElement>("textarea")?.focus();
  }
  const password = h("input", { type: "password", autocomplete: "new-password", spellcheck: "false" });
  const form = h("form", { class: "grid", "aria-label": "New outbound trunk" },
    field("Trunk name", "name", h("input", { type: "text", autocomplete: "off" })),
    field("Trunk host", "host", h("input", { type: "text", autocomplete: "off", placeholder: "sip.carrier.example" })),
    field("Trunk port", "port", h("input", { type: "text", inputmode: "numeric", autocomplete: "off" }), "empty: 5060, or 5061 for tls"),
    field("Transport", "transport", h("select", {}, ["udp", "tcp", "tls"].map((t) => h("option", { value: t }, t)))),
    field("Caller ID (E.164)", "caller_id", h("input", { type: "tel", autocomplete: "off" })),
    field("SIP user name", "username", h("input", { type: "text", autocomplete: "off" })),
    field("SIP password", "password", password, "write-only: stored sealed and never shown again"),
    h("button", { type: "submit" }, "Create trunk")) as HTMLFormElement;
  submit(form, async () => {
    const b: Record<string, unknown> = body(form);
    // The API wants a JSON number; anything else goes as typed so the API names the field.
    if (typeof b.port === "string" && /^[0-9]+$/.test(b.port)) b.port = Number(b.port);
    await post(base, b);
    form.reset();
    await load();
  });
  const inPassword = h("input", { type: "password", autocomplete: "new-password", spellcheck: "false" });
  const inbound = h("form", { class: "grid", "aria-label": "New inbound trunk" },
    field("Name (inbound)", "name", h("input", { type: "text", autocomplete: "off" })),
    field("Allowed sources (CIDRs)", "allowed_cidrs", h("textarea", { rows: "2", spellcheck: "false",
      placeholder: "203.0.113.0/24" }), "one per line or comma-separated; who may call in"),
    field("Transports (inbound)", "transports", h("input", { type: "text", autocomplete: "off", placeholder: "udp, tcp, tls" }),
      "empty: all three"),
    field("Require TLS", "tls_required", h("select", {}, h("option", { value: "" }, "no"), h("option", { value: "true" }, "yes"))),
    field("Digest user name", "username", h("input", { type: "text", autocomplete: "off" })),
    field("Digest password", "password", inPassword, "write-only: stored sealed and never shown again"),
    h("button", { type: "submit" }, "Create inbound trunk")) as HTMLFormElement;
  submit(inbound, async () => {
    const b: Record<string, unknown> = { ...body(inbound), direction: "inbound" };
    for (const k of ["allowed_cidrs", "transports"]) if (b[k] !== undefined) b[k] = list(b[k]);
    if (b.tls_required !== undefined) b.tls_required = b.tls_required === "true";
    await post(base, b);
    inbound.reset();
    await load();
  });
  await load();
  return h("section", { "aria-labelledby": "trunks-title", class: "card" },
    h("h2", { id: "trunks-title" }, `Trunks of ${ws.name}`), listed, editSlot,
    h("h3", {}, "New outbound trunk"), form,
    h("h3", {}, "New inbound trunk"), inbound);
}
