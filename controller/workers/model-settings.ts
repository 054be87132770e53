import type { Database } from "better-sqlite3";
import { readDefinition } from "../store/read-definition.js";
import { ExecutionError } from "./executor.js";

/** What one model call of an action needs from the applied definitions. */
export interface ModelSettings {
  agent: string;
  /** The agent's prompt.md, sent as `system`. */
  system: string;
  model: string;
  maxTokens: number;
  /** nexaas.yaml budget.daily_usd, when set. */
  dailyBudgetUsd: number | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The agent of an action (its own `agent`, else the event's, else
 * nexaas.yaml defaults.agent) with its prompt, model and max_tokens, the
 * workspace defaults filling what the agent leaves out.
 */
export function modelSettings(db: Database, actionAgent: unknown, defaultAgent: string | undefined, label: string): ModelSettings {
  const workspace = readDefinition(db, "workspace", "workspace");
  const defaults = workspace?.defaults ?? {};
  const name = text(actionAgent) ?? text(defaultAgent) ?? text(defaults.agent);
  if (!name) throw new ExecutionError(`${label}: no agent: set \`agent\` on the action or the event, or defaults.agent in nexaas.yaml`, "no-agent");
  const agent = readDefinition(db, "agent", name);
  if (!agent) throw new ExecutionError(`${label}: agent "${name}" is not defined (or not applied)`, "unknown-agent");
  const model = text(agent.model) ?? text(defaults.model);
  if (!model) throw new ExecutionError(`${label}: agent "${name}" has no model and nexaas.yaml sets no defaults.model`, "no-model");
  return {
    agent: name,
    system: agent.prompt,
    model,
    maxTokens: agent.max_tokens ?? defaults.max_tokens ?? 4096,
    dailyBudgetUsd: workspace?.budget?.daily_usd,
  };
}
