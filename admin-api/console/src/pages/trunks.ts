import { get, post, type Page } from "../api";
import { field, h, mount, table, when } from "../dom";
import { body, submit } from "../forms";

interface Trunk {
  id: string; name: string; direction: "inbound" | "outbound"; host?: string; port?: number; transport?: string;
  caller_id?: string | null; allowed_cidrs?: string[]; transports?: string[]; username: string | null;
  has_password: boolean; dtmf_mode: string; created_at: string;
}

/**
 * One workspace's SIP trunks: listed, and outbound ones created (inbound ones are created through
 * the API). The password is write-only: the form never holds a stored one, and the API answers
 * only whether one is set.
 */
export async function trunksSection(ws: { id: string; name: string }): Promise<HTMLElement> {
  const base = `/v1/workspaces/${ws.id}/trunks`;
  const list = h("div", {});
  async function load(): Promise<void> {
    const trunks = (await get<Page<Trunk>>(`${base}?limit=200`)).items;
    mount(list, table(`Trunks of ${ws.name}`, ["Name", "Direction", "Peer", "Caller ID", "User", "Password", "Created"],
      trunks.map((t) => [t.name, t.direction,
        t.direction === "outbound" ? h("code", {}, `${t.host}:${t.port};transport=${t.transport}`)
          : (t.allowed_cidrs ?? []).join(", "),
        t.caller_id ? h("span", { class: "num" }, t.caller_id) : "—", t.username ?? "—",
        t.has_password ? "set (write-only)" : "none", when(t.created_at)]), "No trunks yet."));
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
  await load();
  return h("section", { "aria-labelledby": "trunks-title", class: "card" },
    h("h2", { id: "trunks-title" }, `Trunks of ${ws.name}`), list,
    h("h3", {}, "New outbound trunk"), form,
    h("p", { class: "hint" }, "Inbound trunks (who may call in) are created with ", h("code", {}, `POST ${base}`), "."));
}
