import { useMemo } from "preact/hooks";
import { api, type Usage as UsageData } from "../api.js";
import { Link } from "../components/link.js";
import { LoadState } from "../components/load-state.js";
import { UsageChart } from "../components/usage-chart.js";
import { UsageTable } from "../components/usage-table.js";
import { formatCount, formatUsd } from "../format.js";
import { usePoll } from "../use-poll.js";
import { breakdowns, categorySeries, daySeries, rangeStart } from "../usage-series.js";

const ranges = [7, 30, 90];
const kinds = [
  ["model", "Model"],
  ["agent", "Agent"],
  ["event", "Event"],
] as const;

function Charts({ usage, since }: { usage: UsageData; since: Date }) {
  const perDay = useMemo(() => daySeries(usage.by_day, since, new Date()), [usage, since]);
  const named = useMemo(() => breakdowns(usage), [usage]);
  const series = useMemo(() => ({ model: categorySeries(named.model), agent: categorySeries(named.agent), event: categorySeries(named.event) }), [named]);
  return (
    <>
      <p class="totals">
        {formatCount(usage.total.input_tokens)} tokens in, {formatCount(usage.total.output_tokens)} out, {formatUsd(usage.total.cost_usd)}
        {usage.total.unpriced_calls > 0 && ` (${usage.total.unpriced_calls} calls of unpriced models not in the cost)`}
      </p>
      <section aria-labelledby="h-day">
        <h2 id="h-day">Per day (UTC)</h2>
        <UsageChart series={perDay} time caption="Tokens and cost per day" />
        <UsageTable rows={usage.by_day.map((r) => ({ ...r, name: r.day ?? "none" }))} keyLabel="Day" caption="Per day" />
      </section>
      {kinds.map(([key, label]) => (
        <section key={key} aria-labelledby={`h-${key}`}>
          <h2 id={`h-${key}`}>Per {key}</h2>
          <UsageChart series={series[key]} time={false} caption={`Tokens and cost per ${key} (top 12 by cost)`} />
          <UsageTable rows={named[key]} keyLabel={label} caption={`Per ${key}`} />
        </section>
      ))}
    </>
  );
}

/** Tokens and cost per day, model, agent and event over the last 7, 30 or 90 days. */
export function Usage({ params }: { params: URLSearchParams }) {
  const days = ranges.includes(Number(params.get("days"))) ? Number(params.get("days")) : 30;
  // The range starts at a UTC midnight, so it changes once a day, not on every render.
  const sinceIso = rangeStart(days, new Date()).toISOString();
  const since = useMemo(() => new Date(sinceIso), [sinceIso]);
  const state = usePoll((signal) => api.usage({ since: sinceIso }, signal), `usage:${sinceIso}`, 60_000);
  return (
    <main id="main">
      <h1>Usage</h1>
      <nav class="pager" aria-label="Range">
        {ranges.map((d) => (
          <Link key={d} href={`/usage?days=${d}`} aria-current={d === days ? "page" : undefined}>
            Last {d} days
          </Link>
        ))}
      </nav>
      <LoadState state={state}>{(usage) => <Charts usage={usage} since={since} />}</LoadState>
    </main>
  );
}
