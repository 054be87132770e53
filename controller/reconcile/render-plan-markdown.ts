import { objectKinds } from "../definitions/object-state.js";
import type { Change, Plan } from "./plan.js";
import { countOps, formatFireTime, formatValue, isTextField, opSymbol, shortRevision, summaryLine, uncutField } from "./plan-format.js";

export interface MarkdownOptions {
  /**
   * Most characters to return. GitHub refuses comments over 65,536; past this
   * the remaining changes are listed by name only.
   */
  maxLength?: number;
}

const opWord = { create: "create", update: "update", delete: "delete" } as const;

/** A plan as a pull-request comment: summary table, every risk, then one collapsible block per change. */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? 60_000;
  const head = [`## Nexaas plan`, "", `\`${shortRevision(plan.base)}\` → \`${shortRevision(plan.head)}\``, "", `**${summaryLine(plan)}**`, ""];
  if (plan.changes.length === 0) return head.join("\n");

  head.push(...summaryTable(plan), "", "### Risks", "", ...riskList(plan), "", "### Changes", "");
  let out = head.join("\n") + "\n";
  const left: Change[] = [];
  for (const change of plan.changes) {
    const block = changeDetails(change).join("\n") + "\n";
    if (left.length === 0 && out.length + block.length <= maxLength) out += block;
    else left.push(change);
  }
  if (left.length > 0) {
    out += `\n${left.length} more ${left.length === 1 ? "change" : "changes"} not shown in full (comment size limit); run \`nexaas plan\` to see them:\n\n`;
    out += left.map((c) => `- \`${opSymbol[c.op]} ${c.kind} ${c.name}\``).join("\n") + "\n";
  }
  return out;
}

function summaryTable(plan: Plan): string[] {
  const rows = ["| kind | create | update | delete |", "|---|---:|---:|---:|"];
  for (const kind of objectKinds) {
    const changes = plan.changes.filter((c) => c.kind === kind);
    if (changes.length === 0) continue;
    const n = countOps(changes);
    rows.push(`| ${kind} | ${n.create} | ${n.update} | ${n.delete} |`);
  }
  const n = countOps(plan.changes);
  rows.push(`| **total** | **${n.create}** | **${n.update}** | **${n.delete}** |`);
  return rows;
}

function riskList(plan: Plan): string[] {
  const items = plan.changes.flatMap((c) => c.risks.map((r) => `- :warning: \`${c.kind}/${c.name}\` ${escapeText(r.message)}`));
  if (plan.drift.length > 0) items.push(`- :warning: edited outside git (apply puts them back): ${plan.drift.map((k) => code(k)).join(", ")}`);
  return items.length > 0 ? items : ["No risks flagged."];
}

function changeDetails(change: Change): string[] {
  const title = `<code>${opSymbol[change.op]} ${change.kind} ${change.name}</code> ${opWord[change.op]} (${change.layer}, <code>${escapeHtml(change.file)}</code>)`;
  const lines = [`<details><summary>${title}${change.drift ? " — drift" : ""}</summary>`, ""];
  if (change.drift) lines.push("The stored row was edited outside git; apply puts it back.", "");
  for (const r of change.risks) lines.push(`> :warning: ${escapeText(r.message)}`, "");

  const valueFields = change.fields.filter((f) => !isTextField(f));
  if (valueFields.length > 0) {
    lines.push("| field | before | after |", "|---|---|---|");
    for (const f of valueFields) {
      const cell = (key: "before" | "after") => (key in f ? code(formatValue(f[key], uncutField(f.path) ? Infinity : 120), true) : "");
      lines.push(`| ${code(f.path, true)} | ${cell("before")} | ${cell("after")} |`);
    }
    lines.push("");
  }
  for (const d of change.text_diffs) {
    const fence = fenceFor(d.patch);
    lines.push(`${code(d.field)}:`, "", `${fence}diff`, d.patch.replace(/\n$/, ""), fence, "");
  }
  if (change.next_fire_times.length > 0) {
    lines.push(`Next fire times (${change.timezone ?? "UTC"}):`, "");
    for (const t of change.next_fire_times) lines.push(`- ${formatFireTime(t, change.timezone)}`);
    lines.push("");
  }
  lines.push("</details>", "");
  return lines;
}

/** Inline code that survives any content: backticks get a longer delimiter; in a table cell pipes are escaped. */
function code(text: string, inTable = false): string {
  const run = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const tick = "`".repeat(run + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${tick}${pad}${inTable ? text.replace(/\|/g, "\\|") : text}${pad}${tick}`;
}

/** A fence longer than any backtick run inside, so a prompt with ``` cannot close it early. */
function fenceFor(text: string): string {
  const run = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, run + 1));
}

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Plain text in Markdown: no HTML, no accidental emphasis or links. */
const escapeText = (text: string): string => escapeHtml(text).replace(/([\\`*_[\]|])/g, "\\$1");
