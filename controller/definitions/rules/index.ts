import { actionFields } from "./action-fields.js";
import { delegationDepth } from "./delegation-depth.js";
import { disabledMcpServer } from "./disabled-mcp-server.js";
import { durations } from "./durations.js";
import { egressAllow } from "./egress-allow.js";
import { flowTemplates } from "./flow-templates.js";
import { flowWhen } from "./flow-when.js";
import { mcpServerChecks } from "./mcp-server-fields.js";
import { missingAgent } from "./missing-agent.js";
import { notificationTargets } from "./notification-targets.js";
import { registryEntries } from "./registry-entries.js";
import type { Rule } from "./rule.js";
import { scheduleValues } from "./schedule-values.js";
import { templateInOrigin } from "./template-in-origin.js";
import { toolPatterns } from "./tool-patterns.js";
import { unknownReference } from "./unknown-reference.js";
import { workspacePaths } from "./workspace-paths.js";

/** The cross-file rules, run in this order over the merged definitions. */
export const rules: readonly Rule[] = [
  unknownReference,
  actionFields,
  scheduleValues,
  durations,
  flowTemplates,
  templateInOrigin,
  flowWhen,
  workspacePaths,
  registryEntries,
  missingAgent,
  egressAllow,
  notificationTargets,
  toolPatterns,
  delegationDepth,
  mcpServerChecks,
  disabledMcpServer,
];
