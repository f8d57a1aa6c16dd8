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

export default (task) => mod.default(task, context);
