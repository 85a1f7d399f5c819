/**
 * "Why is it alerting?" as pure functions: where each metric stands against its thresholds, how
 * far a value has to move to change the verdict, and the thresholds written on the command.
 */
import { breachOf, rangeAlerts, type PerfMetric, type PerfRange } from '../lib/perfdata.js';
import { headroomOf } from '../lib/headroom.js';

/** A value within this share of its OK band from the warning (or critical) threshold is "near". */
export const NEAR_PERCENT = 10;

export type Position = 'over_critical' | 'over_warning' | 'near' | 'far' | 'no_threshold' | 'unknown';

/** The smallest move of the value that flips `range`'s alert: signed delta and the bound crossed. */
export interface Crossing {
  readonly delta: number;
  readonly bound: number;
  /** The comparison the value must then satisfy, e.g. `> 10`, `<= 5`. */
  readonly when: string;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Bounds a value can actually cross: not ±∞, and not the 0 a bare `10` implies for a non-negative metric. */
function crossable(range: PerfRange, m: PerfMetric): { lo: number | null; hi: number | null } {
  const lo = range.start === null || (range.implicitStart && (m.value ?? 0) >= 0 && (m.min ?? 0) >= 0) ? null : range.start;
  return { lo, hi: range.end };
}

export function crossing(range: PerfRange, m: PerfMetric): Crossing | undefined {
  const v = m.value;
  if (v === null) return undefined;
  const { lo, hi } = crossable(range, m);
  const alerting = rangeAlerts(range, v);
  const options: Crossing[] = [];
  if (!range.inside) {
    // Alerts outside lo..hi (bounds inclusive): back inside is <= hi / >= lo; out is > hi / < lo.
    if (alerting) {
      if (hi !== null && v > hi) options.push({ delta: round(hi - v), bound: hi, when: `<= ${hi}` });
      if (lo !== null && v < lo) options.push({ delta: round(lo - v), bound: lo, when: `>= ${lo}` });
    } else {
      if (hi !== null) options.push({ delta: round(hi - v), bound: hi, when: `> ${hi}` });
      if (lo !== null) options.push({ delta: round(lo - v), bound: lo, when: `< ${lo}` });
    }
  } else if (alerting) {
    if (hi !== null) options.push({ delta: round(hi - v), bound: hi, when: `> ${hi}` });
    if (lo !== null) options.push({ delta: round(lo - v), bound: lo, when: `< ${lo}` });
  } else {
    if (lo !== null && v < lo) options.push({ delta: round(lo - v), bound: lo, when: `>= ${lo}` });
    if (hi !== null && v > hi) options.push({ delta: round(hi - v), bound: hi, when: `<= ${hi}` });
  }
  options.sort((a, b) => Math.abs(a.delta) - Math.abs(b.delta));
  return options[0];
}

export interface MetricVerdict {
  readonly label: string;
  readonly value: number | null;
  readonly uom: string;
  readonly warn: string;
  readonly crit: string;
  readonly level: 'ok' | 'warning' | 'critical' | 'unknown';
  readonly position: Position;
  /** Headroom to the warning (else critical) threshold in % of the OK band; negative when over. */
  readonly headroom_percent?: number;
  /** The move that brings it back to OK (when over a threshold). */
  readonly to_ok?: Crossing;
  /** The move that makes it one level worse (warning when OK, critical when warning). */
  readonly to_worse?: Crossing;
}

export function verdictOf(m: PerfMetric): MetricVerdict {
  const level = breachOf(m);
  const base = { label: m.label, value: m.value, uom: m.uom, warn: m.warn, crit: m.crit, level };
  if (m.value === null) return { ...base, position: 'unknown' };
  if (m.warnRange === undefined && m.critRange === undefined) return { ...base, position: 'no_threshold' };
  const h = headroomOf(m);
  const out: { -readonly [K in keyof MetricVerdict]?: MetricVerdict[K] } = { ...base };
  if (h !== undefined) out.headroom_percent = h.percent;
  if (level === 'critical') {
    out.position = 'over_critical';
    // Back to OK means leaving the warning range too, when there is one.
    const back =
      m.warnRange !== undefined && rangeAlerts(m.warnRange, m.value)
        ? crossing(m.warnRange, m)
        : m.critRange !== undefined
          ? crossing(m.critRange, m)
          : undefined;
    if (back !== undefined) out.to_ok = back;
  } else if (level === 'warning') {
    out.position = 'over_warning';
    const back = m.warnRange !== undefined ? crossing(m.warnRange, m) : undefined;
    const worse = m.critRange !== undefined ? crossing(m.critRange, m) : undefined;
    if (back !== undefined) out.to_ok = back;
    if (worse !== undefined) out.to_worse = worse;
  } else {
    out.position = h !== undefined && h.percent <= NEAR_PERCENT ? 'near' : 'far';
    const worse = m.warnRange !== undefined ? crossing(m.warnRange, m) : m.critRange !== undefined ? crossing(m.critRange, m) : undefined;
    if (worse !== undefined) out.to_worse = worse;
  }
  return out as MetricVerdict;
}

const signed = (x: number, uom: string): string => `${x >= 0 ? '+' : '−'}${Math.abs(x)}${uom}`;

/** `load1=6.12 (w 5, c 10): over warning; OK when <= 5 (−1.12), CRITICAL when > 10 (+3.88)` */
export function verdictLine(v: MetricVerdict): string {
  const th = [v.warn !== '' ? `w ${v.warn}` : '', v.crit !== '' ? `c ${v.crit}` : ''].filter(Boolean).join(', ');
  const head = `${v.label}=${v.value === null ? 'U' : `${v.value}${v.uom}`}${th !== '' ? ` (${th})` : ''}`;
  const pos = {
    over_critical: 'over critical',
    over_warning: 'over warning',
    near: 'near its threshold',
    far: 'far from its threshold',
    no_threshold: 'no threshold',
    unknown: 'value unknown',
  }[v.position];
  const moves: string[] = [];
  if (v.to_ok !== undefined) moves.push(`OK when ${v.to_ok.when}${v.uom} (${signed(v.to_ok.delta, v.uom)})`);
  if (v.to_worse !== undefined)
    moves.push(
      `${v.level === 'ok' ? (v.warn !== '' ? 'WARNING' : 'CRITICAL') : 'CRITICAL'} when ${v.to_worse.when}${v.uom} (${signed(v.to_worse.delta, v.uom)})`,
    );
  return `${head}: ${pos}${v.headroom_percent !== undefined && v.position === 'near' ? ` (${v.headroom_percent}% of the OK band left)` : ''}${moves.length > 0 ? `; ${moves.join(', ')}` : ''}`;
}

export interface CommandThreshold {
  /** The option or argument position as written: `-w`, `--critical`, `ARG1`. */
  readonly option: string;
  readonly value: string;
}

const OPTION = /(?:^|\s)(-[wcWC]|--(?:warning|critical|warn|crit)(?:[-_][a-z]+)?)(?:[=\s]+)('[^']*'|"[^"]*"|[^\s]+)/g;

/** Thresholds written on a command line (`-w 80 -c 90`, `--warning=5`). */
export function commandLineThresholds(line: string): CommandThreshold[] {
  const out: CommandThreshold[] = [];
  for (const m of line.matchAll(OPTION)) {
    const option = m[1];
    const value = m[2];
    if (option !== undefined && value !== undefined && !value.startsWith('-'))
      out.push({ option, value: value.replace(/^['"]|['"]$/g, '') });
  }
  return out;
}

/** The `!`-separated arguments of a Nagios-style check_command (`check_disk!20%!10%`), as ARGn. */
export function checkCommandArgs(checkCommand: string): CommandThreshold[] {
  const parts = checkCommand.split('!');
  return parts
    .slice(1)
    .map((value, i) => ({ option: `ARG${i + 1}`, value }))
    .filter((a) => a.value !== '');
}

/** The core does not reveal the command: Icinga 2 answers `<internal>`, others an empty line. */
export function commandHidden(line: string): boolean {
  const t = line.trim();
  return t === '' || t === '<internal>';
}
