import type { Step } from "../api.js";
import { formatCount, formatUsd, plural } from "../format.js";
import { groupByAttempt } from "../transcript.js";
import { TranscriptStep } from "./transcript-step.js";

/** A run's transcript, attempt by attempt: model turns and tool calls, sub-agents indented. */
export function Transcript({ steps }: { steps: readonly Step[] }) {
  if (steps.length === 0) return <p class="muted">No transcript: this run made no model call.</p>;
  return (
    <>
      {groupByAttempt(steps).map((a) => (
        <section key={a.attempt} class="attempt" aria-labelledby={`attempt-${a.attempt}`}>
          <h3 id={`attempt-${a.attempt}`}>Attempt {a.attempt}</h3>
          <p class="muted">
            {plural(a.turns, "turn")}, {plural(a.toolCalls, "tool call")}{a.toolErrors > 0 ? ` (${a.toolErrors} failed)` : ""}, {formatCount(a.inputTokens)} tokens in,{" "}
            {formatCount(a.outputTokens)} out, {formatUsd(a.costUsd)}
            {a.unpricedTurns > 0 && a.costUsd !== null ? ` (+${plural(a.unpricedTurns, "unpriced turn")})` : ""}
          </p>
          <ol class="steps">
            {a.steps.map((step) => (
              <TranscriptStep key={step.seq} step={step} />
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}
