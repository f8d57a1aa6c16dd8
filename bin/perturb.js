#!/usr/bin/env node
// @file The `perturb` executable: loads the TypeScript sources through tsx (no build step,
// so the CLI always runs the code that the tests test) and hands argv to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
