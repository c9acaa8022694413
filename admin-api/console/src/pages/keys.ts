import { del, get, post, type Page } from "../api";
import { field, h, mount, table, when } from "../dom";
import { body, clearErrors, confirmButton, showOnce, showProblem, submit } from "../forms";

interface ApiKey { id: string; name: string; created_at: string; revoked_at: string | null }
interface Issued extends ApiKey { key: string }
type Scope = "provider" | "admin";

const SCOPES: Record<Scope, { path: string; title: string; noun: string; use: string }> = {
  provider: { path: "api-keys", title: "API keys", noun: "API key", use: "for the provider API (calls, bots' REST)" },
  admin: { path: "admin-keys", title: "Admin keys", noun: "admin key", use: "for this admin API and console, one workspace" },
};

/** How long a rotated key keeps working, as the API's overlap_seconds; "" leaves the server's default. */
const OVERLAPS: [string, string][] = [["", "server default"], ["0", "ends now"], ["3600", "1 hour"], ["86400", "1 day"]];

/**
 * One workspace's keys of one scope: listed, created, rotated and revoked. A new secret is shown
 * once, in this section only, and is gone when the page re-renders: the API never returns it again.
 * `canChange` is false for a workspace admin's admin keys (the operator issues those).
 */
export async function keysSection(ws: { id: string; name: string }, scope: Scope, canChange: boolean): Promise<HTMLElement> {
  const s = SCOPES[scope];
  const base = `/v1/workspaces/${ws.id}/${s.path}`;
  const titleId = `${scope}-keys-title`;
  const secret = h("div", {});
  const list = h("div", {});
  const rotation = h("form", { class: "inline", "aria-label": `Rotation of ${s.title}` },
    field("Old key after rotating", "overlap_seconds",
      h("select", {}, OVERLAPS.map(([v, t]) => h("option", { value: v }, t))))) as HTMLFormElement;
  rotation.addEventListener("submit", (ev) => ev.preventDefault());

  function showSecret(issued: Issued, verb: string): void {
    showOnce(secret, `${s.noun} “${issued.name}” ${verb}.`, `New ${s.noun} (shown once)`, issued.key);
  }

  async function act(action: () => Promise<void>): Promise<void> {
    clearErrors(rotation);
    try {
      await action();
      await load();
    } catch (e) {
      showProblem(rotation, e);
    }
  }

  function actions(k: ApiKey): HTMLElement | string {
    if (!canChange || (k.revoked_at && Date.parse(k.revoked_at) <= Date.now())) return "—";
    const rotate = h("button", { type: "button", class: "secondary", "aria-label": `Rotate ${s.noun} ${k.name} (${k.id})`,
      onclick: () => act(async () => {
        const overlap = body(rotation).overlap_seconds;
        showSecret(await post<Issued>(`${base}/${k.id}/rotate`,
          overlap === undefined ? {} : { overlap_seconds: Number(overlap) }), "rotated");
      }) }, "Rotate");
    const revoke = confirmButton("Revoke", `Revoke ${s.noun} ${k.name} (${k.id})`,
      () => act(async () => { await del(`${base}/${k.id}`); }));
    return h("span", { class: "actions" }, rotate, revoke);
  }

  function state(k: ApiKey): string {
    if (!k.revoked_at) return "active";
    return Date.parse(k.revoked_at) > Date.now() ? `rotated, works until ${when(k.revoked_at)}` : `revoked ${when(k.revoked_at)}`;
  }

  async function load(): Promise<void> {
    const keys = (await get<Page<ApiKey>>(`${base}?limit=200`)).items;
    mount(list, table(`${s.title} of ${ws.name}`, ["Name", "Id", "Created", "State", "Actions"], keys.map((k) => [
      k.name, h("code", {}, k.id), when(k.created_at), state(k), actions(k)]), `No ${s.title.toLowerCase()} yet.`));
  }

  const create = h("form", { class: "inline", "aria-label": `New ${s.noun}` },
    field(`${s.title.slice(0, -1)} name`, "name", h("input", { type: "text", autocomplete: "off" })),
    h("button", { type: "submit" }, `Create ${s.noun}`)) as HTMLFormElement;
  submit(create, async () => {
    showSecret(await post<Issued>(base, body(create)), "created");
    create.reset();
    await load();
  });

  const section = h("section", { "aria-labelledby": titleId, class: "card" },
    h("h2", { id: titleId }, `${s.title} of ${ws.name}`),
    h("p", { class: "hint" }, `${s.title} ${s.use}. The API keeps only a hash of each secret.`),
    secret, list,
    canChange ? [rotation, h("h3", {}, `New ${s.noun}`), create] : h("p", { class: "hint" }, "The operator issues these."));
  await load();
  return section;
}
