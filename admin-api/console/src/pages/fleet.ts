import { get, type Page } from "../api";
import { h, mount, table, when } from "../dom";

interface MediaNode {
  node_id: string; sip_address: string; state: string; current_calls: number; capacity: number;
  started_at: string; heartbeat_at: string;
}

/** The media nodes and their state. No drain button: see the note on the page. */
export async function fleetPage(main: HTMLElement): Promise<void> {
  const nodes = (await get<Page<MediaNode>>("/v1/media-nodes")).items;
  mount(main, h("h1", {}, "Fleet"),
    h("p", { class: "hint" }, "A node drains on SIGTERM (systemctl stop, or a pod's termination); "
      + "the admin API cannot drain one yet, so there is no drain button here."),
    h("section", { class: "card" }, table("Media nodes", ["Node", "SIP", "State", "Calls", "Capacity", "Started", "Last heartbeat"],
      nodes.map((n) => [h("code", {}, n.node_id), n.sip_address, h("span", { class: `state ${n.state}` }, n.state),
        String(n.current_calls), String(n.capacity), when(n.started_at), when(n.heartbeat_at)]),
      "No media node has registered.")));
}
