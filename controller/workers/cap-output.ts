import type { SecretMask } from "./secret-mask.js";

/** What a run keeps of one output (stdout, a response body, a step's output). */
export const outputCapBytes = 64 * 1024;

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes (marker included), keeping the
 * head (an answer starts with what matters) or the tail (an error ends with it).
 * The marker says how much went, so a cut is never mistaken for the whole.
 */
export function capOutput(text: string, options: { maxBytes?: number; keep?: "head" | "tail" } = {}): string {
  const maxBytes = options.maxBytes ?? outputCapBytes;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  // The marker's own length depends on the count; size it for the worst case.
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker(bytes.length)));
  const cut = bytes.length - room;
  if (options.keep === "tail") return `${marker(cut)}${trimPartial(bytes.subarray(bytes.length - room).toString("utf8"), "start")}`;
  return `${trimPartial(bytes.subarray(0, room).toString("utf8"), "end")}${marker(cut)}`;
}

const marker = (cut: number): string => `\n[… ${cut} bytes cut]\n`;

/** A byte cut can split a character; drop the replacement character it leaves. */
function trimPartial(text: string, side: "start" | "end"): string {
  return side === "end" ? text.replace(/\uFFFD+$/, "") : text.replace(/^\uFFFD+/, "");
}

/**
 * Collects a stream's bytes without holding more than the cap: the first
 * `maxBytes` (head) or the last (tail), and the count of the rest.
 */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(
    private readonly keep: "head" | "tail" = "head",
    private readonly maxBytes = outputCapBytes,
  ) {}

  push(chunk: Buffer): void {
    if (this.keep === "head") {
      const room = this.maxBytes - this.kept;
      if (room > 0) {
        const part = chunk.subarray(0, room);
        this.chunks.push(part);
        this.kept += part.length;
      }
      this.dropped += Math.max(0, chunk.length - Math.max(0, room));
      return;
    }
    this.chunks.push(chunk);
    this.kept += chunk.length;
    for (let first = this.chunks[0]; first !== undefined && this.kept > this.maxBytes; first = this.chunks[0]) {
      const excess = this.kept - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.kept -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.kept -= excess;
        this.dropped += excess;
      }
    }
  }

  /**
   * The kept text, with the cut marker when anything was dropped (at most `maxBytes` in all),
   * masked by `mask` when given, a value split by the cut included (see SecretMask.maskCut).
   */
  text(mask?: SecretMask): string {
    const kept = Buffer.concat(this.chunks);
    if (this.dropped === 0) {
      const whole = kept.toString("utf8");
      return capOutput(mask ? mask.mask(whole) : whole, { maxBytes: this.maxBytes, keep: this.keep });
    }
    const total = kept.length + this.dropped;
    const room = Math.max(0, this.maxBytes - Buffer.byteLength(marker(total)));
    const cut = total - room;
    if (this.keep === "tail") {
      const part = trimPartial(kept.subarray(kept.length - room).toString("utf8"), "start");
      return `${marker(cut)}${mask ? mask.maskCut(part, "start") : part}`;
    }
    const part = trimPartial(kept.subarray(0, room).toString("utf8"), "end");
    return `${mask ? mask.maskCut(part, "end") : part}${marker(cut)}`;
  }
}
