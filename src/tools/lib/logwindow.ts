/**
 * What the trend and log-triage tools share: window arguments (with the deprecated `hours`),
 * the log conditions that select alerts, object identity and state words for log rows, the
 * named caps, and the common header of their answers.
 */
import { z } from 'zod';
import { timeString } from './time-arg.js';
import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import type { ToolContext } from '../core/define.js';
import { duration, hostStateName, iso, num, serviceStateName } from './format.js';
import { anyOfRegex } from '../../thruk/q.js';
import { prepareLogQuery, windowFromFilter, type PreparedLogQuery, type Row } from './logquery.js';
import { hostOfLogRow } from './loghost.js';
import { plural } from './words.js';

/** Raw log rows one call may analyse by default (THRUK_NOISY_MAX_ALERTS of the Python server). */
export const DEFAULT_MAX_EVENTS = 10_000;
export const MAX_MAX_EVENTS = 200_000;
/** Names per /hosts or /logs request when we look objects up by name (one regex, sent by POST). */
export const NAME_CHUNK = 500;

const timeValue = timeString();

/** `since` that resolveWindow fills in (its default is said in the description, the schema leaves it out). */
export const sinceArg = (dflt: string) => timeValue.optional().describe(`Start, e.g. -7d, today 06:00, ISO-8601 (default ${dflt})`);
/** `since` whose default the schema applies (the history tools publish it as a JSON Schema default). */
export const sinceDefaultedArg = (dflt: string) => timeValue.describe('Start, e.g. -7d, today 06:00, ISO-8601').default(dflt);
export const untilArg = timeValue.optional().describe('End (default now)');
export const hoursArg = z
  .number()
  .int()
  .min(1)
  .max(8760)
  .optional()
  .describe('Deprecated: use since')
  // Still accepted (the Python server had it), no longer published: a model should use since.
  .meta({ deprecated: true });
export const maxEventsArg = z
  .number()
  .int()
  .min(100)
  .max(MAX_MAX_EVENTS)
  .optional()
  .describe(`Most log rows analysed, newest kept (default ${DEFAULT_MAX_EVENTS})`);

/** The per-call cap, defaulting to the server's THRUK_NOISY_MAX_ALERTS (the anchor's setting). */
export function maxEvents(ctx: { config: { noisyMaxAlerts: number } }, given: number | undefined): number {
  return given ?? ctx.config.noisyMaxAlerts;
}

export const stateTypeArg = z.enum(['any', 'hard', 'soft']).default('any').describe('SOFT only shows flaky checks');

/** The log condition for a stateTypeArg value. */
export function stateTypeLeaves(v: 'any' | 'hard' | 'soft'): FilterLeaf[] {
  return v === 'any' ? [] : [{ field: 'state_type', value: v.toUpperCase() }];
}

/** Log filter fields of the Python server's trend tools. */
export const HOST_LOG_FIELDS = ['host', 'hostgroup', 'custom_var'] as const;
export const OBJECT_LOG_FIELDS = ['host', 'service', 'hostgroup', 'custom_var'] as const;
export const NOTIFICATION_LOG_FIELDS = ['host', 'service', 'contact', 'state', 'since', 'until', 'hostgroup', 'custom_var'] as const;

// class=1 next to the type keeps rows with an empty type (program messages) out, whatever Livestatus does with the regex.
export const HOST_ALERTS: readonly FilterLeaf[] = [
  { field: 'class', value: 1 },
  { field: 'type', value: 'HOST ALERT' },
];
export const SERVICE_ALERTS: readonly FilterLeaf[] = [
  { field: 'class', value: 1 },
  { field: 'type', value: 'SERVICE ALERT' },
];
export const ALL_ALERTS: readonly FilterLeaf[] = [
  { field: 'class', value: 1 },
  { field: 'type', op: 'in', value: ['HOST ALERT', 'SERVICE ALERT'] },
];
export const FLAPPING_ALERTS: readonly FilterLeaf[] = [
  { field: 'class', value: 1 },
  { field: 'type', op: 'in', value: ['HOST FLAPPING ALERT', 'SERVICE FLAPPING ALERT'] },
];
export const NOTIFICATIONS: readonly FilterLeaf[] = [{ field: 'class', value: 3 }];
export const NOT_OK: FilterLeaf = { field: 'state', op: 'neq', value: 0 };

export interface LogWindow {
  readonly since: number;
  readonly until: number;
  /** The filter without the since/until leaves that moved into the window. */
  readonly filter: FilterNode | undefined;
  readonly notes: string[];
}

export interface WindowArgs {
  readonly since?: string | number | undefined;
  readonly until?: string | number | undefined;
  readonly hours?: number | undefined;
  readonly filter?: FilterNode | undefined;
}

/** since/until/hours (and since/until leaves of the filter) → epoch seconds, checked. */
export function resolveWindow(ctx: ToolContext, args: WindowArgs, dflt: string): LogWindow {
  const notes: string[] = [];
  let since = args.since;
  if (args.hours !== undefined) {
    if (since === undefined) {
      since = `-${args.hours}h`;
      notes.push(`hours is deprecated; read as since="-${args.hours}h".`);
    } else notes.push('hours is deprecated and was ignored because since was given.');
  }
  const w = windowFromFilter(args.filter, since ?? dflt, args.until, ctx.now());
  return { since: w.since, until: w.until, filter: w.rest, notes };
}

/** Adds raw Thruk conditions to a prepared query (so one scope lookup serves several queries). */
export function withParams(p: PreparedLogQuery, extra: ReadonlyArray<[string, string]>): PreparedLogQuery {
  return { ...p, params: [...p.params, ...extra] };
}

/**
 * Exact `type` values as one anchored regex. `[regex]` (Livestatus `~~`, case-insensitive) because
 * Thruk 3.20 silently drops a `type[~]` parameter and then counts every log row (real fixture
 * logs_type_tilde_filter_ignored.json); log types are fixed upper-case words, so case cannot widen it.
 */
export function typeParam(...types: string[]): [string, string] {
  return ['type[regex]', anyOfRegex(types)];
}

export async function prepare(
  ctx: ToolContext,
  w: LogWindow,
  extra: readonly FilterLeaf[],
  backends: string[] | undefined,
): Promise<PreparedLogQuery> {
  const p = await prepareLogQuery(ctx, { since: w.since, until: w.until, filter: w.filter, extra, backends });
  w.notes.push(...p.notes);
  return p;
}

/** Host alerts have no service; Naemon says "", Icinga 2 and the simulator null. */
export function serviceOf(r: Row): string {
  const s = r.service_description;
  return typeof s === 'string' ? s : '';
}

/** host_name, or the host on the line where Icinga 2 leaves it null (when options/type were fetched). */
export function hostOf(r: Row): string {
  return hostOfLogRow(r);
}

/** The core a row was read from (peer_name, set per core when several are in scope), else ''. */
export function coreOf(r: Row): string {
  return typeof r.peer_name === 'string' ? r.peer_name : '';
}

/** An object's identity: its name, and its core when several are in scope (the same name on two cores is two objects). */
export function objectKey(host: string, service: string, core = ''): string {
  return core === '' ? `${host}\u0000${service}` : `${host}\u0000${service}\u0000${core}`;
}

/** `host@core` when the object names its core, else the host (as thruk_problems and the list tools). */
export function hostLabel(host: string, core: string | undefined): string {
  return core === undefined || core === '' ? host : `${host}@${core}`;
}

/** `peer_name` for structuredContent, only when the object names its core. */
export function coreField(core: string | undefined): { peer_name?: string } {
  return core === undefined || core === '' ? {} : { peer_name: core };
}

export function stateWord(state: unknown, service: string): string {
  return service === '' ? hostStateName(num(state)) : serviceStateName(num(state));
}

/** "host" or "host / service" for text lines. */
export function objectLabel(host: string, service: string | undefined, core?: string): string {
  const h = hostLabel(host, core);
  return service === undefined || service === '' ? h : `${h} / ${service}`;
}

/** The window sentence every log answer starts with: "start → end (length)". */
export function windowText(w: { readonly since: number; readonly until: number }): string {
  return `${iso(w.since)} → ${iso(w.until)} (${duration(w.until - w.since)})`;
}

/** The fields every windowed answer starts with. */
export const windowOutput = {
  since: z.string().describe('Window start, ISO-8601 UTC'),
  until: z.string().describe('Window end, ISO-8601 UTC'),
};

export const pagingOutput = {
  total: z.number().describe('Rows in the full ranking'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset for the next page'),
  truncated: z.boolean().optional().describe('true when the answer budget cut this page short'),
  notes: z.array(z.string()).optional().describe('Caps, truncation and argument notes'),
};

export function windowData(w: { since: number; until: number }): { since: string; until: string } {
  return { since: iso(w.since), until: iso(w.until) };
}

export { plural };

export function noteLines(notes: readonly string[]): string[] {
  return notes.map((n) => `Note: ${n}`);
}

/** Optional keys only when they carry something (exactOptionalPropertyTypes, and no nulls). */
export function withNotes<T extends object>(data: T, notes: readonly string[]): T & { notes?: string[] } {
  return notes.length > 0 ? { ...data, notes: [...notes] } : data;
}

/** Runs `fn` over `items` with at most `width` calls in flight. */
export async function boundedMap<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
