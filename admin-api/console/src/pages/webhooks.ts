import { del, get, post, type Page } from "../api";
import { field, h, mount, table, when } from "../dom";
import { body, clearErrors, confirmButton, showOnce, showProblem, submit } from "../forms";

interface Webhook { id: string; url: string; events: string[]; enabled: boolean; created_at: string }
interface Created extends Webhook { secret?: string }

/** The admin API's WebhookFields.EVENTS. */
const EVENTS = ["call.ringing", "call.answered", "call.completed", "call.failed"];

/**
 * One workspace's webhook subscriptions: listed, created and deleted. The signing secret is
 * write-only: typed in, or left empty for the API to generate one, which is shown once.
 */
export async function webhooksSection(ws: { id: string; name: string }): Promise<HTMLElement> {
  const base = `/v1/workspaces/${ws.id}/webhooks`;
  const secret = h("div", {});
  const list = h("div", {});
  const events = h("fieldset", { class: "field checks", "data-field": "events" },
    h("legend", {}, "Events"),
    EVENTS.map((e) => h("label", {}, h("input", { type: "checkbox", name: "events", value: e, checked: e !== "call.ringing" }), ` ${e}`)),
    h("p", { class: "field-error", "data-error-for": "events", role: "alert" }));
  const form = h("form", { class: "grid", "aria-label": "New webhook" },
    field("Webhook URL", "url", h("input", { type: "text", inputmode: "url", autocomplete: "off", placeholder: "https://crm.example/patchbay" })),
    events,
    field("Signing secret", "secret", h("input", { type: "password", autocomplete: "new-password", spellcheck: "false" }),
      "write-only; leave empty and the API generates one, shown once"),
    h("button", { type: "submit" }, "Add webhook")) as HTMLFormElement;

  function remove(w: Webhook): HTMLElement {
    return confirmButton("Delete", `Delete webhook ${w.url}`, async () => {
      clearErrors(form);
      try { await del(`${base}/${w.id}`); await load(); } catch (e) { showProblem(form, e); }
    });
  }

  async function load(): Promise<void> {
    const hooks = (await get<Page<Webhook>>(`${base}?limit=200`)).items;
    mount(list, table(`Webhooks of ${ws.name}`, ["URL", "Events", "Enabled", "Secret", "Created", "Actions"], hooks.map((w) => [
      h("code", {}, w.url), w.events.join(", "), w.enabled ? "yes" : "no", "set (write-only)", when(w.created_at), remove(w)]),
    "No webhooks yet."));
  }

  submit(form, async () => {
    const b: Record<string, unknown> = body(form);
    b.events = [...form.querySelectorAll<HTMLInputElement>('input[name="events"]:checked')].map((c) => c.value);
    const created = await post<Created>(base, b);
    if (created.secret) showOnce(secret, `Webhook to ${created.url} added with a generated secret.`, "Signing secret (shown once)", created.secret);
    form.reset();
    await load();
  });
  await load();
  return h("section", { "aria-labelledby": "webhooks-title", class: "card" },
    h("h2", { id: "webhooks-title" }, `Webhooks of ${ws.name}`),
    h("p", { class: "hint" }, "Call events are POSTed to each URL, signed with its secret."),
    secret, list, h("h3", {}, "New webhook"), form);
}
