import { type CronExpression, type CronExpressionOptions, CronExpressionParser } from "cron-parser";
import { Settings } from "luxon";
import { errorMessage } from "../error-message.js";

// cron-parser computes with luxon, whose every date asks for the system's locale once
// per process: a first Intl.DateTimeFormat, which loads ICU's formatting data (~20 ms,
// a sixth of a pre-commit hook). Fire times are only computed here, never formatted,
// so the locale changes nothing but that cost. (The CLI bundle gives cron-parser and
// this file one luxon; unbundled, Node loads luxon's ESM build here and its CommonJS
// build there, and this only goes unused.)
Settings.defaultLocale = "en-US";

/**
 * The crontab macros (Vixie cron's list, less @reboot: nothing here fires on a
 * boot), as the 5-field expressions they stand for.
 */
export const cronMacros: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

const macroList = Object.keys(cronMacros).join(", ");

/** A cron expression that cannot be read; the message names the field at fault and what it allows. */
export class CronExpressionError extends Error {
  override name = "CronExpressionError";
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** What the field allows, as a message says it. */
  allowed: string;
  /** Three-letter names, in value order from `min`. */
  aliases?: readonly string[];
  /** A whole list item that is valid though not a number or a range (L, 5L, 1#2). */
  special?: RegExp;
}

const fieldSpecs: readonly FieldSpec[] = [
  { name: "second", min: 0, max: 59, allowed: "0-59" },
  { name: "minute", min: 0, max: 59, allowed: "0-59" },
  { name: "hour", min: 0, max: 23, allowed: "0-23" },
  { name: "day of month", min: 1, max: 31, allowed: "1-31 or L", special: /^L$/i },
  { name: "month", min: 1, max: 12, allowed: "1-12 or JAN-DEC", aliases: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  {
    name: "day of week",
    min: 0,
    max: 7,
    allowed: "0-7 (0 and 7 are Sunday) or SUN-SAT, nL (last n-day of the month), n#k (k-th n-day, k 1-5)",
    aliases: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    special: /^(?:[0-7]|[a-z]{3})?L$|^(?:[0-7]|[a-z]{3})#[1-5]$/i,
  },
];

/**
 * The expression's fields, second first (a 5-field expression gets second 0), with
 * macros expanded. Throws a CronExpressionError on an unknown macro or a wrong count.
 */
export function cronFields(expr: string): string[] {
  const trimmed = expr.trim();
  if (trimmed.startsWith("@")) {
    const expanded = cronMacros[trimmed.toLowerCase()];
    if (expanded === undefined) throw new CronExpressionError(`cron expression "${expr}": unknown macro "${trimmed}"; the macros are ${macroList}`);
    return ["0", ...expanded.split(" ")];
  }
  const fields = trimmed === "" ? [] : trimmed.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronExpressionError(
      `cron expression "${expr}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; expected 5 (minute hour day-of-month month day-of-week), 6 (second first) or a macro: ${macroList}`,
    );
  }
  return fields.length === 5 ? ["0", ...fields] : fields;
}

/**
 * The one place a cron expression is read (validation, next fire times, the plan and
 * the scheduler all come here). cron-parser judges and computes; when it refuses, each
 * field is tried alone so the error names the field and its allowed range instead of
 * cron-parser's text ("Constraint error, got range NaN-NaN…").
 */
export function parseCronExpression(expr: string, options: Pick<CronExpressionOptions, "currentDate" | "tz">): CronExpression {
  const fields = cronFields(expr);
  try {
    return CronExpressionParser.parse(fields.join(" "), { ...options, strict: false });
  } catch (err) {
    for (const [i, spec] of fieldSpecs.entries()) {
      const value = fields[i] ?? "";
      const alone = fieldSpecs.map((s, j) => (j === i ? value : j === 0 ? "0" : "*")).join(" ");
      try {
        CronExpressionParser.parse(alone, { strict: false });
      } catch (fieldErr) {
        const reason = explainField(spec, value) ?? errorMessage(fieldErr);
        throw new CronExpressionError(`cron expression "${expr}": ${spec.name} "${value}": ${reason}; ${spec.name} allows ${spec.allowed}, with lists (,), ranges (-) and steps (/)`, { cause: err });
      }
    }
    // Each field is fine alone: the days of month fall in none of the months.
    const reason = /day of month/i.test(errorMessage(err)) ? `day of month "${fields[3]}" never falls in month "${fields[4]}"` : errorMessage(err);
    throw new CronExpressionError(`cron expression "${expr}": ${reason}`, { cause: err });
  }
}

/** Why one field's text is wrong, in the field's own terms; undefined when no rule here says. */
function explainField(spec: FieldSpec, text: string): string | undefined {
  const range = `${spec.min}-${spec.max}`;
  for (const item of text.split(",")) {
    if (item === "") return `an empty item in the list "${text}"`;
    if (spec.special?.test(item)) continue;
    const parts = item.split("/");
    if (parts.length > 2) return `"${item}" has more than one step`;
    const [base = "", step] = parts;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `the step "${step}" must be a whole number of at least 1`;
    if (base === "*" || base === "?" || base.startsWith("H")) continue;
    const ends = base.split("-");
    if (ends.length > 2) return `"${base}" is not a range (write a-b)`;
    const values: number[] = [];
    for (const end of ends) {
      if (ends.length === 2 && /[L#]/i.test(end)) return `the range "${base}" must join two values in ${range}; "${end}" cannot end a range`;
      const value = readValue(spec, end);
      if (typeof value === "string") return ends.length === 2 ? `the range "${base}" must join two values in ${range}: ${value}` : value;
      values.push(value);
    }
    const [from = 0, to = from] = values;
    if (from > to) return `the range "${base}" runs backwards (${from} > ${to})`;
  }
  return undefined;
}

/** A number or a three-letter name within the field, else why not. */
function readValue(spec: FieldSpec, text: string): number | string {
  const alias = spec.aliases?.indexOf(text.toLowerCase()) ?? -1;
  if (alias >= 0) return spec.min + alias;
  if (text === "") return "a value is missing";
  if (text.includes("#")) return `"${text}" is not n#k (a day 0-7 or SUN-SAT, then an occurrence 1-5)`;
  if (/L/i.test(text)) return `"${text}" misplaces L (alone in day of month, after a day in day of week: 5L)`;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number`;
  const n = Number(text);
  return n < spec.min || n > spec.max ? `${n} is outside ${spec.min}-${spec.max}` : n;
}
