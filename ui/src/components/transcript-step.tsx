import type { Step } from "../api.js";
import { formatCount, formatDuration, formatUsd, prettyJson } from "../format.js";
import { depthClass } from "../transcript.js";
import { Fact } from "./fact.js";
import { TextBlock } from "./text-block.js";
import { TimeText } from "./time-text.js";

/** One model turn or tool call, indented by the depth of the (sub-)agent that made it. */
export function TranscriptStep({ step }: { step: Step }) {
  const agent = step.depth > 0 ? `sub-agent ${step.agent} (depth ${step.depth})` : step.agent;
  if (step.kind === "turn") {
    return (
      <li class={`step step-turn ${depthClass(step.depth)}`}>
        <p class="step-head">
          <strong>Turn</strong> <span class="muted">{agent}</span> <code>{step.model ?? "unknown model"}</code>
        </p>
        <dl class="facts-inline">
          <Fact term="Tokens in / out">
            {formatCount(step.input_tokens)} / {formatCount(step.output_tokens)}
          </Fact>
          <Fact term="Cache write / read">
            {formatCount(step.cache_creation_input_tokens)} / {formatCount(step.cache_read_input_tokens)}
          </Fact>
          <Fact term="Cost">{formatUsd(step.cost_usd)}</Fact>
          <Fact term="Stop reason">{step.stop_reason ?? "—"}</Fact>
          <Fact term="Duration">{formatDuration(step.duration_ms)}</Fact>
          <Fact term="Started">
            <TimeText iso={step.started_at} />
          </Fact>
        </dl>
      </li>
    );
  }
  const failed = step.is_error === true;
  return (
    <li class={`step step-tool ${depthClass(step.depth)}${failed ? " step-failed" : ""}`}>
      <p class="step-head">
        <strong>Tool call</strong> <code>{step.tool ?? "unknown tool"}</code> <span class="muted">{step.server === null ? "built-in" : `server ${step.server}`}</span>{" "}
        <span class={`badge ${failed ? "status-failed" : "status-success"}`}>{failed ? "error" : "ok"}</span> <span class="muted">{formatDuration(step.duration_ms)}</span>{" "}
        <span class="muted">{agent}</span> <TimeText iso={step.started_at} />
      </p>
      <h4>Input</h4>
      <TextBlock text={step.input === null ? null : prettyJson(step.input)} label="Input" />
      <h4>Output</h4>
      <TextBlock text={step.output} label="Output" tone={failed ? "error" : undefined} />
    </li>
  );
}
