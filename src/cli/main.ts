/**
 * @file The CLI entry: a thin table of subcommands over the library. Only this layer prints
 * and sets exit codes: 0 success, 2 bad input (usage, flags, files), 1 anything unexpected.
 * The library names its options in backticks ("`testPoints`"); here they become the flags
 * that set them ("--test-points"), so each layer speaks its own language.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/index.ts';
import { commands } from './commands/index.ts';
import { flagFor } from './options.ts';
import { print, warn } from './output.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('perturb')
    .description('Perturbative analysis of stochastic descent: diagrams, landscape statistics, predictions and simulations of SGD.')
    .version(pkg.version, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: print, writeErr: warn })
    .exitOverride();
  for (const register of commands) register(program);
  // Subcommands inherit exit override so their parse errors reach `main` too.
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** A library message as the CLI says it: each `option` named by the flag that sets it. */
export function speakFlags(message: string, command: Command | null): string {
  return message.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (_, name: string) => (command ? flagFor(command, name) : undefined) ?? name);
}

/** Run the CLI on `argv` (as in process.argv) and return the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let running: Command | null = null;
  program.hook('preAction', (_self, action) => {
    running = action;
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exitCode 0; parse errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InputError) {
      warn(`perturb: ${speakFlags(err.message, running)}\n`);
      return 2;
    }
    warn(`perturb: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
