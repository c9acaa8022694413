import { ApiError, get, post, type Page } from "../api";
import { field, h, mount, num, seconds, table, when } from "../dom";
import { body as formBody, submit } from "../forms";
import { workspaceNames, type Call } from "./calls";

const POLL_MS = 500;

/**
 * Calls not yet ended, polled twice a second: the admin-api reads the calls table the control-plane
 * writes and has no event source of its own to stream from. Each call has a hang-up button that asks
 * by a second press; which buttons are armed, and which has focus, survive the re-render. "Transfer or
 * DTMF" picks a call for the forms below the table, which the refresh does not touch (typing survives).
 */
export async function livePage(main: HTMLElement): Promise<() => void> {
  const body = h("div", { "aria-live": "off" });
  const status = h("p", { class: "hint", role: "status" });
  const outcome = h("p", { role: "alert" });
  const actions = h("section", { class: "card", "aria-labelledby": "act-title" },
    h("h2", { id: "act-title" }, "Transfer or DTMF"), h("p", { class: "hint" }, "Press a call's “Transfer / DTMF” to act on it."));
  mount(main, h("h1", {}, "Live calls"),
    h("p", { class: "hint" }, "Refreshed twice a second. Codec, jitter, loss and MOS are not reported by the admin API yet."),
    h("section", { class: "card" }, outcome, body, status), actions);
  const armed = new Set<string>();
  let picked: Call | undefined;
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

  /** The transfer and DTMF forms for one call; the API's errors go next to the field they name. */
  function pick(c: Call): void {
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
      const active = document.activeElement as HTMLElement | null;
      const focused = active?.dataset?.call;
      const focusedPick = active?.dataset?.pick;
      for (const id of armed) if (!calls.some((c) => c.id === id)) armed.delete(id);
      mount(body, table("Calls in progress", ["From", "To", "Workspace", "Bot", "Node", "Status", "Duration", "Started", "Action"],
        calls.map((c) => [num(c.from, c.from_country), num(c.to, c.to_country), names.get(c.workspace_id) ?? c.workspace_id, c.bot_id ?? "—", c.media_node, c.status,
          seconds(c.answered_at ?? c.created_at), when(c.created_at), h("span", { class: "actions" }, button(c),
            h("button", { type: "button", class: "secondary", "data-pick": c.id,
              "aria-label": `Transfer or DTMF call from ${c.from ?? "unknown"} to ${c.to ?? "unknown"}`, onclick: () => pick(c) },
            "Transfer / DTMF"))]), "No calls in progress."));
      if (picked && !calls.some((c) => c.id === picked!.id)) {
        picked = undefined;
        mount(actions, h("p", { class: "hint", role: "status" }, "The call you picked has ended."));
      }
      if (focused) body.querySelector<HTMLElement>(`[data-call="${CSS.escape(focused)}"]`)?.focus();
      if (focusedPick) body.querySelector<HTMLElement>(`[data-pick="${CSS.escape(focusedPick)}"]`)?.focus();
      status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (e) {
      status.textContent = `Could not refresh: ${String(e)}`;
    }
    if (!stopped && !once) timer = window.setTimeout(() => void tick(), POLL_MS);
  }
  await tick();
  return () => { stopped = true; window.clearTimeout(timer); };
}
