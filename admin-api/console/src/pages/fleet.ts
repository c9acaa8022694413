import { ApiError, get, post, type Page } from "../api";
import { h, mount, table, when } from "../dom";
import { confirmButton } from "../forms";

interface MediaNode {
  node_id: string; sip_address: string; state: string; current_calls: number; capacity: number;
  started_at: string; heartbeat_at: string;
}
interface DrainAccepted { node_id: string; calls_in_progress: number; already_draining: boolean }

/**
 * The media nodes and their state, with a drain button on each active one: the admin API asks the
 * node, which drains as on SIGTERM (no new calls, the rest get patchbay.shutdown.drain) and stops.
 */
export async function fleetPage(main: HTMLElement): Promise<void> {
  const list = h("div", {});
  const outcome = h("p", { role: "alert" });
  async function load(): Promise<void> {
    const nodes = (await get<Page<MediaNode>>("/v1/media-nodes")).items;
    mount(list, table("Media nodes", ["Node", "SIP", "State", "Calls", "Capacity", "Started", "Last heartbeat", "Action"],
      nodes.map((n) => [h("code", {}, n.node_id), n.sip_address, h("span", { class: `state ${n.state}` }, n.state),
        String(n.current_calls), String(n.capacity), when(n.started_at), when(n.heartbeat_at),
        n.state === "active" ? confirmButton("Drain", `Drain node ${n.node_id}`, () => drain(n)) : "—"]),
      "No media node has registered."));
  }
  async function drain(n: MediaNode): Promise<void> {
    try {
      const r = await post<DrainAccepted>(`/v1/media-nodes/${encodeURIComponent(n.node_id)}/drain`, {});
      outcome.className = "hint";
      outcome.textContent = r.already_draining ? `Node ${r.node_id} was already draining.`
        : `Node ${r.node_id} is draining: ${r.calls_in_progress} calls in progress may end by themselves; then it stops.`;
    } catch (e) {
      outcome.className = "form-error";
      outcome.textContent = e instanceof ApiError ? `${e.problem.status}: ${e.problem.detail}` : String(e);
    }
    await load();
  }
  await load();
  mount(main, h("h1", {}, "Fleet"),
    h("p", { class: "hint" }, "Drain stops a node taking calls, lets its calls end within patchbay.shutdown.drain, "
      + "then stops it, as SIGTERM does; the node leaves this list once it has gone."),
    h("section", { class: "card" }, outcome, list));
}
