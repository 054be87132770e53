import { describe, expect, it } from "vitest";
import { CappedBuffer } from "../../controller/workers/cap-output.js";
import { minMaskedLength, SecretMask } from "../../controller/workers/secret-mask.js";

const secret = "s3cr3t/v@lue+42 ok";
const b64 = (text: string): string => Buffer.from(text).toString("base64");

describe("SecretMask", () => {
  it("masks a value as written, URL-encoded (both hex cases, form style) and base64 (standard, URL-safe, unpadded)", () => {
    const mask = new SecretMask().add(secret);
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
      encodeURIComponent(secret).replace(/%20/g, "+"),
      b64(secret),
      Buffer.from(secret).toString("base64url"),
    ];
    for (const form of forms) expect(mask.mask(`<${form}>`), form).toBe("<***>");
  });

  it("finds the value inside a longer base64 text, whatever its offset", () => {
    const mask = new SecretMask().add(secret);
    for (const prefix of ["", "u:", "us:", "use:"]) {
      const encoded = b64(`${prefix}${secret}!tail`);
      const masked = mask.mask(`Authorization: Basic ${encoded}`);
      expect(masked, prefix).toContain("***");
      // What is left cannot be decoded back to the value, nor to most of it.
      expect(Buffer.from(masked.replace(/^.*Basic /, "").replace(/\*/g, ""), "base64").toString("latin1")).not.toContain(secret.slice(2, 12));
    }
  });

  it(`leaves values under ${minMaskedLength} characters alone, so "1" or "90" is not masked everywhere`, () => {
    const mask = new SecretMask().add("1").add("90").add("debug").add("  ").add("");
    expect(mask.size).toBe(0);
    expect(mask.mask("10 files at 90% debug")).toBe("10 files at 90% debug");
    expect(new SecretMask().add("abcdef").mask("xabcdefx")).toBe("x***x");
  });

  it("masks the longest value first and the trimmed value too", () => {
    const mask = new SecretMask().add("token-123").add("token-123456").add("  padded-secret\n");
    expect(mask.mask("token-123456 token-123 padded-secret")).toBe("*** *** ***");
  });

  it("masks the part of a value that an output cap cut in two", () => {
    const mask = new SecretMask().add("abcdefghijkl");
    expect(mask.maskCut("output … abcdefg", "end")).toBe("output … ***");
    expect(mask.maskCut("ijkl and more", "start")).toBe("*** and more");
    expect(mask.maskCut("nothing here ab", "end")).toBe("nothing here ab"); // two characters tell nothing
  });

  it("masks a stream kept under its cap, the cut edge included", () => {
    const mask = new SecretMask().add("SECRET-VALUE-0123456789");
    const head = new CappedBuffer("head", 100);
    head.push(Buffer.from(`${"x".repeat(70)}SECRET-VALUE-0123456789 and more after the cap`));
    const text = head.text(mask);
    expect(text).not.toMatch(/SECRET-VAL/);
    expect(text).toContain("***");
    const tail = new CappedBuffer("tail", 100);
    tail.push(Buffer.from(`before the cap SECRET-VALUE-0123456789${"y".repeat(70)}`));
    expect(tail.text(mask)).not.toMatch(/0123456789|456789/);
  });
});
