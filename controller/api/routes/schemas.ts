import type { FastifyReply } from "fastify";

/** Shared pieces of the routes' response schemas (fastify serialises from them: a key not listed is not sent). */
export const nullableString = { type: ["string", "null"] } as const;
export const nullableNumber = { type: ["number", "null"] } as const;
export const stringList = { type: "array", items: { type: "string" } } as const;
/** Free-form JSON object (a registry entry, a stored condition): every key is sent. */
export const anyObject = { type: "object", additionalProperties: true } as const;

export const errorSchema = {
  type: "object",
  properties: { error: { type: "string" }, message: { type: "string" } },
  required: ["error", "message"],
} as const;

export const diagnosticSchema = {
  type: "object",
  properties: {
    file: { type: "string" },
    line: { type: "integer" },
    column: { type: "integer" },
    rule: { type: "string" },
    severity: { type: "string" },
    message: { type: "string" },
  },
} as const;

export const notFound = (reply: FastifyReply, message: string) => reply.code(404).send({ error: "not_found", message });
export const badRequest = (reply: FastifyReply, message: string) => reply.code(400).send({ error: "bad_request", message });

/** Whether `value` is one of `values` (a query filter checked against its enum). */
export const isOneOf = <T extends string>(values: readonly T[], value: string): value is T => values.some((v) => v === value);

/** A query string value: fastify gives a string, or an array when the key repeats (the last one wins). */
export function queryValue(query: unknown, key: string): string | undefined {
  if (typeof query !== "object" || query === null || !(key in query)) return undefined;
  const value: unknown = Reflect.get(query, key);
  const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === "string" && last !== "" ? last : undefined;
}

/** A positive whole number from the query, or an error message. */
export function positiveInteger(text: string | undefined, name: string): number | string | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return `${name} must be a positive integer; got ${JSON.stringify(text)}`;
  return Number(text);
}

/** A page newest first: `limit` (up to `maxLimit`) rows with ids below `before` (the previous page's next_before); or an error message. */
export function pageQuery(query: unknown, defaultLimit: number, maxLimit: number): { limit: number; before: number | undefined } | string {
  const limit = positiveInteger(queryValue(query, "limit"), "limit");
  if (typeof limit === "string") return limit;
  if (limit !== undefined && limit > maxLimit) return `limit must be at most ${maxLimit}; got ${limit}`;
  const before = positiveInteger(queryValue(query, "before"), "before");
  if (typeof before === "string") return before;
  return { limit: limit ?? defaultLimit, before };
}

/** The cursor of the next page: a full page may have more behind it; a short one is the end. */
export const nextBefore = (page: readonly { id: number }[], limit: number): number | null => (page.length === limit ? (page[page.length - 1]?.id ?? null) : null);
