/**
 * What one run has used so far, at every depth together: a sub-agent's tool
 * calls and money count against the run's `max_tool_calls` and `max_cost_usd`
 * (the run's own agent sets them), so delegating never widens a limit.
 */
export class RunLedger {
  toolCalls = 0;
  spentUsd = 0;
  /** Which budget stopped the run, for its message: the day's (budget.daily_usd) or the run's (max_cost_usd). */
  budgetStop: { by: "daily"; spentToday: number } | { by: "run" } | undefined;
  constructor(
    readonly maxToolCalls: number,
    readonly maxCostUsd: number | undefined,
  ) {}
}
