// @file The worker-thread entry of `workerThreads` and of queue workers (plain JavaScript, so a
// thread can load it before any TypeScript loader exists, and the build ships it as it is).
//
// Two modes. For `workerThreads`, workerData names the job's handler and context once per thread,
// and each message is a task. For a queue worker, which serves many runs, each message is an
// envelope { handler, run, task, context? }: the handler is imported once per URL and the context
// kept per run, so a handler's per-context caches (keyed by the context object) still work.
//
// A .ts handler means perturb runs from its sources: then it first registers tsx's ESM loader in
// this thread (loaders are per thread), so the handler and what it imports load as ES modules
// like in the main thread. From the build, a user's .ts landscape module gets tsx where it is
// imported (src/landscapes/resolve.ts).
import { workerData } from 'node:worker_threads';

let tsx = false;
const modules = new Map();
async function handlerOf(url) {
  if (!tsx && new URL(url).pathname.endsWith('.ts')) {
    const { register } = await import('tsx/esm/api');
    register();
    tsx = true;
  }
  let mod = modules.get(url);
  if (!mod) {
    mod = import(url);
    modules.set(url, mod);
  }
  return (await mod).default;
}

/**
 * The contexts of the last few runs, by run id (a queue worker serves one run at a time, mostly).
 * A context can be large (l(θ₀) of 70,000 images), so the queue worker sends a task without it,
 * and only when this thread answers NEED_CONTEXT, again with it: once per run and thread.
 */
const contexts = new Map();
const KEEP_CONTEXTS = 4;
export const NEED_CONTEXT = 'perturb:need-context';
function contextOf(run, context) {
  if (contexts.has(run)) return contexts.get(run);
  contexts.set(run, context);
  if (contexts.size > KEEP_CONTEXTS) contexts.delete(contexts.keys().next().value);
  return context;
}

const fixed = workerData?.handler ? { handler: await handlerOf(workerData.handler), context: workerData.context } : null;

// Bad input found here must reach the main thread as bad input: a thrown error crosses as a
// structured clone that keeps its message but not its class or name, so an InputError is sent
// as a plain record that the executor turns back into one (see fromThread in threads.ts).
export default async (message) => {
  try {
    if (fixed) return await fixed.handler(message, fixed.context);
    const handler = await handlerOf(message.handler);
    if (!('context' in message) && !contexts.has(message.run)) return NEED_CONTEXT;
    return await handler(message.task, contextOf(message.run, message.context));
  } catch (err) {
    if (err instanceof Error && err.name === 'InputError') throw { perturbInputError: true, message: err.message, option: err.option, stack: err.stack };
    throw err;
  }
};
