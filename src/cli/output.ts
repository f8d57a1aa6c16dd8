/**
 * @file Where the CLI writes: standard output for results, standard error for messages and
 * progress. One indirection, so that a test can run the CLI in its own process and read what it
 * printed without touching the process's streams (which the test runner reports through).
 */
export interface Sinks {
  out: (text: string) => void;
  err: (text: string) => void;
}

const stdio: Sinks = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };
let sinks: Sinks = stdio;

/** Print a result. */
export const print = (text: string): void => sinks.out(text);
/** Print a message for a person (errors, notices). */
export const warn = (text: string): void => sinks.err(text);

/** Run `fn` with the CLI's output going to `s` (tests). */
export async function withSinks<T>(s: Sinks, fn: () => Promise<T>): Promise<T> {
  const before = sinks;
  sinks = s;
  try {
    return await fn();
  } finally {
    sinks = before;
  }
}
