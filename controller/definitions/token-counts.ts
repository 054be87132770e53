/**
 * The four token counts of one model call, as the Messages API reports them.
 * Shared by llm/ (which prices them) and the store (which records them), so it
 * sits below both.
 */
export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}
