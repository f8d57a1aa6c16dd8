/**
 * @file The error every module throws for bad input: a value, a key, a shape or a field that is
 * not what was expected. Its message names the thing and what was expected. The CLI turns it
 * into exit code 2; any other error is a bug (exit code 1).
 */
export class InputError extends RangeError {
  override name = 'InputError';
}
