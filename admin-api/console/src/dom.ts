// A few DOM helpers instead of a framework: the console is forms and tables.
export type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | boolean | ((e: Event) => void) | undefined>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

/** A labelled control; `name` is the API's field name, which problem+json errors point at. */
export function field(label: string, name: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  control.setAttribute("name", name);
  const err = h("p", { class: "field-error", id: `${id}-error`, "data-error-for": name, role: "alert" });
  control.setAttribute("aria-describedby", `${id}-error`);
  return h("div", { class: "field", "data-field": name },
    h("label", { for: id }, label), control, hint ? h("p", { class: "hint" }, hint) : null, err);
}

export function table(caption: string, head: string[], rows: Child[][], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { "data-label": head[i] }, c)))))));
}

/** A date in the viewer's own time zone, with the zone named. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, {
    year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    timeZoneName: "short",
  });
}

export function seconds(fromIso: string, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function mount(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => !!c));
}

const countries = new Intl.DisplayNames(undefined, { type: "region" });

/**
 * A number as the API stores it (E.164), with its country as the API's libphonenumber placed it,
 * named in the viewer's language; no country for SIP user parts and non-geographic numbers.
 */
export function num(n: string | null, country?: string | null): Node | string {
  if (!n) return "—";
  return h("span", { class: "phone" }, h("span", { class: "num" }, n),
    country ? h("span", { class: "country", title: country }, ` ${countries.of(country) ?? country}`) : null);
}
