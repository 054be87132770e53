import { EventEmitter } from "node:events";
import pg from "pg";
import { jobChannel } from "./announce-job.js";

export interface JobListenerEvents {
  /** A job may be ready: notices arriving together are delivered once. */
  job: [];
  /** Listening (again): the caller looks at the queue, since notices sent while it was away are lost. */
  listening: [];
  error: [Error];
}

/**
 * LISTEN on its own connection (a pooled one would be handed to others).
 * A dropped connection is reopened after a pause that doubles up to 5 s, and
 * `listening` is emitted again so the pool looks at what it missed.
 */
export class JobListener extends EventEmitter<JobListenerEvents> {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = 100;
  private retryTimer: NodeJS.Timeout | undefined;
  private pending = false;

  constructor(private readonly url: string) {
    super();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: "nexaas listener" });
    client.on("notification", () => this.notice());
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${jobChannel}`);
    } catch (error) {
      this.lost(client, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 100;
    this.emit("listening");
  }

  /** Coalesces a burst of notices (one per queued job) into one wake-up on the next turn. */
  private notice(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.stopped) this.emit("job");
    });
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client === client) this.client = undefined;
    if (this.stopped || this.retryTimer) return;
    void client.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) void this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(5_000, this.retryMs * 2);
    // Last: a listener that throws must not cost the reconnection.
    if (error && this.listenerCount("error") > 0) this.emit("error", error);
  }
}

/**
 * A started listener that calls `wake` at each notice, and at each (re)connection: what was
 * queued while it was away is looked at then. A lost connection is reported to `lost`.
 */
export async function listenForJobs(url: string, wake: () => void, lost: (error: Error) => void): Promise<JobListener> {
  const listener = new JobListener(url);
  listener.on("job", wake);
  listener.on("listening", wake);
  listener.on("error", lost);
  await listener.start();
  return listener;
}
