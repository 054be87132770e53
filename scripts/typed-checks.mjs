// The typecheck and the typed lint of `npm test` in one pass, in two halves run side by side:
// `node scripts/typed-checks.mjs 1` and `... 2`. What it reports is what `npm run typecheck`
// and `npm run lint` (eslint .) report; it only does less work to find it.
//
// Why: a type-aware rule asks the checker for the types of nearly every expression, so the
// lint type-checks each program about as fully as tsc does. Run apart, tsc and eslint each
// built and checked every program; here one program serves both, and asking it for its type
// errors after the lint costs 1-3 s. And the lint alone was one process on one core for
// 36-49 s, the longest of the checks: the halves split the server's program by folder (each
// builds it, and lints and checks its own files), so the work fills the two cores of a CI
// machine. Together: about 15% less CPU, and the checks' time from the lint's to about a half's.
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { ESLint } from "eslint";
import ts from "typescript";
import { typedProjects } from "../eslint.config.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const split = "./tsconfig.test.json";
const halves = {
  // The server's sources (most of the type work), and the status page with its own program.
  1: { folders: ["controller", "cli", "ui"], wholeProjects: ["./ui/tsconfig.json"] },
  // Everything else: the tests, benchmarks and scripts, and the browser tests' program. Of the
  // split program, what half 1's folders do not hold (and the program-wide diagnostics).
  2: { folders: ["."], ignores: ["controller/", "cli/", "ui/"], wholeProjects: ["./test/browser/tsconfig.json"] },
};
const inHalf1 = (file) => halves[1].folders.some((f) => file.startsWith(join(root, f) + sep));
const owners = (project) => Object.values(halves).filter((h) => h.wholeProjects.includes(project)).length;

const half = halves[process.argv[2]];
if (!half) {
  console.error("usage: node scripts/typed-checks.mjs 1|2");
  process.exit(2);
}

// The programs must be the typecheck's, or a tsconfig added to one would go unchecked here.
const typecheckProjects = [...JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts.typecheck.matchAll(/-p (\S+)/g)].map((m) => resolve(root, m[1]));
const lintProjects = typedProjects.map((p) => resolve(root, p.project));
if (typecheckProjects.sort().join() !== [...lintProjects].sort().join()) {
  console.error(`npm run typecheck checks ${typecheckProjects.map((p) => relative(root, p)).join(", ")}, but eslint.config.js's typedProjects are ${lintProjects.map((p) => relative(root, p)).join(", ")}: make them the same`);
  process.exit(2);
}
for (const { project } of typedProjects) {
  if (project !== split && owners(project) !== 1) {
    console.error(`${project} (eslint.config.js) must be in the wholeProjects of exactly one half in scripts/typed-checks.mjs`);
    process.exit(2);
  }
}

/** `tsc -p project`'s program: the same options and files, parent pointers set for the lint. */
const programs = new Map();
function programOf(project) {
  if (!programs.has(project)) {
    const config = ts.getParsedCommandLineOfConfigFile(resolve(root, project), undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
    const program = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      projectReferences: config.projectReferences,
      configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
      host: ts.createCompilerHost(config.options, true),
    });
    programs.set(project, program);
  }
  return programs.get(project);
}

const diagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
function fail(diagnostics) {
  console.error(ts.formatDiagnostics(diagnostics, diagnosticsHost));
  process.exit(2);
}

// The lint first: its rules do most of the checker's work, which the type errors then reuse.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    ...(half.ignores ? [{ ignores: half.ignores }] : []),
    // Each typed file is parsed from the program its tsconfig makes (a later entry wins, as in the config).
    ...typedProjects
      .filter(({ project }) => project === split || half.wholeProjects.includes(project))
      .map(({ files, project }) => ({ files, languageOptions: { parserOptions: { programs: [programOf(project)] } } })),
  ],
});
const results = await eslint.lintFiles(half.folders);
const lintOutput = await (await eslint.loadFormatter("stylish")).format(results);
const lintFailed = results.some((r) => r.errorCount > 0 || r.fatalErrorCount > 0);

// Then the type errors, as `tsc -p` finds them (config, syntax; if none, global and semantic),
// over each whole program this half owns and its share of the split one.
const diagnostics = [];
for (const project of [...half.wholeProjects, split]) {
  const program = programOf(project);
  const programWide = project !== split || half === halves[2];
  const files = program.getSourceFiles().filter((f) => project !== split || inHalf1(f.fileName) === (half === halves[1]));
  const found = programWide ? [...program.getConfigFileParsingDiagnostics()] : [];
  const before = found.length;
  for (const file of files) found.push(...program.getSyntacticDiagnostics(file));
  if (found.length === before) {
    if (programWide) found.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    for (const file of files) found.push(...program.getSemanticDiagnostics(file));
  }
  diagnostics.push(...ts.sortAndDeduplicateDiagnostics(found));
}
const typeErrors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);

if (lintOutput) process.stdout.write(lintOutput);
if (diagnostics.length > 0) {
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stdout.write(format(diagnostics, diagnosticsHost));
  process.stdout.write(`\nFound ${typeErrors.length} type error${typeErrors.length === 1 ? "" : "s"}.\n`);
}
process.exit(lintFailed || typeErrors.length > 0 ? 1 : 0);
