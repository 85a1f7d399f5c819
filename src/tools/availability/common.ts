import { z } from 'zod';
import { parseTime, timeWindow } from '../lib/time.js';
import { ToolInputError } from '../core/define.js';
import { duration, iso } from '../lib/format.js';
import { backendsArg } from '../lib/list.js';

/** Thruk's report periods (Thruk::Utils::get_start_end_for_timeperiod), resolved in Thruk's time zone. */
export const TIMEPERIODS = [
  'last24hours',
  'today',
  'yesterday',
  'thisweek',
  'lastweek',
  'last7days',
  'thismonth',
  'lastmonth',
  'last31days',
  'thisyear',
  'lastyear',
] as const;
export type Timeperiod = (typeof TIMEPERIODS)[number];

/** Periods that end at the moment of the request; the others end at a boundary in Thruk's time zone. */
const ENDS_NOW: ReadonlySet<string> = new Set(['last24hours', 'today', 'thisweek', 'last7days', 'thismonth', 'last31days', 'thisyear']);

export const windowArgs = {
  since: z.string().max(100).optional().describe('Start, e.g. -30d, 2026-11-01, ISO-8601 (default -7d)'),
  until: z.string().max(100).optional().describe('End (default now)'),
  timeperiod: z.enum(TIMEPERIODS).optional().describe("Instead of since/until, in Thruk's time zone"),
  with_downtimes: z.boolean().default(false).describe('Count downtime as outage'),
  include_soft_states: z.boolean().default(false).describe('Count SOFT states too'),
  backends: backendsArg,
};

export interface WindowArgs {
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly timeperiod?: Timeperiod | undefined;
  readonly with_downtimes: boolean;
  readonly include_soft_states: boolean;
}

export interface ResolvedWindow {
  /** Query parameters for Thruk's availability endpoints. */
  readonly params: Array<[string, string]>;
  readonly since?: number;
  readonly until?: number;
  readonly timeperiod?: Timeperiod;
  readonly notes: string[];
}

/** since/until become epochs on our side (Thruk's own time grammar is ambiguous); a timeperiod goes to Thruk as is. */
export function resolveReportWindow(args: WindowArgs, nowMs: number): ResolvedWindow {
  const options: Array<[string, string]> = [];
  // Thruk only honours includesoftstates=yes (Thruk::Utils::Avail compares with 'yes').
  if (args.include_soft_states) options.push(['includesoftstates', 'yes']);
  if (args.with_downtimes) options.push(['withdowntimes', '1']);
  if (args.timeperiod !== undefined) {
    if (args.since !== undefined || args.until !== undefined) {
      throw new ToolInputError(
        `timeperiod and since/until are mutually exclusive: pass either timeperiod="${args.timeperiod}" or since/until, not both.`,
      );
    }
    return { params: [['timeperiod', args.timeperiod], ...options], timeperiod: args.timeperiod, notes: [] };
  }
  const now = Math.floor(nowMs / 1000);
  const since = parseTime(args.since ?? '-7d', nowMs, 'since');
  if (since >= now) {
    throw new ToolInputError(
      `since (${iso(since)}) is not in the past; availability can only be reported for time that has passed. Use e.g. since="-7d" or timeperiod="lastmonth".`,
    );
  }
  const w = timeWindow(since, args.until, nowMs);
  const notes: string[] = [];
  let until = w.until;
  if (until > now) {
    notes.push(`until (${iso(until)}) is in the future; the window ends now (${iso(now)}).`);
    until = now;
  }
  if (until <= w.since)
    throw new ToolInputError(`The window is empty (since and until are both ${iso(w.since)}); widen it, e.g. since="-24h".`);
  return { params: [['start', String(w.since)], ['end', String(until)], ...options], since: w.since, until, notes };
}

export const windowOutput = z.object({
  since: z.string().optional().describe("ISO-8601 UTC; absent for a past timeperiod, whose bounds lie in Thruk's time zone"),
  until: z.string().optional().describe('ISO-8601 UTC'),
  timeperiod: z.string().optional(),
  duration_s: z.number().describe('Length of the window in seconds'),
});
export type WindowOutput = z.output<typeof windowOutput>;

/** The window as reported: exact for since/until; for a timeperiod, its length as Thruk measured it. */
export function windowOf(w: ResolvedWindow, thrukSeconds: number | undefined, nowMs: number): WindowOutput {
  if (w.since !== undefined && w.until !== undefined) return { since: iso(w.since), until: iso(w.until), duration_s: w.until - w.since };
  const tp = w.timeperiod ?? 'last24hours';
  const dur = thrukSeconds ?? 0;
  const out: WindowOutput = { timeperiod: tp, duration_s: dur };
  if (ENDS_NOW.has(tp) && dur > 0) {
    const now = Math.floor(nowMs / 1000);
    out.since = iso(now - dur);
    out.until = iso(now);
  }
  return out;
}

export function reportWindowText(w: WindowOutput): string {
  const span = w.since !== undefined && w.until !== undefined ? `${w.since} – ${w.until}` : '';
  if (w.timeperiod === undefined) return `${span} (${duration(w.duration_s)})`;
  if (span !== '') return `${w.timeperiod}: ${span} (${duration(w.duration_s)})`;
  return `${w.timeperiod} as Thruk resolves it in its time zone${w.duration_s > 0 ? ` (${duration(w.duration_s)})` : ''}`;
}

export function optionsText(args: WindowArgs): string {
  const dt = args.with_downtimes ? 'problem time in scheduled downtime counts as outage' : 'planned downtime not counted as outage';
  return `${dt}; ${args.include_soft_states ? 'SOFT and HARD states' : 'HARD states only'}`;
}
