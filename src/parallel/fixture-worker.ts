/** @file A worker for the tests of mapChunks: a chunk's result depends only on its task. */
export default async function (task: { index: number; delayMs: number }): Promise<{ index: number; value: number; thread: number }> {
  const { threadId } = await import('node:worker_threads');
  if (task.index < 0) throw new RangeError(`chunk ${task.index} refused`);
  await new Promise((r) => setTimeout(r, task.delayMs));
  let v = 0;
  for (let i = 1; i <= 1000; i++) v += Math.sin(task.index * i);
  return { index: task.index, value: v, thread: threadId };
}
