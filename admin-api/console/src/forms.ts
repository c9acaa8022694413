import { ApiError } from "./api";
import { field, h, mount } from "./dom";

/** Clears a form's earlier errors. */
export function clearErrors(form: HTMLFormElement): void {
  form.querySelectorAll<HTMLElement>("[data-error-for]").forEach((e) => (e.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  form.querySelector(".form-error")?.remove();
}

/**
 * Shows the API's problem+json: each error next to the field it names, the rest (and the detail)
 * at the top of the form; focus goes to the first field at fault.
 */
export function showProblem(form: HTMLFormElement, e: unknown): void {
  clearErrors(form);
  if (!(e instanceof ApiError)) {
    form.prepend(h("p", { class: "form-error", role: "alert" }, String(e)));
    return;
  }
  const unplaced: string[] = [];
  let first: HTMLElement | null = null;
  for (const fe of e.problem.errors ?? []) {
    // An item of a list ("allowed_sources[1]") goes next to the list's field, saying which item.
    const item = /^(.*)\[(\d+)\]$/.exec(fe.field);
    const name = item ? item[1] : fe.field;
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(name)}"]`);
    if (!slot) { unplaced.push(`${fe.field}: ${fe.detail}`); continue; }
    slot.textContent = item ? `item ${Number(item[2]) + 1}: ${fe.detail}` : fe.detail;
    const control = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    control?.setAttribute("aria-invalid", "true");
    first ??= control;
  }
  form.prepend(h("p", { class: "form-error", role: "alert" }, e.problem.detail,
    unplaced.length ? h("ul", {}, unplaced.map((u) => h("li", {}, u))) : null));
  first?.focus();
}

/** The form's named controls as a JSON body; empty values are left out so the API's defaults apply. */
export function body(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => { if (typeof v === "string" && v.trim() !== "") out[k] = v.trim(); });
  return out;
}

/** Re-renders the current route, keeping the page where it is. */
export function rerender(): void {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function submit(form: HTMLFormElement, action: () => Promise<void>): void {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button[type=submit]") as HTMLButtonElement;
    button.disabled = true;
    try {
      await action();
    } catch (e) {
      showProblem(form, e);
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * Shows a secret the API returns once (a new key, a generated webhook secret) in `slot`, selected
 * for copying, until the user dismisses it or the page re-renders; nothing else keeps it.
 */
export function showOnce(slot: HTMLElement, what: string, label: string, value: string): void {
  const out = h("input", { type: "text", readonly: true, value, spellcheck: "false", autocomplete: "off" });
  mount(slot, h("div", { class: "secret", role: "status" },
    h("p", {}, h("strong", {}, `${what} `),
      "Copy it now: it is shown once, and neither the console nor the API can show it again."),
    field(label, "secret-shown", out),
    h("button", { type: "button", class: "secondary", onclick: () => mount(slot) }, "I have copied it")));
  (out as HTMLInputElement).select();
  out.focus();
}

/**
 * A destructive button that asks by changing itself, without a modal dialog: the first press arms
 * it ("Confirm …", focus stays on it so Enter confirms), the second runs `action`.
 */
export function confirmButton(text: string, label: string, action: () => void | Promise<void>): HTMLButtonElement {
  const b = h("button", { type: "button", class: "danger", "aria-label": label, onclick: () => {
    if (b.dataset.armed !== "true") {
      b.dataset.armed = "true";
      b.textContent = `Confirm ${text.toLowerCase()}`;
      b.setAttribute("aria-label", `Confirm ${text.toLowerCase()} ${label.slice(text.length + 1)}`);
      return;
    }
    void action();
  } }, text) as HTMLButtonElement;
  return b;
}
