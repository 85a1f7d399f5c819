import { LRUCache } from 'lru-cache';
import type { RateLimitSettings } from '../config/http.js';

export interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { readonly ok: true } | { readonly ok: false; readonly retryAfterS: number };

/**
 * One token-bucket step, pure: refill for the time since `b.at`, then take one token if there is
 * a whole one. Retry-After is the time until the next whole token, rounded up to a second.
 */
export function takeToken(b: Bucket, now: number, limit: Pick<RateLimitSettings, 'capacity' | 'periodMs'>): Take {
  const perMs = limit.capacity / limit.periodMs;
  b.tokens = Math.min(limit.capacity, b.tokens + Math.max(0, now - b.at) * perMs);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return { ok: true };
  }
  return { ok: false, retryAfterS: Math.max(1, Math.ceil(((1 - b.tokens) * limit.periodMs) / limit.capacity / 1000 - 1e-9)) };
}

export interface RateLimiter {
  take(key: string): Take;
}

/**
 * Buckets per caller key, bounded in number. A bucket untouched for a whole period would be full
 * again anyway, so expiring it after that loses nothing; the LRU bound caps memory when many
 * addresses show up at once.
 */
export function createRateLimiter(limit: RateLimitSettings, opts: { now?: () => number; maxKeys?: number } = {}): RateLimiter {
  const now = opts.now ?? Date.now;
  const buckets = new LRUCache<string, Bucket>({ max: opts.maxKeys ?? 50_000, ttl: limit.periodMs, ttlAutopurge: false, perf: { now } });
  return {
    take: (key) => {
      const t = now();
      let b = buckets.get(key);
      if (b === undefined) {
        b = { tokens: limit.capacity, at: t };
        buckets.set(key, b);
      }
      const r = takeToken(b, t, limit);
      // Touch the TTL: an active (possibly drained) bucket must not expire early.
      buckets.set(key, b);
      return r;
    },
  };
}
