import { readDefinition } from "../store/read-definition.js";
import { isRecord } from "../definitions/is-record.js";
import { ExecutionError, type ExecutionContext } from "./executor.js";
import { secretReference, secretValue, type SecretSink } from "./secrets.js";

/** What a flow keeps of one step for the steps after it. */
export interface StepResult {
  status: "success" | "failed" | "skipped";
  output: string;
  /** Empty when the step did not fail. */
  error: string;
}

/** Everything a template or a script's NEXAAS_* variables can read. */
export interface TemplateScope {
  steps: Readonly<Record<string, StepResult>>;
  payload: unknown;
  eventId: string;
  scheduledFor: string;
  now: Date;
  /** The event's description, or "" when the run's event is not (or no longer) applied. */
  description: string;
  /** The entries of the registries the rendered fields name (`{{registries.<name>}}`), read with the scope. */
  registries: Readonly<Record<string, unknown[]>>;
}

/** What a script's NEXAAS_* variables read: the scope without the store's values. */
export type TemplateValues = Pick<TemplateScope, "steps" | "payload" | "eventId" | "scheduledFor" | "now">;

/**
 * Step results travel with the context a flow hands to its steps, so the
 * executors that must not have values spliced in by someone else (script:
 * environment variables; webhook: one pass with `${NAME}`) render their own.
 */
const stepResults = new WeakMap<ExecutionContext, Readonly<Record<string, StepResult>>>();

/** A context for one flow step: its own action, the flow's payload, and the earlier steps' results. */
export function stepContext(
  ctx: ExecutionContext,
  action: ExecutionContext["action"],
  payload: unknown,
  steps: Readonly<Record<string, StepResult>>,
): ExecutionContext {
  const child: ExecutionContext = { ...ctx, action, payload };
  stepResults.set(child, { ...steps });
  return child;
}

/** The values of `ctx` that need no read of the store. */
export function templateValues(ctx: ExecutionContext): TemplateValues {
  return {
    steps: stepResults.get(ctx) ?? {},
    payload: ctx.payload,
    eventId: ctx.eventId,
    scheduledFor: ctx.scheduledFor,
    now: ctx.clock.now(),
  };
}

/**
 * Everything templates over `fields` can read: what they read from the store
 * (the event's description, the registries they name) is read up front, so
 * rendering stays synchronous, and only when named: this runs for every
 * attempt, and on PostgreSQL each read is a round trip. Without `fields` (a
 * flow's scope, for steps not known yet) the description is read and no registry.
 */
export async function templateScope(ctx: ExecutionContext, fields?: unknown): Promise<TemplateScope> {
  const values = templateValues(ctx);
  const reads = fields === undefined ? { registries: new Set<string>(), description: true } : storeReads(fields);
  const registries: Record<string, unknown[]> = {};
  for (const name of reads.registries) {
    const registry = await readDefinition(ctx.sql, "registry", name);
    if (registry) registries[name] = registry.entries ?? [];
  }
  const description = reads.description ? (await readDefinition(ctx.sql, "event", ctx.eventId))?.description : undefined;
  return { ...values, description: typeof description === "string" ? description : "", registries };
}

/** What the templates in `value`'s strings read from the store: the registries they name, and whether the event's description. */
function storeReads(value: unknown, reads = { registries: new Set<string>(), description: false }): { registries: Set<string>; description: boolean } {
  if (typeof value === "string") {
    for (const match of value.matchAll(reference)) {
      const [root, name, ...rest] = (match[1] ?? "").split(".");
      if (name === undefined || rest.length > 0) continue;
      if (root === "registries") reads.registries.add(name);
      else if (root === "event" && name === "description") reads.description = true;
    }
  } else if (Array.isArray(value)) for (const v of value) storeReads(v, reads);
  else if (isRecord(value)) for (const v of Object.values(value)) storeReads(v, reads);
  return reads;
}

const reference = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** Templates and `${NAME}` in one pass, so neither is looked for in the other's values. */
const referenceOrSecret = new RegExp(`${reference.source}|${secretReference.source}`, "g");

/** Where `${NAME}` values come from, and where each resolved value is recorded for masking. */
type Secrets = { env: NodeJS.ProcessEnv; used: SecretSink };

/**
 * `text` with every `{{...}}` replaced. With `secrets`, `${NAME}` is resolved
 * in the same pass: a template's value (a payload, a step's output) is never
 * scanned again, so it cannot name a variable and have it sent out.
 */
export function renderString(text: string, scope: TemplateScope, secrets?: Secrets): string {
  if (!secrets) return text.replace(reference, (_m, expr: string) => templateValue(expr, scope));
  return text.replace(referenceOrSecret, (_m, expr: string | undefined, name: string | undefined, fallback: string | undefined) =>
    expr !== undefined ? templateValue(expr, scope) : secretValue(name ?? "", secrets.env, secrets.used, fallback),
  );
}

/** `value` with every string in it rendered (keys stay as written). */
export function renderTemplates(value: unknown, scope: TemplateScope, secrets?: Secrets): unknown {
  if (typeof value === "string") return renderString(value, scope, secrets);
  if (Array.isArray(value)) return value.map((v: unknown) => renderTemplates(v, scope, secrets));
  if (isRecord(value)) return renderFields(value, scope, secrets);
  return value;
}

/** An action's (or a step's) fields, each rendered. */
export function renderFields(fields: Record<string, unknown>, scope: TemplateScope, secrets?: Secrets): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, renderTemplates(v, scope, secrets)]));
}

/** Header values and the like: strings in, strings out. */
export function renderStrings(map: Record<string, string>, scope: TemplateScope, secrets?: Secrets): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, renderString(v, scope, secrets)]));
}

/** The text one `{{expr}}` stands for. Validation has checked the names; what is still unknown here fails the step. */
export function templateValue(expr: string, scope: TemplateScope): string {
  const [root, second, ...rest] = expr.split(".");
  switch (root) {
    case "steps": {
      const step = second === undefined ? undefined : scope.steps[second];
      const field = rest[0];
      if (!step || (field !== "output" && field !== "status" && field !== "error") || rest.length !== 1) {
        throw unknown(expr, second === undefined ? "no step named" : `step "${second}" has not run before this one`);
      }
      return step[field];
    }
    case "trigger": {
      if (second !== "payload") throw unknown(expr, "use trigger.payload or trigger.payload.<key>");
      return asText(rest.reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), scope.payload));
    }
    case "event":
      if (rest.length === 0 && second === "id") return scope.eventId;
      if (rest.length === 0 && second === "scheduled_for") return scope.scheduledFor;
      if (rest.length === 0 && second === "description") return scope.description;
      throw unknown(expr, "use event.id, event.description or event.scheduled_for");
    case "date":
      if (rest.length === 0 && second !== undefined) {
        const dates = dateValues(scope.now);
        if (second === "today" || second === "yesterday" || second === "now") return dates[second];
      }
      throw unknown(expr, "use date.today, date.yesterday or date.now");
    case "registries": {
      const entries = second === undefined || rest.length > 0 || !Object.hasOwn(scope.registries, second) ? undefined : scope.registries[second];
      if (!entries) throw unknown(expr, `no registry "${second ?? ""}" is applied`);
      return JSON.stringify(entries);
    }
    default:
      throw unknown(expr, "templates start with steps, trigger, event, date or registries");
  }
}

/** The same values as environment variables, for a script (never spliced into its command). */
export function templateEnv(scope: TemplateValues): Record<string, string> {
  const env: Record<string, string> = {
    NEXAAS_TRIGGER_PAYLOAD: JSON.stringify(scope.payload ?? null),
    NEXAAS_EVENT_ID: scope.eventId,
    NEXAAS_SCHEDULED_FOR: scope.scheduledFor,
  };
  for (const [id, step] of Object.entries(scope.steps)) {
    const prefix = `NEXAAS_STEPS_${id.toUpperCase().replace(/-/g, "_")}`;
    env[`${prefix}_OUTPUT`] = step.output;
    env[`${prefix}_STATUS`] = step.status;
    env[`${prefix}_ERROR`] = step.error;
  }
  return env;
}

/** `date.*` as UTC dates (YYYY-MM-DD) and an ISO instant. */
export function dateValues(now: Date): { today: string; yesterday: string; now: string } {
  return {
    today: now.toISOString().slice(0, 10),
    yesterday: new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10),
    now: now.toISOString(),
  };
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function unknown(expr: string, hint: string): ExecutionError {
  return new ExecutionError(`template {{${expr}}}: ${hint}`, "template");
}
