/**
 * Claude Code's model aliases (a subagent file's `model:`) and the model id
 * each means in Nexaas. The one table: the README's "Bringing Claude Code
 * files" shows the same rows, and controller/llm/prices.json prices each id.
 * Move an id here when a newer model of its tier becomes current.
 */
export const modelAliases: Readonly<Record<string, string>> = {
  opus: "claude-opus-5-5",
  sonnet: "claude-sonnet-5-5",
  haiku: "claude-haiku-5-5",
};

/** `inherit`: the workspace's `defaults.model`, i.e. no `model` of the agent's own. */
export const inheritModel = "inherit";

/** The model id a subagent file's `model` names: an alias's id, nothing for `inherit`, any other value as written (a full id). */
export function resolveModelAlias(model: string): string | undefined {
  if (model === inheritModel) return undefined;
  return modelAliases[model] ?? model;
}
