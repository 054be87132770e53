/** Narrows a flag's text to one of a fixed list of choices (`--format`, `--status`, `--by`). */
export function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return choices.some((choice) => choice === value);
}
