import { ApiError, get, post, type Page } from "../api";
import { h, mount, num, seconds, table, when } from "../dom";
import { workspaceNames, type Call } from "./calls";

const POLL_MS = 500;

/**
 * Calls not yet ended, polled twice a second: the admin-api reads the calls table the control-plane
 * writes and has no event source of its own to stream from. Each call has a hang-up button that asks
 * by a second press; which buttons are armed, and which has focus, survive the re-render.
 */
export async function livePage(main: HTMLElement): Promise<() => void> {
  const body = h("div", { "aria-live": "off" });
  const status = h("p", { class: "hint", role: "status" });
  const outcome = h("p", { role: "alert" });
  mount(main, h("h1", {}, "Live calls"),
    h("p", { class: "hint" }, "Refreshed twice a second. Codec, jitter, loss and MOS are not reported by the admin API yet."),
    h("section", { class: "card" }, outcome, body, status));
  const armed = new Set<string>();
  let stopped = false;
  let timer = 0;

  async function hangUp(c: Call): Promise<void> {
    armed.delete(c.id);
    try {
      await post(`/v1/workspaces/${encodeURIComponent(c.workspace_id)}/calls/${encodeURIComponent(c.id)}/hangup`, {});
      outcome.className = "hint";
      outcome.textContent = `Hang-up sent for the call from ${c.from ?? "—"} to ${c.to ?? "—"}.`;
    } catch (e) {
      outcome.className = "form-error";
      outcome.textContent = e instanceof ApiError ? `${e.problem.status}: ${e.problem.detail}` : String(e);
    }
  }

  function button(c: Call): HTMLElement {
    const label = `call from ${c.from ?? "unknown"} to ${c.to ?? "unknown"}`;
    const isArmed = armed.has(c.id);
    return h("button", {
      type: "button", class: "danger", "data-call": c.id, "data-armed": isArmed ? "true" : undefined,
      "aria-label": isArmed ? `Confirm hang up ${label}` : `Hang up ${label}`,
      onclick: () => {
        if (armed.has(c.id)) void hangUp(c).then(() => void tick(true));
        else { armed.add(c.id); void tick(true); }
      },
    }, isArmed ? "Confirm hang up" : "Hang up");
  }

  async function tick(once = false): Promise<void> {
    try {
      const calls = (await get<Page<Call>>("/v1/live-calls")).items;
      const names = await workspaceNames();
      if (stopped) return;
      const focused = (document.activeElement as HTMLElement | null)?.dataset?.call;
      for (const id of armed) if (!calls.some((c) => c.id === id)) armed.delete(id);
      mount(body, table("Calls in progress", ["From", "To", "Workspace", "Bot", "Node", "Status", "Duration", "Started", "Action"],
        calls.map((c) => [num(c.from, c.from_country), num(c.to, c.to_country), names.get(c.workspace_id) ?? c.workspace_id, c.bot_id ?? "—", c.media_node, c.status,
          seconds(c.answered_at ?? c.created_at), when(c.created_at), button(c)]), "No calls in progress."));
      if (focused) body.querySelector<HTMLElement>(`[data-call="${CSS.escape(focused)}"]`)?.focus();
      status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      status.textContent = `Could not refresh: ${String(e)}`;
    }
    if (!stopped && !once) timer = window.setTimeout(() => void tick(), POLL_MS);
  }
  await tick();
  return () => { stopped = true; window.clearTimeout(timer); };
}
