import type { ImageBlockParam, TextBlockParam, Tool } from "@anthropic-ai/sdk/resources/messages";

/** What a tool call gives back: the content the model gets, its text for the transcript, and whether it failed. */
export interface ToolOutcome {
  content: (TextBlockParam | ImageBlockParam)[];
  text: string;
  isError: boolean;
}

/** One tool offered to an agent's model: an MCP server's (mcp__<server>__<tool>) or a built-in (nexaas__...). */
export interface AgentTool {
  name: string;
  description: string;
  inputSchema: Tool.InputSchema;
  /** The MCP server that answers it; null for a built-in. */
  server: string | null;
  /** Never throws for a tool-level failure (that is an outcome with isError); rejects only when `signal` aborts. */
  run(input: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
}

/** A failed call, as the model and the transcript see it. */
export function toolError(text: string): ToolOutcome {
  return { content: [{ type: "text", text }], text, isError: true };
}

/** A successful call with text content. */
export function toolText(text: string): ToolOutcome {
  return { content: [{ type: "text", text }], text, isError: false };
}
