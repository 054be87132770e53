import type { EgressPolicy } from "../definitions/egress-policy.js";
import type { Notification } from "../definitions/schema-types.js";
import { errorMessage } from "../error-message.js";
import { egressRequest } from "../workers/egress-request.js";
import type { Resolver } from "../workers/egress.js";
import { SecretMask } from "../workers/secret-mask.js";
import type { Notice } from "./notice.js";
import { signStandardWebhook } from "./standard-webhook.js";

/** A failed send, its message masked: it never holds the URL or the secret. */
export class NoticeError extends Error {
  constructor(
    message: string,
    readonly code: "missing-secret" | "bad-secret" | "http-status" | "http-error" | "timeout",
  ) {
    super(message);
  }
}

export interface SendOptions {
  env: NodeJS.ProcessEnv;
  policy: EgressPolicy;
  signal: AbortSignal;
  now: Date;
  resolve?: Resolver;
}

/**
 * POSTs one notice to one target under the egress policy, as webhook actions
 * go out: `{text}` to a Slack-compatible webhook; `{type, timestamp, data}`
 * signed with Standard Webhooks headers to a generic one. The URL and the
 * secret are read from the environment now, and masked in any error.
 */
export async function sendNotice(target: Notification, notice: Notice, options: SendOptions): Promise<void> {
  const mask = new SecretMask();
  const read = (reference: string, what: string): string => {
    const name = /^\$\{(.+)\}$/.exec(reference)?.[1] ?? reference;
    const value = options.env[name];
    if (value === undefined || value === "") throw new NoticeError(`${what}: environment variable ${name} is not set (referenced as \${${name}})`, "missing-secret");
    mask.add(value);
    return value;
  };
  const url = read(target.url, "url");
  let body: string;
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "nexaas-notify" };
  if (target.type === "slack") body = JSON.stringify({ text: notice.text });
  else {
    const secret = read(target.secret ?? "", "secret");
    body = JSON.stringify({ type: `nexaas.${notice.kind}`, timestamp: options.now.toISOString(), data: { target: target.name, kind: notice.kind, subject: notice.subject, text: notice.text, ...notice.data } });
    const signed = signStandardWebhook(secret, body, options.now);
    if (!signed) throw new NoticeError(`secret: ${target.secret ?? ""} is not a whsec_<base64> signing secret`, "bad-secret");
    Object.assign(headers, signed);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new NoticeError(`url: ${target.url} does not hold a URL`, "http-error");
  }
  try {
    const response = await egressRequest(parsed, { method: "POST", headers, body }, { policy: options.policy, signal: options.signal, ...(options.resolve ? { resolve: options.resolve } : {}) });
    response.body.resume();
    if (response.status < 200 || response.status > 299) throw new NoticeError(`answered ${response.status} ${response.statusText}`, "http-status");
  } catch (error) {
    if (error instanceof NoticeError) throw error;
    if (options.signal.aborted) throw new NoticeError("timed out", "timeout");
    const cause = error instanceof Error && error.cause !== undefined ? ` (${errorMessage(error.cause)})` : "";
    throw new NoticeError(mask.mask(`${errorMessage(error)}${cause}`), "http-error");
  }
}
