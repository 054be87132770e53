import { parse, type ASTNode } from "@marcbachmann/cel-js";
import type { Diagnostic } from "../diagnostic.js";
import { actionSites, finding, type Rule } from "./rule.js";

const roots = new Set(["steps", "trigger", "event", "date"]);
const macros = new Set(["all", "exists", "exists_one", "map", "filter"]);

/**
 * A step's `when` is CEL, parsed here and never eval'd. Identifiers must be one
 * of the documented roots (or a macro's variable), and `steps.<id>` an earlier step.
 */
export const flowWhen: Rule = ({ defs }) => {
  const out: Diagnostic[] = [];
  for (const site of actionSites(defs)) {
    const when = site.fields.when;
    if (site.steps === undefined || typeof when !== "string") continue;
    const at = (message: string) => finding(site.owner, [...site.path, "when"], "flow-when", message);
    let ast: ASTNode;
    try {
      ast = parse(when).ast;
    } catch (error) {
      out.push(at(`when: not a valid CEL expression: ${(error as Error).message.split("\n", 1)[0]}`));
      continue;
    }
    const earlier = new Set(site.steps.slice(0, site.stepIndex).map((s) => String(s.id)));
    const all = new Set(site.steps.map((s) => String(s.id)));
    for (const problem of identifierProblems(ast, new Set(), earlier, all)) out.push(at(`when: ${problem}`));
  }
  return out;
};

function identifierProblems(node: ASTNode, bound: Set<string>, earlier: Set<string>, all: Set<string>): string[] {
  const problems: string[] = [];
  const visit = (n: ASTNode, scope: Set<string>): void => {
    const op = n.op as string;
    const args = n.args as unknown;
    if (op === "id") {
      const name = String(args);
      if (!roots.has(name) && !scope.has(name)) problems.push(`unknown identifier "${name}": use steps, trigger, event or date`);
      return;
    }
    if (op === "." || op === ".?") {
      const [target, field] = args as [ASTNode, string];
      if (target.op === "id" && target.args === "steps" && !scope.has("steps")) {
        if (!all.has(field)) problems.push(`no step "${field}" in this flow`);
        else if (!earlier.has(field)) problems.push(`step "${field}" does not run before this one`);
        return;
      }
      visit(target, scope);
      return;
    }
    if (op === "rcall") {
      const [name, target, callArgs] = args as [string, ASTNode, ASTNode[]];
      visit(target, scope);
      const first = callArgs[0];
      if (macros.has(name) && first?.op === "id") {
        const inner = new Set(scope).add(String(first.args));
        callArgs.slice(1).forEach((a) => visit(a, inner));
      } else callArgs.forEach((a) => visit(a, scope));
      return;
    }
    if (op === "call") {
      const [, callArgs] = args as [string, ASTNode[]];
      callArgs.forEach((a) => visit(a, scope));
      return;
    }
    if (op === "value") return;
    if (op === "map") {
      for (const [k, v] of args as [ASTNode, ASTNode][]) {
        visit(k, scope);
        visit(v, scope);
      }
      return;
    }
    if (Array.isArray(args)) for (const a of args) if (a && typeof a === "object" && "op" in a) visit(a as ASTNode, scope);
    else if (args && typeof args === "object" && "op" in (args as object)) visit(args as unknown as ASTNode, scope);
  };
  visit(node, bound);
  return [...new Set(problems)];
}
