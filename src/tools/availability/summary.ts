import { z } from 'zod';
import { cell, duration, num } from '../lib/format.js';
import type { Row } from '../lib/list.js';

export type Kind = 'host' | 'service';

const STATES: Record<Kind, readonly string[]> = { host: ['up', 'down', 'unreachable'], service: ['ok', 'warning', 'critical', 'unknown'] };
/** States that make an object unavailable (WARNING is degraded, not down). */
const OUTAGE: Record<Kind, readonly string[]> = { host: ['down', 'unreachable'], service: ['critical', 'unknown'] };
const INDETERMINATE = ['indeterminate_nodata', 'indeterminate_notrunning', 'indeterminate_outside_timeperiod'] as const;

export const availRowOutput = z.object({
  host: z.string(),
  service: z.string().optional(),
  status: z
    .enum(['ok', 'partial_data', 'no_data'])
    .describe('no_data: no monitoring data in the window (not 100 % up); partial_data: data for part of it'),
  availability_percent: z.number().optional().describe('Available time / time with data, in %, floored to 4 decimals; absent without data'),
  data_percent: z.number().describe('Share of the window with monitoring data, in %'),
  unplanned_s: z.number().describe('Seconds in outage states (host DOWN/UNREACHABLE, service CRITICAL/UNKNOWN) outside scheduled downtime'),
  planned_s: z.number().describe('Seconds in outage states during scheduled downtime'),
  downtime_s: z.number().describe('Seconds in scheduled downtime, in any state'),
  no_data_s: z.number().describe('Seconds without data (indeterminate)'),
  seconds: z
    .record(z.string(), z.number())
    .describe('Non-zero seconds per Thruk field without the time_ prefix: up, down, …, scheduled_down, indeterminate_nodata'),
  percent: z.record(z.string(), z.number()).describe("The same as % of the whole window (Thruk's *_percent), 4 decimals"),
});
export type AvailRow = z.output<typeof availRowOutput>;

/** One object's availability with the sums the roll-up needs. */
export interface Summary {
  readonly row: AvailRow;
  readonly kind: Kind;
  readonly total: number;
  readonly known: number;
  readonly lost: number;
}

const floor4 = (x: number): number => Math.floor(x * 1e4 + 1e-7) / 1e4;
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/** Host and service of a row; Thruk names them host/service, older builds and the simulator name/host_name/description. */
export function identity(r: Row): { host: string; service?: string; kind: Kind } {
  const host = r.host ?? r.host_name ?? r.name;
  const service = r.service ?? r.description;
  const kind: Kind = service !== undefined || 'time_ok' in r ? 'service' : 'host';
  return { host: typeof host === 'string' ? host : cell(host), ...(typeof service === 'string' ? { service } : {}), kind };
}

/** Seconds Thruk accounted for: all states plus the indeterminate ones (scheduled_* are subsets). */
export function thrukTotal(r: Row, kind: Kind): number {
  return [...STATES[kind], ...INDETERMINATE].reduce((s, k) => s + num(r[`time_${k}`]), 0);
}

export function summarize(
  r: Row,
  kind: Kind,
  windowSeconds: number,
  withDowntimes: boolean,
  id: { host: string; service?: string },
): Summary {
  const t = (k: string): number => num(r[`time_${k}`]);
  const sched = (k: string): number => num(r[`scheduled_time_${k}`]);
  const accounted = thrukTotal(r, kind);
  const total = accounted > 0 ? accounted : windowSeconds;
  const noData = accounted > 0 ? INDETERMINATE.reduce((s, k) => s + t(k), 0) : windowSeconds;
  const known = Math.max(0, total - noData);
  const bad = OUTAGE[kind].reduce((s, k) => s + t(k), 0);
  const planned = Math.min(
    bad,
    OUTAGE[kind].reduce((s, k) => s + sched(k), 0),
  );
  const unplanned = bad - planned;
  const lost = withDowntimes ? bad : unplanned;
  const seconds: Record<string, number> = {};
  const percent: Record<string, number> = {};
  for (const k of [...STATES[kind], ...INDETERMINATE]) {
    for (const [key, v] of [
      [k, t(k)],
      [`scheduled_${k}`, sched(k)],
    ] as const) {
      if (v <= 0) continue;
      seconds[key] = v;
      percent[key] = total > 0 ? round4((v / total) * 100) : 0;
    }
  }
  if (sched('indeterminate') > 0) seconds.scheduled_indeterminate = sched('indeterminate');
  const row: AvailRow = {
    host: id.host,
    ...(id.service !== undefined ? { service: id.service } : {}),
    status: known <= 0 ? 'no_data' : noData > 0 ? 'partial_data' : 'ok',
    data_percent: total > 0 ? round4((known / total) * 100) : 0,
    unplanned_s: unplanned,
    planned_s: planned,
    downtime_s: [...STATES[kind], 'indeterminate'].reduce((s, k) => s + sched(k), 0),
    no_data_s: noData,
    seconds,
    percent,
  };
  if (known > 0) row.availability_percent = floor4(((known - lost) / known) * 100);
  return { row, kind, total, known, lost };
}

/** "99.953%", never rounded up: an SLA figure must not overstate. */
export function pct(x: number | undefined): string {
  if (x === undefined) return 'no data';
  return `${Math.floor(x * 1000 + 1e-6) / 1000}%`;
}

export const LINE_HEADER = 'object | availability | unplanned | planned | problem states | no data';

export function line(s: Summary): string {
  const r = s.row;
  const name = r.service !== undefined ? `${cell(r.host)} / ${cell(r.service)}` : cell(r.host);
  const problems = STATES[s.kind]
    .slice(1)
    .filter((k) => (r.seconds[k] ?? 0) > 0)
    .map((k) => `${k} ${duration(r.seconds[k] ?? 0)}`);
  const noData = r.no_data_s > 0 ? `${duration(r.no_data_s)} (${Math.round((100 - r.data_percent) * 10) / 10}%)` : '0s';
  return [
    name,
    pct(r.availability_percent),
    duration(r.unplanned_s),
    duration(r.planned_s),
    problems.length > 0 ? problems.join(', ') : 'none',
    noData,
  ].join(' | ');
}

/** Worst first: lowest availability, then most unplanned outage; objects without data last. */
export function worstFirst(a: Summary, b: Summary): number {
  const av = a.row.availability_percent ?? Infinity;
  const bv = b.row.availability_percent ?? Infinity;
  return (
    av - bv ||
    b.row.unplanned_s - a.row.unplanned_s ||
    a.row.host.localeCompare(b.row.host) ||
    (a.row.service ?? '').localeCompare(b.row.service ?? '')
  );
}

export const rollupOutput = z.object({
  objects: z.number(),
  with_data: z.number(),
  no_data: z.number().describe('Objects without any data in the window (not counted as available)'),
  availability_percent: z
    .number()
    .optional()
    .describe('Time-weighted mean: total available time / total time with data, floored to 4 decimals'),
  data_percent: z.number().describe('Share of the time with data'),
  worst: z.object({ host: z.string(), service: z.string().optional(), availability_percent: z.number() }).optional(),
  below_target: z.number().describe('Objects with data whose availability is below target_percent'),
  below_target_names: z.array(z.string()).describe('Their names (host or host/service), worst first, at most 50'),
  unplanned_s: z.number(),
  planned_s: z.number(),
  downtime_s: z.number(),
});
export type Rollup = z.output<typeof rollupOutput>;

export const MAX_BELOW_NAMES = 50;

export function rollup(all: readonly Summary[], target: number): Rollup {
  const sorted = [...all].sort(worstFirst);
  const withData = sorted.filter((s) => s.known > 0);
  const known = withData.reduce((x, s) => x + s.known, 0);
  const lost = withData.reduce((x, s) => x + s.lost, 0);
  const below = withData.filter((s) => (s.row.availability_percent ?? 100) < target);
  const out: Rollup = {
    objects: all.length,
    with_data: withData.length,
    no_data: all.length - withData.length,
    data_percent: 0,
    below_target: below.length,
    below_target_names: below
      .slice(0, MAX_BELOW_NAMES)
      .map((s) => (s.row.service !== undefined ? `${s.row.host}/${s.row.service}` : s.row.host)),
    unplanned_s: all.reduce((x, s) => x + s.row.unplanned_s, 0),
    planned_s: all.reduce((x, s) => x + s.row.planned_s, 0),
    downtime_s: all.reduce((x, s) => x + s.row.downtime_s, 0),
  };
  if (known > 0) out.availability_percent = floor4(((known - lost) / known) * 100);
  const total = all.reduce((x, s) => x + s.total, 0);
  out.data_percent = total > 0 ? round4((known / total) * 100) : 0;
  const w = withData[0];
  if (w !== undefined && w.row.availability_percent !== undefined) {
    out.worst = {
      host: w.row.host,
      ...(w.row.service !== undefined ? { service: w.row.service } : {}),
      availability_percent: w.row.availability_percent,
    };
  }
  return out;
}

export function rollupText(what: string, r: Rollup, target: number): string {
  if (r.objects === 0) return `${what}: none`;
  if (r.with_data === 0) return `${what}: ${r.objects}, no data for any of them in this window`;
  const worst =
    r.worst !== undefined
      ? `, worst ${r.worst.service !== undefined ? `${r.worst.host} / ${r.worst.service}` : r.worst.host} ${pct(r.worst.availability_percent)}`
      : '';
  const noData = r.no_data > 0 ? `, ${r.no_data} without data` : '';
  // "100 %" over a quarter of the window is not "100 %": the no-data share goes into the headline.
  const basis =
    r.data_percent < 100
      ? `time-weighted over the ${shareText(r.data_percent)} of the time with data; no data for ${shareText(100 - r.data_percent)}`
      : 'time-weighted';
  return `${what}: ${r.objects}, availability ${pct(r.availability_percent)} (${basis})${worst}, ${r.below_target} below ${target}%, unplanned ${duration(r.unplanned_s)}, planned ${duration(r.planned_s)}${noData}`;
}

/** "77%", "0.4%", "<0.1%": a share of time for a headline, never shown as 0 or 100 when it is not. */
export function shareText(p: number): string {
  if (p > 0 && p < 0.1) return '<0.1%';
  if (p < 100 && p > 99.9) return '>99.9%';
  return `${Math.round(p * 10) / 10}%`;
}
