import { get, type Page } from "../api";
import { h, mount, num, seconds, table, when } from "../dom";
import { workspaceNames, type Call } from "./calls";

const POLL_MS = 500;

/**
 * Calls not yet ended, polled twice a second: the admin-api reads the calls table the control-plane
 * writes and has no event source of its own to stream from.
 */
export async function livePage(main: HTMLElement): Promise<() => void> {
  const body = h("div", { "aria-live": "off" });
  const status = h("p", { class: "hint", role: "status" });
  mount(main, h("h1", {}, "Live calls"),
    h("p", { class: "hint" }, "Refreshed twice a second. Codec, jitter, loss and MOS are not reported by the admin API yet."),
    h("section", { class: "card" }, body, status));
  let stopped = false;
  let timer = 0;
  async function tick(): Promise<void> {
    try {
      const calls = (await get<Page<Call>>("/v1/live-calls")).items;
      const names = await workspaceNames();
      if (stopped) return;
      mount(body, table("Calls in progress", ["From", "To", "Workspace", "Bot", "Node", "Status", "Duration", "Started"],
        calls.map((c) => [num(c.from, c.from_country), num(c.to, c.to_country), names.get(c.workspace_id) ?? c.workspace_id, c.bot_id ?? "—", c.media_node, c.status,
          seconds(c.answered_at ?? c.created_at), when(c.created_at)]), "No calls in progress."));
      status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      status.textContent = `Could not refresh: ${String(e)}`;
    }
    if (!stopped) timer = window.setTimeout(() => void tick(), POLL_MS);
  }
  await tick();
  return () => { stopped = true; window.clearTimeout(timer); };
}
