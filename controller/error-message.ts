/** What a thrown value says, for a log line or a run's error: anything can be thrown in JavaScript. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
