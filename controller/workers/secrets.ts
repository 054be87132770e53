import { ExecutionError } from "./executor.js";

/** `${NAME}`: an environment variable's name, as the SPEC writes secrets. */
export const secretReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The value of one `${NAME}` reference. A missing variable fails the attempt
 * naming the variable; the error never carries a value.
 */
export function secretValue(name: string, env: NodeJS.ProcessEnv, used?: Set<string>): string {
  const value = env[name];
  if (value === undefined) throw new ExecutionError(`environment variable ${name} is not set (referenced as \${${name}})`, "missing-secret");
  if (used && value !== "") used.add(value);
  return value;
}

/**
 * `text` with every `${NAME}` replaced from `env`. Resolved values are added to
 * `used`, so whatever the caller reports afterwards can be passed through `redact`.
 */
export function resolveSecrets(text: string, env: NodeJS.ProcessEnv, used?: Set<string>): string {
  return text.replace(secretReference, (_match, name: string) => secretValue(name, env, used));
}

/**
 * `text` with every resolved secret value masked: an answer or an error that
 * echoes a token (a server reflecting a header, a DNS error naming a host)
 * must not carry it into the run record.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const value of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(value).join("***");
  return out;
}
