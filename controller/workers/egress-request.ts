import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { EgressPolicy } from "../definitions/egress-policy.js";
import { checkedLookup, type Resolver } from "./egress.js";
import { ExecutionError } from "./executor.js";

/** Redirects followed at most; the next one fails the request. */
export const maxRedirects = 5;

export interface OutboundRequest {
  method: string;
  /** The caller's own headers (they may carry secrets): kept on same-origin redirects only. */
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  statusText: string;
  /** Where the answer came from, after redirects. */
  url: URL;
  /** The answer's body, streamed (the caller caps what it keeps). */
  body: IncomingMessage;
}

export interface OutboundOptions {
  policy: EgressPolicy;
  signal: AbortSignal;
  resolve?: Resolver;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP(S) request under the egress policy: every host it reaches (the
 * first and each redirect's) is resolved and checked, and the connection goes
 * to the checked address (egress.ts). Redirects are followed here, at most
 * `maxRedirects`; one to another origin (scheme, host or port) drops the
 * caller's headers, and one that would send the body there (307, 308) is refused.
 *
 * Node 20's fetch cannot be told which address to connect to (its `dispatcher`
 * option wants an undici Agent, which Node 20 does not expose), so this uses
 * http(s).request, whose `lookup` option pins the address while TLS still
 * checks the certificate against the host name.
 */
export async function egressRequest(url: URL, request: OutboundRequest, options: OutboundOptions): Promise<OutboundResponse> {
  let current = url;
  let sending = request;
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      throw new ExecutionError(`refused ${current.protocol} URL (${current.host}): only http and https`, "egress-url");
    }
    const lookup = await checkedLookup(current, options.policy, options.resolve);
    options.signal.throwIfAborted();
    const response = await send(current, sending, lookup, options.signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!redirectStatuses.has(status) || location === undefined) {
      return { status, statusText: response.statusMessage ?? "", url: current, body: response };
    }
    response.resume(); // a redirect's own body is not wanted
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new ExecutionError(`${current.host} redirected to an invalid location`, "egress-redirect");
    }
    if (redirects === maxRedirects) {
      throw new ExecutionError(`more than ${maxRedirects} redirects (the last from ${current.host} to ${next.host})`, "egress-redirect");
    }
    sending = redirected(sending, status, current, next);
    current = next;
  }
}

/** The request to send to `next` after a `status` redirect from `from`. */
function redirected(request: OutboundRequest, status: number, from: URL, next: URL): OutboundRequest {
  // As browsers and fetch do: 303 (and 301/302 after a POST) go on as a GET without the body.
  const asGet = (status === 303 && request.method !== "HEAD") || ((status === 301 || status === 302) && request.method === "POST");
  const body = asGet ? undefined : request.body;
  if (next.origin === from.origin) {
    const headers = asGet ? withoutBodyHeaders(request.headers) : request.headers;
    return { method: asGet ? "GET" : request.method, headers, ...(body !== undefined ? { body } : {}) };
  }
  if (body !== undefined) {
    throw new ExecutionError(`${from.host} redirected (${status}) to another origin, ${next.host}: refused, as it would send the request's body there`, "egress-redirect");
  }
  // Another origin gets none of the caller's headers: an Authorization or API key meant for the first.
  return { method: asGet ? "GET" : request.method, headers: {} };
}

function withoutBodyHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
}

function send(url: URL, request: OutboundRequest, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  const headers: Record<string, string | number> = { "user-agent": "nexaas", ...request.headers };
  if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
  const requestFn = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // agent: false: a fresh connection, never a pooled socket opened under another policy.
    const outgoing = requestFn(url, { method: request.method, headers, lookup, agent: false, signal }, resolve);
    outgoing.once("error", reject);
    outgoing.end(request.body);
  });
}
