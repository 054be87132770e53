import type { ComponentChildren } from "preact";

/** One term and its value in a <dl>, grouped so a row of them can wrap as pairs. */
export function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
