import { modelCallForRun } from "../model-call.js";
import { modelSettings } from "../model-settings.js";
import { readDefinition } from "../../store/read-definition.js";
import { ExecutionError, type Executor } from "../executor.js";

/**
 * `skill`: the agent's prompt.md as `system`, followed by the skill's
 * instructions; `input` (text as is, anything else as JSON) is the user message.
 */
export const skillExecutor: Executor = async (ctx) => {
  const { skill, input, agent } = ctx.action;
  if (typeof skill !== "string" || skill === "") throw new ExecutionError("skill: `skill` must name a skill", "invalid-action");
  const definition = readDefinition(ctx.db, "skill", skill);
  if (!definition) throw new ExecutionError(`skill: skill "${skill}" is not defined (or not applied)`, "unknown-skill");
  const settings = modelSettings(ctx.db, agent, ctx.defaultAgent, "skill");
  const instructions = typeof definition.instructions === "string" ? definition.instructions.trim() : "";
  const description = typeof definition.description === "string" ? definition.description.trim() : "";
  const skillText = [`# Skill: ${skill}`, description, instructions].filter((part) => part !== "").join("\n\n");
  const system = settings.system.trim() === "" ? skillText : `${settings.system.trimEnd()}\n\n${skillText}`;
  const userText = input === undefined || input === null ? "" : typeof input === "string" ? input : JSON.stringify(input, null, 2);
  const reply = await modelCallForRun(ctx, { ...settings, system }, [{ role: "user", content: userText === "" ? `Run the skill "${skill}".` : userText }]);
  return { output: reply };
};
