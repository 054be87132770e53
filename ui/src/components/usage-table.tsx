import type { UsageTotals } from "../api.js";
import { formatCount, formatUsd } from "../format.js";

/** The numbers behind a usage chart: the table fallback, readable without the canvas. */
export function UsageTable({ rows, keyLabel, caption }: { rows: readonly (UsageTotals & { name: string })[]; keyLabel: string; caption: string }) {
  if (rows.length === 0) return null;
  return (
    <details class="usage-table">
      <summary>{caption} as a table</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{keyLabel}</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Cache write</th>
              <th scope="col">Cache read</th>
              <th scope="col">Cost</th>
              <th scope="col">Unpriced calls</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.name}>
                <th scope="row">{r.name}</th>
                <td class="num">{formatCount(r.input_tokens)}</td>
                <td class="num">{formatCount(r.output_tokens)}</td>
                <td class="num">{formatCount(r.cache_creation_input_tokens)}</td>
                <td class="num">{formatCount(r.cache_read_input_tokens)}</td>
                <td class="num">{formatUsd(r.cost_usd)}</td>
                <td class="num">{r.unpriced_calls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
