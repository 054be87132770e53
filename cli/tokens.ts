import type { RunnableCommand } from "./support/command.js";
import { subcommandGroup } from "./support/subcommands.js";

const help = `Usage: nexaas tokens create NAME [--expires DUR] [--json]
       nexaas tokens list [--json]
       nexaas tokens revoke NAME [--json]

Named read tokens for the status API and the status page (sign-in at /login).
The API accepts one as \`Authorization: Bearer <token>\` on every read route, and
the page exchanges one for a session cookie. API_KEY stays the admin token.

  create NAME    make a token and print it once: only its SHA-256 is stored.
                 --expires DUR ends it after DUR (e.g. 90d, 12h; at most 366d;
                 default: it never expires)
  list           name, created, expires, last used and revoked of every token;
                 never a token
  revoke NAME    the token, and every session signed in with it, stop working
                 at their next request

Every subcommand takes --db PATH and --workspace DIR (SPEC §4).

Exit codes: 0 done, 1 a name taken, no such token or no database, 2 usage error.`;

const subcommands = new Map<string, () => Promise<{ command: RunnableCommand }>>([
  ["create", () => import("./tokens/create.js")],
  ["list", () => import("./tokens/list.js")],
  ["revoke", () => import("./tokens/revoke.js")],
]);

export const command = subcommandGroup("create, list or revoke named read tokens (status page, API)", help, subcommands);
