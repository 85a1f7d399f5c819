/**
 * Time expressions users and models write, resolved to epoch seconds on our side so that Thruk
 * never has to guess (its own grammar reads a bare "60m" as 1970 and knows no ISO offsets).
 *
 * Accepted: epoch seconds (or milliseconds, 13 digits); `now`, `today`, `yesterday`, `tomorrow`;
 * relative offsets `-2h`, `+30m`, `2d` (past unless signed +), `now-2h`, `now + 90m`,
 * `today+8h`, `yesterday 06:00`; units s, m(in), h, d, w, M (months, 30 d), y (365 d); ISO-8601
 * dates and times with `Z` or an offset (`2026-11-21T08:00:00+01:00`); `YYYY-MM-DD` and
 * `YYYY-MM-DD HH:MM[:SS]` without zone are read as UTC.
 */

export class TimeParseError extends Error {
  override readonly name = 'TimeParseError';
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  wk: 604800,
  week: 604800,
  weeks: 604800,
  M: 2592000,
  mon: 2592000,
  month: 2592000,
  months: 2592000,
  y: 31536000,
  yr: 31536000,
  year: 31536000,
  years: 31536000,
};

const HELP = 'Use e.g. -2h, now, today, yesterday, +30m, an epoch in seconds, or ISO-8601 like 2026-11-21T08:00:00Z.';

function startOfUtcDay(sec: number): number {
  return Math.floor(sec / 86400) * 86400;
}

function unitSeconds(unit: string): number | undefined {
  if (unit === 'M') return UNIT_SECONDS.M;
  return UNIT_SECONDS[unit.toLowerCase()] ?? (unit.length > 1 ? undefined : UNIT_SECONDS[unit]);
}

/** Sum of "+2h -30m 10s" style terms; the default sign applies to unsigned leading terms. */
function offsets(text: string, defaultSign: 1 | -1): number | undefined {
  const re = /([+-])?\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)/gy;
  let total = 0;
  let pos = 0;
  let sign: 1 | -1 = defaultSign;
  const t = text.trim();
  if (t === '') return 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (m === null) return undefined;
    if (m[1] !== undefined) sign = m[1] === '-' ? -1 : 1;
    const u = unitSeconds(m[3] ?? '');
    if (u === undefined) return undefined;
    total += sign * Number(m[2]) * u;
    pos = re.lastIndex;
    while (t[pos] === ' ') pos++;
  }
  return total;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function parseIso(s: string): number | undefined {
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', se = '0', zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60) * 1000;
  }
  return Math.floor(ms / 1000);
}

/** Resolves a time expression to epoch seconds, or throws TimeParseError naming the argument. */
export function parseTime(input: string | number, nowMs: number, what = 'time'): number {
  const now = Math.floor(nowMs / 1000);
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new TimeParseError(`${what}: ${input} is not a valid time. ${HELP}`);
    return input > 1e12 ? Math.floor(input / 1000) : Math.floor(input);
  }
  const s = input.trim();
  if (s === '') throw new TimeParseError(`${what}: empty time. ${HELP}`);
  if (/^\d+$/.test(s)) {
    // Short digit strings are not epochs (Thruk would read them as "now + N s"); ask instead of guessing.
    if (s.length >= 9) return parseTime(Number(s), nowMs, what);
    throw new TimeParseError(`${what}: '${s}' is ambiguous; write an epoch in seconds (9+ digits) or a relative time like -${s}s. ${HELP}`);
  }
  const iso = parseIso(s);
  if (iso !== undefined) return iso;
  const anchored = /^(now|today|yesterday|tomorrow)\b\s*(.*)$/i.exec(s);
  if (anchored !== null) {
    const word = (anchored[1] ?? '').toLowerCase();
    const base = word === 'now' ? now : startOfUtcDay(now) + (word === 'yesterday' ? -86400 : word === 'tomorrow' ? 86400 : 0);
    const rest = (anchored[2] ?? '').trim();
    const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(rest);
    if (clock !== null && word !== 'now') return base + Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3] ?? 0);
    const off = offsets(rest, 1);
    if (off !== undefined) return Math.round(base + off);
    throw new TimeParseError(`${what}: cannot read '${rest}' after '${word}'. ${HELP}`);
  }
  // A bare offset means the past unless explicitly signed +: "2h" in a since/until argument is "2h ago".
  const off = offsets(s, -1);
  if (off !== undefined) return Math.round(now + off);
  throw new TimeParseError(`${what}: cannot read '${s}'. ${HELP}`);
}

/** A duration like "90m", "2h", "1d 12h" or seconds as a number → seconds. */
export function parseDuration(input: string | number, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new TimeParseError(`${what}: must be a non-negative number of seconds.`);
    return Math.round(input);
  }
  const s = input.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const off = offsets(s.replace(/^\+/, ''), 1);
  if (off === undefined || off < 0) throw new TimeParseError(`${what}: cannot read '${s}'; use e.g. 90m, 2h, 1d 12h or seconds.`);
  return Math.round(off);
}

export interface TimeWindow {
  readonly since: number;
  readonly until: number;
}

/** Resolves a since/until pair, checks order, and defaults until to now. */
export function timeWindow(since: string | number, until: string | number | undefined, nowMs: number): TimeWindow {
  const s = parseTime(since, nowMs, 'since');
  const u = until === undefined ? Math.floor(nowMs / 1000) : parseTime(until, nowMs, 'until');
  if (u < s)
    throw new TimeParseError(
      `until (${new Date(u * 1000).toISOString()}) is before since (${new Date(s * 1000).toISOString()}); swap them or widen the window.`,
    );
  return { since: s, until: u };
}
