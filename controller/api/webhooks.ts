import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { immediate } from "../queue/immediate.js";
import { decideRun } from "../queue/queue-run.js";
import { readEvent } from "../store/read-event.js";
import { rememberWebhookId } from "../store/webhook-ids.js";

/** Largest body accepted (413 above). */
export const webhookBodyLimit = 256 * 1024;
/** A signed request is accepted within this much of its timestamp, either way (Standard Webhooks). */
export const webhookToleranceMs = 5 * 60_000;

const replySchema = {
  200: { type: "object", properties: { skipped: { type: "string" }, event_id: { type: "string" } } },
  202: {
    type: "object",
    properties: { run_id: { type: "integer" }, event_id: { type: "string" }, status: { type: "string" } },
  },
  "4xx": { type: "object", properties: { error: { type: "string" }, message: { type: "string" } } },
  "5xx": { type: "object", properties: { error: { type: "string" }, message: { type: "string" } } },
} as const;

const fail = (reply: FastifyReply, code: number, error: string, message: string) => reply.code(code).send({ error, message });

/**
 * POST /hooks/:event (SPEC §5): the API's one write. Verified in the Standard
 * Webhooks scheme (HMAC-SHA256 of `id.timestamp.body` over the raw bytes, a
 * 5-minute window, replayed ids refused with 409 and remembered in the store), the
 * secret read from the environment variable the event names and decoded as the
 * official library does. The body (JSON, or
 * else text) becomes the run's trigger payload.
 *
 * Codes: 202 queued; 200 with `{skipped: reason}` when the policy drops the run
 * (`overlap: skip` while a run is waiting or running), so the sender does not
 * retry, while its id still counts against replays; 401 missing or bad signature headers, bad signature, stale
 * timestamp; 404 unknown or non-webhook event; 409 paused or disabled event, or
 * a replayed webhook id; 413 body over 256 KiB; 500 secret not set or not base64.
 */
export default async function webhooks(app: FastifyInstance): Promise<void> {
  // Encapsulated in this plugin: only the webhook route takes its body raw, whatever its type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: webhookBodyLimit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const code = error.statusCode ?? 500;
    if (code === 413) return fail(reply, 413, "payload_too_large", `the body is over ${webhookBodyLimit} bytes`);
    if (code >= 500) {
      reply.log.error({ err: error }, "webhook failed");
      return fail(reply, 500, "internal_error", "the webhook could not be queued");
    }
    return fail(reply, code, "bad_request", error.message);
  });

  app.post<{ Params: { event: string } }>(
    "/hooks/:event",
    // Public: a webhook authenticates by its signature instead.
    { bodyLimit: webhookBodyLimit, schema: { response: replySchema }, config: { public: true } },
    async (request, reply) => {
      const { sql, env, clock, onRunQueued } = app.deps;
      const name = request.params.event;
      const event = await readEvent(sql, name);
      if (!event || event.spec.condition.type !== "webhook") return fail(reply, 404, "not_found", `no webhook event ${name}`);

      const key = signingKey(event.spec.condition.secret, env);
      if ("problem" in key) {
        request.log.error({ event: name }, key.problem);
        return fail(reply, 500, "secret_missing", key.problem);
      }

      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const id = header(request.headers["webhook-id"]);
      const timestamp = header(request.headers["webhook-timestamp"]);
      const signatures = header(request.headers["webhook-signature"]);
      if (!id || !timestamp || !signatures) return fail(reply, 401, "unauthorized", "webhook-id, webhook-timestamp and webhook-signature are required");
      if (id.length > 256) return fail(reply, 401, "unauthorized", "webhook-id is over 256 characters");
      if (!/^\d{1,12}$/.test(timestamp)) return fail(reply, 401, "unauthorized", "webhook-timestamp must be whole seconds since the epoch");
      const now = clock.now();
      if (Math.abs(now.getTime() - Number(timestamp) * 1000) > webhookToleranceMs) return fail(reply, 401, "unauthorized", "webhook-timestamp is more than 5 minutes from now");
      if (!verify(key.key, id, timestamp, raw, signatures)) return fail(reply, 401, "unauthorized", "no webhook-signature matches");

      if (event.paused) return fail(reply, 409, "paused", `event ${name} is paused`);
      if (!event.enabled) return fail(reply, 409, "disabled", `event ${name} is disabled`);

      const payload = parsePayload(raw);
      // Replays are checked first; a delivery the policy skips still uses up its id.
      // One fenced transaction, so an id is kept only with its run.
      const decision = await immediate(sql, async (tx) => {
        if (!(await rememberWebhookId(tx, name, id, now))) return "replayed" as const;
        return decideRun(tx, { event, trigger: "webhook", scheduledFor: now, payload }, now);
      });
      if (decision === "replayed") return fail(reply, 409, "replayed", `webhook-id ${id} was already received for ${name}`);
      if ("skipped" in decision) {
        request.log.info({ event: name, reason: decision.skipped }, "webhook run skipped");
        return reply.code(200).send({ skipped: decision.skipped, event_id: name });
      }
      onRunQueued(decision.queued.runId);
      return reply.code(202).send({ run_id: decision.queued.runId, event_id: name, status: "queued" });
    },
  );
}

const header = (value: string | string[] | undefined): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The HMAC key from the event's `secret: "${NAME}"`: env[NAME] read as the
 * official standardwebhooks library reads a secret, an optional `whsec_` prefix
 * and then standard base64 (a provider's bare secret is base64 too). Problems
 * name the variable, never a value.
 */
export function signingKey(secret: string | undefined, env: NodeJS.ProcessEnv): { key: Buffer } | { problem: string } {
  const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(secret ?? "")?.[1];
  if (!variable) return { problem: "the event's secret must name an environment variable as ${NAME}" };
  const value = env[variable];
  if (!value) return { problem: `environment variable ${variable} (the event's webhook secret) is not set` };
  const key = decodeWebhookSecret(value);
  if (!key) return { problem: `environment variable ${variable} does not hold a Standard Webhooks secret: base64, with or without the whsec_ prefix` };
  return { key };
}

/**
 * `whsec_` then base64, or base64 alone, as the library decodes it: the standard
 * alphabet, padding optional; null when that is not what the text is, or it is empty.
 */
export function decodeWebhookSecret(value: string): Buffer | null {
  const encoded = value.startsWith("whsec_") ? value.slice("whsec_".length) : value;
  if (encoded.length < 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.replace(/=+$/, "").length % 4 === 1) return null;
  const key = Buffer.from(encoded, "base64");
  return key.length > 0 ? key : null;
}

/**
 * Whether any `v1,<signature>` entry of the space-separated header is the HMAC-SHA256
 * of `id.timestamp.body`, compared as the exact base64 text the standard sends
 * (padded, standard alphabet): a base64url or unpadded form is not the signature.
 */
export function verify(key: Buffer, id: string, timestamp: string, body: Buffer, header: string): boolean {
  const expected = Buffer.from(createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64"));
  let ok = false;
  for (const entry of header.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma < 0 || entry.slice(0, comma) !== "v1") continue;
    const given = Buffer.from(entry.slice(comma + 1));
    // Every entry is compared (no early exit), each in constant time.
    if (given.length === expected.length && timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** The body as the run's payload: parsed JSON, else the text; null when empty. */
function parsePayload(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString("utf8");
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch {
    return text;
  }
}
