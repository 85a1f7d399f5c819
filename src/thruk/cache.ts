/**
 * Short-lived response cache for slow-moving GET endpoints.
 *
 * Cached values are deep-frozen rather than cloned on read: freezing costs one walk at insertion,
 * cloning would cost one walk per hit. Cacheable paths always return frozen values (also on a
 * miss), so a caller that mutates a result fails on the first call in tests, not only on a hit.
 */

import { LRUCache } from 'lru-cache';

const EXACT: ReadonlySet<string> = new Set([
  '/sites',
  '/processinfo',
  '/processinfo/stats',
  '/checks/stats',
  '/hosts/stats',
  '/hosts/totals',
  '/services/stats',
  '/services/totals',
  '/thruk',
  '/thruk/whoami',
]);

const GROUP_STATS = /^\/(hostgroups|servicegroups)\/[^/]+\/stats$/;
const CONFIG_TABLES = /^\/(contacts|contactgroups|timeperiods|commands)(\/|$)/;

/** Cache policy by path (path without query and without the `/sites/…` prefix). */
export function isCacheablePath(path: string): boolean {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return EXACT.has(p) || GROUP_STATS.test(p) || CONFIG_TABLES.test(p);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * Bounded TTL cache over lru-cache. Expiry is checked against the injected clock instead of
 * lru-cache's own timer so tests can move time. `generation` lets an in-flight GET that started
 * before an invalidation skip storing its (possibly stale) answer.
 */
export class ResponseCache {
  readonly #lru: LRUCache<string, Entry> | undefined;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(opts: { ttlMs: number; max: number; now: () => number }) {
    this.#ttlMs = opts.ttlMs;
    this.#now = opts.now;
    this.#lru = opts.ttlMs > 0 && opts.max > 0 ? new LRUCache<string, Entry>({ max: opts.max }) : undefined;
  }

  get enabled(): boolean {
    return this.#lru !== undefined;
  }

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#lru?.size ?? 0;
  }

  get(key: string): { value: unknown } | undefined {
    const e = this.#lru?.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= this.#now()) {
      this.#lru?.delete(key);
      return undefined;
    }
    return { value: e.value };
  }

  /** Stores a deep-frozen value unless the cache was cleared since `generation` was read. */
  set(key: string, value: unknown, generation: number): void {
    if (this.#lru === undefined || generation !== this.#generation) return;
    this.#lru.set(key, { value: deepFreeze(value), expiresAt: this.#now() + this.#ttlMs });
  }

  clear(): void {
    this.#generation++;
    this.#lru?.clear();
  }
}
