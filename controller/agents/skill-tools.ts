import { posix } from "node:path";
import { builtinToolNames } from "../definitions/tool-names.js";
import { readDefinition } from "../store/read-definition.js";
import type { Sql } from "../store/sql/sql.js";
import { toolError, toolText, type AgentTool } from "./agent-tool.js";

/**
 * Skills on demand (Agent Skills progressive disclosure): the system prompt
 * lists the agent's skills by name and description; the model loads a skill's
 * instructions when it needs them, and reads a folder skill's other files
 * through a tool confined to that folder. Both read the applied revision (the
 * store), not the working tree, so a run uses what was reviewed.
 */
export async function skillTools(sql: Sql, skills: readonly string[]): Promise<AgentTool[]> {
  if (skills.length === 0) return [];
  const tools: AgentTool[] = [
    {
      name: builtinToolNames.loadSkill,
      description: "Load a skill's full instructions by name before following it. The skills you have are listed in your system prompt.",
      inputSchema: { type: "object", properties: { name: { type: "string", enum: [...skills], description: "The skill's name." } }, required: ["name"] },
      server: null,
      run: async (input) => {
        const name = typeof input.name === "string" ? input.name : "";
        if (!skills.includes(name)) return toolError(`no skill "${name}" for this agent; its skills are: ${skills.join(", ")}`);
        const skill = await readDefinition(sql, "skill", name);
        if (!skill) return toolError(`skill "${name}" is not applied`);
        const files = Object.keys(skill.files ?? {});
        const listing = files.length > 0 ? `\n\nFiles in this skill's folder (read them with ${builtinToolNames.readSkillFile}):\n${files.map((f) => `- ${f}`).join("\n")}` : "";
        return toolText(`# Skill: ${name}\n\n${skill.description}\n\n${skill.instructions}${listing}`);
      },
    },
  ];
  const folderSkills: string[] = [];
  for (const name of skills) if ((await readDefinition(sql, "skill", name))?.format === "agent-skill") folderSkills.push(name);
  if (folderSkills.length > 0) {
    tools.push({
      name: builtinToolNames.readSkillFile,
      description: "Read a file from a folder skill (a path relative to the skill's folder, e.g. references/checklist.md). Only files inside that skill's folder can be read.",
      inputSchema: {
        type: "object",
        properties: { skill: { type: "string", enum: folderSkills }, path: { type: "string", description: "Relative to the skill's folder." } },
        required: ["skill", "path"],
      },
      server: null,
      run: (input) => readSkillFile(sql, folderSkills, input.skill, input.path),
    });
  }
  return tools;
}

async function readSkillFile(sql: Sql, skills: readonly string[], skillName: unknown, pathValue: unknown): Promise<ReturnType<typeof toolText>> {
  const name = typeof skillName === "string" ? skillName : "";
  if (!skills.includes(name)) return toolError(`no folder skill "${name}" for this agent; its folder skills are: ${skills.join(", ")}`);
  const path = typeof pathValue === "string" ? posix.normalize(pathValue.replace(/\\/g, "/")).replace(/^\.\//, "") : "";
  // Confined to the folder: the stored files are keyed by their path inside it, so nothing else can be named;
  // the check says so plainly instead of answering "no such file" for ../../.env.
  if (path === "" || path.startsWith("../") || path === ".." || posix.isAbsolute(path)) return toolError(`"${String(pathValue)}" is outside the skill's folder`);
  const files = (await readDefinition(sql, "skill", name))?.files ?? {};
  const text = files[path];
  if (text === undefined) return toolError(`skill "${name}" has no file "${path}"; its files are: ${Object.keys(files).join(", ") || "(none)"}`);
  return toolText(text);
}

/** The system prompt's list of skills (names and descriptions only; the model loads one when it needs it). */
export async function skillsListing(sql: Sql, skills: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const name of skills) lines.push(`- ${name}: ${(await readDefinition(sql, "skill", name))?.description ?? "(not applied)"}`);
  return lines.length === 0 ? "" : `\n\n## Skills\n\nYou have these skills. Before following one, load its instructions with ${builtinToolNames.loadSkill}.\n\n${lines.join("\n")}`;
}
