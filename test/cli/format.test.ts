import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../controller/definitions/diagnostic.js";
import { formatDiagnostics, type FormatContext } from "../../cli/support/format/index.js";

const diagnostics: Diagnostic[] = [
  { file: "events/daily digest.yaml", line: 4, column: 9, rule: "cron-expression", severity: "error", message: 'invalid cron "0 9 * *"' },
  { file: "events/daily digest.yaml", line: 7, column: 3, rule: "schema", severity: "error", message: "unknown field: tempo" },
  { file: "agents/manager/config.yaml", line: 2, column: 1, rule: "unknown-model", severity: "warning", message: "no price for model x" },
];

const ctx = (over: Partial<FormatContext> = {}): FormatContext => ({
  workspaceFromRepoRoot: "",
  toolVersion: "1.2.3",
  color: false,
  ...over,
});

describe("text format", () => {
  it("prints one line per diagnostic and a summary", () => {
    const out = formatDiagnostics("text", diagnostics, ctx());
    expect(out.split("\n")).toEqual([
      'events/daily digest.yaml:4:9  error  cron-expression  invalid cron "0 9 * *"',
      "events/daily digest.yaml:7:3  error  schema  unknown field: tempo",
      "agents/manager/config.yaml:2:1  warning  unknown-model  no price for model x",
      "2 errors, 1 warning in 2 files",
      "",
    ]);
  });

  it("says no problems when there are none, and pluralises singulars", () => {
    expect(formatDiagnostics("text", [], ctx())).toBe("no problems\n");
    expect(formatDiagnostics("text", diagnostics.slice(2), ctx())).toContain("1 warning in 1 file\n");
  });

  it("colours only the severity, and only when asked", () => {
    const out = formatDiagnostics("text", diagnostics, ctx({ color: true }));
    expect(out).toContain("4:9  \u001b[31merror\u001b[39m  cron-expression");
    expect(out).toContain("\u001b[33mwarning\u001b[39m");
    expect(formatDiagnostics("text", diagnostics, ctx())).not.toContain("\u001b[");
  });
});

describe("json format", () => {
  it("is SPEC §10's {ok, diagnostics}, pretty-printed", () => {
    const out = formatDiagnostics("json", diagnostics, ctx());
    expect(out).toMatch(/^\{\n {2}"ok": false,/);
    const parsed = JSON.parse(out) as { ok: boolean; diagnostics: Record<string, unknown>[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics[0]).toEqual({
      file: "events/daily digest.yaml",
      line: 4,
      column: 9,
      rule: "cron-expression",
      severity: "error",
      message: 'invalid cron "0 9 * *"',
    });
  });

  it("is ok with warnings only", () => {
    expect(JSON.parse(formatDiagnostics("json", diagnostics.slice(2), ctx()))).toMatchObject({ ok: true });
    expect(JSON.parse(formatDiagnostics("json", [], ctx()))).toEqual({ ok: true, diagnostics: [] });
  });
});

describe("sarif format", () => {
  // The official SARIF 2.1.0 schema (draft-04), as shipped by Microsoft's sarif-js-sdk.
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  // strict off: the schema is draft-04 with keywords ajv's strict mode flags; unicodeRegExp off:
  // its `language` pattern has a stray "]" that only non-unicode regular expressions accept.
  const ajv = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")) as object);

  const expectValid = (text: string): Log => {
    const log = JSON.parse(text) as Log;
    const ok = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
    return log;
  };

  it("validates against the SARIF 2.1.0 schema", () => {
    const log = expectValid(formatDiagnostics("sarif", diagnostics, ctx({ workspaceFromRepoRoot: "ops" })));
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: "nexaas", version: "1.2.3" });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules?.map((r) => r.id)).toEqual(["cron-expression", "schema", "unknown-model"]);
    for (const rule of run.tool.driver.rules ?? []) expect(rule.shortDescription?.text).toBeTruthy();
    const results = run.results ?? [];
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([
      ["cron-expression", "error"],
      ["schema", "error"],
      ["unknown-model", "warning"],
    ]);
    // ruleIndex points at the matching rule.
    for (const r of results) expect(run.tool.driver.rules?.[r.ruleIndex!]?.id).toBe(r.ruleId);
    expect(results[0]!.message.text).toBe('invalid cron "0 9 * *"');
    expect(results[0]!.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "ops/events/daily%20digest.yaml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 4, startColumn: 9 },
    });
  });

  it("is valid with no results, and with a file-less or line-less finding", () => {
    expectValid(formatDiagnostics("sarif", [], ctx()));
    const log = expectValid(
      formatDiagnostics(
        "sarif",
        [
          { file: "", line: 0, column: 0, rule: "workspace", severity: "error", message: "no nexaas.yaml" },
          { file: "nexaas.yaml", line: 0, column: 0, rule: "binary-file", severity: "error", message: "binary" },
        ],
        ctx({ ruleDescriptions: { workspace: "The workspace must have a manifest" } }),
      ),
    );
    const [noFile, noLine] = log.runs[0]!.results!;
    expect(noFile!.locations).toBeUndefined();
    expect(noLine!.locations?.[0]?.physicalLocation?.region).toBeUndefined();
    expect(log.runs[0]!.tool.driver.rules?.find((r) => r.id === "workspace")?.shortDescription?.text).toBe(
      "The workspace must have a manifest",
    );
  });

  it("would catch an invalid log (the schema check is real)", () => {
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });
});

describe("github format", () => {
  it("emits workflow commands with repo-relative paths", () => {
    const out = formatDiagnostics("github", diagnostics, ctx({ workspaceFromRepoRoot: "teams/ops" }));
    expect(out.split("\n")).toEqual([
      '::error file=teams/ops/events/daily digest.yaml,line=4,col=9,title=cron-expression::invalid cron "0 9 * *"',
      "::error file=teams/ops/events/daily digest.yaml,line=7,col=3,title=schema::unknown field: tempo",
      "::warning file=teams/ops/agents/manager/config.yaml,line=2,col=1,title=unknown-model::no price for model x",
      "nexaas: 2 errors, 1 warning in 2 files",
      "",
    ]);
  });

  it("escapes %, CR and LF in the message, and also : and , in properties", () => {
    const out = formatDiagnostics(
      "github",
      [{ file: "a,b:c%.yaml", line: 1, column: 2, rule: "r:1,2", severity: "error", message: "50% done\r\nnext: a, b" }],
      ctx(),
    );
    expect(out.split("\n")[0]).toBe("::error file=a%2Cb%3Ac%25.yaml,line=1,col=2,title=r%3A1%2C2::50%25 done%0D%0Anext: a, b");
  });

  it("leaves out a location that is not known", () => {
    const out = formatDiagnostics("github", [{ file: "", line: 0, column: 0, rule: "workspace", severity: "error", message: "x" }], ctx());
    expect(out.split("\n")[0]).toBe("::error title=workspace::x");
  });
});
