/**
 * Nagios plugin performance data: `'label'=value[UOM];[warn];[crit];[min];[max]`, space-separated.
 * Pure and tolerant: a bad token is skipped with a warning, never an exception, because perf data
 * comes from thousands of plugins and one broken one must not hide the others.
 */

/** A threshold range. `start`/`end` null mean -∞/+∞; `inside` (@) alerts inside instead of outside. */
export interface PerfRange {
  readonly start: number | null;
  readonly end: number | null;
  readonly inside: boolean;
  /** Written as a bare number (`10` = `0:10`): the lower bound 0 was implied, not chosen. */
  readonly implicitStart: boolean;
}

export interface PerfMetric {
  readonly label: string;
  /** null when the plugin reported `U` (value could not be determined). */
  readonly value: number | null;
  readonly uom: string;
  /** Raw threshold strings as the plugin wrote them ('' when absent). */
  readonly warn: string;
  readonly crit: string;
  readonly warnRange?: PerfRange;
  readonly critRange?: PerfRange;
  readonly min?: number;
  readonly max?: number;
}

export interface PerfParse {
  readonly metrics: PerfMetric[];
  readonly warnings: string[];
}

export type Breach = 'ok' | 'warning' | 'critical' | 'unknown';

/** The units of the plugin guidelines; anything else is kept as written. */
export const KNOWN_UOMS: ReadonlySet<string> = new Set(['', 's', 'ms', 'us', '%', 'B', 'KB', 'MB', 'GB', 'TB', 'c']);

const NUMBER = /^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?/;

/** A number as plugins write it; a comma is read as the decimal separator. */
export function parseNumber(s: string): number | undefined {
  const t = s.trim();
  const m = NUMBER.exec(t);
  if (m === null || m[0].length !== t.length) return undefined;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/** Parses a Nagios range (`10`, `10:`, `~:10`, `10:20`, `@10:20`); undefined when it is not one. */
export function parseRange(raw: string): PerfRange | undefined {
  let r = raw.trim();
  if (r === '') return undefined;
  const inside = r.startsWith('@');
  if (inside) r = r.slice(1);
  const colon = r.indexOf(':');
  if (colon < 0) {
    const end = parseNumber(r);
    return end === undefined ? undefined : { start: 0, end, inside, implicitStart: true };
  }
  const a = r.slice(0, colon);
  const b = r.slice(colon + 1);
  const start = a === '~' ? null : a === '' ? 0 : parseNumber(a);
  const end = b === '' ? null : parseNumber(b);
  if (start === undefined || end === undefined) return undefined;
  if (start !== null && end !== null && start > end) return undefined;
  return { start, end, inside, implicitStart: false };
}

/** Whether `value` raises an alert under `range` (bounds inclusive, as in the plugin guidelines). */
export function rangeAlerts(range: PerfRange, value: number): boolean {
  const lo = range.start ?? -Infinity;
  const hi = range.end ?? Infinity;
  const within = value >= lo && value <= hi;
  return range.inside ? within : !within;
}

export function breachOf(m: PerfMetric): Breach {
  if (m.value === null) return 'unknown';
  if (m.critRange !== undefined && rangeAlerts(m.critRange, m.value)) return 'critical';
  if (m.warnRange !== undefined && rangeAlerts(m.warnRange, m.value)) return 'warning';
  return 'ok';
}

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Reads a quoted label starting at `i` (on the opening quote); `''` is an escaped quote. */
function quotedLabel(s: string, i: number): { label: string; next: number } | undefined {
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === "'") {
      if (s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return { label: out, next: j + 1 };
    }
    out += c;
    j++;
  }
  return undefined;
}

function parseValue(label: string, field: string, warnings: string[]): { value: number | null; uom: string } | undefined {
  if (field === 'U' || /^U[^\d.,]/.test(field)) return { value: null, uom: field.slice(1) };
  const m = NUMBER.exec(field);
  if (m === null) {
    warnings.push(`'${label}': value '${field}' is not a number; metric skipped.`);
    return undefined;
  }
  const value = Number(m[0].replace(',', '.'));
  const uom = field.slice(m[0].length);
  if (!Number.isFinite(value) || /^[\d.,+-]/.test(uom)) {
    warnings.push(`'${label}': value '${field}' is not a number; metric skipped.`);
    return undefined;
  }
  return { value, uom };
}

function parseBound(label: string, what: string, raw: string | undefined, warnings: string[]): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = parseNumber(raw);
  if (n === undefined) warnings.push(`'${label}': ${what} '${raw}' is not a number; ignored.`);
  return n;
}

function parseThreshold(label: string, what: string, raw: string, warnings: string[]): PerfRange | undefined {
  if (raw.trim() === '') return undefined;
  const r = parseRange(raw);
  if (r === undefined) warnings.push(`'${label}': ${what} '${raw}' is not a Nagios range; ignored.`);
  return r;
}

function metricOf(label: string, data: string, warnings: string[]): PerfMetric | undefined {
  const fields = data.split(';');
  if (fields.length > 5 && fields.slice(5).some((f) => f !== '')) warnings.push(`'${label}': extra fields after max ignored.`);
  const v = parseValue(label, fields[0] ?? '', warnings);
  if (v === undefined) return undefined;
  const warn = (fields[1] ?? '').trim();
  const crit = (fields[2] ?? '').trim();
  const warnRange = parseThreshold(label, 'warning threshold', warn, warnings);
  const critRange = parseThreshold(label, 'critical threshold', crit, warnings);
  const min = parseBound(label, 'min', fields[3], warnings);
  const max = parseBound(label, 'max', fields[4], warnings);
  return {
    label,
    value: v.value,
    uom: v.uom,
    warn,
    crit,
    ...(warnRange !== undefined ? { warnRange } : {}),
    ...(critRange !== undefined ? { critRange } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  };
}

/** Parses a whole perf data string. Never throws; problems end up in `warnings`. */
export function parsePerfData(text: string): PerfParse {
  const metrics: PerfMetric[] = [];
  const warnings: string[] = [];
  const s = text;
  let i = 0;
  while (i < s.length) {
    while (isSpace(s[i])) i++;
    if (i >= s.length) break;
    let label: string;
    if (s[i] === "'") {
      const q = quotedLabel(s, i);
      if (q === undefined) {
        warnings.push(`unterminated quoted label ${s.slice(i, i + 40)}; the rest was ignored.`);
        break;
      }
      if (s[q.next] !== '=') {
        let j = q.next;
        while (j < s.length && !isSpace(s[j])) j++;
        warnings.push(`'${q.label}' is not followed by '='; skipped.`);
        i = j;
        continue;
      }
      label = q.label;
      i = q.next + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== '=' && !isSpace(s[j])) j++;
      if (s[j] !== '=') {
        warnings.push(`'${s.slice(i, j)}' is not label=value; skipped.`);
        i = j;
        continue;
      }
      label = s.slice(i, j);
      i = j + 1;
    }
    let j = i;
    while (j < s.length && !isSpace(s[j])) j++;
    const data = s.slice(i, j);
    i = j;
    if (label === '') {
      warnings.push(`'=${data}' has an empty label; skipped.`);
      continue;
    }
    if (data === '') {
      warnings.push(`'${label}' has no value; skipped.`);
      continue;
    }
    const m = metricOf(label, data, warnings);
    if (m !== undefined) metrics.push(m);
  }
  return { metrics, warnings };
}
