import { readDefinition } from "../../store/read-definition.js";
import { agentCall } from "../agent-call.js";
import { ExecutionError, type Executor } from "../executor.js";

/**
 * `skill`: the agent's loop with the skill's instructions after its prompt.md;
 * `input` (text as is, anything else as JSON) is the user message. The agent
 * keeps its tools, so a skill that says "look the order up" can.
 */
export const skillExecutor: Executor = async (ctx) => {
  const { skill, input, agent } = ctx.action;
  if (typeof skill !== "string" || skill === "") throw new ExecutionError("skill: `skill` must name a skill", "invalid-action");
  const definition = await readDefinition(ctx.sql, "skill", skill);
  if (!definition) throw new ExecutionError(`skill: skill "${skill}" is not defined (or not applied)`, "unknown-skill");
  const skillText = [`# Skill: ${skill}`, definition.description.trim(), definition.instructions.trim()].filter((part) => part !== "").join("\n\n");
  const userText = input === undefined || input === null ? "" : typeof input === "string" ? input : JSON.stringify(input, null, 2);
  const requested = typeof agent === "string" && agent !== "" ? agent : ctx.defaultAgent;
  const result = await agentCall(ctx, {
    agent: requested,
    label: "skill",
    instructions: skillText,
    messages: [{ role: "user", content: userText === "" ? `Run the skill "${skill}".` : userText }],
  });
  return { output: result.text };
};
