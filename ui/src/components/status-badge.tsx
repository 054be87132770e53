/** A run's, event's or revision's state: its name in words, the colour only a help. */
export function StatusBadge({ status }: { status: string | null }) {
  const text = status ?? "none";
  return <span class={`badge status-${text.replace(/[^a-z_]/g, "")}`}>{text}</span>;
}
