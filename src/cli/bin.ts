#!/usr/bin/env node
// @file The `perturb` executable (dist/cli/bin.js under plain node; bin/perturb.js from the sources): argv to the CLI, its exit code to the process.
import { main } from './main.ts';

// A reader that stops early (`perturb diagrams --order 6 | head -2`) closes the pipe: that is
// the end of the output, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv);
