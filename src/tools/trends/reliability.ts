import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, duration, iso, num } from '../lib/format.js';
import { fetchNewestLogsPerCore } from '../lib/logquery.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import {
  ALL_ALERTS,
  coreField,
  coreOf,
  hostOf,
  plural,
  maxEventsArg,
  maxEvents,
  noteLines,
  OBJECT_LOG_FIELDS,
  objectKey,
  objectLabel,
  pagingOutput,
  prepare,
  resolveWindow,
  serviceOf,
  sinceArg,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
} from '../lib/logwindow.js';
import { incidentsOf, reliabilityOf, type HardEvent } from './incidents.js';

const reliabilityRow = z.object({
  host: z.string(),
  service: z.string().optional().describe('Absent for the host itself'),
  peer_name: z.string().optional().describe('The core of the object (several cores in scope)'),
  incidents: z.number().describe('HARD non-OK episodes (recovered or ongoing)'),
  mttr_seconds: z.number().optional().describe('Mean time to recovery of incidents that began and ended in the window'),
  mttr_human: z.string().optional(),
  mtbf_seconds: z.number().optional().describe('Mean time between incident starts (2+ incidents)'),
  mtbf_human: z.string().optional(),
  total_downtime_seconds: z.number(),
  total_downtime_human: z.string(),
  downtime_percent: z.number().describe('Share of the analysed window spent in incidents'),
  longest_incident_seconds: z.number(),
  longest_incident_human: z.string(),
  ongoing: z.boolean(),
  ongoing_since: z.string().optional(),
});
type ReliabilityRow = z.output<typeof reliabilityRow>;

export const reliabilityReport = defineTool({
  name: 'thruk_reliability_report',
  title: 'Reliability report (MTTR/MTBF)',
  toolset: 'trends',
  access: 'read',
  description: 'Reliability, MTTR and MTBF per host/service: incidents, total and longest outage, from HARD state changes.',
  input: z
    .object({
      since: sinceArg('-30d'),
      until: untilArg,
      limit: limitArg(50),
      offset: offsetArg,
      filter: filterSchema(OBJECT_LOG_FIELDS).optional(),
      max_events: maxEventsArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    analysed_since: z.string().optional().describe('Start of the part analysed when max_events cut the window'),
    total_events: z.number().describe('HARD alerts in the window'),
    events_analysed: z.number(),
    total_objects: z.number().describe('Objects with at least one incident'),
    ...pagingOutput,
    results: z.array(reliabilityRow),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-30d');
    const p = await prepare(ctx, w, [...ALL_ALERTS, { field: 'state_type', value: 'HARD' }], backends);
    const got = await fetchNewestLogsPerCore(ctx, p, {
      since: w.since,
      until: w.until,
      columns: ['host_name', 'service_description', 'state', 'time'],
      maxRows: maxEvents(ctx, args.max_events),
      backends,
      order: 'oldest',
      notes: w.notes,
    });
    const from = got.truncated ? got.fetchedSince : w.since;
    // Each core's part starts where its own cut fell.
    const fromOf = (core: string): number => {
      const part = got.parts?.find((x) => x.core === core);
      return part === undefined ? from : part.truncated ? part.fetchedSince : w.since;
    };
    const perObject = new Map<string, { host: string; service: string; core: string; events: HardEvent[] }>();
    for (const r of got.rows) {
      const host = hostOf(r);
      const service = serviceOf(r);
      const core = coreOf(r);
      const key = objectKey(host, service, core);
      let o = perObject.get(key);
      if (o === undefined) {
        o = { host, service, core, events: [] };
        perObject.set(key, o);
      }
      o.events.push({ time: num(r.time), state: num(r.state) });
    }
    const span = Math.max(1, w.until - from);
    const rows: ReliabilityRow[] = [];
    for (const o of perObject.values()) {
      o.events.sort((a, b) => a.time - b.time);
      const m = reliabilityOf(incidentsOf(o.events, fromOf(o.core), w.until));
      if (m.incidents === 0) continue;
      const row: ReliabilityRow = {
        host: o.host,
        ...coreField(o.core),
        incidents: m.incidents,
        total_downtime_seconds: m.downtime,
        total_downtime_human: duration(m.downtime),
        downtime_percent: Math.round((m.downtime / span) * 10000) / 100,
        longest_incident_seconds: m.longest,
        longest_incident_human: duration(m.longest),
        ongoing: m.ongoing,
      };
      if (o.service !== '') row.service = o.service;
      if (m.mttr !== undefined) Object.assign(row, { mttr_seconds: m.mttr, mttr_human: duration(m.mttr) });
      if (m.mtbf !== undefined) Object.assign(row, { mtbf_seconds: m.mtbf, mtbf_human: duration(m.mtbf) });
      if (m.ongoingSince !== undefined) row.ongoing_since = iso(m.ongoingSince);
      rows.push(row);
    }
    rows.sort(
      (a, b) =>
        b.total_downtime_seconds - a.total_downtime_seconds ||
        b.incidents - a.incidents ||
        a.host.localeCompare(b.host) ||
        (a.service ?? '').localeCompare(b.service ?? '') ||
        (a.peer_name ?? '').localeCompare(b.peer_name ?? ''),
    );
    const notes = [...w.notes];
    if (got.truncated) {
      notes.push(
        `The window holds ${got.total} HARD alerts, more than max_events=${maxEvents(ctx, args.max_events)}: analysed the newest ${got.rows.length}, from ${iso(from)}; metrics cover that part only. Narrow the window or filter, or raise max_events.`,
      );
    }
    const line = (r: ReliabilityRow): string => {
      const open = r.ongoing ? `yes, since ${r.ongoing_since ?? ''}` : 'no';
      return [
        cell(objectLabel(r.host, r.service, r.peer_name)),
        String(r.incidents),
        r.total_downtime_human,
        `${r.downtime_percent}%`,
        r.longest_incident_human,
        r.mttr_human ?? '-',
        r.mtbf_human ?? '-',
        open,
      ].join(' | ');
    };
    const pg = page(rows, line, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'objects' });
    const text = [
      `Reliability ${windowText(w)}: ${plural(rows.length, 'object')} had HARD incidents (${plural(got.total, 'HARD alert')}${got.truncated ? `, newest ${got.rows.length} analysed` : ''}).`,
    ];
    if (pg.rows.length > 0)
      text.push(
        `objects ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}, most problem time first (HARD non-OK time, not scheduled downtime):`,
        'object | incidents | problem time | % of window | longest | MTTR | MTBF | ongoing',
        ...pg.lines,
      );
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...noteLines(notes));
    const data = withNotes(
      {
        ...windowData(w),
        ...(got.truncated ? { analysed_since: iso(from) } : {}),
        total_events: got.total,
        events_analysed: got.rows.length,
        total_objects: rows.length,
        ...pg.meta,
        results: pg.rows,
      },
      notes,
    );
    return { data, text: text.join('\n') };
  },
});
