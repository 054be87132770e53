import type { Change, FieldChange, Plan } from "./plan.js";
import { formatFireTime, formatValue, isTextField, opSymbol, shortRevision, summaryLine, uncutField } from "./plan-format.js";

export interface TextOptions {
  /** ANSI colours; the CLI decides (a TTY and no NO_COLOR). */
  color: boolean;
}

const ansi = { green: 32, yellow: 33, red: 31, cyan: 36, magenta: 35, bold: 1 } as const;
type Paint = (code: keyof typeof ansi, text: string) => string;

const opColor = { create: "green", update: "yellow", delete: "red" } as const;

/**
 * A plan for a terminal, in the manner of `terraform plan`: one block per
 * change, field values as JSON, text diffs as unified diffs, then a summary.
 */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const paint: Paint = options.color ? (code, text) => `\x1b[${ansi[code]}m${text}\x1b[0m` : (_code, text) => text;
  const lines = [`Nexaas plan: ${shortRevision(plan.base)} -> ${shortRevision(plan.head)}`, ""];
  for (const change of plan.changes) lines.push(...changeBlock(change, paint), "");
  lines.push(paint("bold", summaryLine(plan)));
  return lines.join("\n") + "\n";
}

function changeBlock(change: Change, paint: Paint): string[] {
  const color = opColor[change.op];
  const head = `${paint(color, opSymbol[change.op])} ${paint("bold", `${change.kind} ${change.name}`)} (${change.layer}, ${change.file})`;
  const lines = [change.drift ? `${head} ${paint("magenta", "[drift: edited outside git; apply puts it back]")}` : head];
  // A delete's fields are every leaf it had: the header says enough.
  if (change.op !== "delete") {
    for (const field of change.fields) lines.push(...fieldLines(change, field, paint));
  }
  if (change.next_fire_times.length > 0) {
    lines.push(`    next fire times (${change.timezone ?? "UTC"}):`);
    for (const t of change.next_fire_times) lines.push(`      ${formatFireTime(t, change.timezone)}`);
  }
  for (const risk of change.risks) lines.push(`    ${paint("yellow", `! ${visible(risk.message)}`)}`);
  return lines;
}

function fieldLines(change: Change, field: FieldChange, paint: Paint): string[] {
  if (isTextField(field)) {
    const patch = change.text_diffs.find((d) => d.field === field.path)?.patch ?? "";
    return [`    ${field.path}:`, ...patch.replace(/\n$/, "").split("\n").map((l) => `      ${paintDiffLine(visible(l), paint)}`)];
  }
  const max = uncutField(field.path) ? Infinity : undefined;
  const value = (key: "before" | "after") => (key in field ? visible(formatValue(field[key], max)) : "(none)");
  if (change.op === "create") return [`    ${field.path}: ${value("after")}`];
  return [`    ${field.path}: ${paint("red", value("before"))} -> ${paint("green", value("after"))}`];
}

/**
 * Control characters from a prompt or command are shown escaped: a raw escape
 * sequence in a reviewed file could otherwise recolour or hide plan lines.
 */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function paintDiffLine(line: string, paint: Paint): string {
  if (line.startsWith("+++") || line.startsWith("---")) return paint("bold", line);
  if (line.startsWith("@@")) return paint("cyan", line);
  if (line.startsWith("+")) return paint("green", line);
  if (line.startsWith("-")) return paint("red", line);
  return line;
}
