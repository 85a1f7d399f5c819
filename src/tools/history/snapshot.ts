import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { parseDuration, parseTime } from '../lib/time.js';
import { defineTool, ToolInputError, type ToolContext } from '../core/define.js';
import { cell, duration, iso } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { label, plural, stamp, stateWord, timeArg } from './common.js';
import type { FilterNode } from '../../thruk/filter.js';
import { currentObjects, SCOPE_FIELDS, type CurrentObject } from './objects.js';
import { loadHistory, snapshotAt, type History, type Snapshot } from './replay.js';

export const scopeFilterArg = filterSchema(SCOPE_FIELDS).describe('Which objects, e.g. {"field":"host","value":"db-02"}');

export const lookbackArg = z.string().max(50).default('7d').describe('How far back to search the log, e.g. 30d');

const snapRow = z.object({
  host: z.string(),
  service: z.string().optional(),
  state: z.string().describe('UP/DOWN/UNREACHABLE or OK/WARNING/CRITICAL/UNKNOWN; "?" when the log cannot tell'),
  state_type: z.enum(['HARD', 'SOFT']).optional(),
  since: z.string().optional().describe('ISO-8601 start of that state'),
  since_human: z.string().optional().describe('How long the state had lasted at the instant'),
  since_before: z.string().optional().describe('The state held at least since this time (its start is older than the log read)'),
  in_downtime: z.boolean().optional(),
  acknowledged: z.boolean().optional(),
  flapping: z.boolean().optional(),
  output: z.string().optional(),
  basis: z
    .enum(['current', 'log', 'unknown'])
    .describe('current: unchanged since before the instant; log: rebuilt from the log; unknown: the log does not reach back far enough'),
  note: z.string().optional(),
  peer_name: z.string().optional(),
});
export type SnapRow = z.output<typeof snapRow>;

const stateAtOutput = z.object({
  timestamp: z.string(),
  summary: z.object({
    total: z.number(),
    ok: z.number(),
    problems: z.number(),
    unknown: z.number(),
    pending: z.number(),
    by_state: z.record(z.string(), z.number()),
  }),
  total: z.number(),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional(),
  truncated: z.boolean().optional(),
  rows: z.array(snapRow),
  notes: z.array(z.string()).optional(),
});

/** An instant in the past (or now), from any time expression. */
export function instant(v: string | number, nowMs: number, what: string): number {
  const t = parseTime(v, nowMs, what);
  const now = Math.floor(nowMs / 1000);
  if (t > now)
    throw new ToolInputError(
      `${what} (${iso(t)}) is in the future; only past states are known. For the state now use thruk_problems or thruk_list_hosts.`,
    );
  return t;
}

export function lookbackSeconds(v: string): number {
  const s = parseDuration(v, 'lookback');
  if (s < 3600 || s > 366 * 86400) throw new ToolInputError('lookback: between 1h and 366d, e.g. 7d.');
  return s;
}

export function stateName(o: CurrentObject, s: Snapshot): string {
  if (s.pending === true) return 'PENDING';
  return s.state === undefined ? '?' : stateWord(o.kind, s.state);
}

export function snapRowOf(o: CurrentObject, s: Snapshot, t: number): SnapRow {
  const r: SnapRow = { host: o.host, state: stateName(o, s), basis: s.basis };
  if (o.service !== undefined) r.service = o.service;
  if (s.hard !== undefined && s.state !== undefined && s.state !== 0) r.state_type = s.hard ? 'HARD' : 'SOFT';
  if (s.since !== undefined) {
    r.since = iso(s.since);
    r.since_human = duration(t - s.since);
  } else if (s.sinceBefore !== undefined) {
    r.since_before = iso(s.sinceBefore);
    r.since_human = `more than ${duration(t - s.sinceBefore)}`;
  }
  if (s.downtime !== undefined) r.in_downtime = s.downtime;
  if (s.acked !== undefined) r.acknowledged = s.acked;
  if (s.flapping !== undefined) r.flapping = s.flapping;
  if (s.output !== undefined && s.output !== '') r.output = s.output;
  if (s.note !== undefined) r.note = s.note;
  if (o.peer !== undefined) r.peer_name = o.peer;
  return r;
}

const SEVERITY: Record<string, number> = { DOWN: 0, UNREACHABLE: 1, CRITICAL: 2, UNKNOWN: 3, WARNING: 4, '?': 5, PENDING: 6, UP: 7, OK: 7 };

function flags(r: SnapRow): string {
  const f: string[] = [];
  if (r.in_downtime === true) f.push('downtime');
  if (r.acknowledged === true) f.push('acked');
  if (r.flapping === true) f.push('flapping');
  return f.join(',');
}

function line(r: SnapRow, several: boolean): string {
  const st = r.state_type === 'SOFT' ? `${r.state} soft` : r.state;
  const since =
    r.since !== undefined
      ? `since ${r.since} (${r.since_human ?? ''})`
      : r.since_before !== undefined
        ? `since before ${r.since_before}`
        : '';
  return [
    label(several && r.peer_name !== undefined ? `${r.host}@${r.peer_name}` : r.host, r.service),
    st,
    since,
    flags(r),
    r.note ?? cell(r.output ?? '', 160),
  ].join(' | ');
}

export async function scopeAndHistory(
  ctx: ToolContext,
  filter: FilterNode,
  backends: string[] | undefined,
  from: number,
  t0: number,
): Promise<{ objects: CurrentObject[]; h: History }> {
  const objects = await currentObjects(ctx, filter, backends);
  const h = await loadHistory(ctx, filter, backends, from, t0);
  return { objects, h };
}

export const stateAt = defineTool({
  name: 'thruk_state_at',
  title: 'State at a time',
  toolset: 'history',
  access: 'read',
  description: 'State at a past time of the scoped hosts/services, rebuilt from the log.',
  input: z
    .object({
      timestamp: timeArg('ISO-8601, yesterday 02:00, -6h or epoch'),
      filter: scopeFilterArg,
      problems_only: z.boolean().default(false).describe('Only those in a problem state then'),
      lookback: lookbackArg,
      limit: limitArg(200),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: stateAtOutput,
  run: async (ctx, args) => {
    const nowMs = ctx.now();
    const t = instant(args.timestamp, nowMs, 'timestamp');
    const backends = parseBackends(args.backends);
    const { objects, h } = await scopeAndHistory(ctx, args.filter, backends, t - lookbackSeconds(args.lookback), t);
    const all = objects.map((o) => snapRowOf(o, snapshotAt(o, h, t), t));
    all.sort(
      (a, b) =>
        (SEVERITY[a.state] ?? 9) - (SEVERITY[b.state] ?? 9) ||
        a.host.localeCompare(b.host) ||
        (a.service ?? '').localeCompare(b.service ?? ''),
    );
    const by_state: Record<string, number> = {};
    for (const r of all) by_state[r.state] = (by_state[r.state] ?? 0) + 1;
    const unknown = all.filter((r) => r.state === '?').length;
    const pending = by_state.PENDING ?? 0;
    const ok = (by_state.UP ?? 0) + (by_state.OK ?? 0);
    const summary = { total: all.length, ok, problems: all.length - ok - unknown - pending, unknown, pending, by_state };
    const listed = args.problems_only ? all.filter((r) => (SEVERITY[r.state] ?? 9) <= 4) : all;
    const pg = page(listed, (r) => line(r, h.several === true), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'objects',
    });
    const notes = [...h.notes];
    if (objects.length === 0)
      notes.push(
        'no host or service matches the filter now; check names with thruk_list_hosts / thruk_list_services (objects removed from the configuration cannot be replayed).',
      );
    const parts = [
      `State at ${stamp(t, nowMs)} of ${plural(all.length, 'object')}: ${plural(summary.problems, 'problem')}, ${ok} ok${unknown > 0 ? `, ${unknown} unknown` : ''}${pending > 0 ? `, ${pending} pending` : ''}.`,
    ];
    if (pg.lines.length > 0) parts.push('object | state | since | flags | output or note', ...pg.lines);
    else if (args.problems_only && all.length > 0) parts.push('No problems at that time.');
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) parts.push(foot);
    for (const n of notes) parts.push(`Note: ${n}`);
    const data: z.output<typeof stateAtOutput> = { timestamp: iso(t), summary, ...pg.meta, rows: pg.rows };
    if (notes.length > 0) data.notes = notes;
    return { data, text: parts.join('\n') };
  },
});
