#!/usr/bin/env node
// Prints the stock report that flows/stock-watch.yaml hands to the
// stock-reorder skill. A real shop would query its shop platform here; this
// example reads a committed sample export so it runs offline.
import { readFileSync } from "node:fs";

const csvPath = new URL("./stock-sample.csv", import.meta.url);
const [header, ...rows] = readFileSync(csvPath, "utf8").trim().split(/\r?\n/);
const columns = header.split(",");
const lines = [`status,${header}`];
let low = 0;

for (const row of rows) {
  const values = row.split(",");
  const item = Object.fromEntries(columns.map((name, i) => [name, values[i]]));
  const isLow = Number(item.on_hand) <= Number(item.reorder_point);
  if (isLow) low += 1;
  lines.push(`${isLow ? "LOW" : "OK"},${row}`);
}
lines.push(`# ${low} of ${rows.length} products at or below their reorder point`);
process.stdout.write(lines.join("\n") + "\n");
