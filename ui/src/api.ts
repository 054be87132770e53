// A small typed client for the status API. The types follow the routes'
// response schemas in controller/api/routes/*.ts (fastify sends only the keys
// listed there). Every string in them is untrusted text: render it as text.

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: "error" | "warning";
  message: string;
}

export type EventStatus = "active" | "paused" | "disabled" | "expired";
export type RunStatus = "queued" | "running" | "success" | "failed" | "cancelled";

export interface Status {
  last_applied_revision: string | null;
  last_applied_at: string | null;
  last_attempted_revision: string | null;
  last_attempted_at: string | null;
  /** applied, unchanged, invalid or error. */
  last_result: string | null;
  errors: Diagnostic[];
  drift: string[];
  events: Record<EventStatus, number>;
  /** ready: queued jobs whose time has come. */
  queue: { queued: number; running: number; ready: number };
  spend_today_usd: number;
  /** nexaas.yaml budget.daily_usd; null when the workspace sets none. */
  budget_daily_usd: number | null;
}

export interface Event {
  id: string;
  status: EventStatus;
  agent: string | null;
  layer: "framework" | "workspace";
  condition: { type: string; expr: string | number | null; timezone: string | null };
  /** The stored condition (its shape depends on the type); shown as JSON. */
  condition_spec: object | null;
  next_fire_at: string | null;
  consecutive_failures: number;
  paused_reason: string | null;
  description: string | null;
  enabled: boolean;
  origin: string;
  file: string;
}

export interface EventPage {
  events: Event[];
  /** The last id of a full page: pass it as `after` for the next one. */
  next_after: string | null;
}

export interface Agent {
  name: string;
  layer: string;
  file: string;
  description: string | null;
  model: string | null;
  skills: string[];
  mcp_servers: string[];
}

export interface Run {
  id: number;
  event_id: string;
  status: RunStatus;
  attempt: number;
  scheduled_for: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: string | null;
  error: string | null;
  trigger?: string;
  stop_reason?: string | null;
}

export interface EventDetail extends Event {
  next_fire_times: string[];
  last_runs: Run[];
}

/** One model turn or tool call (README "Status API and webhooks"). */
export interface Step {
  attempt: number;
  seq: number;
  kind: "turn" | "tool_call";
  agent: string;
  depth: number;
  model: string | null;
  stop_reason: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cost_usd: number | null;
  tool: string | null;
  server: string | null;
  input: string | null;
  output: string | null;
  is_error: boolean | null;
  duration_ms: number;
  started_at: string;
}

export interface RunDetail extends Run {
  payload: string | null;
  steps: Step[];
}

export interface RunPage {
  runs: Run[];
  next_before: number | null;
}

export interface QueueDepth {
  queued: number;
  running: number;
  success: number;
  failed: number;
  cancelled: number;
  ready: number;
}

export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost_usd: number;
  unpriced_calls: number;
}

export interface Usage {
  since: string;
  until: string | null;
  total: UsageTotals;
  by_model: (UsageTotals & { model: string | null })[];
  by_agent: (UsageTotals & { agent: string | null })[];
  by_event: (UsageTotals & { event: string | null })[];
  by_day: (UsageTotals & { day: string | null })[];
}

export interface Revision {
  revision: string;
  result: "applied" | "refused" | "unchanged";
  at: string;
  errors: Diagnostic[];
}

export interface RevisionPage {
  revisions: Revision[];
  next_before: string | number | null;
}

export interface Session {
  name: string;
  expires_at: string | null;
}

/** A response other than 2xx: `status` is the HTTP status, `message` the API's own words when it sent some. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let onUnauthorized: () => void = () => {};
/** What to do when any call answers 401 (the app goes to /login). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** A query string from the values that are set (undefined and "" are left out). */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

async function request(method: string, path: string, init: { body?: unknown; signal?: AbortSignal; quiet401?: boolean } = {}): Promise<Response> {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: init.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (response.ok) return response;
  if (response.status === 401 && !init.quiet401) onUnauthorized();
  throw new ApiError(response.status, await errorMessage(response));
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null) {
      const message: unknown = Reflect.get(body, "message") ?? Reflect.get(body, "error");
      if (typeof message === "string") return message;
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  return `${response.status} ${response.statusText}`.trim();
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await request("GET", path, { signal });
  // The API's response schemas are the contract; these types mirror them.
  return (await response.json()) as T;
}

/** A page of events; the next page's cursor travels in the x-next-after header. */
async function getEvents(filter: { status?: string; agent?: string; after?: string; limit?: number }, signal?: AbortSignal): Promise<EventPage> {
  const response = await request("GET", `/api/events${query(filter)}`, { signal });
  return { events: (await response.json()) as Event[], next_after: response.headers.get("x-next-after") };
}

export const api = {
  status: (signal?: AbortSignal) => getJson<Status>("/api/status", signal),
  agents: (signal?: AbortSignal) => getJson<Agent[]>("/api/agents", signal),
  queue: (signal?: AbortSignal) => getJson<QueueDepth>("/api/queue", signal),
  events: getEvents,
  event: (id: string, signal?: AbortSignal) => getJson<EventDetail>(`/api/events/${encodeURIComponent(id)}`, signal),
  runs: (filter: { event?: string; status?: string; limit?: number; before?: number }, signal?: AbortSignal) => getJson<RunPage>(`/api/runs${query(filter)}`, signal),
  run: (id: string, signal?: AbortSignal) => getJson<RunDetail>(`/api/runs/${encodeURIComponent(id)}`, signal),
  usage: (range: { since?: string; until?: string }, signal?: AbortSignal) => getJson<Usage>(`/api/usage${query(range)}`, signal),
  revisions: (page: { limit?: number; before?: string | number }, signal?: AbortSignal) => getJson<RevisionPage>(`/api/revisions${query(page)}`, signal),
  session: (signal?: AbortSignal) => getJson<Session>("/api/session", signal),
  signIn: async (token: string): Promise<void> => {
    await request("POST", "/api/session", { body: { token }, quiet401: true });
  },
  signOut: async (): Promise<void> => {
    await request("DELETE", "/api/session", { quiet401: true });
  },
};
