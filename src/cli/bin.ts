#!/usr/bin/env node
// @file The installed `perturb` executable (dist/cli/bin.js, run by plain node): argv to the CLI, its exit code to the process.
import { main } from './main.ts';

process.exitCode = await main(process.argv);
