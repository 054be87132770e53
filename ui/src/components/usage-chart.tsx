import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatCount, formatUsd } from "../format.js";
import type { Series } from "../usage-series.js";

const height = 240;

/** Chart colours come from the stylesheet, so dark mode changes them in one place. */
function colour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

// The legend shows no value until the cursor is over a bar.
const legend = (format: (v: number) => string) => (_u: uPlot, v: number | null) => (v === null ? "—" : format(v));
const axisUsd = (v: number): string => `$${v.toFixed(v === 0 || v >= 0.01 ? 2 : 4)}`;

const shorten = (label: string): string => (label.length > 16 ? `${label.slice(0, 15)}…` : label);

function options(series: Series, time: boolean, width: number, caption: string): uPlot.Options {
  const bars = uPlot.paths.bars;
  const half = time ? 43_200 : 0.5;
  const axis = { stroke: colour("--text-muted"), grid: { stroke: colour("--border") }, ticks: { stroke: colour("--border") } };
  return {
    title: caption,
    width,
    height,
    scales: { x: { time, range: (_u, min, max) => [min - half, max + half] }, usd: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      time
        ? axis
        : { ...axis, splits: () => series.x, values: (_u, splits) => splits.map((i) => shorten(series.labels[i] ?? "")), rotate: series.x.length > 6 ? -30 : 0 },
      { ...axis, values: (_u, splits) => splits.map((v) => formatCount(v)), size: 70 },
      { ...axis, scale: "usd", side: 1, values: (_u, splits) => splits.map(axisUsd), grid: { show: false }, size: 70 },
    ],
    series: [
      time ? {} : { label: "name", value: (_u, i) => (i === null ? "—" : (series.labels[i] ?? "")) },
      { label: "tokens (in + out)", stroke: colour("--chart-tokens"), fill: colour("--chart-tokens"), paths: bars?.({ size: [0.4, 40], align: -1 }), points: { show: false }, value: legend(formatCount) },
      { label: "cost", scale: "usd", stroke: colour("--chart-cost"), fill: colour("--chart-cost"), paths: bars?.({ size: [0.4, 40], align: 1 }), points: { show: false }, value: legend(formatUsd) },
    ],
  };
}

/** Tokens (left axis) and cost (right axis) as bars per day or per name, drawn by uPlot on a canvas. */
export function UsageChart({ series, time, caption }: { series: Series; time: boolean; caption: string }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = target.current;
    if (!el || series.x.length === 0) return;
    let plot: uPlot | undefined;
    const draw = () => {
      plot?.destroy();
      plot = new uPlot(options(series, time, el.clientWidth || 600, caption), [series.x, series.tokens, series.cost], el);
    };
    draw();
    const resize = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height }));
    resize.observe(el);
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    scheme.addEventListener("change", draw);
    return () => {
      resize.disconnect();
      scheme.removeEventListener("change", draw);
      plot?.destroy();
    };
  }, [series, time, caption]);

  if (series.x.length === 0) return <p class="muted">No usage in this range.</p>;
  // The chart is a picture of the table that follows it; screen readers get the table.
  return <div class="chart" ref={target} role="img" aria-label={`${caption}: chart; the table below has the numbers`} />;
}
