import { ExecutionError } from "./executor.js";

/** `${NAME}`: an environment variable's name, as the SPEC writes secrets. */
export const secretReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Where resolved values go so that what is reported afterwards can be masked (a SecretMask). */
export interface SecretSink {
  add(value: string): unknown;
}

/**
 * The value of one `${NAME}` reference. A missing variable fails the attempt
 * naming the variable; the error never carries a value.
 */
export function secretValue(name: string, env: NodeJS.ProcessEnv, used?: SecretSink): string {
  const value = env[name];
  if (value === undefined) throw new ExecutionError(`environment variable ${name} is not set (referenced as \${${name}})`, "missing-secret");
  if (used && value !== "") used.add(value);
  return value;
}

/**
 * `text` with every `${NAME}` replaced from `env`. Resolved values are added to
 * `used`, so whatever the caller reports afterwards can be masked.
 */
export function resolveSecrets(text: string, env: NodeJS.ProcessEnv, used?: SecretSink): string {
  return text.replace(secretReference, (_match, name: string) => secretValue(name, env, used));
}
