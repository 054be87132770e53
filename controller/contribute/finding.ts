/**
 * One sanitizer finding: a secret or a piece of identity in one line of one file.
 * Lines and columns are 1-based (UTF-16 code units, as editors and SARIF count them).
 */
export type FindingKind =
  | "api_key"
  | "private_key"
  | "jwt"
  | "bearer_token"
  | "password_in_url"
  | "password"
  | "connection_string"
  | "company_name"
  | "domain"
  | "email"
  | "person"
  | "webhook_url"
  | "ip_address"
  | "path";

export interface Finding {
  /** Path relative to the workspace root, forward slashes. */
  file: string;
  line: number;
  column: number;
  kind: FindingKind;
  /** Stable id of the detector rule, e.g. `anthropic-api-key`, `generic-api-key`, `identity-company`. */
  rule: string;
  /** The typed placeholder `contribute` replaces the value with. */
  placeholder: string;
  /** start/end offsets in the line (0-based, end exclusive), for replacement later. */
  start: number;
  end: number;
  /** A masked preview such as `sk-a…(40 chars)`: never the value itself. */
  masked: string;
}

/**
 * Placeholder per kind. Tokens that authenticate a caller (API keys, JWTs, bearer
 * tokens) all become {{API_KEY}}; a private key is {{PRIVATE_KEY}}; the password of
 * a URL or of a connection string (only that part is the finding's span) is {{PASSWORD}}.
 */
export const placeholders: Record<FindingKind, string> = {
  api_key: "{{API_KEY}}",
  jwt: "{{API_KEY}}",
  bearer_token: "{{API_KEY}}",
  private_key: "{{PRIVATE_KEY}}",
  password_in_url: "{{PASSWORD}}",
  password: "{{PASSWORD}}",
  connection_string: "{{PASSWORD}}",
  company_name: "{{COMPANY_NAME}}",
  domain: "{{DOMAIN}}",
  email: "{{EMAIL}}",
  person: "{{PERSON}}",
  webhook_url: "{{WEBHOOK_URL}}",
  ip_address: "{{IP_ADDRESS}}",
  path: "{{PATH}}",
};

export const secretKinds: ReadonlySet<FindingKind> = new Set(["api_key", "private_key", "jwt", "bearer_token", "password_in_url", "password", "connection_string"]);

/**
 * What must never be committed to a workspace: the secrets, and webhook URLs, whose
 * token is the credential. Identity data is at home in the customer's own workspace;
 * only what leaves it (contribute) is stripped of it.
 */
export const credentialKinds: ReadonlySet<FindingKind> = new Set([...secretKinds, "webhook_url"]);

/** At most a quarter of the value (and never more than 4 characters) shows, then its length. */
export function maskValue(value: string): string {
  const shown = Math.min(4, Math.floor(value.length / 4));
  return `${value.slice(0, shown)}…(${value.length} chars)`;
}
