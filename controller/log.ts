import { pino, type Logger, type LoggerOptions } from "pino";
import { PinoPretty } from "pino-pretty";

export type LogFormat = "json" | "pretty";

/** Headers that carry credentials: never written, in either format. */
const redact = ["req.headers.authorization", "req.headers.cookie", 'req.headers["webhook-signature"]', 'req.headers["x-hub-signature-256"]'];

/**
 * The one logger of the controller and its API (SPEC §9, §11): JSON lines, or
 * pino-pretty's human-readable lines on a terminal (`LOG_FORMAT`), level from
 * LOG_LEVEL, always ISO times. Messages carry ids, revisions and counts, never
 * values from the environment: secrets stay out.
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env, destination?: NodeJS.WritableStream, isTTY = process.stdout.isTTY === true): Logger {
  const options: LoggerOptions = { level: env.LOG_LEVEL ?? "info", base: { name: "nexaas" }, timestamp: pino.stdTimeFunctions.isoTime, redact };
  if (logFormat(env, isTTY) === "json") return destination ? pino(options, destination) : pino(options);
  // In-process and synchronous (no transport worker thread): a line is written before the
  // next one is made, and nothing is lost when the process exits right after logging.
  const pretty = PinoPretty({
    destination: destination ?? 1,
    sync: true,
    colorize: destination === undefined && isTTY && !env.NO_COLOR,
    translateTime: "SYS:yyyy-mm-dd'T'HH:MM:ss.l o",
    ignore: "pid,hostname,name",
  });
  return pino(options, pretty);
}

/** `LOG_FORMAT` when set (json or pretty), else pretty on a terminal and JSON lines otherwise. */
export function logFormat(env: NodeJS.ProcessEnv, isTTY: boolean): LogFormat {
  const chosen = env.LOG_FORMAT?.trim().toLowerCase();
  if (chosen === "json" || chosen === "pretty") return chosen;
  return isTTY ? "pretty" : "json";
}

export type { Logger };
