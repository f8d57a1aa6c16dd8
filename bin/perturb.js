#!/usr/bin/env node
// @file `perturb` from the clone's TypeScript sources through tsx, with no build step — what
// the tests run, so they test the sources. The installed package's executable is
// dist/cli/bin.js (`npm run build`), the same entry compiled.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
