const UNIT: Readonly<Record<string, number>> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1 };

function localMidnight(nowSec: number, dayOffset = 0): number {
  const d = new Date(nowSec * 1000);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + dayOffset);
  return Math.floor(d.getTime() / 1000);
}

function weekStart(nowSec: number, weekOffset: number): number {
  const d = new Date(localMidnight(nowSec) * 1000);
  const dow = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - dow + weekOffset * 7);
  return Math.floor(d.getTime() / 1000);
}

function monthStart(nowSec: number, monthOffset: number): number {
  const d = new Date(nowSec * 1000);
  return Math.floor(new Date(d.getFullYear(), d.getMonth() + monthOffset, 1).getTime() / 1000);
}

function yearStart(nowSec: number, yearOffset: number): number {
  const d = new Date(nowSec * 1000);
  return Math.floor(new Date(d.getFullYear() + yearOffset, 0, 1).getTime() / 1000);
}

function namedBase(word: string, nowSec: number): number | undefined {
  switch (word) {
    case 'now':
      return nowSec;
    case 'today':
    case 'thisday':
      return localMidnight(nowSec);
    case 'yesterday':
    case 'lastday':
      return localMidnight(nowSec, -1);
    case 'tomorrow':
    case 'nextday':
      return localMidnight(nowSec, 1);
    case 'thisweek':
      return weekStart(nowSec, 0);
    case 'lastweek':
      return weekStart(nowSec, -1);
    case 'nextweek':
      return weekStart(nowSec, 1);
    case 'lastmonday':
      return weekStart(nowSec, new Date(nowSec * 1000).getDay() === 1 ? -1 : 0);
    case 'thismonth':
      return monthStart(nowSec, 0);
    case 'lastmonth':
      return monthStart(nowSec, -1);
    case 'nextmonth':
      return monthStart(nowSec, 1);
    case 'thisyear':
      return yearStart(nowSec, 0);
    case 'lastyear':
      return yearStart(nowSec, -1);
    case 'nextyear':
      return yearStart(nowSec, 1);
    default:
      return undefined;
  }
}

export function parseDuration(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([ywdhms]?)\s*$/.exec(v);
  if (!m?.[1]) return undefined;
  return Math.floor(Number(m[1]) * (UNIT[m[2] ?? ''] ?? 1));
}

/**
 * Thruk::Utils::parse_date as used for command time arguments: epoch (≥ 9 digits), a shorter
 * number = now + seconds, named days/weeks/months with `+`/`-` arithmetic, `YYYY-MM-DD HH:MM[:SS]`.
 * Returns undefined when the value is not a valid time definition.
 */
export function parseThrukTime(raw: string, nowSec: number): number | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '') return undefined;
  if (/^\d{9,}(\.\d+)?$/.test(v)) return Math.floor(Number(v));
  if (/^\d{1,8}$/.test(v)) return nowSec + Number(v);
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (m)
    return Math.floor(
      new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)).getTime() / 1000,
    );
  m = /^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d{2}):(\d{2})$/.exec(v);
  if (m)
    return Math.floor(new Date(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])).getTime() / 1000);
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (m) return Math.floor(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() / 1000);
  // A bare `60m` is 3600 s after the epoch in Thruk (a real pitfall, reproduced on purpose).
  m = /^([a-z]*)\s*((?:[+-]?\s*\d+\s*[ywdhms]?\s*)*)$/.exec(v);
  if (!m) return undefined;
  const word = m[1] ?? '';
  const arith = (m[2] ?? '').trim();
  let base: number | undefined;
  if (word === '') {
    if (arith === '' || !/^[+-]/.test(arith)) base = arith === '' ? undefined : 0;
    else base = nowSec;
  } else {
    base = namedBase(word, nowSec);
  }
  if (base === undefined) return undefined;
  let total = base;
  const parts = arith.match(/[+-]?\s*\d+\s*[ywdhms]?/g) ?? [];
  for (const p of parts) {
    const pm = /^([+-]?)\s*(\d+)\s*([ywdhms]?)$/.exec(p.trim());
    if (!pm) return undefined;
    const n = Number(pm[2]) * (UNIT[pm[3] || 's'] ?? 1);
    total += pm[1] === '-' ? -n : n;
  }
  return total;
}

const RELATIVE = /^-?\d+[ywdhms]$/;
const NAMED = /now|today|yesterday|(this|last|next)(week|day|month|year)/i;

/**
 * expand_relative_timefilter: `-10m` means ten minutes ago (no `+` form), words like `today`
 * are parsed as dates. Applies to comparison operators and to time-like columns.
 */
export function expandRelativeTime(key: string, op: string, value: string, nowSec: number): string {
  const timeKey = key === 'time' || key.startsWith('last_') || key.startsWith('next_');
  if (!timeKey && !['>', '<', '>=', '<='].includes(op)) return value;
  const v = value.trim();
  if (RELATIVE.test(v)) {
    const neg = v.startsWith('-');
    const n = Number(v.slice(neg ? 1 : 0, -1)) * (UNIT[v.slice(-1)] ?? 1);
    return String(nowSec + (neg ? -n : n));
  }
  if (NAMED.test(v)) {
    const t = parseThrukTime(v.replace(/\s+/g, ' '), nowSec);
    if (t !== undefined) return String(t);
  }
  return value;
}
