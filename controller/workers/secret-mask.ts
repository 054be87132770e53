/**
 * Values shorter than this are never masked. A secret worth the name is
 * longer; a short value passed to a script (`DISK_WARN_PERCENT=90`,
 * `LOG_LEVEL=debug`, `1`) would otherwise be starred out of every output,
 * turning "10 files" into "*** files". README "Secrets masking" says so.
 */
export const minMaskedLength = 6;

/** What stands in for a masked value. */
export const maskText = "***";

/** A cut edge shorter than this is not masked: two characters tell nothing of a secret. */
const minEdgeLength = 3;

/**
 * The secrets one attempt handed out (a script's `env` values, the `${NAME}`
 * values a webhook sent; later an MCP server's env), and the one way to mask
 * them in whatever the attempt reports: output, errors, logs, and so the
 * database and the API. Each value is masked as written, base64-encoded
 * (standard and URL-safe, also inside a longer base64 text) and URL-encoded.
 */
export class SecretMask {
  private readonly forms = new Set<string>();
  private pattern: RegExp | undefined;

  /** Adds a value handed out by the attempt; values under `minMaskedLength` characters are ignored. */
  add(value: string): this {
    for (const candidate of new Set([value, value.trim()])) {
      if (candidate.length < minMaskedLength) continue;
      for (const form of encodedForms(candidate)) this.forms.add(form);
    }
    this.pattern = undefined;
    return this;
  }

  get size(): number {
    return this.forms.size;
  }

  /** `text` with every form of every value replaced by `***`. */
  mask(text: string): string {
    if (this.forms.size === 0 || text === "") return text;
    this.pattern ??= new RegExp(
      // Longest first, so a value containing another is masked whole.
      [...this.forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"),
      "g",
    );
    return text.replace(this.pattern, maskText);
  }

  /**
   * `text` masked, where it was cut at `side` (an output over its cap): a value
   * the cut split in two leaves its first part at the end of a kept head (or its
   * last part at the start of a kept tail), and that part is masked too.
   */
  maskCut(text: string, side: "start" | "end"): string {
    let out = this.mask(text);
    let longest = 0;
    for (const form of this.forms) {
      for (let n = Math.min(form.length - 1, out.length); n >= minEdgeLength && n > longest; n--) {
        const matches = side === "end" ? out.endsWith(form.slice(0, n)) : out.startsWith(form.slice(form.length - n));
        if (matches) longest = n;
      }
    }
    if (longest > 0) out = side === "end" ? out.slice(0, out.length - longest) + maskText : maskText + out.slice(longest);
    return out;
  }
}

/** The value as a program may print it: as is, URL-encoded, and base64 (also mid-stream). */
function encodedForms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  const forms = [
    value,
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    encoded.replace(/%20/g, "+"), // application/x-www-form-urlencoded
    encodeURI(value),
  ];
  const bytes = Buffer.from(value, "utf8");
  const whole = bytes.toString("base64");
  const base64 = [whole, whole.replace(/=+$/, "")];
  // Inside a longer base64 text (`user:secret` encoded whole), the value's bytes start at
  // offset 0, 1 or 2 of a 3-byte group: the characters that depend on its bytes alone are
  // the same whatever surrounds them, and those are what is looked for.
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    base64.push(shifted.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
  }
  for (const form of base64) forms.push(form, form.replace(/\+/g, "-").replace(/\//g, "_"));
  return [...new Set(forms)].filter((form) => form.length >= minMaskedLength);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
