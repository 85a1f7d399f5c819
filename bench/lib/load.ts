/**
 * A small closed-loop HTTP load generator on undici: `concurrency` workers, each sending the next
 * request as soon as the previous answer is read. Bounded by time and by count.
 */
import { Pool } from 'undici';
import { percentile } from './util.js';

export interface LoadOptions {
  /** e.g. http://127.0.0.1:PORT */
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly maxRequests: number;
  /** An answer counts as good when this returns true (status 200 is checked first). */
  readonly ok?: (body: string) => boolean;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError?: string;
}

const MAX_SAMPLES = 200_000;

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(o.origin, { connections: o.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const lat: number[] = [];
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  let started = 0;
  const t0 = performance.now();
  const end = t0 + o.durationMs;
  const worker = async () => {
    while (performance.now() < end && started < o.maxRequests) {
      started++;
      const s = performance.now();
      try {
        const res = await pool.request({ path: o.path, method: 'POST', headers: o.headers, body: o.body });
        const text = await res.body.text();
        if (res.statusCode !== 200 || (o.ok !== undefined && !o.ok(text))) {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
      requests++;
      if (lat.length < MAX_SAMPLES) lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  await pool.close();
  return {
    requests,
    errors,
    elapsedMs,
    rps: (requests - errors) / (elapsedMs / 1000),
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}
