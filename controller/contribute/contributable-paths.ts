/**
 * Which workspace files may go upstream (SPEC §6). An allow-list, not a deny-list:
 * a new kind of file stays home until someone decides it is framework material.
 * Registries are left out because their entries are customer data; events and memory
 * because they describe one customer's schedule; nexaas.yaml because it holds identity.
 */
const contributableTops = new Set(["agents", "skills", "mcp-servers", "flows", "playbooks"]);

/**
 * Never contributed even inside a contributable folder: environment files, whatever
 * their naming convention (.env, .env.local, .envrc, prod.env), databases and git's store.
 */
const neverContributed = /(^|\/)(\.env[^/]*|[^/]*\.env)(\/|$)|\.(db|sqlite\d?)(-(wal|shm|journal))?$|(^|\/)\.git(\/|$)/i;

/** Is this workspace-relative path (forward slashes) contributable? */
export function isContributable(path: string): boolean {
  const parts = path.split("/");
  if (parts.length < 2 || parts.some((p) => p === "" || p === "." || p === "..")) return false;
  return contributableTops.has(parts[0] ?? "") && !neverContributed.test(path);
}

/** The product repository holds the framework's copy of a workspace path under framework/. */
export const frameworkPath = (path: string): string => `framework/${path}`;
