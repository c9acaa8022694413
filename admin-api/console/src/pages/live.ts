import { ApiError, post, stream } from "../api";
import { field, h, mount, num, seconds, when } from "../dom";
import { body as formBody, submit } from "../forms";
import { workspaceNames, type Call } from "./calls";

/** Figures from the node holding the call (CallStats); null before the answer or when the node was slow. */
interface Media { codec: string | null; ptime_ms: number | null; jitter_ms: number | null; loss_pct: number | null; mos: number | null }
interface LiveCall extends Call { media: Media | null }
interface Snapshot { at: string; items: LiveCall[] }

// No "Started" column: the duration's tooltip has the start time, so the media figures fit at 1280 px.
const HEAD = ["From", "To", "Workspace", "Bot", "Node", "Status", "Duration", "Codec", "Jitter", "Loss", "MOS", "Action"];
/** The node's figures: kept on one line each ("4.5 ms", not "4.5" over "ms"). */
const FIGURES = new Set(["Duration", "Codec", "Jitter", "Loss", "MOS"]);
/** After the stream ends or fails: wait this long, then connect again (a new connection starts with a full snapshot). */
const RETRY_MS = 1000;

/** One row kept across snapshots, so its buttons (focus, armed state, a press in progress) are never replaced. */
interface Row { tr: HTMLTableRowElement; cells: Map<string, HTMLTableCellElement>; call: LiveCall }

function fixed(v: number | null | undefined, digits: number, unit = ""): string {
  return v === null || v === undefined ? "—" : `${v.toFixed(digits)}${unit}`;
}

/** MOS bands as monitors name them (G.107 Annex B: 4.3 and up very good, below 3.6 many users dissatisfied). */
function mosClass(mos: number | null | undefined): string | undefined {
  if (mos === null || mos === undefined) return undefined;
  return mos >= 4.0 ? "mos good" : mos >= 3.6 ? "mos fair" : "mos poor";
}

/**
 * Calls not yet ended, pushed by the admin-api as server-sent events (GET /v1/live-calls/stream, read with fetch()
 * so the key stays in the Authorization header): a whole snapshot twice a second, each call with its codec,
 * jitter, loss and MOS from the node holding it. Rows are kept by call id and only their text changes, so the
 * hang-up button (armed by a first press, confirmed by a second), focus, and the Transfer / DTMF forms below the
 * table survive every push.
 */
export async function livePage(main: HTMLElement): Promise<() => void> {
  const status = h("p", { class: "hint", role: "status" });
  const outcome = h("p", { role: "alert" });
  const empty = h("p", { class: "empty" }, "No calls in progress.");
  const tbody = h("tbody", {}) as HTMLTableSectionElement;
  const tableWrap = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Calls in progress" },
    h("table", { class: "live" }, h("caption", {}, "Calls in progress"),
      h("thead", {}, h("tr", {}, HEAD.map((c) => h("th", { scope: "col" }, c)))), tbody));
  const body = h("div", { "aria-live": "off" }, h("p", { class: "loading" }, "Connecting to the live stream…"));
  const actions = h("section", { class: "card", "aria-labelledby": "act-title" },
    h("h2", { id: "act-title" }, "Transfer or DTMF"), h("p", { class: "hint" }, "Press a call's “Transfer / DTMF” to act on it."));
  mount(main, h("h1", {}, "Live calls"),
    h("p", { class: "hint" }, "Pushed by the admin API twice a second. Codec, jitter (RFC 3550), loss and the MOS "
      + "estimate (E-model) come from the media node holding each call; “—” until its first packets, or when the node is slow to answer."),
    h("section", { class: "card" }, outcome, body, status), actions);
  const rows = new Map<string, Row>();
  const armed = new Set<string>();
  const names = await workspaceNames();
  let picked: LiveCall | undefined;
  const stop = new AbortController();

  async function hangUp(c: LiveCall): Promise<void> {
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

  /** The transfer and DTMF forms for one call; the API's errors go next to the field they name. */
  function pick(c: LiveCall): void {
    picked = c;
    const path = `/v1/workspaces/${encodeURIComponent(c.workspace_id)}/calls/${encodeURIComponent(c.id)}`;
    const label = `the call from ${c.from ?? "—"} to ${c.to ?? "—"}`;
    const done = h("p", { role: "status", class: "hint" });
    const transfer = h("form", { class: "inline", "aria-label": "Transfer the call" },
      field("Transfer to", "to", h("input", { type: "text", autocomplete: "off", spellcheck: "false" }),
        "E.164 number or sip: URI; a blind transfer (REFER)"),
      h("button", { type: "submit" }, "Transfer")) as HTMLFormElement;
    submit(transfer, async () => {
      const r = await post<{ status: string; to: string; final_status?: number }>(`${path}/transfer`, formBody(transfer));
      done.textContent = r.final_status !== undefined
        ? `Transfer of ${label} to ${r.to}: the target answered ${r.final_status}.`
        : `Transfer of ${label} to ${r.to} requested; the result will be on the call's timeline.`;
    });
    const dtmf = h("form", { class: "inline", "aria-label": "Send DTMF" },
      field("Digits", "digits", h("input", { type: "text", autocomplete: "off", inputmode: "tel", spellcheck: "false" }),
        "0-9 * # A-D; ',' pauses 500 ms"),
      h("button", { type: "submit" }, "Send DTMF")) as HTMLFormElement;
    submit(dtmf, async () => {
      const r = await post<{ digit_count: number }>(`${path}/dtmf`, formBody(dtmf));
      (dtmf.elements.namedItem("digits") as HTMLInputElement).value = "";
      done.textContent = `${r.digit_count} digit(s) sent on ${label}.`;
    });
    mount(actions, h("h2", { id: "act-title" }, `Transfer or DTMF: ${label}`), transfer, dtmf, done);
    (transfer.elements.namedItem("to") as HTMLInputElement).focus();
  }

  /** The hang-up button's text and label follow its armed state; the element itself stays. */
  function arm(button: HTMLElement, c: LiveCall): void {
    const label = `call from ${c.from ?? "unknown"} to ${c.to ?? "unknown"}`;
    const isArmed = armed.has(c.id);
    button.textContent = isArmed ? "Confirm hang up" : "Hang up";
    button.setAttribute("aria-label", isArmed ? `Confirm hang up ${label}` : `Hang up ${label}`);
    if (isArmed) button.dataset.armed = "true"; else delete button.dataset.armed;
  }

  function newRow(c: LiveCall): Row {
    const tr = h("tr", { "data-call-row": c.id }) as HTMLTableRowElement;
    const cells = new Map<string, HTMLTableCellElement>();
    for (const col of HEAD) {
      const td = h("td", { "data-label": col }) as HTMLTableCellElement;
      cells.set(col, td);
      tr.append(td);
    }
    const row: Row = { tr, cells, call: c };
    const hang = h("button", { type: "button", class: "danger", "data-call": c.id, onclick: () => {
      if (armed.has(row.call.id)) void hangUp(row.call).then(() => arm(hang, row.call));
      else { armed.add(row.call.id); arm(hang, row.call); }
    } });
    arm(hang, c);
    cells.get("Action")!.append(h("span", { class: "actions" }, hang,
      h("button", { type: "button", class: "secondary", "data-pick": c.id,
        "aria-label": `Transfer or DTMF call from ${c.from ?? "unknown"} to ${c.to ?? "unknown"}`, onclick: () => pick(row.call) },
      "Transfer / DTMF")));
    return row;
  }

  /** Sets a cell's content only when it changed, so a screen reader or a selection is not disturbed for nothing. */
  function put(row: Row, col: string, content: Node | string, className?: string): void {
    const td = row.cells.get(col)!;
    const text = typeof content === "string" ? content : content.textContent ?? "";
    if (td.dataset.text !== text) {
      td.dataset.text = text;
      td.replaceChildren(content);
    }
    const classes = [FIGURES.has(col) ? "fig" : "", className ?? ""].join(" ").trim();
    if (classes) td.className = classes; else td.removeAttribute("class");
  }

  function show(snap: Snapshot): void {
    const seen = new Set<string>();
    for (const c of snap.items) {
      seen.add(c.id);
      let row = rows.get(c.id);
      if (!row) { row = newRow(c); rows.set(c.id, row); }
      row.call = c;
      const m = c.media;
      put(row, "From", num(c.from, c.from_country));
      put(row, "To", num(c.to, c.to_country));
      put(row, "Workspace", names.get(c.workspace_id) ?? c.workspace_id);
      put(row, "Bot", c.bot_id ?? "—");
      put(row, "Node", c.media_node);
      put(row, "Status", c.status);
      put(row, "Duration", seconds(c.answered_at ?? c.created_at));
      row.cells.get("Duration")!.title = `Started ${when(c.created_at)}`;
      put(row, "Codec", m?.codec ? (m.ptime_ms ? `${m.codec} ${m.ptime_ms} ms` : m.codec) : "—");
      put(row, "Jitter", fixed(m?.jitter_ms, 1, " ms"));
      put(row, "Loss", fixed(m?.loss_pct, 1, " %"));
      put(row, "MOS", fixed(m?.mos, 2), mosClass(m?.mos));
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) { row.tr.remove(); rows.delete(id); armed.delete(id); }
    }
    // Oldest first, as the API sends them; appending an existing row moves it without re-creating it.
    const order = snap.items.map((c) => rows.get(c.id)!.tr);
    const current = [...tbody.children];
    if (current.every((tr, i) => order[i] === tr)) {
      tbody.append(...order.slice(current.length)); // the usual case: new calls at the end, nothing moves
    } else {
      const focused = document.activeElement;
      tbody.append(...order);
      if (focused instanceof HTMLElement && focused !== document.activeElement) focused.focus();
    }
    if (rows.size === 0 && body.firstChild !== empty) mount(body, empty);
    if (rows.size > 0 && body.firstChild !== tableWrap) mount(body, tableWrap);
    if (picked && !seen.has(picked.id)) {
      picked = undefined;
      mount(actions, h("p", { class: "hint", role: "status" }, "The call you picked has ended."));
    }
    status.textContent = `Updated ${new Date(snap.at).toLocaleTimeString()}`;
  }

  async function follow(): Promise<void> {
    while (!stop.signal.aborted) {
      try {
        await stream("/v1/live-calls/stream", (e) => {
          if (e.name === "calls") show(JSON.parse(e.data) as Snapshot);
          else if (e.name === "dropped") status.textContent = "The page fell behind the stream; reconnecting…";
        }, stop.signal);
      } catch (e) {
        if (stop.signal.aborted) return;
        status.textContent = `Could not refresh: ${e instanceof ApiError ? `${e.problem.status}: ${e.problem.detail}` : String(e)}; retrying`;
      }
      if (!stop.signal.aborted) await new Promise((r) => window.setTimeout(r, RETRY_MS));
    }
  }
  void follow();
  return () => stop.abort();
}
