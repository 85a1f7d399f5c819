import { z } from 'zod';
import { defineTool } from '../core/define.js';
import { iso } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { label, plural, stamp, timeArg } from './common.js';
import type { CurrentObject } from './objects.js';
import { snapshotAt, transitions, type Snapshot } from './replay.js';
import { instant, lookbackArg, lookbackSeconds, scopeAndHistory, scopeFilterArg, stateName } from './snapshot.js';

const CATEGORIES = ['new_problem', 'state_changed', 'recovered', 'downtime_changed', 'ack_changed', 'changed_and_back', 'unknown'] as const;
type Category = (typeof CATEGORIES)[number];

const fromTo = z.object({ from: z.boolean().optional(), to: z.boolean().optional() });
const changeRow = z.object({
  host: z.string(),
  peer_name: z.string().optional().describe('The core (several cores in scope)'),
  service: z.string().optional(),
  category: z
    .enum(CATEGORIES)
    .describe('changed_and_back: same state at both instants but changed in between; unknown: the log cannot place it'),
  from_state: z.string(),
  to_state: z.string(),
  transitions: z.number().optional().describe('State changes logged between the instants'),
  in_downtime: fromTo.optional(),
  acknowledged: fromTo.optional(),
  note: z.string().optional(),
});
type ChangeRow = z.output<typeof changeRow>;

const diffOutput = z.object({
  t1: z.string(),
  t2: z.string(),
  summary: z.object({ objects: z.number(), changed: z.number(), unchanged: z.number(), by_category: z.record(z.string(), z.number()) }),
  total: z.number(),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional(),
  truncated: z.boolean().optional(),
  changes: z.array(changeRow),
  notes: z.array(z.string()).optional(),
});

function categorise(a: Snapshot, b: Snapshot, moves: number): Category | undefined {
  if (a.basis === 'unknown' || b.basis === 'unknown') return 'unknown';
  if (a.state !== b.state) {
    if (a.state === 0) return 'new_problem';
    if (b.state === 0) return 'recovered';
    return 'state_changed';
  }
  if (a.downtime !== undefined && b.downtime !== undefined && a.downtime !== b.downtime) return 'downtime_changed';
  if (a.acked !== undefined && b.acked !== undefined && a.acked !== b.acked) return 'ack_changed';
  return moves > 0 ? 'changed_and_back' : undefined;
}

function change(o: CurrentObject, a: Snapshot, b: Snapshot, cat: Category, moves: number, several: boolean): ChangeRow {
  const r: ChangeRow = {
    host: o.host,
    ...(several && o.peer !== undefined ? { peer_name: o.peer } : {}),
    category: cat,
    from_state: stateName(o, a),
    to_state: stateName(o, b),
  };
  if (o.service !== undefined) r.service = o.service;
  if (moves > 0) r.transitions = moves;
  if (a.downtime !== b.downtime)
    r.in_downtime = { ...(a.downtime !== undefined ? { from: a.downtime } : {}), ...(b.downtime !== undefined ? { to: b.downtime } : {}) };
  if (a.acked !== b.acked)
    r.acknowledged = { ...(a.acked !== undefined ? { from: a.acked } : {}), ...(b.acked !== undefined ? { to: b.acked } : {}) };
  const note = a.basis === 'unknown' ? a.note : b.basis === 'unknown' ? b.note : undefined;
  if (note !== undefined) r.note = note;
  return r;
}

const yesNo = (v: boolean | undefined) => (v === undefined ? '?' : v ? 'yes' : 'no');

function line(r: ChangeRow): string {
  const extra: string[] = [];
  if (r.in_downtime) extra.push(`downtime ${yesNo(r.in_downtime.from)}→${yesNo(r.in_downtime.to)}`);
  if (r.acknowledged) extra.push(`acked ${yesNo(r.acknowledged.from)}→${yesNo(r.acknowledged.to)}`);
  if (r.transitions !== undefined) extra.push(`${plural(r.transitions, 'change')} between`);
  return [
    label(r.peer_name !== undefined ? `${r.host}@${r.peer_name}` : r.host, r.service),
    r.category,
    `${r.from_state} → ${r.to_state}`,
    extra.join(', '),
    r.note ?? '',
  ].join(' | ');
}

export const stateDiff = defineTool({
  name: 'thruk_state_diff',
  title: 'State changes between two times',
  toolset: 'history',
  access: 'read',
  description: 'What changed between two times for the scoped hosts/services: new problems, recoveries, downtime and ack changes.',
  input: z
    .object({
      t1: timeArg('ISO-8601, today 08:00, -6h or epoch'),
      t2: timeArg('Second instant'),
      filter: scopeFilterArg,
      lookback: lookbackArg,
      limit: limitArg(200),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: diffOutput,
  run: async (ctx, args) => {
    const nowMs = ctx.now();
    let t1 = instant(args.t1, nowMs, 't1');
    let t2 = instant(args.t2, nowMs, 't2');
    const notes: string[] = [];
    if (t1 > t2) {
      [t1, t2] = [t2, t1];
      notes.push('t1 was later than t2; they were swapped.');
    }
    const { objects, h } = await scopeAndHistory(ctx, args.filter, parseBackends(args.backends), t1 - lookbackSeconds(args.lookback), t1);
    notes.push(...h.notes);
    const changes: ChangeRow[] = [];
    for (const o of objects) {
      const a = snapshotAt(o, h, t1);
      const b = snapshotAt(o, h, t2);
      const moves = transitions(o, h, t1, t2);
      const cat = categorise(a, b, moves);
      if (cat !== undefined) changes.push(change(o, a, b, cat, moves, h.several === true));
    }
    changes.sort(
      (x, y) =>
        CATEGORIES.indexOf(x.category) - CATEGORIES.indexOf(y.category) ||
        x.host.localeCompare(y.host) ||
        (x.service ?? '').localeCompare(y.service ?? ''),
    );
    const by_category: Record<string, number> = {};
    for (const c of changes) by_category[c.category] = (by_category[c.category] ?? 0) + 1;
    const changed = changes.length - (by_category.unknown ?? 0);
    const summary = { objects: objects.length, changed, unchanged: objects.length - changes.length, by_category };
    const pg = page(changes, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'changes',
    });
    if (objects.length === 0)
      notes.push('no host or service matches the filter now; check names with thruk_list_hosts / thruk_list_services.');
    const cats = Object.entries(by_category)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    const parts = [
      `Changes between ${stamp(t1, nowMs)} and ${stamp(t2, nowMs)} for ${plural(objects.length, 'object')}: ${changed === 0 && (by_category.unknown ?? 0) === 0 ? 'nothing changed' : cats}.`,
    ];
    if (pg.lines.length > 0) parts.push('object | category | state | also | note', ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) parts.push(foot);
    for (const n of notes) parts.push(`Note: ${n}`);
    const data: z.output<typeof diffOutput> = { t1: iso(t1), t2: iso(t2), summary, ...pg.meta, changes: pg.rows };
    if (notes.length > 0) data.notes = notes;
    return { data, text: parts.join('\n') };
  },
});
