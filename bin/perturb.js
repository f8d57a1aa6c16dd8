#!/usr/bin/env node
// @file The `perturb` executable: loads the TypeScript sources through tsx (no build step,
// so the CLI always runs the code that the tests test) and hands argv to the CLI.
import { register } from 'tsx/esm/api';

// A reader that stops early (`perturb diagrams --order 6 | head -2`) closes the pipe: that is
// the end of the output, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
