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
  private seq = 0;

  /** The next step's place in the attempt's transcript, taken when a step begins, so steps read in the order they were asked for. */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  constructor(
    readonly maxToolCalls: number,
    readonly maxCostUsd: number | undefined,
  ) {}
}
