/** Pure retry policy: what is retryable, and how long to wait. No I/O here. */

import { coreFailure, isTlsCode, parseThrukErrorBody } from './errors.js';
import type { Failure } from './errors.js';

export const BACKOFF_BASE_MS = 400;
export const BACKOFF_CAP_MS = 5_000;
export const JITTER_RATIO = 0.25;
export const RETRY_AFTER_CAP_MS = 30_000;

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Thruk answers 500 "error during request" for q-syntax errors, bad regexes, unknown operators and
 * bad sort keys (seen live on 3.20.2), and "… did not return any data" for e.g. availability of an
 * unknown host. Those are deterministic: retrying only triples the latency of a wrong query.
 */
const DETERMINISTIC_500 =
  /parse error|invalid regex|unsupported operator|unknown operator|sort key|expected closing|unexpected end of query|did not return any data|possible typo|too many objects/i;

export function isQueryError(status: number, thrukMessage?: string, thrukDescription?: string): boolean {
  if (status !== 500) return false;
  return (
    DETERMINISTIC_500.test(thrukMessage ?? '') ||
    DETERMINISTIC_500.test(thrukDescription ?? '') ||
    coreFailure(thrukDescription) !== undefined
  );
}

export function isRetryableStatus(status: number, thrukMessage?: string, thrukDescription?: string): boolean {
  return RETRYABLE_STATUS.has(status) && !isQueryError(status, thrukMessage, thrukDescription);
}

/** Configuration mistakes (DNS name, TLS trust, bad URL) do not heal within seconds. */
const PERMANENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'ERR_INVALID_URL',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  if (code === undefined) return true;
  return !PERMANENT_NETWORK_CODES.has(code) && !isTlsCode(code);
}

/**
 * A command POST is only retried when the TCP connection was refused: then not a single byte of the
 * request reached Thruk, so the command cannot have run. Resets, socket errors and timeouts may
 * happen after Thruk received (and executed) the command; repeating it could acknowledge twice or
 * schedule two downtimes, so those are never retried. Undici does not reuse a refused socket, so
 * ECONNREFUSED is unambiguous even with keep-alive.
 */
export function isSafeToRetryPost(code: string | undefined): boolean {
  return code === 'ECONNREFUSED';
}

/** 400 ms · 2^n capped at 5 s, plus up to 25 % jitter. `retryIndex` starts at 0. */
export function backoffDelay(retryIndex: number, random: () => number): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retryIndex));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 + JITTER_RATIO * r));
}

/** Retry-After as seconds or HTTP-date → ms (≥ 0), or undefined when absent/unparseable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface DelayInput {
  retryIndex: number;
  retryAfterMs: number | undefined;
  random: () => number;
  /** Time left until the overall deadline. */
  remainingMs: number;
  /** Smallest attempt worth starting after the sleep. */
  minAttemptMs: number;
}

/** Delay before the next attempt, or undefined when waiting would overrun the overall deadline. */
export function retryDelay(input: DelayInput): number | undefined {
  const delay =
    input.retryAfterMs !== undefined ? Math.min(input.retryAfterMs, RETRY_AFTER_CAP_MS) : backoffDelay(input.retryIndex, input.random);
  return delay + input.minAttemptMs <= input.remainingMs ? delay : undefined;
}

/** Case-insensitive header lookup (transports may not lower-case names). */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Reads (GET, or a long GET sent as POST) retry transient failures; commands only a refused connect. */
export function isRetryableFailure(f: Failure, read: boolean, attempt: number): boolean {
  switch (f.kind) {
    case 'status': {
      if (!read) return false;
      const e = parseThrukErrorBody(f.res.body);
      return isRetryableStatus(f.res.status, e?.message, e?.description);
    }
    case 'timeout':
      return read;
    case 'network':
      return read ? isRetryableNetworkCode(f.code) : attempt === 1 && isSafeToRetryPost(f.code);
  }
}
