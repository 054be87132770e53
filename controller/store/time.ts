/** The one time format of the store and of machine output (SPEC §10): ISO 8601 UTC with milliseconds. */
export const isoTime = (date: Date): string => date.toISOString();
