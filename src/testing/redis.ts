/**
 * @file A real Redis for tests: Debian's `redis-server` (or PERTURB_REDIS_SERVER) on a free
 * loopback port with persistence off, stopped (and restartable, empty, on the same port) by the
 * test; and `perturb worker` child processes whose log lines the test can wait for.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REDIS_SERVER = process.env['PERTURB_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** The clone's `perturb` executable (from the sources, through tsx). */
export const PERTURB_BIN = fileURLToPath(new URL('../../bin/perturb.js', import.meta.url));

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** Stop the server (SIGKILL when `kill`, else SIGTERM and wait). */
  stop(kill?: boolean): Promise<void>;
  /** Start it again on the same port, empty (no persistence). */
  start(): Promise<void>;
}

/** Start redis-server on a free port (or `port`), persistence off; resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<TestRedis> {
  assert.ok(existsSync(REDIS_SERVER), `no redis-server at ${REDIS_SERVER}: install Debian's redis-server (.ci/run does) or set PERTURB_REDIS_SERVER`);
  const p = port ?? (await freePort());
  let child: ChildProcess | null = null;
  const start = async () => {
    const c = spawn(REDIS_SERVER, ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let log = '';
    c.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const { Redis } = await import('ioredis');
    for (let i = 0; i < 100; i++) {
      const client = new Redis({ port: p, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        client.disconnect();
      }
      if (c.exitCode !== null) break;
    }
    throw new Error(`redis-server did not start on port ${p}: ${log}`);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    async stop(kill = false) {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exited;
      child = null;
    },
    start,
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed so far. */
  log(): string;
  /** Resolves with the first log line matching `re` (waiting for it, at most `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

/** `perturb worker ARGS…` as a child process. */
export function spawnWorker(args: string[], env: NodeJS.ProcessEnv = process.env): WorkerProcess {
  const child = spawn(process.execPath, [PERTURB_BIN, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let text = '';
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const line = text.split('\n').find((l) => w.re.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => {
    text += d.toString();
    check();
  });
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    log: () => text,
    waitFor(re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no log line matching ${re} within ${ms} ms; the worker printed:\n${text}`)), ms);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        check();
      });
    },
    exited,
  };
}
