import { evaluate } from "@marcbachmann/cel-js";
import { errorMessage } from "../../error-message.js";
import { isRecord } from "../../definitions/is-record.js";
import { readDefinition } from "../../store/read-definition.js";
import { capOutput, outputCapBytes } from "../cap-output.js";
import { isPermanentFailure } from "../permanent-failure.js";
import { ExecutionError, type ExecutionContext, type Executor } from "../executor.js";
import { dateValues, renderFields, stepContext, templateScope, type StepResult, type TemplateScope } from "../templates.js";

/** One step as the run records it. */
export interface StepSummary {
  id: string;
  status: StepResult["status"];
  output: string;
  error?: string;
  attempts: number;
}

/** A flow stopped by a step with `on_error: fail`; `steps` is what ran, for the run record. */
export class FlowStepError extends ExecutionError {
  constructor(
    message: string,
    readonly steps: StepSummary[],
    code = "step-failed",
    options?: { cause?: unknown },
  ) {
    // The run record keeps the message: it lists every step, not just the one that stopped the flow.
    super(`${message} (steps: ${steps.map((s) => `${s.id} ${s.status}`).join(", ")})`, code, options);
  }
}

/** Step keys that belong to the flow, not to the step's action. */
const flowKeys = new Set(["id", "action", "when", "on_error", "retries"]);
/** These render their own templates from the step results the context carries (see templates.ts). */
const selfRendering = new Set(["script", "webhook"]);

/**
 * `flow`: the steps of `flows/<flow>.yaml` (or inline `steps`) in order, each
 * through the executor of its `action` type with the run's context (signal,
 * env, workspace) and its own fields. `when` is CEL, evaluated (never eval'd)
 * over steps, trigger, event and date. The output is a JSON summary of every step.
 */
export function createFlowExecutor(executors: Readonly<Record<string, Executor>>): Executor {
  return async (ctx) => {
    const steps = await flowSteps(ctx);
    const payload = ctx.payload ?? ctx.action.trigger_payload ?? null;
    const results: Record<string, StepResult> = {};
    const summary: StepSummary[] = [];
    const base = await templateScope({ ...ctx, payload });
    // Each step's share of the output cap, so the summary stays whole (valid JSON) under the run's cap.
    const stepCap = Math.max(1024, Math.floor((outputCapBytes - 4096) / Math.max(1, steps.length)));

    for (const [index, step] of steps.entries()) {
      const id = typeof step.id === "string" ? step.id : `step-${index + 1}`;
      const type = step.action;
      const record = (step: StepResult, attempts: number): void => {
        // Masked with every secret a step of this flow handed out so far: the steps after it and the run see only this.
        const result = { ...step, output: ctx.secrets.mask(step.output), error: ctx.secrets.mask(step.error) };
        results[id] = result;
        summary.push({ id, status: result.status, output: capOutput(result.output, { maxBytes: stepCap }), ...(result.error ? { error: result.error } : {}), attempts });
      };

      let failure: unknown;
      if (typeof step.when === "string") {
        try {
          if (!whenHolds(step.when, { ...base, steps: results }, ctx)) {
            record({ status: "skipped", output: "", error: "" }, 0);
            continue;
          }
        } catch (error) {
          failure = error;
        }
      }

      const retries = typeof step.retries === "number" && Number.isInteger(step.retries) && step.retries > 0 ? step.retries : 0;
      let attempts = 0;
      let output: string | undefined;
      const runnable = failure === undefined; // a `when` that cannot be evaluated fails the step unrun
      for (let attempt = 0; runnable && attempt <= retries && output === undefined && !isPermanentFailure(failure); attempt++) {
        if (ctx.signal.aborted) break;
        attempts++;
        try {
          output = (await runStep(ctx, executors, type, stepAction(step), payload, results)).output;
        } catch (error) {
          failure = error;
        }
      }
      if (ctx.signal.aborted && output === undefined) {
        record({ status: "failed", output: "", error: "aborted" }, attempts);
        throw new FlowStepError(`flow stopped at step "${id}": the attempt was aborted`, summary, "timeout");
      }
      if (output !== undefined) {
        record({ status: "success", output, error: "" }, attempts);
        continue;
      }
      const message = ctx.secrets.mask(failure instanceof Error ? failure.message : String(failure));
      record({ status: "failed", output: "", error: message }, attempts);
      if (step.on_error !== "continue") {
        const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
        // A step's configuration failure (a missing key, secret or definition) is the flow's: the job is not retried either.
        const code = isPermanentFailure(failure) ? failure.code : "step-failed";
        throw new FlowStepError(`step "${id}" failed${tries}: ${message}`, summary, code, { cause: failure });
      }
    }
    return { output: JSON.stringify({ steps: summary }) };
  };
}

async function flowSteps(ctx: ExecutionContext): Promise<Record<string, unknown>[]> {
  let steps: unknown = ctx.action.steps;
  if (steps === undefined && typeof ctx.action.flow === "string") {
    const flow = await readDefinition(ctx.sql, "flow", ctx.action.flow);
    if (!flow) throw new ExecutionError(`flow "${ctx.action.flow}" is not applied`, "unknown-flow");
    steps = flow.steps;
  }
  if (!Array.isArray(steps) || steps.length === 0) throw new ExecutionError("flow: needs `flow` (a flow id) or a list of `steps`", "invalid-action");
  const records = steps.filter(isRecord);
  if (records.length !== steps.length) throw new ExecutionError("flow: every step must be a mapping of fields", "invalid-action");
  return records;
}

function stepAction(step: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(step).filter(([k]) => !flowKeys.has(k)));
}

async function runStep(
  ctx: ExecutionContext,
  executors: Readonly<Record<string, Executor>>,
  type: unknown,
  fields: Record<string, unknown>,
  payload: unknown,
  results: Record<string, StepResult>,
): Promise<{ output: string }> {
  const executor = typeof type === "string" && Object.hasOwn(executors, type) ? executors[type] : undefined;
  if (!executor || typeof type !== "string") throw new ExecutionError(`no executor for action "${String(type)}"`, "invalid-action");
  const plain = stepContext(ctx, { ...fields, type }, payload, results);
  const action = selfRendering.has(type) ? plain.action : { ...renderFields(fields, await templateScope(plain, fields)), type };
  return executor(selfRendering.has(type) ? plain : stepContext(ctx, action, payload, results));
}

/** `when` over steps, trigger, event and date; anything but `true` skips; an evaluation error fails the step. */
function whenHolds(when: string, scope: TemplateScope, ctx: ExecutionContext): boolean {
  const context = {
    steps: plainCopy(scope.steps),
    trigger: { payload: plainCopy(scope.payload ?? null) },
    event: { id: ctx.eventId, description: scope.description, scheduled_for: ctx.scheduledFor },
    date: dateValues(scope.now),
  };
  let value: unknown;
  try {
    value = evaluate(when, context);
  } catch (error) {
    throw new ExecutionError(`when "${when}": ${errorMessage(error).split("\n", 1)[0] ?? ""}`, "flow-when", { cause: error });
  }
  return value === true;
}

/** A JSON copy: CEL sees plain data, never a prototype or a getter of ours. */
function plainCopy(value: unknown): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return copy;
}
