/** Deterministic PRNG (mulberry32): same seed, same estate. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stable hash of an integer to [0, 1) — lets columns like latency be derived instead of stored. */
export function hashUnit(n: number, salt: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

export const HOST_STATE_NAMES = ['UP', 'DOWN', 'UNREACHABLE'] as const;
export const SERVICE_STATE_NAMES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export function hostStateName(state: number): string {
  return HOST_STATE_NAMES[state] ?? 'UNREACHABLE';
}

export function serviceStateName(state: number): string {
  return SERVICE_STATE_NAMES[state] ?? 'UNKNOWN';
}

/** `YYYY-MM-DD HH:MM:SS` in local time, as Naemon writes it into downtime comments. */
export function formatLocalTime(epochSec: number): string {
  const d = new Date(epochSec * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function nowSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** Perl-ish numification: leading number of a string, else 0. */
export function numify(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v !== 'string') return 0;
  const m = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(v);
  return m?.[1] !== undefined ? Number(m[1]) : 0;
}

export function looksLikeNumber(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'boolean') return true;
  return typeof v === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/.test(v);
}
