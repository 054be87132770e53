import { readdirSync, readFileSync } from "node:fs";

/** Sends `signal` to the process group `group` (0: no signal, only a check); false when the group is gone. */
export function signalGroup(group: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (group === undefined) return false;
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process of the group still runs. A member killed after its parent
 * (the server) died is reparented to PID 1 and stays a zombie until PID 1 reaps
 * it, which some container inits do only every second or two: kill(-group, 0)
 * still finds it, yet it runs nothing. On Linux, /proc tells them apart.
 */
export function groupRunning(group: number): boolean {
  if (!signalGroup(group, 0)) return false;
  if (process.platform !== "linux") return true;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended while we looked
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (pgrp === String(group) && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/**
 * Waits, at most `ms`, until no process of the group runs. The server's own exit
 * is an event, but its children's is not (they are not ours to wait for); after
 * a SIGKILL they end within milliseconds, so a short poll it is.
 */
export async function groupGone(group: number, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (groupRunning(group) && performance.now() < deadline) {
    await new Promise((done) => setTimeout(done, 10));
  }
}
