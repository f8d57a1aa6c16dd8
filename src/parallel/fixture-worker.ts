/** @file A handler for the tests of the executors: a chunk's result depends only on its task (and the job's context). */
import { InputError } from '../core/index.ts';

export default async function (task: { index: number; delayMs: number }, context: { scale: number }): Promise<{ index: number; value: number; thread: number; scale: number }> {
  const { threadId } = await import('node:worker_threads');
  if (task.index < 0) throw new RangeError(`chunk ${task.index} refused`);
  if (task.index === 1000) throw new InputError('chunk 1000: bad input found in a thread');
  await new Promise((r) => setTimeout(r, task.delayMs));
  let v = 0;
  for (let i = 1; i <= 1000; i++) v += Math.sin(task.index * i);
  return { index: task.index, value: v, thread: threadId, scale: context.scale };
}
