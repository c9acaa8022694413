import "./style.css";
import { ApiError, get, key, type Me } from "./api";
import { field, h, mount } from "./dom";
import { showProblem } from "./forms";
import { configPage } from "./pages/config";
import { callLogPage, callPage } from "./pages/calls";
import { livePage } from "./pages/live";
import { fleetPage } from "./pages/fleet";
import { walletPage, walletsPage } from "./pages/wallets";

const top = document.getElementById("top")!;
const main = document.getElementById("main")!;
/** Stops the current page's timers when the route changes. */
let leave: (() => void) | void;

function signIn(): void {
  const input = h("input", { type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const form = h("form", { class: "card narrow", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Patchbay console"),
    h("p", {}, "Enter the operator key (patchbay.admin.key, or var/admin-key in local mode) or a workspace admin key. "
      + "It is kept in this tab's session storage only."),
    field("Admin key", "Authorization", input),
    h("button", { type: "submit" }, "Sign in")) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    key.set((input as HTMLInputElement).value.trim());
    try {
      await get<Me>("/v1/me");
      // One render: setting a new hash routes by its hashchange; routing here too rendered the page twice,
      // and the second render could wipe what the user had begun typing.
      if (location.hash === "#/config") void route();
      else location.hash = "#/config";
    } catch (e) {
      key.clear();
      showProblem(form, e);
    }
  });
  mount(top);
  mount(main, form);
  input.focus();
}

function nav(me: Me): void {
  const links: [string, string][] = [["#/config", "Configuration"], ["#/calls", "Call log"], ["#/live", "Live calls"],
    ["#/wallets", "Wallets"]];
  if (me.role === "operator") links.push(["#/fleet", "Fleet"]);
  const current = location.hash.split("/")[1] ?? "config";
  mount(top, h("nav", { "aria-label": "Console" },
    h("span", { class: "brand" }, "Patchbay"),
    h("ul", {}, links.map(([href, text]) => h("li", {}, h("a", {
      href, "aria-current": href.split("/")[1] === current ? "page" : undefined,
    }, text)))),
    h("span", { class: "who" }, me.role === "operator" ? "operator" : `admin of ${me.workspace_id}`),
    h("button", { type: "button", class: "secondary", onclick: () => { key.clear(); location.hash = ""; route(); } },
      "Sign out")));
}

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  if (!key.get()) { signIn(); return; }
  let me: Me;
  try {
    me = await get<Me>("/v1/me");
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 401) { key.clear(); signIn(); return; }
    throw e;
  }
  nav(me);
  const [, page, a, b] = location.hash.split("/");
  mount(main, h("p", { class: "loading" }, "Loading…"));
  try {
    switch (page) {
      case "calls": leave = b ? await callPage(main, a, b) : await callLogPage(main, me); break;
      case "live": leave = await livePage(main); break;
      case "fleet": leave = await fleetPage(main); break;
      case "wallets": leave = b ? await walletPage(main, a, b) : await walletsPage(main, me); break;
      default: leave = await configPage(main, me, page === "config" ? a : undefined);
    }
  } catch (e) {
    // A page the key may not see (403), or an id that is not the key's (404): say so, as the API did.
    const detail = e instanceof ApiError ? `${e.problem.status}: ${e.problem.detail}` : String(e);
    mount(main, h("p", { class: "form-error", role: "alert" }, detail));
  }
}

window.addEventListener("hashchange", () => void route());
void route();
