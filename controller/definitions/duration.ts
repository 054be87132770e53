const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration anything takes: a year and a day. Longer values are
 * typos (an extra zero), and would overflow dates and timers downstream.
 */
export const maxDurationMs = 366 * 86_400_000;

/** "90s", "15m", "2h", "1d", "500ms" or a number of seconds, in milliseconds; undefined if not a duration in (0, 366d]. */
export function parseDuration(value: string | number): number | undefined {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return undefined;
    ms = value * 1000;
  } else {
    const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(value);
    if (!m?.[1] || !m[2]) return undefined;
    ms = Number(m[1]) * (unitMs[m[2]] ?? 0);
  }
  return ms > 0 && ms <= maxDurationMs ? ms : undefined;
}
