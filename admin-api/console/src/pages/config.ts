import { get, post, type Me, type Page } from "../api";
import { field, h, mount, num, table, when } from "../dom";
import { body, rerender, submit } from "../forms";
import { keysSection } from "./keys";
import { trunksSection } from "./trunks";
import { webhooksSection } from "./webhooks";
import { integrationsSection } from "./integrations";

interface Workspace { id: string; name: string; enabled: boolean; created_at: string }
interface Bot { id: string; name: string; kind: string; url: string | null; dialect: string | null; created_at: string }
interface Did { id: string; number: string; country: string | null; bot_id: string; created_at: string }

/** Workspaces (the operator creates them), and one workspace's bots and DIDs. */
export async function configPage(main: HTMLElement, me: Me, wsId?: string): Promise<void> {
  const workspaces = (await get<Page<Workspace>>("/v1/workspaces?limit=200")).items;
  const selected = wsId ?? (me.role === "workspace_admin" ? me.workspace_id : workspaces[0]?.id);
  const ws = workspaces.find((w) => w.id === selected);
  mount(main,
    h("h1", {}, "Configuration"),
    h("section", { "aria-labelledby": "ws-title", class: "card" },
      h("h2", { id: "ws-title" }, "Workspaces"),
      table("Workspaces", ["Name", "Id", "Created"], workspaces.map((w) => [
        h("a", { href: `#/config/${w.id}`, "aria-current": w.id === selected ? "true" : undefined }, w.name),
        h("code", {}, w.id), when(w.created_at)]), "No workspaces yet."),
      me.role === "operator" ? workspaceForm() : null),
    ws ? await workspaceSection(ws, me) : null);
}

function workspaceForm(): HTMLElement {
  const form = h("form", { class: "inline", "aria-label": "New workspace" },
    field("Workspace name", "name", h("input", { type: "text", autocomplete: "off" })),
    h("button", { type: "submit" }, "Create workspace")) as HTMLFormElement;
  submit(form, async () => {
    const w = await post<Workspace>("/v1/workspaces", body(form));
    location.hash = `#/config/${w.id}`;
  });
  return form;
}

async function workspaceSection(ws: Workspace, me: Me): Promise<HTMLElement> {
  const base = `/v1/workspaces/${ws.id}`;
  const [bots, dids] = await Promise.all([get<Page<Bot>>(`${base}/bots?limit=200`), get<Page<Did>>(`${base}/dids?limit=200`)]);
  const botName = new Map(bots.items.map((b) => [b.id, b.name]));

  const kind = h("select", {}, ["wss", "webhook", "grpc", "echo"].map((k) => h("option", { value: k }, k)));
  const botForm = h("form", { class: "grid", "aria-label": "New bot" },
    field("Bot name", "name", h("input", { type: "text", autocomplete: "off" })),
    field("Kind", "kind", kind),
    field("URL", "url", h("input", { type: "text", inputmode: "url", autocomplete: "off" }),
      "wss:// for wss bots, https:// for webhook bots; none for echo"),
    field("Dialect", "dialect", h("select", {}, h("option", { value: "" }, "(default)"),
      ["twilio", "jambonz", "plivo"].map((d) => h("option", { value: d }, d)))),
    h("button", { type: "submit" }, "Create bot")) as HTMLFormElement;
  submit(botForm, async () => {
    await post(`${base}/bots`, body(botForm));
    rerender();
  });

  const didForm = h("form", { class: "grid", "aria-label": "New DID" },
    field("Number (E.164)", "number", h("input", { type: "tel", autocomplete: "off", placeholder: "+442079460000" })),
    field("Bot", "bot_id", h("select", {}, h("option", { value: "" }, "(choose a bot)"),
      bots.items.map((b) => h("option", { value: b.id }, `${b.name} (${b.kind})`)))),
    h("button", { type: "submit" }, "Add DID")) as HTMLFormElement;
  submit(didForm, async () => {
    await post(`${base}/dids`, body(didForm));
    rerender();
  });

  return h("div", {},
    h("section", { "aria-labelledby": "bots-title", class: "card" },
      h("h2", { id: "bots-title" }, `Bots of ${ws.name}`),
      table(`Bots of ${ws.name}`, ["Name", "Kind", "URL", "Created"], bots.items.map((b) => [
        b.name, b.kind, b.url ?? "—", when(b.created_at)]), "No bots yet."),
      h("h3", {}, "New bot"), botForm),
    h("section", { "aria-labelledby": "dids-title", class: "card" },
      h("h2", { id: "dids-title" }, `DIDs of ${ws.name}`),
      table(`DIDs of ${ws.name}`, ["Number", "Bot", "Created"], dids.items.map((d) => [
        num(d.number, d.country), botName.get(d.bot_id) ?? d.bot_id, when(d.created_at)]),
        "No DIDs yet."),
      h("h3", {}, "New DID"), didForm),
    await trunksSection(ws),
    await keysSection(ws, "provider", true),
    await keysSection(ws, "admin", me.role === "operator"),
    await webhooksSection(ws),
    await integrationsSection(ws),
    await auditSection(ws));
}

interface AuditEntry { id: string; actor: string; resource_type: string; resource_id: string; action: string; created_at: string }

/** The workspace's configuration changes, oldest first as the API pages them; "Load more" follows the cursor. */
async function auditSection(ws: Workspace): Promise<HTMLElement> {
  const list = h("div", {});
  const rows: AuditEntry[] = [];
  async function load(cursor?: string): Promise<void> {
    const page = await get<Page<AuditEntry>>(`/v1/workspaces/${ws.id}/audit-log?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...page.items);
    mount(list, table(`Audit log of ${ws.name}`, ["When", "Who", "What", "Resource"], rows.map((e) => [
      when(e.created_at), e.actor, `${e.resource_type} ${e.action}`, h("code", {}, e.resource_id)]), "No changes recorded."),
    page.next_cursor
      ? h("button", { type: "button", class: "secondary", onclick: () => void load(page.next_cursor!) }, "More changes")
      : null);
  }
  await load();
  return h("section", { "aria-labelledby": "audit-title", class: "card" },
    h("h2", { id: "audit-title" }, `Audit log of ${ws.name}`), list);
}
