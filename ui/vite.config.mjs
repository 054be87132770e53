// Builds the status page into dist/ui (index.html + hashed assets), served by
// the controller's API server. Everything is bundled: the page loads nothing
// from another origin, and the CSP forbids inline script and style.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/ui", import.meta.url)),
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep every asset a file under /assets.
    assetsInlineLimit: 0,
    // The CSP allows no inline script: the module preload polyfill would be fine
    // (it goes in the entry chunk), but modern browsers need none.
    modulePreload: { polyfill: false },
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
