/** @file Redis URLs: checked, turned into connection options, shown without passwords; the reconnection backoff. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, redisTarget } from './redis.ts';

test('a Redis URL becomes connection options; messages show it without its password', () => {
  assert.deepEqual(redisTarget('redis://127.0.0.1:6390', 'x').options, { host: '127.0.0.1', port: 6390 });
  const t = redisTarget('redis://me:s%40cret@cache.example:7000/3', 'x');
  assert.deepEqual(t.options, { host: 'cache.example', port: 7000, username: 'me', password: 's@cret', db: 3 });
  assert.equal(t.url, 'redis://me:***@cache.example:7000/3');
  assert.deepEqual(redisTarget('rediss://h', 'x').options, { host: 'h', port: 6379, tls: {} });
  assert.equal(redisTarget('redis://[::1]:6379', 'x').options.host, '::1');
});

test('a bad Redis URL is bad input naming the option', () => {
  assert.throws(() => redisTarget('localhost:6379', 'simulate'), (e: Error) => e.name === 'InputError' && /simulate: `redis` must be a redis:\/\/ or rediss:\/\/ URL, got 'localhost:6379'/.test(e.message));
  assert.throws(() => redisTarget('nonsense', 'simulate'), /`redis` must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379, got 'nonsense'/);
  assert.throws(() => redisTarget('redis://h/x', 'simulate'), /names database 'x'/);
  assert.throws(() => redisTarget('', 'worker', 'redis'), /worker: `redis` must be a Redis URL/);
});

test('reconnection waits 0.5 s, doubling, at most 10 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(backoffMs), [500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
});
