import { ApiError, bytes, get, query, type Me, type Page } from "../api";
import { waveform } from "../waveform";
import { field, h, mount, num, table, when, type Child } from "../dom";
import { showProblem } from "../forms";

export interface Call {
  id: string; workspace_id: string; bot_id: string | null; direction: string; status: string;
  from: string | null; to: string | null; from_country: string | null; to_country: string | null; media_node: string; hangup_cause: string | null; sip_status: number | null;
  reason: string | null; recording_url: string | null; created_at: string; answered_at: string | null;
  ended_at: string | null;
}
interface CallDetail extends Call {
  events: { id: number; at: string; type: string; detail: string | null }[];
  sip: { request_user: string | null; call_id: string | null };
  sip_headers: { name: string; value: string; truncated?: boolean }[] | null;
  sip_headers_omitted: number;
  quality: {
    mos: number | null; jitter_ms: number | null; packet_loss: number | null;
    packets_expected: number | null; packets_lost: number | null;
  } | null;
}

const STATUSES = ["queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled", "rejected"];

/** A datetime-local value (the viewer's zone) as an RFC 3339 instant for the API. */
function instant(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

/** The call log: search by number, status, time and (operator) workspace; "Load more" follows the cursor. */
export async function callLogPage(main: HTMLElement, me: Me): Promise<void> {
  const wsNames = await workspaceNames();
  const ws = workspaceFilter(me, wsNames);
  const form = h("form", { class: "grid", role: "search", "aria-label": "Search calls" },
    ws,
    field("Number", "number", h("input", { type: "search", inputmode: "tel", autocomplete: "off" }),
      "all or part of the caller's or the called number"),
    field("Status", "status", h("select", {}, h("option", { value: "" }, "(any)"),
      STATUSES.map((s) => h("option", { value: s }, s)))),
    field("From (your time zone)", "from", h("input", { type: "datetime-local" })),
    field("To (your time zone)", "to", h("input", { type: "datetime-local" })),
    h("button", { type: "submit" }, "Search")) as HTMLFormElement;
  const results = h("div", { "aria-live": "polite" });
  const rows: Call[] = [];

  async function load(cursor?: string): Promise<void> {
    const f = new FormData(form);
    const v = (k: string) => (f.get(k) as string | null) ?? "";
    try {
      const page = await get<Page<Call>>("/v1/calls" + query({
        workspace_id: v("workspace_id"), number: v("number"), status: v("status"),
        from: instant(v("from")), to: instant(v("to")), limit: "25", cursor,
      }));
      if (!cursor) rows.length = 0;
      rows.push(...page.items);
      const more = page.next_cursor
        ? h("button", { type: "button", class: "secondary", onclick: () => void load(page.next_cursor!) }, "Load more")
        : null;
      mount(results, table("Calls, newest first", ["Started", "From", "To", "Status", "Workspace", "Node", "Call"],
        rows.map((c) => [when(c.created_at), num(c.from, c.from_country), num(c.to, c.to_country), c.status, wsNames.get(c.workspace_id) ?? c.workspace_id, c.media_node,
          h("a", { href: `#/calls/${c.workspace_id}/${c.id}` }, c.id)]), "No calls match."), more);
    } catch (e) {
      showProblem(form, e);
    }
  }
  form.addEventListener("submit", (ev) => { ev.preventDefault(); void load(); });
  mount(main, h("h1", {}, "Call log"), h("section", { class: "card" }, form), h("section", { class: "card" }, results));
  await load();
}

/** One call: its record, its INVITE's SIP headers, its quality and its timeline of events. */
export async function callPage(main: HTMLElement, ws: string, id: string): Promise<void> {
  const c = await get<CallDetail>(`/v1/workspaces/${encodeURIComponent(ws)}/calls/${encodeURIComponent(id)}`);
  const facts: [string, Node | string][] = [
    ["Status", c.status], ["Direction", c.direction], ["From", num(c.from, c.from_country)], ["To", num(c.to, c.to_country)],
    ["Workspace", c.workspace_id], ["Bot", c.bot_id ?? "—"], ["Media node", c.media_node],
    ["Started", when(c.created_at)], ["Answered", when(c.answered_at)], ["Ended", when(c.ended_at)],
    ["Hang-up cause", c.hangup_cause ?? "—"], ["SIP status", c.sip_status?.toString() ?? "—"],
    ["Reason", c.reason ?? "—"], ["Recording", c.recording_url ? "recorded (below)" : "none recorded"],
  ];
  mount(main,
    h("p", {}, h("a", { href: "#/calls" }, "← Call log")),
    h("h1", {}, `Call ${c.id}`),
    h("section", { class: "card" }, h("dl", { class: "facts" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]))),
    h("section", { class: "card", "aria-labelledby": "sip-title" },
      h("h2", { id: "sip-title" }, "SIP"),
      h("dl", { class: "facts" }, h("dt", {}, "Request-URI user"), h("dd", {}, c.sip.request_user ?? "—"),
        h("dt", {}, "SIP Call-ID"), h("dd", {}, c.sip.call_id ?? "not stored")),
      sipHeaders(c)),
    h("section", { class: "card", "aria-labelledby": "quality-title" },
      h("h2", { id: "quality-title" }, "Quality"),
      quality(c)),
    h("section", { class: "card", "aria-labelledby": "events-title" },
      h("h2", { id: "events-title" }, "Events"),
      table("Events", ["At", "Type", "Detail"], c.events.map((e) => [when(e.at), e.type, e.detail ?? ""]),
        "No events recorded.")),
    c.recording_url ? await recording(c) : null);
}

/** The INVITE's headers in its order; the API never has its credentials (Authorization, Proxy-Authorization). */
function sipHeaders(c: CallDetail): Child[] {
  if (c.sip_headers === null) {
    return [h("p", { class: "hint" }, c.direction === "outbound"
      ? "An outbound call: Patchbay sent the INVITE, so there are no caller's headers."
      : "No INVITE headers stored: the call was recorded before they were kept.")];
  }
  return [
    h("h3", { id: "sip-headers-title" }, "INVITE headers"),
    table("INVITE headers, in order", ["Header", "Value"], c.sip_headers.map((x) => [x.name,
      h("code", {}, x.value + (x.truncated ? " … (cut at 2048 characters)" : ""))]), "The INVITE had no headers."),
    c.sip_headers_omitted > 0
      ? h("p", { class: "hint" }, `${c.sip_headers_omitted} more header(s) past the stored limit (64 headers, 16 KiB).`)
      : null,
    h("p", { class: "hint" }, "Authorization and Proxy-Authorization are never stored."),
  ];
}

/** MOS, jitter and loss from the media-plane's counters at hang-up, for every call. */
function quality(c: CallDetail): Node {
  const q = c.quality;
  if (!q) {
    return h("p", { class: "hint" }, "Not measured: the call carried no media (rejected or never answered), or its"
      + " counters never reached the control-plane (its media node was lost).");
  }
  return h("dl", { class: "facts" },
    h("dt", {}, "MOS estimate"), h("dd", { "data-fact": "mos" }, q.mos?.toFixed(2) ?? "—"),
    h("dt", {}, "Jitter"), h("dd", { "data-fact": "jitter" }, q.jitter_ms === null ? "—" : `${q.jitter_ms.toFixed(1)} ms`),
    h("dt", {}, "Packet loss"), h("dd", { "data-fact": "loss" },
      q.packet_loss === null ? "—" : `${(q.packet_loss * 100).toFixed(2)} %`),
    h("dt", {}, "Packets"), h("dd", {}, q.packets_expected === null
      ? "—" : `${q.packets_lost ?? 0} lost of ${q.packets_expected} expected`));
}

/** The call's recording: fetched with the key, played from a blob, and both channels drawn. */
async function recording(c: Call): Promise<HTMLElement> {
  const section = h("section", { class: "card", "aria-labelledby": "recording-title" },
    h("h2", { id: "recording-title" }, "Recording"));
  try {
    const wav = await bytes(`/v1/workspaces/${encodeURIComponent(c.workspace_id)}/calls/${encodeURIComponent(c.id)}/recording`);
    const audio = h("audio", { controls: true, preload: "metadata", "aria-label": `Recording of call ${c.id}` }) as HTMLAudioElement;
    audio.src = URL.createObjectURL(new Blob([wav], { type: "audio/wav" }));
    const wave = waveform(wav);
    wave.setAttribute("role", "img");
    wave.setAttribute("aria-label", "Waveform: the caller (left channel) above, the bot (right channel) below");
    section.append(audio, wave, h("p", { class: "hint" }, "Top: caller (left channel). Bottom: bot (right channel)."));
  } catch (e) {
    section.append(h("p", { class: "form-error", role: "alert" },
      e instanceof ApiError ? `${e.problem.status}: ${e.problem.detail}` : String(e)));
  }
  return section;
}

/** The operator's workspace picker for a list (`workspace_id`, empty for all); none for a workspace admin. */
export function workspaceFilter(me: Me, names: Map<string, string>): HTMLElement | null {
  return me.role === "operator"
    ? field("Workspace", "workspace_id", h("select", {}, h("option", { value: "" }, "(all workspaces)"),
      [...names].map(([id, name]) => h("option", { value: id }, name))))
    : null;
}

/** Workspace names by id, for tables that would otherwise show only ids; fetched once per page. */
let names: Promise<Map<string, string>> | undefined;
export function workspaceNames(): Promise<Map<string, string>> {
  names ??= get<Page<{ id: string; name: string }>>("/v1/workspaces?limit=200")
    .then((p) => new Map(p.items.map((w) => [w.id, w.name])));
  return names;
}
window.addEventListener("hashchange", () => { names = undefined; });
