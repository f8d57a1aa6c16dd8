/**
 * @file Where a command's chunks run: `--workers` threads here (the library's default), or
 * `--redis URL` — jobs on a BullMQ queue that `perturb worker` processes serve, anywhere.
 */
import type { Command } from 'commander';
import { checkRedis, DEFAULT_QUEUE, redisQueue, redisTarget, type Executor } from '../parallel/index.ts';
import { InputError } from '../core/index.ts';
import { warn } from './output.ts';

export interface QueueFlags {
  redis?: string;
  queue?: string;
  workers?: number;
}

/** Adds --redis and --queue. */
export function queueFlags(cmd: Command): Command {
  return cmd
    .option('--redis <url>', 'run the chunks as jobs on a Redis queue (e.g. redis://host:6379) that `perturb worker` processes serve; results are the same as here')
    .option('--queue <name>', `queue name with --redis (workers must serve the same one)`, DEFAULT_QUEUE);
}

/**
 * The executor the flags ask for: undefined for the library's default (threads, `--workers`), or
 * the queue — after checking that Redis answers, so a wrong URL fails before any work (exit 2).
 */
export async function executorFromFlags(o: QueueFlags, where: string): Promise<Executor | undefined> {
  if (o.redis === undefined) return undefined;
  if (o.workers !== undefined) throw new InputError(`${where}: give \`workers\` (threads here) or \`redis\` (a queue's workers), not both`);
  const target = redisTarget(o.redis, where);
  await checkRedis(target, where);
  return redisQueue({ redis: o.redis, queue: o.queue, onNotice: (m) => warn(`perturb: ${m}\n`) });
}
