import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, iso, when } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { statsByObject } from './aggregate.js';
import {
  ALL_ALERTS,
  coreField,
  noteLines,
  plural,
  NOT_OK,
  OBJECT_LOG_FIELDS,
  objectLabel,
  pagingOutput,
  prepare,
  resolveWindow,
  sinceArg,
  stateTypeArg,
  stateTypeLeaves,
  stateWord,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
} from '../lib/logwindow.js';

const recurringRow = z.object({
  host: z.string(),
  service: z.string().optional().describe('Absent for host alerts'),
  peer_name: z.string().optional().describe('The core of the object (several cores in scope)'),
  alert_count: z.number().describe('Non-OK alerts (recoveries excluded)'),
  first_seen: z.string(),
  last_seen: z.string(),
  last_state: z.string().describe('State of the newest non-OK alert'),
  states: z.record(z.string(), z.number()).describe('Alerts per state'),
});
type RecurringRow = z.output<typeof recurringRow>;

export const recurringProblems = defineTool({
  name: 'thruk_recurring_problems',
  title: 'Recurring problems',
  toolset: 'trends',
  access: 'read',
  description: 'Recurring (chronic) problems: hosts and services non-OK at least min_alerts times in a window.',
  input: z
    .object({
      since: sinceArg('-24h'),
      until: untilArg,
      min_alerts: z.number().int().min(1).max(1_000_000).default(5).describe('Minimum non-OK alerts'),
      state_type: stateTypeArg,
      limit: limitArg(10),
      offset: offsetArg,
      filter: filterSchema(OBJECT_LOG_FIELDS).optional(),
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    min_alerts: z.number(),
    total_objects_above_threshold: z.number(),
    ...pagingOutput,
    results: z.array(recurringRow),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-24h');
    const p = await prepare(ctx, w, [...ALL_ALERTS, NOT_OK, ...stateTypeLeaves(args.state_type)], backends);
    const stats = (await statsByObject(ctx, p, w, true, backends)).filter((s) => s.count >= args.min_alerts);
    const rows: RecurringRow[] = stats.map((s) => {
      const states: Record<string, number> = {};
      for (const [st, v] of s.byState) states[stateWord(st, s.service)] = (states[stateWord(st, s.service)] ?? 0) + v.count;
      const r: RecurringRow = {
        host: s.host,
        ...coreField(s.core),
        alert_count: s.count,
        first_seen: iso(s.first),
        last_seen: iso(s.last),
        last_state: stateWord(s.lastState, s.service),
        states,
      };
      if (s.service !== '') r.service = s.service;
      return r;
    });
    const now = ctx.now();
    const line = (r: RecurringRow): string => {
      const mix = Object.entries(r.states)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      return [
        cell(objectLabel(r.host, r.service, r.peer_name)),
        String(r.alert_count),
        r.last_state,
        mix,
        when(Date.parse(r.first_seen) / 1000, now),
        when(Date.parse(r.last_seen) / 1000, now),
      ].join(' | ');
    };
    const pg = page(rows, line, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'objects' });
    // Alerts, not problems: one problem logs a SOFT alert per retry and a HARD one, so "went non-OK
    // 10 times" overstated an object with 5 problems of 2 alerts each.
    const kind =
      args.state_type === 'any'
        ? 'non-OK alerts (SOFT retries and HARD, recoveries excluded)'
        : `${args.state_type.toUpperCase()} non-OK alerts`;
    const text = [
      `Recurring problems ${windowText(w)}: ${stats.length === 0 ? `no object had ${args.min_alerts} or more ${kind}.` : `${plural(stats.length, 'object')} had at least ${args.min_alerts} ${kind}.`}`,
    ];
    if (pg.rows.length > 0)
      text.push(
        `objects ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
        'object | alerts | last non-OK state | by state | first | last',
        ...pg.lines,
      );
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...noteLines(w.notes));
    const data = withNotes(
      { ...windowData(w), min_alerts: args.min_alerts, total_objects_above_threshold: stats.length, ...pg.meta, results: pg.rows },
      w.notes,
    );
    return { data, text: text.join('\n') };
  },
});
