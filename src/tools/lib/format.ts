/** Pure rendering helpers for compact, token-cheap text answers. */

const HOST_STATES = ['UP', 'DOWN', 'UNREACHABLE'] as const;
const SERVICE_STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/** Thruk on Naemon answers 0/1, on Icinga 2 JSON booleans; treat both the same. */
export function flag(v: unknown): boolean {
  return v === true || v === 1 || v === '1';
}

export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  if (v === true) return 1;
  return 0;
}

export function hostStateName(state: unknown, hasBeenChecked: unknown = 1): string {
  if (hasBeenChecked !== undefined && hasBeenChecked !== null && !flag(hasBeenChecked) && num(state) === 0) return 'PENDING';
  const s = num(state);
  return HOST_STATES[s] ?? `UNKNOWN(${s})`;
}

export function serviceStateName(state: unknown, hasBeenChecked: unknown = 1): string {
  if (hasBeenChecked !== undefined && hasBeenChecked !== null && !flag(hasBeenChecked) && num(state) === 0) return 'PENDING';
  const s = num(state);
  return SERVICE_STATES[s] ?? `UNKNOWN(${s})`;
}

/** Epoch seconds → ISO-8601 UTC without milliseconds; '' for 0/absent (Thruk's "never"). */
export function iso(epochSec: unknown): string {
  const s = num(epochSec);
  if (s <= 0) return '';
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

export function duration(seconds: number): string {
  let s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/**
 * An age: how long ago something happened or until it will, in its largest unit ("3h", "19d").
 * Every tool renders ages with this one helper, so the same age reads the same in a list, a
 * detail view, thruk_problems and the logs; where the minute matters the exact time stands next
 * to it. Lengths of intervals (a window, an outage) keep duration()'s two units.
 */
export function age(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 86400) return `${Math.floor(s / 86400)}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

/**
 * "3h ago" or "in 1h 53m", from the seconds between now and then (positive: in the past). What
 * is still to come keeps two units: "ends in 1h" for a downtime ending in 1h 53m read as half
 * the time left (issue 12).
 */
export function ago(deltaSec: number): string {
  return deltaSec >= 0 ? `${age(deltaSec)} ago` : `in ${duration(-deltaSec)}`;
}

/** "3h ago (2026-11-21T02:00:00Z)" — relative for the reader, absolute for the record. */
export function when(epochSec: unknown, nowMs: number): string {
  const s = num(epochSec);
  if (s <= 0) return 'never';
  const rel = ago(nowMs / 1000 - s);
  return `${rel} (${iso(s)})`;
}

const MAX_CELL = 240;

/** One table cell: no line breaks or column separators, long text capped. */
export function cell(v: unknown, max = MAX_CELL): string {
  if (v === null || v === undefined) return '';
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
  else if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) s = v.join(',');
  else s = JSON.stringify(v);
  // Icinga 2 returns a literal backslash-n in long_plugin_output; show it as a line break marker too.
  s = s
    .replace(/\r?\n|\\n/g, ' ⏎ ')
    .replace(/\|/g, '¦')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header.join(' | ')];
  for (const r of rows) lines.push(r.join(' | '));
  return lines.join('\n');
}

/**
 * Conservative token estimate (o200k averages ~4 chars per token on English, less on JSON and
 * punctuation-heavy monitoring output); the tests check it never under-counts our answers.
 */
export function estimateTokens(s: string): number {
  return Math.ceil(s.length / 3);
}

const TIME_COLUMNS = /^(last_|next_|time$|entry_time$|start_time$|end_time$|expire_time$|program_start$|localtime$|created$|last_update$)/;

export function isTimeColumn(col: string): boolean {
  return TIME_COLUMNS.test(col) && !/(_unit|_interval|_attempt|_order|_enabled)$/.test(col);
}

/** Generic rendering of one value of a named column, used for user-chosen columns. */
export function formatValue(
  table: 'hosts' | 'services' | 'other',
  col: string,
  v: unknown,
  row: Record<string, unknown>,
  nowMs: number,
): string {
  if (v === null || v === undefined) return '';
  if (col === 'state' && table === 'hosts') return hostStateName(v, row.has_been_checked);
  if (col === 'state' && table === 'services') return serviceStateName(v, row.has_been_checked);
  if (col === 'host_state') return hostStateName(v, row.host_has_been_checked);
  if (col === 'state_type' && typeof v === 'number') return v === 1 ? 'HARD' : 'SOFT';
  if (isTimeColumn(col) && typeof v === 'number') return v > 100_000_000 ? when(v, nowMs) : v === 0 ? 'never' : String(v);
  return cell(v);
}

/**
 * How long an object has been in its state. Icinga 2 reports last_state_change 0 for an object
 * still in its first state since the core started (thruk-rest-reference, two cores): then all
 * that is known is "at least since the core started" (`coreStart`, /processinfo program_start).
 * undefined when neither is known (never checked, or no core start at hand).
 */
export interface StateAge {
  readonly seconds: number;
  /** The state began at `since` or earlier (the core's start). */
  readonly atLeast: boolean;
  readonly since: number;
}

export function stateAge(lastStateChange: unknown, nowMs: number, coreStart?: number): StateAge | undefined {
  const t = num(lastStateChange);
  const now = nowMs / 1000;
  if (t > 0) return { seconds: Math.max(0, now - t), atLeast: false, since: t };
  if (coreStart !== undefined && coreStart > 0) return { seconds: Math.max(0, now - coreStart), atLeast: true, since: coreStart };
  return undefined;
}

/** "for 7h (since 2026-…)" or "for ≥ 21m (since the core started at 2026-…)"; the state's age, never the handling's. */
export function stateAgeText(a: StateAge | undefined): string {
  if (a === undefined) return '';
  return a.atLeast
    ? `for ≥ ${age(a.seconds)} (since the core started at ${iso(a.since)})`
    : `for ${age(a.seconds)} (since ${iso(a.since)})`;
}
