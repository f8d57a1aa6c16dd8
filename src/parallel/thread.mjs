// @file The worker-thread entry of `workerThreads` (plain JavaScript, so a thread can load it
// before any TypeScript loader exists, and the build ships it as it is): it registers tsx's ESM
// loader in this thread — loaders are per thread — so that a user's .ts landscape module (and,
// from the sources, the handler itself) loads as an ES module like in the main thread; imports
// the job's handler once and calls it with each task and the job's context (both given once
// per thread in workerData).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { handler, context } = workerData;
const mod = await import(handler);

export default (task) => mod.default(task, context);
