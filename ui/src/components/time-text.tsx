import { formatRelative, formatTime } from "../format.js";

/** A time in the reader's zone, its ISO text in the title; with `relative`, "in 5 minutes" after it. */
export function TimeText({ iso, relative = false }: { iso: string | null; relative?: boolean }) {
  if (iso === null) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
      {relative && <span class="muted"> ({formatRelative(iso, new Date())})</span>}
    </time>
  );
}
