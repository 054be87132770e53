#!/usr/bin/env node
// Disk usage of the file system that holds the current directory.
// Used by events/disk-space.yaml. Works offline with Node alone (no df needed).
// Exits 1 when usage is above DISK_WARN_PERCENT (default 90), so the run fails
// and the event's retry/pause policy applies.
import { statfsSync } from "node:fs";

const threshold = Number(process.env.DISK_WARN_PERCENT || 90);
const stats = statfsSync(".");
const total = stats.blocks * stats.bsize;
const available = stats.bavail * stats.bsize;
const used = total - stats.bfree * stats.bsize;
// Like df: percent of the space ordinary users can use.
const percent = total === 0 ? 0 : Math.round((used / (used + available)) * 1000) / 10;
const gib = (bytes) => (bytes / 1024 ** 3).toFixed(1) + " GiB";

const status = percent >= threshold ? "WARNING" : "OK";
process.stdout.write(`${status} disk ${percent}% used (threshold ${threshold}%)\n`);
process.stdout.write(`total ${gib(total)}, used ${gib(used)}, available ${gib(available)}\n`);
if (status !== "OK") process.exitCode = 1;
