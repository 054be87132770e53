import type { RunStepJson } from "../../controller/store/run-step-json.js";

/** How much of a tool call `nexaas runs RUN` prints: the whole step stays in --json and the API. */
export const inputChars = 200;
export const outputLines = 5;
export const lineChars = 200;

/**
 * Terminal control characters (escape sequences included) shown as \u00XX: tool output is
 * whatever a server answered, and must not move the cursor or recolour the terminal.
 */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The input JSON on one line (re-serialised when it parses, else its lines joined). */
function oneLine(input: string): string {
  try {
    return JSON.stringify(JSON.parse(input));
  } catch {
    return input.replace(/\s*\n\s*/g, " ");
  }
}

function tokens(step: RunStepJson): string {
  const parts = [`${step.input_tokens ?? 0} in`, `${step.output_tokens ?? 0} out`];
  if (step.cache_creation_input_tokens) parts.push(`${step.cache_creation_input_tokens} cache write`);
  if (step.cache_read_input_tokens) parts.push(`${step.cache_read_input_tokens} cache read`);
  return `tokens ${parts.join(", ")}`;
}

/** A model turn, and the text the model wrote in it when there is any. */
function turnLines(step: RunStepJson, pad: string): string[] {
  const cost = step.cost_usd === null ? "cost unknown" : `$${step.cost_usd.toFixed(4)}`;
  const line = `turn  ${step.agent}  ${step.model ?? "-"}  stop ${step.stop_reason ?? "-"}  ${tokens(step)}  ${cost}  ${step.duration_ms} ms`;
  return step.output ? [line, ...firstLines("text:  ", step.output, pad)] : [line];
}

function toolLines(step: RunStepJson, pad: string): string[] {
  const server = step.server === null ? "built-in" : `server ${step.server}`;
  const lines = [`tool  ${step.agent}  ${visible(step.tool ?? "-")}  ${visible(server)}  ${step.is_error ? "error" : "ok"}  ${step.duration_ms} ms`];
  lines.push(`${pad}input:  ${cut(visible(oneLine(step.input ?? "")), inputChars)}`);
  return [...lines, ...firstLines("output: ", step.output ?? "", pad)];
}

/** `label` and the first lines of `text`, each cut, control characters shown escaped. */
function firstLines(label: string, text: string, pad: string): string[] {
  const all = text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const shown = all.slice(0, outputLines).map((line) => cut(visible(line), lineChars));
  if (all.length > outputLines) shown.push(`… ${all.length - outputLines} more lines`);
  return [`${pad}${label}${shown[0] ?? ""}`, ...shown.slice(1).map((line) => `${pad}${" ".repeat(label.length)}${line}`)];
}

/**
 * A run's steps as `nexaas runs RUN` prints them, one block per attempt: each model turn
 * (agent, model, stop reason, tokens, cost, time) and each tool call (tool, server, ok or
 * error, time, input on one line, the output's first lines), a sub-agent's steps indented
 * by its delegation depth. Every line ends with a newline; empty for no steps.
 */
export function formatTranscript(steps: readonly RunStepJson[], indent = "  "): string {
  let text = "";
  let attempt: number | undefined;
  for (const step of steps) {
    if (step.attempt !== attempt) {
      attempt = step.attempt;
      text += `${indent}transcript, attempt ${attempt}:\n`;
    }
    const lead = `${indent}  ${"  ".repeat(step.depth)}${String(step.seq).padStart(2)}. `;
    const pad = " ".repeat(lead.length + 2);
    const lines = step.kind === "turn" ? turnLines(step, pad) : toolLines(step, pad);
    text += `${lead}${lines[0] ?? ""}\n`;
    for (const line of lines.slice(1)) text += `${line}\n`;
  }
  return text;
}
