/**
 * @file The error every module throws for bad input: a value, a key, a shape or a field that is
 * not what was expected. Its message names the thing and what was expected. The CLI turns it
 * into exit code 2; any other error is a bug (exit code 1).
 *
 * The library names its own options, never a command-line flag, and writes an option's name in
 * backticks — "simulate: `testPoints` must be a positive integer" — so that the CLI, which knows
 * which flag sets which option, can show the same message with the flag (`--test-points`).
 */
export class InputError extends RangeError {
  override name = 'InputError';
  /** The library option this error is about, when it is about one. */
  readonly option?: string;

  constructor(message: string, option?: string) {
    super(message);
    if (option !== undefined) this.option = option;
  }
}

/** "where: `option` problem", e.g. "simulate: `testPoints` must be a positive integer, got 0". */
export function optionError(where: string, option: string, problem: string): InputError {
  return new InputError(`${where}: \`${option}\` ${problem}`, option);
}

/** An option's name as messages write it: in backticks, which the CLI turns into its flag. */
export const opt = (name: string): string => `\`${name}\``;
