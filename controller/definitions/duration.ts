const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "2h", "1d", "500ms" or a number of seconds, in milliseconds; undefined if not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value * 1000 : undefined;
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const ms = Number(m[1]) * (unitMs[m[2]] ?? 0);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}
