/** @file The list of subcommands; each module adds one command to the program. */
import type { Command } from 'commander';

export const commands: Array<(program: Command) => void> = [];
