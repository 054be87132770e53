/** Untrusted text (run output, errors, tool input and output) in a <pre>, as a text node: never markup. */
export function TextBlock({ text, label, tone }: { text: string | null; label: string; tone?: "error" }) {
  if (text === null || text === "") return <p class="muted">No {label.toLowerCase()}.</p>;
  return (
    // Focusable so a keyboard user can scroll a long block.
    <pre class={tone === "error" ? "text-block error-text" : "text-block"} tabIndex={0} aria-label={label}>
      {text}
    </pre>
  );
}
