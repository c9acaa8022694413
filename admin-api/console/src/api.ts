// The admin API, called with the key the user typed. The key lives in sessionStorage only: never a
// cookie (no CSRF surface, not sent to other paths) and never the URL (no history, no logs).
const KEY = "patchbay.console.key";

export interface FieldProblem { field: string; detail: string }
export interface Problem { status: number; title?: string; detail: string; errors?: FieldProblem[] }
export interface Me { role: "operator" | "workspace_admin"; workspace_id?: string }
export interface Page<T> { items: T[]; next_cursor?: string | null }

export class ApiError extends Error {
  constructor(readonly problem: Problem) { super(problem.detail); }
}

export const key = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (k: string) => sessionStorage.setItem(KEY, k),
  clear: () => sessionStorage.removeItem(KEY),
};

export async function api<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
  return (await tagged<T>(method, path, body, extra)).value;
}

/** The answer with its ETag, for updates that must name (If-Match) the version they replace. */
export async function tagged<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}):
    Promise<{ value: T; etag: string | null }> {
  const headers: Record<string, string> = { Accept: "application/json", ...extra };
  const k = key.get();
  if (k) headers.Authorization = `Bearer ${k}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    throw new ApiError({ status: res.status, title: json.title, detail: json.detail ?? `${res.status} ${res.statusText}`,
      errors: json.errors });
  }
  return { value: json as T, etag: res.headers.get("ETag") };
}

/** A binary answer (a recording) fetched with the key; an error is the API's problem, as elsewhere. */
export async function bytes(path: string): Promise<ArrayBuffer> {
  const k = key.get();
  const res = await fetch(path, { headers: k ? { Authorization: `Bearer ${k}` } : {} });
  if (!res.ok) {
    const json = await res.json().catch(() => ({}));
    throw new ApiError({ status: res.status, title: json.title, detail: json.detail ?? `${res.status} ${res.statusText}`,
      errors: json.errors });
  }
  return res.arrayBuffer();
}

export const get = <T>(path: string) => api<T>("GET", path);
export const post = <T>(path: string, body: unknown) => api<T>("POST", path, body);

export function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}
export const del = <T>(path: string) => api<T>("DELETE", path);

/** One server-sent event: its name ("message" when unnamed) and its data lines joined by newlines. */
export interface StreamEvent { name: string; data: string }

/**
 * Reads a server-sent-events stream with fetch(), so the key goes in the Authorization header as for every
 * call (EventSource cannot send a header, and the key never goes in a URL). Resolves when the server ends the
 * stream; rejects with the API's problem when it refuses to start one, or when `signal` aborts.
 */
export async function stream(path: string, onEvent: (e: StreamEvent) => void, signal: AbortSignal): Promise<void> {
  const k = key.get();
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  if (k) headers.Authorization = `Bearer ${k}`;
  const res = await fetch(path, { headers, signal, cache: "no-store" });
  if (!res.ok || !res.body) {
    const json = await res.json().catch(() => ({}));
    throw new ApiError({ status: res.status, title: json.title, detail: json.detail ?? `${res.status} ${res.statusText}`,
      errors: json.errors });
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    // Events end with a blank line; the format allows CRLF, CR or LF line ends.
    const blocks = buffered.replace(/\r\n?/g, "\n").split("\n\n");
    buffered = blocks.pop() ?? "";
    for (const block of blocks) {
      let name = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) onEvent({ name, data: data.join("\n") });
    }
  }
}
