/**
 * Why an agent's loop ended (SPEC §11; README "Agents that act"). end_turn and
 * max_tokens end a run with its text; the others fail it: timeout as any
 * attempt's timeout (retried), the rest without a retry, since the same run
 * again would stop the same way and spend the same again.
 */
export type StopReason = "end_turn" | "max_turns" | "max_tool_calls" | "max_tokens" | "budget" | "timeout" | "refusal";

export const successfulStops: ReadonlySet<StopReason> = new Set(["end_turn", "max_tokens"]);
