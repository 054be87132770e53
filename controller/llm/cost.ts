import type { TokenCounts } from "../definitions/token-counts.js";
import prices from "./prices.json" with { type: "json" };

interface ModelPrice {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

/** The date of the price table, stored beside every cost so an old figure can be told apart. */
export const priceTableDate: string = prices.as_of;

const table: Record<string, ModelPrice | undefined> = prices.per_million_tokens;

/**
 * The cost in USD of one call, or null when the model has no price: an unknown
 * cost is never guessed as 0 (the caller logs a warning).
 */
export function cost(model: string, usage: TokenCounts): number | null {
  const price = table[model];
  if (!price) return null;
  const micro =
    usage.input_tokens * price.input +
    usage.output_tokens * price.output +
    usage.cache_creation_input_tokens * price.cache_write +
    usage.cache_read_input_tokens * price.cache_read;
  return micro / 1_000_000;
}
