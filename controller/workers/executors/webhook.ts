import type { IncomingMessage } from "node:http";
import { errorMessage } from "../../error-message.js";
import { originTemplate, splitAtTemplates } from "../../definitions/url-origin.js";
import { capOutput, CappedBuffer } from "../cap-output.js";
import { workspaceEgress } from "../egress.js";
import { egressRequest } from "../egress-request.js";
import { ExecutionError, type Executor } from "../executor.js";
import type { SecretMask } from "../secret-mask.js";
import { renderString, renderStrings, renderTemplates, templateScope, type TemplateScope } from "../templates.js";
import { actionTimeout } from "./script.js";

/**
 * `webhook`: one HTTP request under the workspace's egress policy (nexaas.yaml
 * `egress`; egress-request.ts). `{{...}}` templates and `${NAME}` secrets are
 * resolved in url, headers and body in a single pass; templates never in the
 * URL's scheme, host or port. A non-2xx answer is a failure. Nothing produced
 * here (output, error) carries a resolved secret: errors name the URL as
 * written, and an answer echoing a secret is masked.
 */
export const webhookExecutor: Executor = async (ctx) => {
  const { url, method = "POST", headers = {}, body } = ctx.action;
  if (typeof url !== "string" || url === "") throw new ExecutionError("webhook: `url` must be a string", "invalid-action");
  if (typeof method !== "string") throw new ExecutionError("webhook: `method` must be a string", "invalid-action");
  if (!isStringMap(headers)) throw new ExecutionError("webhook: `headers` must map names to strings", "invalid-action");
  const timeoutMs = actionTimeout(ctx.action.timeout);

  const scope = await templateScope(ctx, { url, headers, body });
  const secrets = { env: ctx.env, used: ctx.secrets };
  const target = targetUrl(url, scope, secrets);
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
    const request = { method: verb, headers: Object.fromEntries(sent.entries()), ...(payload !== undefined ? { body: payload } : {}) };
    const response = await egressRequest(target, request, { policy: await workspaceEgress(ctx.sql), signal });
    const text = await readCapped(response.body, ctx.secrets);
    if (response.status < 200 || response.status > 299) {
      throw new ExecutionError(clean(`${where} answered ${response.status} ${response.statusText}${text ? `: ${capOutput(text, { maxBytes: 4096 })}` : ""}`), "http-status");
    }
    return { output: text };
  } catch (error) {
    if (signal.aborted) {
      const why = timedOut ? `timed out after ${String(ctx.action.timeout)}` : "the attempt was aborted";
      throw new ExecutionError(`${where}: ${why}`, "timeout");
    }
    if (error instanceof ExecutionError) {
      if (error.code === "http-status") throw error;
      throw new ExecutionError(clean(`${where}: ${error.message}`), error.code, { cause: error });
    }
    // Network errors (and their causes) can name the resolved URL or host.
    const cause = error instanceof Error && error.cause !== undefined ? errorMessage(error.cause) : undefined;
    throw new ExecutionError(clean(`${where} failed: ${errorMessage(error)}${cause ? ` (${cause})` : ""}`), "http-error");
  } finally {
    if (timer !== undefined) ctx.clock.clearTimeout(timer);
  }
};

/**
 * The URL to request: the part before the first template gives the scheme,
 * host and port (from the definition and `${NAME}` only), the templates fill
 * the rest, and the result must keep that origin (validation's
 * template-in-origin rule says the same before anything runs).
 */
function targetUrl(url: string, scope: TemplateScope, secrets: { env: NodeJS.ProcessEnv; used: SecretMask }): URL {
  const template = originTemplate(url);
  if (template !== undefined) {
    throw new ExecutionError(`webhook: ${template} is in the URL's scheme, host or port (${url}): templates may fill only the path and query`, "egress-url");
  }
  const { fixed, templated } = splitAtTemplates(url);
  const base = renderString(fixed, scope, secrets); // no template in it: only ${NAME}
  const whole = parseUrl(base + renderString(templated, scope, secrets));
  const origin = parseUrl(base)?.origin;
  if (!whole || (templated !== "" && whole.origin !== origin)) {
    throw new ExecutionError(`webhook: ${url} is not a valid URL, or its templates change its origin, once resolved`, "egress-url");
  }
  return whole;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The answer's body, keeping at most the output cap in memory. */
async function readCapped(body: IncomingMessage, mask: SecretMask): Promise<string> {
  const buffer = new CappedBuffer("head");
  for await (const chunk of body) {
    if (Buffer.isBuffer(chunk)) buffer.push(chunk);
  }
  return buffer.text(mask);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}
