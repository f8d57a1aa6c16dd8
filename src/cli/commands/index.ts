/** @file The list of subcommands; each module adds one command to the program. */
import type { Command } from 'commander';
import { registerCompare } from './compare.ts';
import { registerCorollary } from './corollary.ts';
import { registerDiagrams } from './diagrams.ts';
import { registerLandscapes } from './landscapes.ts';
import { registerPredict } from './predict.ts';
import { registerReproduce } from './reproduce.ts';
import { registerSimulate } from './simulate.ts';
import { registerStats } from './stats.ts';
import { registerWorker } from './worker.ts';

export const commands: Array<(program: Command) => void> = [registerCompare, registerCorollary, registerDiagrams, registerPredict, registerReproduce, registerStats, registerLandscapes, registerSimulate, registerWorker];
