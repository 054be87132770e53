import type { Executor } from "../executor.js";
import { claudeChat } from "./claude-chat.js";
import { createFlowExecutor } from "./flow.js";
import { scriptExecutor } from "./script.js";
import { skillExecutor } from "./skill.js";
import { webhookExecutor } from "./webhook.js";

/** The executor of each action type; a flow runs its steps through the others. */
export function defaultExecutors(): Record<string, Executor> {
  const base: Record<string, Executor> = { claude_chat: claudeChat, skill: skillExecutor, script: scriptExecutor, webhook: webhookExecutor };
  base.flow = createFlowExecutor(base);
  return base;
}
