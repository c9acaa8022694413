import { get, post, query, type Me, type Page } from "../api";
import { field, h, mount, table, when } from "../dom";
import { body, submit } from "../forms";
import { workspaceFilter, workspaceNames } from "./calls";

interface Balance { available: number; reserved: number; spent: number; credited: number }
interface Wallet {
  session_id: string; workspace_id: string; agent_id: string; session_type: string; currency: string;
  balance: Balance; created_at: string; expires_at: string; ended_at: string | null;
}
interface WalletDetail extends Wallet {
  reservations: { reservation_id: string; call_id: string | null; amount: number; rate_per_minute: number; max_seconds: number; created_at: string }[];
  ledger: { transaction_id: string; type: string; amount: number; balance_after: number; call_id: string | null; granted_by: string | null; created_at: string }[];
  ledger_truncated: boolean;
}

/** A fresh idempotency key; getRandomValues works on plain http too, where randomUUID does not exist. */
function newKey(): string {
  return `console-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** An amount in the session's currency, in the viewer's number format. */
function money(v: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 6 }).format(v);
}

function state(w: Wallet): string {
  return w.ended_at ? `ended ${when(w.ended_at)}` : `open until ${when(w.expires_at)}`;
}

/** The agent sessions' wallets: the operator sees every workspace's (or one's), a workspace admin its own. */
export async function walletsPage(main: HTMLElement, me: Me): Promise<void> {
  const names = await workspaceNames();
  const ws = workspaceFilter(me, names);
  const form = ws ? h("form", { class: "inline", role: "search", "aria-label": "Filter wallets" }, ws,
    h("button", { type: "submit" }, "Show")) as HTMLFormElement : null;
  const results = h("div", { "aria-live": "polite" });
  const rows: Wallet[] = [];

  async function load(cursor?: string): Promise<void> {
    const wsId = form ? (new FormData(form).get("workspace_id") as string) : undefined;
    const page = await get<Page<Wallet>>("/v1/agent-sessions" + query({ workspace_id: wsId, limit: "50", cursor }));
    if (!cursor) rows.length = 0;
    rows.push(...page.items);
    const more = page.next_cursor
      ? h("button", { type: "button", class: "secondary", onclick: () => void load(page.next_cursor!) }, "Load more")
      : null;
    mount(results, table("Agent sessions' wallets", ["Session", "Workspace", "Agent", "Available", "Reserved", "Spent", "Credited", "State"],
      rows.map((w) => [h("a", { href: `#/wallets/${w.workspace_id}/${w.session_id}` }, w.session_id),
        names.get(w.workspace_id) ?? w.workspace_id, w.agent_id, money(w.balance.available, w.currency),
        money(w.balance.reserved, w.currency), money(w.balance.spent, w.currency), money(w.balance.credited, w.currency),
        state(w)]), "No agent sessions."), more);
  }
  form?.addEventListener("submit", (ev) => { ev.preventDefault(); void load(); });
  mount(main, h("h1", {}, "Wallets"),
    h("p", { class: "hint" }, "Agent sessions (agents API) and their prepaid wallets. Open a session to see its ledger and grant credit."),
    form ? h("section", { class: "card" }, form) : null, h("section", { class: "card" }, results));
  await load();
}

/** One wallet: balances, held reservations, the ledger, and the grant form (the operator or the workspace's admin). */
export async function walletPage(main: HTMLElement, ws: string, id: string): Promise<void> {
  const base = `/v1/workspaces/${encodeURIComponent(ws)}/agent-sessions/${encodeURIComponent(id)}`;
  const w = await get<WalletDetail>(`${base}/wallet`);
  const m = (v: number) => money(v, w.currency);
  const facts: [string, string][] = [["Available", m(w.balance.available)], ["Reserved", m(w.balance.reserved)],
    ["Spent", m(w.balance.spent)], ["Credited", m(w.balance.credited)], ["Agent", w.agent_id],
    ["Workspace", w.workspace_id], ["Type", w.session_type], ["Started", when(w.created_at)], ["State", state(w)]];
  // One key per grant the form is about to make: a retried submit (a lost answer) never credits twice.
  let idempotencyKey = newKey();
  const grant = h("form", { class: "grid", "aria-label": "Grant credit" },
    field(`Amount (${w.currency})`, "amount", h("input", { type: "text", inputmode: "decimal", autocomplete: "off" }),
      "positive, at most 100000, up to 6 decimal places"),
    field("Note", "note", h("input", { type: "text", autocomplete: "off", maxlength: "200" }), "kept in the audit log"),
    h("button", { type: "submit" }, "Grant credit")) as HTMLFormElement;
  submit(grant, async () => {
    await post(`${base}/credits`, { ...body(grant), idempotency_key: idempotencyKey });
    idempotencyKey = newKey();
    await walletPage(main, ws, id);
    main.querySelector<HTMLElement>('[role="status"]')?.focus();
  });
  mount(main,
    h("p", {}, h("a", { href: "#/wallets" }, "← Wallets")),
    h("h1", {}, `Wallet of ${w.session_id}`),
    h("section", { class: "card" }, h("dl", { class: "facts", role: "status", tabindex: "-1", "aria-label": "Balances" },
      facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { "data-fact": k }, v)]))),
    w.ended_at ? h("p", { class: "hint" }, "The session has ended: its wallet takes no more credit.")
      : h("section", { class: "card", "aria-labelledby": "grant-title" }, h("h2", { id: "grant-title" }, "Grant credit"), grant),
    h("section", { class: "card", "aria-labelledby": "res-title" }, h("h2", { id: "res-title" }, "Held reservations"),
      table("Held reservations", ["Reservation", "Call", "Amount", "Rate per minute", "Max", "Since"],
        w.reservations.map((r) => [h("code", {}, r.reservation_id), r.call_id ?? "—", m(r.amount), m(r.rate_per_minute),
          `${r.max_seconds} s`, when(r.created_at)]), "No reservation held.")),
    h("section", { class: "card", "aria-labelledby": "ledger-title" }, h("h2", { id: "ledger-title" }, "Ledger, newest first"),
      table("Ledger", ["At", "Type", "Amount", "Balance after", "Call", "By"],
        w.ledger.map((l) => [when(l.created_at), l.type, m(l.amount), m(l.balance_after), l.call_id ?? "—", l.granted_by ?? "—"]),
        "No transactions yet."),
      w.ledger_truncated ? h("p", { class: "hint" }, "Only the latest 100 transactions are shown.") : null));
}
