/**
 * Sequential rounds of Thruk requests, from the simulator's request log (issue 18). Against a far
 * Thruk a call costs about (rounds × latency), not (requests × latency): requests issued together
 * overlap, a request issued only after an earlier answer arrived waits for it. The order of the
 * start and end events decides, not the clock, so the count is exact whenever the simulator holds
 * each answer back by a timer (a latency above 0: every request issued in the same tick is then
 * seen to start before any answer ends).
 */

/** When one request was seen: event sequence numbers (one counter for starts and ends) and times. */
export interface RequestTiming {
  readonly startSeq: number;
  /** undefined while the answer is still pending */
  readonly endSeq?: number | undefined;
  /** performance.now() at arrival and at the answer */
  readonly startMs: number;
  readonly endMs?: number | undefined;
}

/**
 * The round of each request: 1 when nothing it could have waited for had ended before it started,
 * else 1 + the highest round among the requests that had ended before it started (the longest
 * chain of answer-then-request). A set of requests issued together therefore shares one round.
 */
export function roundsOf(log: readonly RequestTiming[]): number[] {
  const order = log.map((r, i) => ({ r, i })).sort((a, b) => a.r.startSeq - b.r.startSeq);
  const round = new Array<number>(log.length).fill(0);
  for (const { r, i } of order) {
    let depth = 0;
    for (const { r: q, i: j } of order) {
      if (q.startSeq >= r.startSeq) break;
      if (q.endSeq !== undefined && q.endSeq < r.startSeq) depth = Math.max(depth, round[j] ?? 0);
    }
    round[i] = depth + 1;
  }
  return round;
}

/** The number of sequential rounds of a log (0 for no request). */
export function countRounds(log: readonly RequestTiming[]): number {
  return log.length === 0 ? 0 : Math.max(...roundsOf(log));
}

/** Per-request latency: `base` plus a uniform jitter in [-jitter, +jitter], never below 0, from a seeded generator. */
export function latencySource(base: number, jitter: number, seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    if (jitter <= 0) return base;
    // mulberry32: deterministic for a seed, so a jittered bench run can be repeated
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.max(0, base + (u * 2 - 1) * jitter);
  };
}
