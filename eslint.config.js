// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/generated/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", performance: "readonly", setTimeout: "readonly", clearTimeout: "readonly", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
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
