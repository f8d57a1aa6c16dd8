// @file The worker-thread entry of `workerThreads` (plain JavaScript, so a thread can load it
// before any TypeScript loader exists): it registers tsx's ESM loader in this thread — so the
// handler and whatever it imports, user landscape modules included, load as ES modules like in
// the main thread — imports the job's handler once and calls it with each task and the job's
// context (both given once per thread in workerData).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { handler, context } = workerData;
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
