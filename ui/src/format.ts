// Pure formatting helpers: no DOM, so the unit tests run them in node.
import type { Diagnostic } from "./api.js";

export interface FormatOptions {
  /** BCP 47 locale; the browser's when unset. */
  locale?: string;
  /** IANA zone; the browser's when unset. */
  timeZone?: string;
}

/** A date-time in the reader's zone ("Nov 23, 2026, 10:00:01 AM"); "" for null, the text itself when it is no date. */
export function formatTime(iso: string | null, options: FormatOptions = {}): string {
  if (iso === null) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, { dateStyle: "medium", timeStyle: "medium", timeZone: options.timeZone }).format(date);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

/** How far `iso` is from `now`, in the largest whole unit ("in 5 minutes", "3 hours ago"). */
export function formatRelative(iso: string, now: Date, options: FormatOptions = {}): string {
  const delta = new Date(iso).getTime() - now.getTime();
  if (Number.isNaN(delta)) return "";
  const format = new Intl.RelativeTimeFormat(options.locale, { numeric: "auto" });
  for (const [unit, ms] of units) {
    if (Math.abs(delta) >= ms) return format.format(Math.trunc(delta / ms), unit);
  }
  return format.format(0, "second");
}

/** A duration for people: "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** US dollars with enough decimals to tell small costs apart: "$0.0042", "$12.50". */
export function formatUsd(amount: number | null): string {
  if (amount === null) return "unpriced";
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  return `$${amount.toFixed(digits)}`;
}

/** Today's spend against the daily budget, for people: "25% of the $5.00 daily budget"; "" without a budget. */
export function formatBudgetShare(spend: number, budget: number | null): string {
  if (budget === null) return "";
  if (budget <= 0) return "the daily budget is $0: model calls are stopped";
  return `${Math.round((spend / budget) * 100)}% of the ${formatUsd(budget)} daily budget`;
}

/** A whole number with the locale's grouping: "12,345". */
export function formatCount(n: number | null, options: FormatOptions = {}): string {
  return n === null ? "" : new Intl.NumberFormat(options.locale, { maximumFractionDigits: 0 }).format(n);
}

/** Where a diagnostic points, as editors read it: "events/a.yaml:3:5". */
export function diagnosticLocation(d: Pick<Diagnostic, "file" | "line" | "column">): string {
  return d.line > 0 ? `${d.file}:${d.line}${d.column > 0 ? `:${d.column}` : ""}` : d.file;
}

/** JSON text indented for reading; any other text as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The first line of a message, cut to `max` characters, for a table cell. */
export function firstLine(text: string | null, max = 120): string {
  if (!text) return "";
  const line = text.split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A git revision shortened as git shows it. */
export const shortRevision = (revision: string | null): string => (revision === null ? "none" : revision.slice(0, 12));

/** "1 turn", "3 turns". */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;
