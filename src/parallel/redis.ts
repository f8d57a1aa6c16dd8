/**
 * @file Reaching Redis: a `redis://` URL checked and turned into connection options, a check
 * that fails fast when nothing answers (for whoever submits work), and connections that retry
 * with backoff (for workers, which outlive Redis restarts).
 */
import type { RedisOptions } from 'bullmq';
import { InputError, optionError } from '../core/index.ts';

/** Where Redis is: `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). */
export interface RedisTarget {
  url: string;
  options: RedisOptions;
}

/** `url` checked; the error names `option` (the caller's option for it). */
export function redisTarget(url: unknown, where: string, option = 'redis'): RedisTarget {
  if (typeof url !== 'string' || url === '') throw optionError(where, option, `must be a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw optionError(where, option, `must be a Redis URL such as redis://127.0.0.1:6379, got '${url}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw optionError(where, option, `must be a redis:// or rediss:// URL, got '${url}'`);
  }
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw optionError(where, option, `names database '${dbText}' in '${url}': expected a database number, e.g. redis://host:6379/0`);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(dbText !== '' ? { db: Number(dbText) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { url: redacted(u), options };
}

/** The URL as messages show it: without its password. */
function redacted(u: URL): string {
  if (!u.password) return u.href.replace(/\/$/, '');
  const c = new URL(u.href);
  c.password = '***';
  return c.href.replace(/\/$/, '');
}

/**
 * Connect once, without retrying, and PING: an InputError saying what failed when nothing
 * answers within `timeoutMs` — so a wrong URL or a stopped server is reported before any work.
 */
export async function checkRedis(target: RedisTarget, where: string, option = 'redis', timeoutMs = 3000): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let reason: string | null = null;
  client.on('error', (e: Error) => (reason ??= e.message));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new InputError(`${where}: cannot reach Redis at ${target.url} (${reason ?? (err as Error).message}): start redis-server there, or give another \`${option}\``, option);
  } finally {
    client.disconnect();
  }
}

/** Delay before reconnection attempt `times` (1, 2, …): 0.5 s doubling to 10 s. */
export function backoffMs(times: number): number {
  return Math.min(10_000, 500 * 2 ** Math.max(0, times - 1));
}

/**
 * Connection options for a long-lived client that reconnects with backoff (BullMQ's workers need
 * `maxRetriesPerRequest: null`), calling `onRetry` before each attempt.
 */
export function retryingOptions(target: RedisTarget, onRetry?: (times: number, delayMs: number) => void): RedisOptions {
  return {
    ...target.options,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => {
      const d = backoffMs(times);
      onRetry?.(times, d);
      return d;
    },
  };
}
