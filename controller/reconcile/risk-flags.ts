import type { ObjectKind } from "../definitions/object-state.js";
import { isRecord } from "../definitions/is-record.js";
import { agentRisks } from "./agent-risks.js";
import { deepEqual } from "./field-changes.js";

export type RiskCode =
  | "script-command"
  | "webhook-host"
  | "mcp-server"
  | "model-change"
  | "frequent-event"
  | "tool-permission"
  | "agent-limit"
  | "egress";

/** Something a reviewer should look at twice. Messages name the thing and never hold a resolved secret. */
export interface Risk {
  code: RiskCode;
  message: string;
}

export interface RiskInput {
  kind: ObjectKind;
  name: string;
  op: "create" | "update" | "delete";
  /** The spec as stored now (absent for a create). */
  before?: Record<string, unknown>;
  /** The spec as the revision wants it (absent for a delete). */
  after?: Record<string, unknown>;
  /** The event's next fire times as planned ([] when its schedule did not change). */
  fireTimes: readonly Date[];
}

export interface RiskContext {
  /** Webhook hosts (lower-case) and "${NAME}" URL variables that current objects already call. */
  knownWebhookHosts: ReadonlySet<string>;
  /** nexaas.yaml `defaults` as the revision wants it, for the limits and tools of agents that set none. */
  workspaceDefaults?: Record<string, unknown>;
}

const oneMinute = 60_000;

/** The risk flags of one change. Removing things is never flagged: it cannot reach anything new. */
export function riskFlags(input: RiskInput, context: RiskContext): Risk[] {
  if (input.op === "delete" || !input.after) return [];
  const risks = [
    ...scriptRisks(input.before, input.after, input.kind),
    ...webhookRisks(input.after, input.kind, context),
    ...mcpRisks(input),
    ...modelRisks(input),
    ...agentRisks({ ...input, after: input.after, workspaceDefaults: context.workspaceDefaults }),
    ...frequencyRisks(input),
    ...egressRisks(input),
  ];
  // One message per thing, even when two steps add the same command.
  const seen = new Set<string>();
  return risks.filter((r) => !seen.has(r.message) && seen.add(r.message));
}

/** Every host that the webhook actions of these specs call: the planner's notion of "not new". */
export function webhookHosts(objects: Iterable<{ kind: ObjectKind; spec: Record<string, unknown> }>): Set<string> {
  const hosts = new Set<string>();
  for (const o of objects) for (const a of actionsOf(o.spec, o.kind)) if (a.url !== undefined) hosts.add(urlHost(a.url).key);
  return hosts;
}

interface FoundAction {
  /** Where it sits: "action", "steps[1]", "action.steps[0].steps[2]". */
  path: string;
  stepId?: string;
  command?: string;
  url?: string;
}

/**
 * The actions an event or flow runs: the event's action, a flow's steps, and
 * inline steps nested in either. Free-form payloads (input, body) are not
 * searched: a mapping there that looks like an action is data, not a run.
 */
function actionsOf(spec: Record<string, unknown>, kind: ObjectKind): FoundAction[] {
  const out: FoundAction[] = [];
  const visit = (node: unknown, path: string): void => {
    if (!isRecord(node)) return;
    const type = node.type ?? node.action;
    const found: FoundAction = { path, ...(typeof node.id === "string" ? { stepId: node.id } : {}) };
    if (type === "script" && typeof node.command === "string") out.push({ ...found, command: node.command });
    if (type === "webhook" && typeof node.url === "string") out.push({ ...found, url: node.url });
    if (Array.isArray(node.steps)) node.steps.forEach((s, i) => visit(s, `${path ? `${path}.` : ""}steps[${i}]`));
  };
  if (kind === "event") visit(spec.action, "action");
  if (kind === "flow") visit({ steps: spec.steps }, "");
  return out;
}

function scriptRisks(before: Record<string, unknown> | undefined, after: Record<string, unknown>, kind: ObjectKind): Risk[] {
  const old = before ? actionsOf(before, kind).filter((a) => a.command !== undefined) : [];
  const oldCommands = new Set(old.map((a) => a.command));
  const risks: Risk[] = [];
  for (const a of actionsOf(after, kind)) {
    if (a.command === undefined || oldCommands.has(a.command)) continue;
    const where = a.stepId ? ` (step ${a.stepId})` : "";
    const replaced = old.find((o) => o.path === a.path)?.command;
    risks.push({
      code: "script-command",
      message: replaced !== undefined ? `changed script command${where}: ${replaced} -> ${a.command}` : `new script command${where}: ${a.command}`,
    });
  }
  return risks;
}

function webhookRisks(after: Record<string, unknown>, kind: ObjectKind, context: RiskContext): Risk[] {
  const risks: Risk[] = [];
  for (const a of actionsOf(after, kind)) {
    if (a.url === undefined) continue;
    const host = urlHost(a.url);
    if (context.knownWebhookHosts.has(host.key)) continue;
    // The value of a variable is only known at run time, and reading it here
    // would put a secret into the plan: name the variable instead.
    const message = host.variables.length
      ? `new webhook host from environment variable ${host.variables.join(", ")}`
      : `new webhook host: ${host.key}`;
    risks.push({ code: "webhook-host", message });
  }
  return risks;
}

/** The host of a URL (no user info, no port), or the "${NAME}" variables it is built from. */
export function urlHost(url: string): { key: string; variables: string[] } {
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1];
  const host = authority === undefined ? url : authority.replace(/^.*@/, "").replace(/:[0-9]*$/, "");
  // `${NAME:-default}` is named by its variable.
  const variables = [...host.matchAll(/\$\{([^}:]*)[^}]*\}/g)].map((m) => m[1] ?? "");
  // Host names are case-insensitive; variable names are not.
  return { key: variables.length ? host : host.toLowerCase(), variables };
}

function mcpRisks({ kind, name, op, before, after }: RiskInput): Risk[] {
  if (kind !== "mcp_server" || !after) return [];
  const helper = headersHelperRisks(name, before, after);
  if (op === "create") return [{ code: "mcp-server", message: `new MCP server ${name}: ${mcpTarget(after)}` }, ...helper];
  const changed = ["command", "args", "url"].filter((k) => !deepEqual(before?.[k], after[k]));
  if (changed.length === 0 || !before) return helper;
  return [{ code: "mcp-server", message: `MCP server ${name} changed its ${changed.join(", ")}: ${mcpTarget(before)} -> ${mcpTarget(after)}` }, ...helper];
}

/** A headersHelper is a shell command the controller runs at connect time: a new or changed one is a script command. */
function headersHelperRisks(name: string, before: Record<string, unknown> | undefined, after: Record<string, unknown>): Risk[] {
  const now = after.headersHelper;
  if (typeof now !== "string" || now === before?.headersHelper) return [];
  const old = before?.headersHelper;
  const message =
    typeof old === "string"
      ? `MCP server ${name} changed its headersHelper command: ${old} -> ${now}`
      : `MCP server ${name} runs a headersHelper command at connect time: ${now}`;
  return [{ code: "script-command", message }];
}

/** What an MCP server runs or connects to, for a message: "npx -y pkg" or a URL without query or user info. */
function mcpTarget(spec: Record<string, unknown>): string {
  if (typeof spec.url === "string") return spec.url.replace(/^([a-z]+:\/\/)[^/@]*@/i, "$1").replace(/[?#].*$/, "");
  const args = Array.isArray(spec.args) ? spec.args.map(String) : [];
  return [String(spec.command ?? "(no command)"), ...args].join(" ");
}

function modelRisks({ kind, name, op, before, after }: RiskInput): Risk[] {
  if (op !== "update" || !before || !after) return [];
  if (kind === "agent" && !deepEqual(before.model, after.model)) {
    return [{ code: "model-change", message: `agent ${name} changes model: ${modelName(before.model)} -> ${modelName(after.model)}` }];
  }
  if (kind === "workspace") {
    const old = isRecord(before.defaults) ? before.defaults.model : undefined;
    const now = isRecord(after.defaults) ? after.defaults.model : undefined;
    if (!deepEqual(old, now)) {
      return [{ code: "model-change", message: `default model of agents without their own changes: ${modelName(old, "none")} -> ${modelName(now, "none")}` }];
    }
  }
  return [];
}

const modelName = (model: unknown, missing = "workspace default"): string => (typeof model === "string" ? model : `(${missing})`);

function frequencyRisks({ kind, fireTimes }: RiskInput): Risk[] {
  if (kind !== "event") return [];
  const times = fireTimes.map((t) => t.getTime());
  const shortest = Math.min(...times.slice(1).map((t, i) => t - (times[i] ?? t)));
  if (shortest >= oneMinute) return [];
  const every = shortest % 1000 === 0 ? `${shortest / 1000}s` : `${shortest}ms`;
  return [{ code: "frequent-event", message: `fires more often than once a minute (every ${every})` }];
}

/**
 * nexaas.yaml `egress` widened: private addresses allowed, or a CIDR added.
 * Webhook actions and HTTP MCP servers may then reach the internal network.
 */
function egressRisks(input: RiskInput): Risk[] {
  if (input.kind !== "workspace" || !input.after) return [];
  const before = isRecord(input.before?.egress) ? input.before.egress : {};
  const after = isRecord(input.after.egress) ? input.after.egress : {};
  const risks: Risk[] = [];
  if (after.allow_private === true && before.allow_private !== true) {
    risks.push({ code: "egress", message: "egress.allow_private: webhooks and HTTP MCP servers may now reach private, loopback and link-local addresses" });
  }
  const had = new Set(Array.isArray(before.allow) ? before.allow : []);
  for (const cidr of Array.isArray(after.allow) ? after.allow : []) {
    if (typeof cidr === "string" && !had.has(cidr)) risks.push({ code: "egress", message: `egress.allow: webhooks and HTTP MCP servers may now reach ${cidr}` });
  }
  return risks;
}
