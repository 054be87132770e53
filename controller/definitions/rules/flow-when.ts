import { parse, type ASTNode } from "@marcbachmann/cel-js";
import { errorMessage } from "../../error-message.js";
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
  // Flows repeat the same few conditions: each text is parsed once (the AST is only read).
  const parsed = new Map<string, ASTNode | string>();
  for (const site of actionSites(defs)) {
    const when = site.fields.when;
    if (site.steps === undefined || typeof when !== "string") continue;
    const at = (message: string) => finding(site.owner, [...site.path, "when"], "flow-when", message);
    let ast = parsed.get(when);
    if (ast === undefined) {
      try {
        ast = parse(when).ast;
      } catch (error) {
        ast = `when: not a valid CEL expression: ${errorMessage(error).split("\n", 1)[0]}`;
      }
      parsed.set(when, ast);
    }
    if (typeof ast === "string") {
      out.push(at(ast));
      continue;
    }
    const earlier = new Set(site.steps.slice(0, site.stepIndex).map((s) => s.id));
    const all = new Set(site.steps.map((s) => s.id));
    for (const problem of identifierProblems(ast, new Set(), earlier, all)) out.push(at(`when: ${problem}`));
  }
  return out;
};

function identifierProblems(node: ASTNode, bound: Set<string>, earlier: Set<string>, all: Set<string>): string[] {
  const problems: string[] = [];
  // ASTNode is a union on `op`: each case narrows `args` to that operator's operands.
  const visit = (n: ASTNode, scope: Set<string>): void => {
    switch (n.op) {
      case "id":
        if (!roots.has(n.args) && !scope.has(n.args)) problems.push(`unknown identifier "${n.args}": use steps, trigger, event or date`);
        return;
      case ".":
      case ".?": {
        const [target, field] = n.args;
        if (target.op === "id" && target.args === "steps" && !scope.has("steps")) {
          if (!all.has(field)) problems.push(`no step "${field}" in this flow`);
          else if (!earlier.has(field)) problems.push(`step "${field}" does not run before this one`);
          return;
        }
        visit(target, scope);
        return;
      }
      case "rcall": {
        const [name, target, callArgs] = n.args;
        visit(target, scope);
        const first = callArgs[0];
        if (macros.has(name) && first?.op === "id") {
          const inner = new Set(scope).add(first.args);
          callArgs.slice(1).forEach((a) => visit(a, inner));
        } else callArgs.forEach((a) => visit(a, scope));
        return;
      }
      case "call":
        n.args[1].forEach((a) => visit(a, scope));
        return;
      case "value":
        return;
      case "map":
        for (const [k, v] of n.args) {
          visit(k, scope);
          visit(v, scope);
        }
        return;
      case "!_":
      case "-_":
        visit(n.args, scope);
        return;
      default:
        // Lists, indexing, the ternary, && and ||, and binary operators: every operand is a node.
        for (const a of n.args) visit(a, scope);
    }
  };
  visit(node, bound);
  return [...new Set(problems)];
}
