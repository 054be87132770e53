#!/usr/bin/env node
// Thin launcher: the bundled CLI lives in dist/bundle (built by `npm ci` through `prepare`).
import { main } from "../dist/bundle/main.js";

process.exitCode = await main(process.argv.slice(2));
