// @file The worker-thread entry of `workerThreads` (plain JavaScript, so a thread can load it
// before any TypeScript loader exists, and the build ships it as it is): imports the job's
// handler once and calls it with each task and the job's context (both given once per thread in
// workerData). A .ts handler means perturb runs from its sources: then it first registers tsx's
// ESM loader in this thread (loaders are per thread), so the handler and what it imports load as
// ES modules like in the main thread. From the build, a user's .ts landscape module gets tsx
// where it is imported (src/landscapes/resolve.ts).
import { workerData } from 'node:worker_threads';

const { handler, context } = workerData;
if (new URL(handler).pathname.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
const mod = await import(handler);

// Bad input found here must reach the main thread as bad input: a thrown error crosses as a
// structured clone that keeps its message but not its class or name, so an InputError is sent
// as a plain record that the executor turns back into one (see fromThread in index.ts).
export default async (task) => {
  try {
    return await mod.default(task, context);
  } catch (err) {
    if (err instanceof Error && err.name === 'InputError') throw { perturbInputError: true, message: err.message, option: err.option, stack: err.stack };
    throw err;
  }
};
