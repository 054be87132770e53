// @ts-check
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * SPEC §1 "Which folder may import which": each stage imports only the ones
 * listed before it (type-only imports too: a type is part of the contract).
 * The files at controller/ top level other than controller.ts (clock.ts, log.ts,
 * package-root.ts, error-message.ts) are shared leaves: any stage may import them,
 * and they import no stage. They are process-wide plumbing (time, logging, where
 * the package lives, what an error says), not a step of the pipeline, so they get
 * no place in the order.
 */
const stages = [
  ...["source", "definitions", "store", "reconcile", "queue", "scheduler", "llm", "agents", "workers", "notify", "api", "contribute"].map((name) => ({ name: `${name}/`, path: `controller/${name}` })),
  { name: "controller.ts", path: "controller/controller.ts" },
  { name: "cli/", path: "cli" },
];
const orderRule = "SPEC §1: a folder imports only the folders listed before it";
const stageZones = stages.slice(0, -1).map((stage, i) => ({
  target: stage.path,
  from: stages.slice(i + 1).map((s) => s.path),
  message: `${stage.name} may import ${i === 0 ? "no other stage" : "only " + stages.slice(0, i).map((s) => s.name).join(", ")} (${orderRule}).`,
}));
const leafZone = {
  target: "controller/!(controller).ts",
  from: stages.map((s) => s.path),
  message: "the files at controller/ top level (clock.ts, log.ts, ...) are shared leaves: they import no stage (SPEC §1).",
};
// Stricter than the order, as SPEC §1 says: llm/ returns usage and the caller records it.
const llmZone = { target: "controller/llm", from: ["controller/store"], message: "llm/ never imports the store: it returns usage, and the caller records it (SPEC §1)." };

/**
 * Type-checked rules where a mistake is silent at run time: a promise nobody
 * awaits (an unhandled rejection, a timer firing into a closed database), a
 * promise where a callback's boolean is expected, and `any` flowing in
 * unchecked (JSON.parse, untyped rows) where a type guard belongs.
 * The server and its tests, and the status page in ui/, each with their tsconfig.
 */
const typeCheckedRules = {
  "@typescript-eslint/no-floating-promises": "error",
  "@typescript-eslint/no-misused-promises": "error",
  "@typescript-eslint/no-unsafe-assignment": "error",
  "@typescript-eslint/no-unsafe-member-access": "error",
  "@typescript-eslint/no-unsafe-call": "error",
  "@typescript-eslint/no-unsafe-return": "error",
  "@typescript-eslint/no-unsafe-argument": "error",
};

/**
 * Which tsconfig types which files, in config order (a later entry wins). `npm test` reads it
 * (scripts/typed-checks.mjs) to build each program once, for both its type errors and this lint.
 */
export const typedProjects = [
  { files: ["controller/**/*.ts", "cli/**/*.ts", "test/**/*.ts"], project: "./tsconfig.test.json" },
  // The browser tests: their functions run in the page, so their tsconfig has the DOM.
  { files: ["test/browser/**/*.ts"], project: "./test/browser/tsconfig.json" },
  // The status page (ui/): its own tsconfig (DOM, JSX for Preact).
  { files: ["ui/src/**/*.ts", "ui/src/**/*.tsx"], project: "./ui/tsconfig.json" },
];
const [serverProject, browserProject, uiProject] = typedProjects.map(({ files, project }) => ({ files, languageOptions: { parserOptions: { project, tsconfigRootDir: root } } }));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", performance: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // Stage direction. The sources import "./x.js" for x.ts (NodeNext), so the resolver maps it back.
    files: ["controller/**/*.ts", "cli/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".mjs", ".json", ".node"], extensionAlias: { ".js": [".ts", ".js"] } })],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: [...stageZones, leafZone, llmZone] }],
      // no-restricted-paths passes over an import it cannot resolve: a relative import must resolve, so none slips by.
      "import-x/no-unresolved": ["error", { ignore: ["^[^.]"] }],
    },
  },
  { ...serverProject, rules: typeCheckedRules },
  browserProject,
  {
    // The status page: the same type-checked rules.
    ...uiProject,
    rules: {
      ...typeCheckedRules,
      // Untrusted text is shown as text nodes only (issue 14): no HTML from strings, ever.
      "no-restricted-syntax": [
        "error",
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: "API strings are untrusted: render them as text." },
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: "API strings are untrusted: render them as text." },
        { selector: "CallExpression[callee.property.name='insertAdjacentHTML']", message: "API strings are untrusted: render them as text." },
      ],
    },
  },
  {
    // The preview server and its fixtures run in node.
    files: ["ui/*.mjs"],
    languageOptions: { globals: { process: "readonly", URL: "readonly" } },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.stringContaining) are typed
    // \`any\` by design, so a test's expected object holds them without a cast.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    // Generated from schemas/ by scripts/generate-types.mjs.
    files: ["controller/definitions/schema-types.ts"],
    rules: { "@typescript-eslint/no-empty-object-type": "off" },
  },
  {
    // The CLI, scripts and benchmarks talk to people on stdout/stderr.
    files: ["cli/**", "scripts/**", "bench/**", "bin/**", "test/**"],
    rules: { "no-console": "off" },
  },
);
