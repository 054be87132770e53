import Anthropic, { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { errorMessage } from "../error-message.js";
import { ModelError } from "./model-error.js";

/** How many times the SDK retries a 408/409/429/5xx/529 answer (its own backoff, honouring retry-after). */
export const maxRetriesVariable = "NEXAAS_MODEL_MAX_RETRIES";
const defaultMaxRetries = 2;

/**
 * The SDK client for one attempt, from the controller's environment (never
 * process.env behind its back: the executor's `env` is the one source). A
 * missing key fails the run with a clear reason; the controller goes on.
 */
export function createModelClient(env: NodeJS.ProcessEnv): Anthropic {
  const apiKey = env.ANTHROPIC_API_KEY;
  if (!apiKey) {
    throw new ModelError("ANTHROPIC_API_KEY is not set: claude_chat and skill actions need it in the controller's environment (or .env)", "no-api-key");
  }
  return new Anthropic({
    apiKey,
    // null, not undefined: the SDK would otherwise read process.env itself.
    baseURL: env.ANTHROPIC_BASE_URL || null,
    maxRetries: maxRetries(env),
    logLevel: "off",
  });
}

function maxRetries(env: NodeJS.ProcessEnv): number {
  const raw = env[maxRetriesVariable];
  if (raw === undefined || raw === "") return defaultMaxRetries;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : defaultMaxRetries;
}

/**
 * An SDK failure as a ModelError: status, error type and request id (what
 * support asks for), with the key masked should any text echo it.
 */
export function modelError(error: unknown, env: NodeJS.ProcessEnv, signal?: AbortSignal): ModelError {
  if (error instanceof ModelError) return error;
  const mask = (text: string): string => {
    const key = env.ANTHROPIC_API_KEY;
    return key ? text.split(key).join("[redacted]") : text;
  };
  if (error instanceof APIUserAbortError || signal?.aborted) {
    return new ModelError("model call aborted (timeout or shutdown)", "timeout");
  }
  if (error instanceof APIError) {
    const parts = [
      error.status === undefined ? "no answer" : `status ${error.status}`,
      error.type ?? undefined,
      error.requestID ? `request id ${error.requestID}` : undefined,
    ].filter((p): p is string => typeof p === "string");
    const detail = error.apiMessage ?? error.message;
    return new ModelError(mask(`model call failed (${parts.join(", ")}): ${detail}`), "model-error");
  }
  return new ModelError(mask(`model call failed: ${errorMessage(error)}`), "model-error");
}
