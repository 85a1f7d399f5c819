/** What the downtime writes share: the window arguments and their resolution to epochs, downtime rows, output shapes. */
import { z } from 'zod';
import { parseDuration, parseTime } from '../lib/time.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { cell, duration, flag, iso, num } from '../lib/format.js';
import { getRows, type Row } from '../lib/list.js';
import { writeOutput } from '../write/execute.js';
import { textArg } from './common.js';

const YEAR = 365 * 86400;

/** The DT argument set of every schedule_*_downtime command, as tool arguments. */
export const windowArgs = {
  comment: textArg('Why, e.g. a ticket', 'requested via MCP'),
  author: z.string().min(1).max(200).optional().describe('If the operator allows it'),
  start_time: z.string().min(1).max(100).default('now').describe('now, +30m, today 22:00 or ISO-8601'),
  end_time: z.string().min(1).max(100).optional().describe('+2h or ISO-8601; default start + 2h'),
  duration_minutes: z.number().int().min(1).max(527040).optional().describe('Instead of end_time'),
  fixed: z.boolean().default(true).describe('false = flexible, lasts duration'),
  duration: z.string().min(1).max(50).optional().describe('Flexible length, e.g. 2h'),
  triggered_by: z.number().int().min(1).max(2147483647).optional().describe('Triggering downtime id'),
};

export interface WindowInput {
  readonly start_time: string;
  readonly end_time?: string | undefined;
  readonly duration_minutes?: number | undefined;
  readonly fixed: boolean;
  readonly duration?: string | undefined;
  readonly triggered_by?: number | undefined;
}

export interface Window {
  readonly start: number;
  readonly end: number;
  readonly fixed: boolean;
  /** Flexible length in seconds; 0 for fixed downtimes. */
  readonly duration: number;
  readonly triggeredBy: number;
}

const BARE_OFFSET = /^\s*\d+(\.\d+)?\s*[a-zA-Z]/;

/**
 * Resolves the window against `baseMs` (the clock the preview was built with) and checks it
 * against the real clock: epochs only ever reach Thruk, whose own grammar reads "60m" as 1970.
 */
export function resolveDowntimeWindow(a: WindowInput, baseMs: number, nowMs: number): Window {
  if (a.end_time !== undefined && a.duration_minutes !== undefined)
    throw new ToolInputError('Give end_time or duration_minutes, not both.');
  const start = parseTime(a.start_time, baseMs, 'start_time');
  const end = a.end_time !== undefined ? parseTime(a.end_time, baseMs, 'end_time') : start + (a.duration_minutes ?? 120) * 60;
  const now = Math.floor(nowMs / 1000);
  if (end <= start) throw new ToolInputError(`end_time (${iso(end)}) must be after start_time (${iso(start)}).`);
  if (end <= now) {
    const hint =
      a.end_time !== undefined && BARE_OFFSET.test(a.end_time)
        ? ` '${a.end_time}' without a sign means that long ago; write +${a.end_time.trim()} for a time from now.`
        : '';
    throw new ToolInputError(`end_time (${iso(end)}) is in the past: a downtime must end in the future.${hint}`);
  }
  if (start > now + YEAR) throw new ToolInputError(`start_time (${iso(start)}) is more than a year ahead; schedule it closer to the date.`);
  if (end - start > YEAR)
    throw new ToolInputError(
      `The window (${duration(end - start)}) is longer than a year; for a retired object remove it from the configuration instead.`,
    );
  let flexible = 0;
  if (a.fixed && a.duration !== undefined)
    throw new ToolInputError(
      'duration only applies to flexible downtimes (fixed=false). For a fixed downtime set end_time or duration_minutes.',
    );
  if (!a.fixed) {
    // No default: a flexible downtime's length is its own decision (a long window with a late problem would silently outlast it).
    if (a.duration === undefined)
      throw new ToolInputError(
        'A flexible downtime (fixed=false) needs duration: how long it lasts once a problem starts it, e.g. duration="30m".',
      );
    if (/^\s*\d+\s*$/.test(a.duration))
      throw new ToolInputError(`duration '${a.duration}' has no unit; write e.g. ${a.duration.trim()}m or ${a.duration.trim()}s.`);
    flexible = parseDuration(a.duration, 'duration');
    if (flexible < 60 || flexible > YEAR) throw new ToolInputError('duration must be between 1 minute and 1 year.');
  }
  return { start, end, fixed: a.fixed, duration: flexible, triggeredBy: a.triggered_by ?? 0 };
}

/** Command arguments in Thruk's DT order (the command line is built in this order). */
export function dtArgs(w: Window, author: string, comment: string): Record<string, string | number> {
  return {
    start_time: w.start,
    end_time: w.end,
    fixed: w.fixed ? 1 : 0,
    triggered_by: w.triggeredBy,
    duration: w.duration,
    comment_author: author,
    comment_data: comment,
  };
}

export function downtimeWindowText(w: Window): string {
  const kind = w.fixed ? 'fixed' : `flexible, lasting ${duration(w.duration)} once a problem starts it`;
  return `${iso(w.start)} → ${iso(w.end)} (${duration(w.end - w.start)}, ${kind}${w.triggeredBy > 0 ? `, triggered by downtime #${w.triggeredBy}` : ''})`;
}

export function windowNotes(w: Window, nowMs: number): string[] {
  const notes = [`Window: ${downtimeWindowText(w)}; times are UTC.`];
  if (w.start < nowMs / 1000 - 60)
    notes.push('start_time lies in the past: the downtime takes effect at once; the core does not backdate it.');
  return notes;
}

/** Columns the downtime writes read; narrow on purpose (a large estate has many downtimes). */
export const DT_COLUMNS =
  'id,host_name,service_description,author,comment,entry_time,start_time,end_time,fixed,duration,triggered_by,peer_key,peer_name';

/** Host downtimes carry no service: Icinga 2 sends null, Naemon "". */
export function isHostRow(r: Row): boolean {
  return r.service_description === null || r.service_description === undefined || r.service_description === '';
}

/** A text column as a string; absent or null is "". */
export function textOf(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

export function peerOf(r: Row): string | undefined {
  return typeof r.peer_name === 'string' ? r.peer_name : typeof r.peer_key === 'string' ? r.peer_key : undefined;
}

/** Identity of a host ("web-01") or service ("web-01\tHTTP") inside one backend. */
export function objectKey(host: string, service: string | null | undefined): string {
  return service === null || service === undefined || service === '' ? host : `${host}\t${service}`;
}

export function rowKey(r: Row): string {
  return objectKey(String(r.host_name), isHostRow(r) ? null : String(r.service_description));
}

export async function fetchDowntimes(ctx: ToolContext, params: Array<[string, string]>, backends: string[] | undefined): Promise<Row[]> {
  return getRows(ctx, '/downtimes', [...params, ['columns', DT_COLUMNS]], backends);
}

export function objectLabel(r: Row, withPeer = true): string {
  const obj = isHostRow(r) ? String(r.host_name) : `${String(r.host_name)}/${String(r.service_description)}`;
  const p = peerOf(r);
  return withPeer && p !== undefined ? `${obj}@${p}` : obj;
}

/** One preview line per downtime: everything a user needs to recognise it. */
export function downtimeLine(r: Row): string {
  const kind = flag(r.fixed) ? 'fixed' : `flexible ${duration(num(r.duration))}`;
  return `#${num(r.id)} ${objectLabel(r)} ${iso(r.start_time)} → ${iso(r.end_time)} (${kind}) by ${cell(r.author, 80)}: "${cell(r.comment, 160)}"`;
}

export const downtimeOut = z.object({
  id: z.number(),
  host: z.string(),
  service: z.string().optional(),
  backend: z.string().optional(),
  author: z.string(),
  comment: z.string(),
  start: z.string(),
  end: z.string(),
  fixed: z.boolean(),
});
export type DowntimeOut = z.output<typeof downtimeOut>;

export function downtimeData(r: Row): DowntimeOut {
  const p = peerOf(r);
  return {
    id: num(r.id),
    host: String(r.host_name),
    ...(isHostRow(r) ? {} : { service: String(r.service_description) }),
    ...(p !== undefined ? { backend: p } : {}),
    author: textOf(r.author),
    comment: textOf(r.comment),
    start: iso(r.start_time),
    end: iso(r.end_time),
    fixed: flag(r.fixed),
  };
}

export const scheduleOutput = writeOutput.extend({
  window: z.object({
    start: z.string(),
    end: z.string(),
    fixed: z.boolean(),
    duration_seconds: z.number().describe('Flexible length; 0 when fixed'),
  }),
  objects: z.number().describe('Hosts or services the core puts in downtime'),
  downtime_ids: z
    .array(z.number())
    .optional()
    .describe('Ids of the new downtimes as read back from Thruk (they change when the core reloads)'),
  new_downtimes: z
    .array(downtimeOut)
    .optional()
    .describe('The new downtimes with object and backend (the same id can exist on two backends)'),
});
export type ScheduleOutput = z.output<typeof scheduleOutput>;

export const deleteOutput = writeOutput.extend({
  downtimes: z.array(downtimeOut).describe('The downtimes this call deletes (or would delete)'),
  also_removed: z.array(downtimeOut).optional().describe('Downtimes triggered by those, which the core removes with them'),
});
export type DeleteOutput = z.output<typeof deleteOutput>;
