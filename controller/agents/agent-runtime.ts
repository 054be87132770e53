import type Anthropic from "@anthropic-ai/sdk";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import type { Sql } from "../store/sql/sql.js";

/**
 * What an agent's attempt gets from the worker that runs it. agents/ sits
 * before workers/ (SPEC §1), so what only the worker knows is passed in:
 * secret resolution and masking (the attempt's SecretMask), output capping,
 * the egress policy for HTTP MCP servers, and process-group recording.
 */
export interface AgentRuntime {
  /** The store. */
  sql: Sql;
  client: Anthropic;
  runId: number;
  eventId: string;
  attempt: number;
  /** The attempt's: aborted on timeout or shutdown; the model stream, tool calls and MCP servers stop with it. */
  signal: AbortSignal;
  workspaceDir: string;
  /** The controller's environment: only for masking the API key in a model error (values reach MCP servers through `resolve`). */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
  /** `${NAME}` -> its value from the controller's environment, remembered for masking; throws for a missing variable. */
  resolve(text: string): string;
  /** Records a secret the attempt obtained otherwise (an MCP headersHelper's header values), for masking. */
  remember?(value: string): void;
  /** `text` with every secret the attempt handed out masked. */
  mask(text: string): string;
  /** `text` cut to at most `maxBytes` UTF-8 bytes, with a marker saying how much went. */
  cap(text: string, maxBytes: number): string;
  /** Throws to refuse an HTTP MCP server's URL under the workspace's egress policy. */
  checkEgress(url: URL): Promise<void>;
  /** A stdio MCP server started its own process group. */
  onProcess?(group: number): void;
  /** nexaas.yaml budget.daily_usd, checked before each model call. */
  dailyBudgetUsd: number | undefined;
}
