import { readDefinition } from "../store/read-definition.js";
import type { Sql } from "../store/sql/sql.js";

/**
 * nexaas.yaml's budget.daily_usd for the budget notice, which every ended run
 * checks: kept until `forget()` (an applied reconcile) or for 5 s (a follower
 * on PostgreSQL sees no reconcile), not read once per run.
 */
export class DailyBudget {
  private kept: { readAt: number; value: Promise<number | undefined> } | undefined;

  constructor(private readonly sql: Sql) {}

  read(): Promise<number | undefined> {
    const now = performance.now();
    if (!this.kept || now - this.kept.readAt > 5_000) {
      this.kept = { readAt: now, value: readDefinition(this.sql, "workspace", "workspace").then((w) => w?.budget?.daily_usd) };
    }
    return this.kept.value;
  }

  forget(): void {
    this.kept = undefined;
  }
}
