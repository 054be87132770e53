import { errorMessage } from "../../error-message.js";
import { capOutput, CappedBuffer } from "../cap-output.js";
import { ExecutionError, type Executor } from "../executor.js";
import type { SecretMask } from "../secret-mask.js";
import { renderString, renderStrings, renderTemplates, templateScope } from "../templates.js";
import { actionTimeout } from "./script.js";

/**
 * `webhook`: one HTTP request. `{{...}}` templates and `${NAME}` secrets are
 * resolved in url, headers and body in a single pass; a non-2xx answer is a
 * failure. Nothing produced here (output, error) carries a resolved secret:
 * errors name the URL as written, and an answer echoing a secret is masked.
 */
export const webhookExecutor: Executor = async (ctx) => {
  const { url, method = "POST", headers = {}, body } = ctx.action;
  if (typeof url !== "string" || url === "") throw new ExecutionError("webhook: `url` must be a string", "invalid-action");
  if (typeof method !== "string") throw new ExecutionError("webhook: `method` must be a string", "invalid-action");
  if (!isStringMap(headers)) throw new ExecutionError("webhook: `headers` must map names to strings", "invalid-action");
  const timeoutMs = actionTimeout(ctx.action.timeout);

  const scope = templateScope(ctx);
  const secrets = { env: ctx.env, used: ctx.secrets };
  const target = renderString(url, scope, secrets);
  const sent = new Headers(renderStrings(headers, scope, secrets));
  let payload: string | undefined;
  if (typeof body === "string") payload = renderString(body, scope, secrets);
  else if (body !== undefined && body !== null) {
    payload = JSON.stringify(renderTemplates(body, scope, secrets));
    if (!sent.has("content-type")) sent.set("content-type", "application/json");
  }

  const verb = method.toUpperCase();
  const where = `${verb} ${url}`; // as written: the resolved URL may hold a secret
  const clean = (text: string): string => ctx.secrets.mask(text);
  const controller = new AbortController();
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : ctx.clock.setTimeout(() => ((timedOut = true), controller.abort()), timeoutMs);
  const signal = AbortSignal.any([ctx.signal, controller.signal]);
  try {
    const response = await fetch(target, { method: verb, headers: sent, body: payload, signal });
    const text = await readCapped(response, ctx.secrets);
    if (!response.ok) {
      throw new ExecutionError(`${where} answered ${response.status} ${response.statusText}${text ? `: ${capOutput(text, { maxBytes: 4096 })}` : ""}`, "http-status");
    }
    return { output: text };
  } catch (error) {
    if (error instanceof ExecutionError) throw error;
    if (signal.aborted) {
      const why = timedOut ? `timed out after ${String(ctx.action.timeout)}` : "the attempt was aborted";
      throw new ExecutionError(`${where}: ${why}`, "timeout");
    }
    // fetch's messages (and their causes) can name the resolved URL or host.
    const cause = error instanceof Error && error.cause !== undefined ? errorMessage(error.cause) : undefined;
    throw new ExecutionError(clean(`${where} failed: ${errorMessage(error)}${cause ? ` (${cause})` : ""}`), "http-error");
  } finally {
    if (timer !== undefined) ctx.clock.clearTimeout(timer);
  }
};

/** The answer's body, keeping at most the output cap in memory. */
async function readCapped(response: Response, mask: SecretMask): Promise<string> {
  if (!response.body) return "";
  const buffer = new CappedBuffer("head");
  for await (const chunk of response.body) {
    // A fetch body streams bytes; the DOM typings leave the chunk untyped.
    if (chunk instanceof Uint8Array) buffer.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return buffer.text(mask);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}
