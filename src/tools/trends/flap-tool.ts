import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, iso, when } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { statsByObject } from './aggregate.js';
import {
  coreField,
  hoursArg,
  maxEventsArg,
  maxEvents,
  plural,
  noteLines,
  OBJECT_LOG_FIELDS,
  objectKey,
  objectLabel,
  pagingOutput,
  prepare,
  resolveWindow,
  sinceArg,
  stateWord,
  typeParam,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
  withParams,
} from '../lib/logwindow.js';
import { flapEvents, planHosts, readCandidates } from './flap.js';

const flapRow = z.object({
  host: z.string(),
  service: z.string().optional().describe('Absent for the host itself'),
  peer_name: z.string().optional().describe('The core of the object (several cores in scope)'),
  transition_count: z.number().describe('State changes between consecutive alerts in the window'),
  alert_count: z.number(),
  states_seen: z.array(z.string()),
  last_state: z.string(),
  last_alert_time: z.string(),
  flapping_started: z.number().optional().describe('FLAPPING ALERT STARTED rows in the window'),
  flapping_stopped: z.number().optional(),
});
type FlapRow = z.output<typeof flapRow>;

const flapAlertRow = z.object({
  host: z.string(),
  service: z.string().optional(),
  peer_name: z.string().optional(),
  started: z.number(),
  stopped: z.number(),
  last_event: z.string(),
  last_event_time: z.string(),
});

export const flapSummary = defineTool({
  name: 'thruk_flap_summary',
  title: 'Flapping summary',
  toolset: 'trends',
  access: 'read',
  description: 'Flapping hosts and services: at least min_transitions state changes in a window, plus FLAPPING events.',
  input: z
    .object({
      since: sinceArg('-24h'),
      until: untilArg,
      limit: limitArg(10),
      offset: offsetArg,
      min_transitions: z.number().int().min(1).max(100_000).default(3).describe('Minimum state changes'),
      filter: filterSchema(OBJECT_LOG_FIELDS).optional(),
      max_events: maxEventsArg,
      backends: backendsArg,
      hours: hoursArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    min_transitions: z.number(),
    total_flapping_objects: z.number(),
    candidates: z.number().describe('Objects with enough alerts to qualify'),
    candidates_not_analysed: z.number().optional().describe('Candidates left out because their rows exceed max_events'),
    ...pagingOutput,
    results: z.array(flapRow),
    flapping_alerts: z.array(flapAlertRow).describe('Objects the core reported as flapping (FLAPPING ALERT), newest first, at most limit'),
    total_flapping_alert_objects: z.number(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-24h');
    const base = await prepare(ctx, w, [{ field: 'class', value: 1 }], backends);
    const alerts = withParams(base, [typeParam('HOST ALERT', 'SERVICE ALERT')]);
    const all = await statsByObject(ctx, alerts, w, true, backends);
    // An object can have at most as many changes as alerts (the first alert may be a change too).
    const candidates = all.filter((s) => s.count >= args.min_transitions && (s.byState.size > 1 || s.count > 1));
    const plan = planHosts(all, candidates, maxEvents(ctx, args.max_events));
    const wanted = new Set(candidates.map((c) => objectKey(c.host, c.service, c.core)));
    const read = plan.hosts.length > 0 ? await readCandidates(ctx, alerts, w, plan.hosts, wanted, backends) : { objects: [], rowsRead: 0 };
    const flaps = await flapEvents(ctx, withParams(base, [typeParam('HOST FLAPPING ALERT', 'SERVICE FLAPPING ALERT')]), w, backends);
    const flapOf = new Map(flaps.map((f) => [objectKey(f.host, f.service, f.core), f]));

    const found = read.objects.filter((o) => o.transitions >= args.min_transitions);
    found.sort(
      (a, b) =>
        b.transitions - a.transitions ||
        b.last - a.last ||
        a.host.localeCompare(b.host) ||
        a.service.localeCompare(b.service) ||
        a.core.localeCompare(b.core),
    );
    const rows: FlapRow[] = found.map((o) => {
      const r: FlapRow = {
        host: o.host,
        ...coreField(o.core),
        transition_count: o.transitions,
        alert_count: o.alerts,
        states_seen: o.states.map((s) => stateWord(s, o.service)),
        last_state: stateWord(o.lastState, o.service),
        last_alert_time: iso(o.last),
      };
      if (o.service !== '') r.service = o.service;
      const f = flapOf.get(objectKey(o.host, o.service, o.core));
      if (f !== undefined) {
        r.flapping_started = f.started;
        r.flapping_stopped = f.stopped;
      }
      return r;
    });
    const notes = [...w.notes];
    if (plan.skipped > 0) {
      notes.push(
        `${plan.skipped} of ${candidates.length} candidate objects (${plan.skippedRows} alerts) were not analysed: their hosts' alert rows exceed max_events=${maxEvents(ctx, args.max_events)}. Narrow the window or filter, or raise max_events.`,
      );
    }
    const now = ctx.now();
    const line = (r: FlapRow): string => {
      // One cell per header column on every row, empty when the core reported no flapping.
      const flap = r.flapping_started !== undefined ? `${r.flapping_started} started, ${r.flapping_stopped ?? 0} stopped` : '';
      return `${cell(objectLabel(r.host, r.service, r.peer_name))} | ${r.transition_count} | ${r.alert_count} | ${r.states_seen.join(',')} | ${r.last_state} | ${when(Date.parse(r.last_alert_time) / 1000, now)} | ${flap}`;
    };
    const pg = page(rows, line, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'objects' });
    const text = [
      `Flapping ${windowText(w)}: ${plural(rows.length, 'object')} with ${args.min_transitions}+ state changes (of ${plural(candidates.length, 'candidate')}); ${plural(flaps.length, 'object')} with FLAPPING ALERT events.`,
    ];
    if (pg.rows.length > 0)
      text.push(
        `objects ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
        'object | changes | alerts | states seen | last state | last alert | core FLAPPING ALERTs',
        ...pg.lines,
      );
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    const shownFlaps = flaps.slice(0, args.limit);
    if (shownFlaps.length > 0) {
      text.push(`FLAPPING ALERT events (${shownFlaps.length} of ${flaps.length}, newest first): object | started | stopped | last`);
      for (const f of shownFlaps)
        text.push(`${cell(objectLabel(f.host, f.service, f.core))} | ${f.started} | ${f.stopped} | ${f.lastEvent} ${when(f.last, now)}`);
    }
    text.push(...noteLines(notes));
    const data = withNotes(
      {
        ...windowData(w),
        min_transitions: args.min_transitions,
        total_flapping_objects: rows.length,
        candidates: candidates.length,
        ...(plan.skipped > 0 ? { candidates_not_analysed: plan.skipped } : {}),
        ...pg.meta,
        results: pg.rows,
        flapping_alerts: shownFlaps.map((f) => ({
          host: f.host,
          ...coreField(f.core),
          ...(f.service !== '' ? { service: f.service } : {}),
          started: f.started,
          stopped: f.stopped,
          last_event: f.lastEvent,
          last_event_time: iso(f.last),
        })),
        total_flapping_alert_objects: flaps.length,
      },
      notes,
    );
    return { data, text: text.join('\n') };
  },
});
