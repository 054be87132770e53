import { pino, type Logger } from "pino";

/**
 * JSON lines on stdout (SPEC §9), level from LOG_LEVEL. Messages carry ids,
 * revisions and counts, never values from the environment: secrets stay out.
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env, destination?: NodeJS.WritableStream): Logger {
  const level = env.LOG_LEVEL ?? "info";
  const options = { level, base: { name: "nexaas" }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
