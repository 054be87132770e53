import type { ImageBlockParam, TextBlockParam } from "@anthropic-ai/sdk/resources/messages";
import type { CallToolResult, CompatibilityCallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** What the model gets of one tool result, in characters of text (the transcript keeps less). */
export const maxResultChars = 100_000;
/** The Messages API refuses an image over 5 MB; its base64 is 4/3 of that. */
const maxImageBase64Chars = Math.floor((5 * 1024 * 1024 * 4) / 3);
const imageTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
type ImageType = (typeof imageTypes)[number];
const isImageType = (type: string): type is ImageType => imageTypes.some((t) => t === type);

export type ResultBlock = TextBlockParam | ImageBlockParam;

/** A tool's answer as tool_result content, and its text for the transcript. */
export interface McpToolResult {
  content: ResultBlock[];
  /** The text parts joined, as the model got them. */
  text: string;
  isError: boolean;
}

/**
 * MCP content as Messages API content: text as text, a supported image as an
 * image, an embedded text resource as text, anything else as a short note (the
 * model should know something came back that it cannot see). The text of the
 * whole result is cut at `maxResultChars`, with a note saying how much there
 * was: a tool returning 10 MB must not fill the context or the transcript.
 *
 * Written here instead of using `@anthropic-ai/sdk/helpers/beta/mcp`: those
 * helpers return Beta types, throw on content they cannot convert (one audio
 * part would lose the whole answer), and do not cap.
 */
export function toToolResult(answer: CompatibilityCallToolResult): McpToolResult {
  // A server on the 2024-10-07 protocol answers `{toolResult}` instead of content.
  const result: CallToolResult = hasContent(answer) ? answer : { content: [{ type: "text", text: JSON.stringify(answer.toolResult) }] };
  const parts: Array<{ text: string } | ImageBlockParam> = [];
  for (const item of result.content) {
    switch (item.type) {
      case "text":
        parts.push({ text: item.text });
        break;
      case "image":
        parts.push(imageBlock(item.data, item.mimeType) ?? { text: `[image (${item.mimeType}, ${item.data.length} base64 characters) not shown: unsupported type or over 5 MB]` });
        break;
      case "resource":
        parts.push({ text: "text" in item.resource ? item.resource.text : `[binary resource ${item.resource.uri}${item.resource.mimeType ? ` (${item.resource.mimeType})` : ""} not shown]` });
        break;
      case "resource_link":
        parts.push({ text: `[resource link: ${item.uri}${item.name ? ` (${item.name})` : ""}]` });
        break;
      default:
        parts.push({ text: `[${item.type} content not shown]` });
    }
  }
  if (result.content.length === 0 && result.structuredContent !== undefined) parts.push({ text: JSON.stringify(result.structuredContent) });
  return capText(parts, result.isError === true);
}

const hasContent = (answer: CompatibilityCallToolResult): answer is CallToolResult => Array.isArray(answer.content);

/** A result made of one text: the errors this module reports itself (timeout, crash). */
export function errorResult(message: string): McpToolResult {
  return { content: [{ type: "text", text: message }], text: message, isError: true };
}

function imageBlock(data: string, mimeType: string): ImageBlockParam | undefined {
  if (!isImageType(mimeType) || data.length > maxImageBase64Chars) return undefined;
  return { type: "image", source: { type: "base64", media_type: mimeType, data } };
}

function capText(parts: ReadonlyArray<{ text: string } | ImageBlockParam>, isError: boolean): McpToolResult {
  const total = parts.reduce((sum, p) => sum + ("text" in p ? p.text.length : 0), 0);
  let room = maxResultChars;
  const content: ResultBlock[] = [];
  const texts: string[] = [];
  for (const part of parts) {
    if (!("text" in part)) {
      content.push(part);
      continue;
    }
    if (room <= 0) continue;
    // slice() of a long string copies only what is kept: the 10 MB original is dropped with the result.
    const text = part.text.length > room ? part.text.slice(0, room) : part.text;
    room -= text.length;
    if (text !== "") content.push({ type: "text", text });
    texts.push(text);
  }
  if (total > maxResultChars) {
    const note = `[output cut at ${maxResultChars} of ${total} characters]`;
    content.push({ type: "text", text: note });
    texts.push(note);
  }
  const text = texts.join("\n");
  // The API refuses a text block that is empty; a tool that said nothing still answered.
  if (content.length === 0) content.push({ type: "text", text: isError ? "(the tool failed without a message)" : "(no output)" });
  return { content, text, isError };
}
