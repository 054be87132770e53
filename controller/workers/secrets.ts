import { envReference } from "../definitions/env-reference.js";
import { ExecutionError } from "./executor.js";

/** `${NAME}` or `${NAME:-default}` (group 1 the name, group 2 the default). */
export const secretReference = envReference;

/** Where resolved values go so that what is reported afterwards can be masked (a SecretMask). */
export interface SecretSink {
  add(value: string): unknown;
}

/**
 * The value of one `${NAME}` reference, or its `fallback` (`${NAME:-fallback}`)
 * when the variable is unset or empty. A missing variable without a fallback
 * fails the attempt naming the variable; the error never carries a value. A
 * fallback is written in the definition, so it is not recorded for masking.
 */
export function secretValue(name: string, env: NodeJS.ProcessEnv, used?: SecretSink, fallback?: string): string {
  const value = env[name];
  if (fallback !== undefined && (value === undefined || value === "")) return fallback;
  if (value === undefined) throw new ExecutionError(`environment variable ${name} is not set (referenced as \${${name}})`, "missing-secret");
  if (used && value !== "") used.add(value);
  return value;
}

/**
 * `text` with every `${NAME}` and `${NAME:-default}` replaced from `env`.
 * Resolved values are added to `used`, so whatever the caller reports
 * afterwards can be masked.
 */
export function resolveSecrets(text: string, env: NodeJS.ProcessEnv, used?: SecretSink): string {
  return text.replace(secretReference, (_match, name: string, fallback: string | undefined) => secretValue(name, env, used, fallback));
}
