import { EventEmitter } from "node:events";
import type { Clock } from "../clock.js";
import type { EgressPolicy } from "../definitions/egress-policy.js";
import type { Notification } from "../definitions/schema-types.js";
import { errorMessage } from "../error-message.js";
import type { Logger } from "../log.js";
import type { Resolver } from "../workers/egress.js";
import { type Notice, type NoticeKind, type SentKind, troubleKinds } from "./notice.js";
import { NoticeError, sendNotice } from "./send-notice.js";

export interface NotifierOptions {
  /**
   * The live revision's nexaas.yaml `notifications` (read at each notice, so a reconcile changes them at once).
   * Read from the store, it is a promise: notices then fan out once it settles, in the order they came.
   */
  targets: () => readonly Notification[] | Promise<readonly Notification[]>;
  /** The live revision's egress policy: notices go out as webhook actions do. */
  policy: () => EgressPolicy | Promise<EgressPolicy>;
  env: NodeJS.ProcessEnv;
  log: Logger;
  clock: Clock;
  /** Per send (default 10s): a target that hangs costs its own queue this long, nothing else. */
  timeoutMs?: number;
  /** At most `limit` notices per target per `windowMs` (default 10 a minute); the rest become one summary. */
  rateLimit?: { limit: number; windowMs: number };
  /** The same kind and key are not sent again within this (default 15 minutes). */
  dedupeMs?: number;
  /** Notices waiting per target at most (default 100); the oldest is dropped beyond. */
  maxQueued?: number;
  resolve?: Resolver;
}

export interface NotifierEvents {
  sent: [{ target: string; kind: SentKind }];
  failed: [{ target: string; kind: SentKind; error: string }];
  /** Not sent: the same notice within the dedup window, or over the target's rate (then counted into a summary). */
  suppressed: [{ target: string | undefined; kind: SentKind; reason: "duplicate" | "rate" | "queue-full" }];
}

interface TargetState {
  queue: Notice[];
  sending: boolean;
  windowStart: number;
  sentInWindow: number;
  held: Map<NoticeKind, number>;
  summaryTimer: unknown;
}

/**
 * Sends notices to the targets of nexaas.yaml `notifications`, off the hot
 * path: `notify` only queues and returns, each target has its own queue sent
 * one at a time with a timeout, so a slow receiver delays nobody else and
 * never the scheduler or a worker. Deduplicated (the same kind and key within
 * `dedupeMs`), rate-limited per target (beyond the limit, one summary at the
 * window's end), and `recovered` is sent for a subject only after trouble was
 * notified on it. Logs name the target, never its URL or secret.
 */
export class Notifier extends EventEmitter<NotifierEvents> {
  private readonly states = new Map<string, TargetState>();
  private readonly lastSent = new Map<string, number>();
  /** Subjects with trouble notified and no recovery yet, and the targets told of it. */
  private readonly troubled = new Map<string, Set<string>>();
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  /** Fan-outs waiting for their targets to be read (targets given as promises), chained to keep their order; never rejects. */
  private reading: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {
    super();
  }

  /** Queues `notice` for every target that asks for its kind; returns at once. */
  notify(notice: Notice): void {
    this.fanOut(notice, () => true);
  }

  private fanOut(notice: Notice, include: (target: Notification) => boolean): void {
    if (this.stopped) return;
    const now = this.options.clock.now().getTime();
    const dedupeKey = `${notice.kind}\u0000${notice.key}`;
    const last = this.lastSent.get(dedupeKey);
    if (last !== undefined && now - last < (notice.dedupeMs ?? this.options.dedupeMs ?? 15 * 60_000)) {
      this.emit("suppressed", { target: undefined, kind: notice.kind, reason: "duplicate" });
      return;
    }
    this.lastSent.set(dedupeKey, now);
    const told = troubleKinds.has(notice.kind) ? (this.troubled.get(notice.subject) ?? new Set<string>()) : undefined;
    if (told) this.troubled.set(notice.subject, told);
    this.withTargets((targets) => {
      for (const target of targets) {
        if (!include(target) || !target.on.some((kind) => kind === notice.kind)) continue;
        told?.add(target.name);
        this.enqueue(target, notice, now);
      }
    });
  }

  /**
   * `use` with the current targets: at once when they are at hand and no earlier
   * read is pending; else once they are read, after the fan-outs before it (so a
   * `recovered` sees the targets its trouble was sent to). A read that fails drops
   * the notice, with a warning.
   */
  private withTargets(use: (targets: readonly Notification[]) => void): void {
    let targets: Promise<readonly Notification[]>;
    if (this.reading === undefined) {
      const now = this.options.targets();
      if (!(now instanceof Promise)) return use(now);
      targets = now;
    } else {
      targets = this.reading.then(() => (this.stopped ? [] : this.options.targets()));
    }
    const reading: Promise<void> = targets
      .then((list) => {
        if (!this.stopped) use(list);
      })
      .catch((error: unknown) => this.options.log.warn({ err: errorMessage(error) }, "notification targets not read: notice dropped"))
      .finally(() => {
        if (this.reading === reading) this.reading = undefined;
      });
    this.reading = reading;
  }

  /**
   * `subject` is back to success: a `recovered` notice to the targets that were
   * told of its trouble, and the trouble forgotten (the next failure is news again).
   */
  recovered(subject: string, text: string, data: Record<string, unknown> = {}): void {
    const told = this.troubled.get(subject);
    if (!told) return;
    this.troubled.delete(subject);
    for (const dedupeKey of [...this.lastSent.keys()]) {
      const key = dedupeKey.split("\u0000", 2)[1] ?? "";
      if (key === subject || key.startsWith(`${subject}:`)) this.lastSent.delete(dedupeKey);
    }
    this.fanOut({ kind: "recovered", subject, key: `${subject}@${this.options.clock.now().toISOString()}`, text, data }, (target) => told.has(target.name));
  }

  private enqueue(target: Notification, notice: Notice, now: number): void {
    const state = this.state(target.name, now);
    const rate = this.options.rateLimit ?? { limit: 10, windowMs: 60_000 };
    if (now - state.windowStart >= rate.windowMs) {
      state.windowStart = now;
      state.sentInWindow = 0;
    }
    if (notice.kind !== "summary" && state.sentInWindow >= rate.limit) {
      state.held.set(notice.kind, (state.held.get(notice.kind) ?? 0) + 1);
      this.emit("suppressed", { target: target.name, kind: notice.kind, reason: "rate" });
      state.summaryTimer ??= this.options.clock.setTimeout(() => this.summarize(target.name), Math.max(0, state.windowStart + rate.windowMs - now));
      return;
    }
    state.sentInWindow++;
    if (state.queue.length >= (this.options.maxQueued ?? 100)) {
      const dropped = state.queue.shift();
      if (dropped) this.emit("suppressed", { target: target.name, kind: dropped.kind, reason: "queue-full" });
      this.options.log.warn({ target: target.name }, "notification queue full: the oldest notice dropped");
    }
    state.queue.push(notice);
    this.pump(target.name);
  }

  private state(name: string, now: number): TargetState {
    let state = this.states.get(name);
    if (!state) {
      state = { queue: [], sending: false, windowStart: now, sentInWindow: 0, held: new Map(), summaryTimer: undefined };
      this.states.set(name, state);
    }
    return state;
  }

  /** The window ended with notices held back: one summary of them, which the limit does not hold. */
  private summarize(name: string): void {
    const state = this.states.get(name);
    if (!state) return;
    state.summaryTimer = undefined;
    const held = [...state.held];
    state.held.clear();
    const total = held.reduce((sum, [, n]) => sum + n, 0);
    if (total === 0) return;
    this.withTargets((targets) => {
      if (!targets.some((t) => t.name === name) || this.stopped) return;
      const counts = held.map(([kind, n]) => `${kind} ×${n}`).join(", ");
      const text = `nexaas: ${total} more notification${total === 1 ? "" : "s"} held back by the rate limit (${counts}); see the controller's log and \`nexaas runs\``;
      const now = this.options.clock.now().getTime();
      state.queue.push({ kind: "summary", subject: "summary", key: `summary@${now}`, text, data: { held: Object.fromEntries(held) } });
      this.pump(name);
    });
  }

  private pump(name: string): void {
    const state = this.states.get(name);
    if (!state || state.sending) return;
    const next = state.queue.shift();
    if (!next) return;
    state.sending = true;
    const sending = this.send(name, next).finally(() => {
      state.sending = false;
      this.inFlight.delete(sending);
      if (!this.stopped) this.pump(name);
    });
    this.inFlight.add(sending);
  }

  private async send(name: string, notice: Notice): Promise<void> {
    const kind = notice.kind;
    const timeout = new AbortController();
    const timer = this.options.clock.setTimeout(() => timeout.abort(), this.options.timeoutMs ?? 10_000);
    try {
      const target = (await this.options.targets()).find((t) => t.name === name);
      if (!target) return; // removed by a reconcile meanwhile
      await sendNotice(target, notice, {
        env: this.options.env,
        policy: await this.options.policy(),
        signal: AbortSignal.any([timeout.signal, this.abort.signal]),
        now: this.options.clock.now(),
        ...(this.options.resolve ? { resolve: this.options.resolve } : {}),
      });
      this.options.log.info({ target: name, kind, subject: notice.subject }, "notification sent");
      this.emit("sent", { target: name, kind });
    } catch (error) {
      const message = error instanceof NoticeError ? error.message : "failed";
      this.options.log.warn({ target: name, kind, subject: notice.subject, err: message }, "notification not sent");
      this.emit("failed", { target: name, kind, error: message });
    } finally {
      this.options.clock.clearTimeout(timer);
    }
  }

  /** No new notices; sends under way get `graceMs`, then are aborted; queued ones are dropped (and counted in the log). */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    let dropped = 0;
    for (const state of this.states.values()) {
      this.options.clock.clearTimeout(state.summaryTimer);
      dropped += state.queue.length;
      state.queue.length = 0;
    }
    if (dropped > 0) this.options.log.warn({ dropped }, "stopping: queued notifications not sent");
    // Targets being read: nothing more is queued from them, and nothing reads the store after stop.
    await this.reading;
    const grace = new Promise<void>((resolve) => {
      const timer = this.options.clock.setTimeout(resolve, graceMs);
      void Promise.all(this.inFlight).then(() => {
        this.options.clock.clearTimeout(timer);
        resolve();
      });
    });
    await grace;
    this.abort.abort();
    await Promise.all(this.inFlight);
  }
}
