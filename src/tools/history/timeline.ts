import { z } from 'zod';
import { filterSchema, type FilterNode } from '../../thruk/filter.js';
import { defineTool, ToolInputError, type ToolContext } from '../core/define.js';
import { cell, duration, iso, num } from '../lib/format.js';
import { aggregateLogsPerCore, coreErrorText, windowFromFilter } from '../lib/logquery.js';
import { readCores, withCore } from '../lib/cores.js';
import { backendsArg, page, parseBackends } from '../lib/list.js';
import { EVENT_COLUMNS, label, plural, str, untilArg, type Row } from './common.js';
import { sinceDefaultedArg, windowText } from '../lib/logwindow.js';
import { ACK_COMMANDS, objectKey, toEvent, type LogEvent } from './events.js';
import { fetchEdge, type EdgeRows } from './fetch.js';
import { coreFailure, isThrukError, ThrukHttpError } from '../../thruk/errors.js';
import { prepareScoped } from './filters.js';
import { attributeToHosts, reduce, unionSeconds, type Incident, type Prior, type TimelineEntry } from './incidents.js';
import { SCOPE_FIELDS } from './objects.js';
import { REPLAY_CAP } from './replay.js';

const TIMELINE_TYPES = '^(HOST|SERVICE) (ALERT|DOWNTIME ALERT|FLAPPING ALERT|ACKNOWLEDGE ALERT)$';
const PRIOR_LOOKBACK = 7 * 86400;

const entrySchema = z.object({
  time: z.string(),
  epoch: z.number(),
  host: z.string(),
  service: z.string().optional(),
  peer_name: z.string().optional().describe('The core (several cores in scope)'),
  type: z.enum(['state_change', 'notification', 'downtime', 'flapping', 'ack']),
  from_state: z.string().optional(),
  to_state: z.string().optional(),
  state_type: z.enum(['HARD', 'SOFT']).optional(),
  attempt: z.number().optional(),
  after: z.string().optional().describe('Time spent in the previous state'),
  after_s: z.number().optional(),
  detail: z.string().optional(),
  contact: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  output: z.string().optional(),
});
const incidentSchema = z.object({
  host: z.string(),
  service: z.string().optional(),
  peer_name: z.string().optional().describe('The core (several cores in scope)'),
  state: z.string(),
  start: z.string(),
  end: z.string().optional(),
  seconds: z.number(),
  duration: z.string(),
  ongoing: z.boolean(),
  open_at_window_end: z.boolean().optional(),
  started_before_window: z.boolean().optional(),
  acknowledged_by: z.string().optional(),
  acknowledgement_removed: z.boolean().optional(),
  during_host_outage: z
    .boolean()
    .optional()
    .describe("Began during its host's outage (or in the 5 minutes before it): part of that outage"),
});
const timelineOutput = z.object({
  since: z.string(),
  until: z.string(),
  summary: z.object({
    events: z.number().describe('Events in the window'),
    shown: z.number(),
    objects: z.number(),
    by_type: z.record(z.string(), z.number()),
    incidents: z.number(),
    ongoing: z.number(),
    soft_only: z.number().describe('Problems that recovered before becoming HARD'),
    problem_seconds: z.number().describe('Overlaps counted once'),
    problem_time: z.string(),
    longest_incident: incidentSchema.optional(),
    mttr_seconds: z.number().optional(),
    mttr: z.string().optional(),
    scheduled_downtime_seconds: z.number(),
    first_event: z.string().optional(),
    last_event: z.string().optional(),
  }),
  incidents: z.array(incidentSchema),
  events: z.array(entrySchema),
  truncated: z.boolean().optional(),
  notes: z.array(z.string()).optional(),
  partial: z
    .object({ failed_cores: z.array(z.object({ core: z.string(), error: z.string() })) })
    .optional()
    .describe("Set when a core's log query failed: the answer holds the other cores only"),
});

interface CoreGather {
  readonly a: EdgeRows;
  readonly n: EdgeRows;
  readonly c: EdgeRows;
  readonly prior: Map<string, Prior>;
  readonly notes: string[];
}

/** One core's (or, with one core, the scope's) alert, notification and acknowledgement rows and prior states. */
async function gatherCore(
  ctx: ToolContext,
  filter: FilterNode,
  backends: string[] | undefined,
  win: { since: number; until: number },
  limit: number,
  several: boolean,
  core: string | undefined,
): Promise<CoreGather> {
  const [alerts, notifs, acks] = await Promise.all([
    prepareScoped(ctx, { filter, backends, extra: [{ field: 'type', op: 'regex', value: TIMELINE_TYPES }] }),
    prepareScoped(ctx, { filter, backends, line: 'notification', extra: [{ field: 'class', value: 3 }] }),
    prepareScoped(ctx, {
      filter,
      backends,
      line: 'command',
      extra: [
        { field: 'class', value: 5 },
        { field: 'message', op: 'regex', value: ACK_COMMANDS },
      ],
    }),
  ]);
  const get = (p: typeof alerts, maxRows: number) =>
    fetchEdge(ctx, p, { since: win.since, until: win.until, columns: [...EVENT_COLUMNS], maxRows, order: 'newest', backends });
  const [a, n, c, prior] = await Promise.all([
    get(alerts, Math.max(REPLAY_CAP, limit)),
    get(notifs, limit),
    get(acks, limit),
    priorStates(ctx, filter, backends, win.since, several, core),
  ]);
  if (core !== undefined) for (const r of [...a.rows, ...n.rows, ...c.rows]) r.peer_name ??= core;
  return { a, n, c, prior, notes: alerts.notes };
}

/** Several cores' cuts as one: rows together, totals added, the latest cut start (incidents count from there). */
function mergeEdges(edges: readonly EdgeRows[]): EdgeRows {
  const cut = edges.filter((e) => e.truncated);
  return {
    rows: edges.flatMap((e) => e.rows),
    total: edges.reduce((s, e) => s + e.total, 0),
    from: Math.max(...edges.map((e) => e.from)),
    to: Math.min(...edges.map((e) => e.to)),
    truncated: cut.length > 0,
  };
}

/** What a core whose log query failed is told as: the answer is the other cores' only. */
function partialNote(core: string, err: unknown, answered: number): string {
  const broken = err instanceof ThrukHttpError && coreFailure(err.thrukDescription) !== undefined;
  const next = broken
    ? `Retrying will not help while that core's log is broken; ask its admin, and read it alone with backends="${core}" once fixed.`
    : `Retry later, or read it alone with backends="${core}".`;
  return `core ${core} failed its log query (${coreErrorText(err)}), so this timeline shows only the other ${answered === 1 ? 'core' : `${answered} cores`}: ${core}'s events and incidents are missing. ${next}`;
}

export function describeFilter(n: FilterNode): string {
  if ('conditions' in n) return `(${n.conditions.map(describeFilter).join(` ${n.operator} `)})`;
  const v =
    typeof n.value === 'object' && !Array.isArray(n.value)
      ? `${n.value.var}=${String(n.value.val)}`
      : Array.isArray(n.value)
        ? `[${n.value.join(',')}]`
        : String(n.value);
  return `${n.field}${n.op === undefined || n.op === 'eq' ? '=' : ` ${n.op} `}${v}`;
}

/** Each object's last known state before the window, from Thruk-side aggregates. */
async function priorStates(
  ctx: ToolContext,
  filter: FilterNode | undefined,
  backends: string[] | undefined,
  since: number,
  several: boolean,
  core?: string,
): Promise<Map<string, Prior>> {
  const [alerts, snaps] = await Promise.all([
    prepareScoped(ctx, { filter, backends, extra: [{ field: 'type', op: 'regex', value: '^(HOST|SERVICE) ALERT$' }] }),
    // Icinga 2 writes CURRENT … STATE lines without output for objects not yet checked after a restart.
    prepareScoped(ctx, {
      filter,
      backends,
      extra: [
        { field: 'type', op: 'regex', value: '^(INITIAL|CURRENT) (HOST|SERVICE) STATE$' },
        { field: 'plugin_output', op: 'neq', value: '' },
      ],
    }),
  ]);
  const w = { since: since - PRIOR_LOOKBACK, until: since - 1, groupBy: ['type', 'host_name', 'service_description', 'state'], backends };
  const [a, s] = await Promise.all([aggregateLogsPerCore(ctx, alerts, w), aggregateLogsPerCore(ctx, snaps, w)]);
  const best = new Map<string, { prior: Prior; last: number }>();
  for (const [rows, bonus] of [
    [a, 0.5],
    [s, 0],
  ] as const) {
    for (const r of rows) {
      if (str(r.host_name) === '') continue;
      const host = withCore(str(r.host_name), r.peer_name ?? core, several);
      const kind = /SERVICE/.test(str(r.type)) ? 'service' : 'host';
      const service = kind === 'service' ? str(r.service_description) : undefined;
      const key = objectKey(host, service);
      const last = num(r.last) + bonus;
      const cur = best.get(key);
      if (cur === undefined || last > cur.last)
        best.set(key, { prior: { state: num(r.state), kind, host, ...(service !== undefined ? { service } : {}) }, last });
    }
  }
  // Icinga 2 leaves host_name null on host rows: those groups say nothing about which host.
  if ([...a, ...s].some((r) => /^(HOST|(INITIAL|CURRENT) HOST)/.test(str(r.type)) && str(r.host_name) === '')) {
    const hosts = await prepareScoped(ctx, {
      filter,
      backends,
      extra: [{ field: 'type', op: 'regex', value: '^(HOST ALERT|(INITIAL|CURRENT) HOST STATE)$' }],
    });
    const rows = await fetchEdge(ctx, hosts, {
      since: w.since,
      until: w.until,
      columns: [...EVENT_COLUMNS],
      maxRows: REPLAY_CAP,
      order: 'newest',
      backends,
    });
    for (const r of [...rows.rows].reverse()) {
      if (core !== undefined) r.peer_name ??= core;
      const e = coreEvent(r, several);
      if (e === undefined || e.state === undefined || (e.kind === 'snapshot' && (e.output ?? '') === '')) continue;
      best.set(e.host, { prior: { state: e.state, kind: 'host', host: e.host }, last: e.time });
    }
  }
  return new Map([...best].map(([k, v]) => [k, v.prior]));
}

/**
 * A row's event, its host named `name@core` when several cores are in scope: the reducer then keeps
 * one name on two cores apart (two objects, two incidents), and the text labels them as the lists do.
 */
function coreEvent(r: Row, several: boolean): LogEvent | undefined {
  const e = toEvent(r);
  return e === undefined || !several ? e : { ...e, host: withCore(e.host, r.peer_name, true) };
}

/** structuredContent: the label split back into host and peer_name. */
function splitCore<T extends { host: string }>(x: T, cores: ReadonlyMap<string, { host: string; core: string }>): T {
  const o = cores.get(x.host);
  return o === undefined ? x : { ...x, host: o.host, peer_name: o.core };
}

function stateText(e: TimelineEntry): string {
  const st =
    `${e.to_state ?? '?'} ${e.state_type ?? ''}${e.attempt !== undefined && e.state_type === 'SOFT' ? ` ${e.attempt}` : ''}`.trim();
  if (e.from_state === undefined) return `→ ${st}`;
  if (e.from_state === e.to_state) return st;
  return `${e.from_state} → ${st}${e.after !== undefined ? ` (after ${e.after} ${e.from_state})` : ''}`;
}

function entryLine(e: TimelineEntry): string {
  const obj = label(e.host, e.service);
  switch (e.type) {
    case 'state_change':
      return [e.time, obj, stateText(e), cell(e.output ?? '', 160)].join(' | ');
    case 'notification':
      return [
        e.time,
        obj,
        `notified ${e.contact ?? '?'}: ${e.detail ?? ''}${e.to_state !== undefined ? ` (${e.to_state})` : ''}`,
        e.author !== undefined ? cell(`${e.author}: ${e.comment ?? ''}`, 160) : cell(e.output ?? '', 120),
      ].join(' | ');
    case 'ack':
      return [
        e.time,
        obj,
        e.detail === 'SET' ? `acknowledged by ${e.author ?? '?'}` : `acknowledgement ${str(e.detail).toLowerCase()}`,
        cell(e.comment ?? '', 160),
      ].join(' | ');
    case 'downtime':
    case 'flapping':
      return [e.time, obj, `${e.type} ${str(e.detail).toLowerCase()}`, cell(e.output ?? '', 120)].join(' | ');
  }
}

function incidentLine(i: Incident): string {
  const end = i.end ?? (i.ongoing ? 'ongoing' : 'still open at window end');
  const ack =
    i.acknowledged_by === undefined
      ? ''
      : `acked by ${i.acknowledged_by}${i.acknowledgement_removed === true ? ', ack removed later' : ''}`;
  return [
    label(i.host, i.service),
    i.state,
    `${i.start}${i.started_before_window === true ? ' (or earlier)' : ''} → ${end}`,
    i.duration,
    [ack, i.during_host_outage === true ? 'during host outage' : ''].filter((x) => x !== '').join(', '),
  ].join(' | ');
}

export const incidentTimeline = defineTool({
  name: 'thruk_incident_timeline',
  title: 'Incident timeline',
  toolset: 'history',
  access: 'read',
  description:
    'One object\'s story in a window, oldest first: state changes, notifications, downtimes, acks; incidents with durations and MTTR. "Was db-02 down last night?"',
  input: z
    .object({
      filter: filterSchema([...SCOPE_FIELDS, 'since', 'until']).describe('Which objects, e.g. {"field":"host","value":"db-02"}'),
      since: sinceDefaultedArg('-24h'),
      until: untilArg,
      limit: z.number().int().min(1).max(5000).default(500).describe('Events shown, newest kept'),
      backends: backendsArg,
    })
    .strict(),
  output: timelineOutput,
  run: async (ctx, args) => {
    const nowMs = ctx.now();
    const now = Math.floor(nowMs / 1000);
    const win = windowFromFilter(args.filter, args.since, args.until, nowMs);
    const backends = parseBackends(args.backends);
    const filter = win.rest;
    if (filter === undefined)
      throw new ToolInputError(
        'filter: name the objects (host, service, hostgroup or custom_var); since/until alone would make a timeline of the whole estate. For estate-wide events use thruk_list_alerts or thruk_list_logs.',
      );
    const cores = await readCores(ctx, backends);
    const several = cores.several;
    // Each core is asked alone: over several sites Thruk silently drops a core whose log query
    // fails (real Thruk 3.20.2), and one core's 400 would sink the others' answer. A core that
    // fails makes the answer partial, said first, never silently one-sided.
    const parts = several ? cores.all.map((x) => ({ core: x.name, backends: [x.key] })) : [{ core: undefined, backends }];
    const got = await Promise.all(
      parts.map(async (part) => {
        try {
          return { core: part.core, ok: await gatherCore(ctx, filter, part.backends, win, args.limit, several, part.core) };
        } catch (err) {
          if (!several || !isThrukError(err)) throw err;
          return { core: part.core, err };
        }
      }),
    );
    const failed = got.filter((g) => g.err !== undefined);
    const answered = got.flatMap((g) => (g.ok !== undefined ? [g.ok] : []));
    if (answered.length === 0) throw failed[0]?.err ?? new Error('no core answered');
    const a = mergeEdges(answered.map((x) => x.a));
    const n = mergeEdges(answered.map((x) => x.n));
    const c = mergeEdges(answered.map((x) => x.c));
    const prior = new Map(answered.flatMap((x) => [...x.prior]));
    const alerts = { notes: [...new Set(answered.flatMap((x) => x.notes))] };
    const labels = new Map<string, { host: string; core: string }>();
    const events = [...a.rows, ...n.rows, ...c.rows]
      .map((r) => {
        const e = coreEvent(r, several);
        if (e !== undefined && several && typeof r.peer_name === 'string')
          labels.set(e.host, { host: e.host.slice(0, e.host.length - r.peer_name.length - 1), core: r.peer_name });
        return e;
      })
      .filter((e): e is LogEvent => e !== undefined)
      .sort((x, y) => x.time - y.time);
    for (const p of prior.values()) {
      const at = p.host.lastIndexOf('@');
      if (several && at > 0 && !labels.has(p.host)) labels.set(p.host, { host: p.host.slice(0, at), core: p.host.slice(at + 1) });
    }
    const red = reduce(events, prior, a.truncated ? a.from : win.since, win.until, win.until >= now - 60);
    const total = a.total + n.total + c.total;
    const shown = red.entries.slice(-args.limit);
    const by_type: Record<string, number> = {};
    for (const e of red.entries) by_type[e.type] = (by_type[e.type] ?? 0) + 1;
    const incidents = attributeToHosts(red.incidents);
    // A service problem inside its host's outage is that outage: it neither makes an incident of its
    // own for the longest/MTTR, nor adds time (problem time is the union of the problem intervals).
    const own = incidents.filter((i) => i.during_host_outage !== true);
    const underHost = incidents.length - own.length;
    const closed = own.filter((i) => i.end !== undefined);
    const longest = [...own].sort((x, y) => y.seconds - x.seconds)[0];
    const problemSeconds = unionSeconds(incidents);
    const summary: z.output<typeof timelineOutput>['summary'] = {
      events: total,
      shown: shown.length,
      objects: new Set(events.map((e) => objectKey(e.host, e.service))).size,
      by_type,
      incidents: own.length,
      ongoing: own.filter((i) => i.ongoing).length,
      soft_only: red.softOnly,
      problem_seconds: problemSeconds,
      problem_time: duration(problemSeconds),
      scheduled_downtime_seconds: red.downtimeSeconds,
    };
    if (longest !== undefined) summary.longest_incident = longest;
    if (closed.length > 0) {
      summary.mttr_seconds = Math.round(closed.reduce((s, i) => s + i.seconds, 0) / closed.length);
      summary.mttr = duration(summary.mttr_seconds);
    }
    const first = red.entries[0];
    const last = red.entries.at(-1);
    if (first) summary.first_event = first.time;
    if (last) summary.last_event = last.time;
    const notes = [...failed.map((f) => partialNote(f.core ?? '?', f.err, answered.length)), ...alerts.notes];
    const cut = total > shown.length;
    if (cut)
      notes.push(
        `window has ${total} events; showing the newest ${shown.length} from ${shown[0]?.time ?? iso(win.until)}; narrow the window or the filter, or raise limit (max 5000).`,
      );
    if (a.truncated) notes.push(`more than ${REPLAY_CAP} state events in the window: incidents are counted from ${iso(a.from)} only.`);
    const pg = page(shown, (r) => entryLine(r), {
      offset: 0,
      limit: shown.length,
      budgetTokens: ctx.config.maxAnswerTokens - 1500,
      what: 'events',
    });
    const kept = pg.rows;
    if (kept.length < shown.length)
      notes.push(
        `the answer budget fits ${kept.length} of these ${shown.length} events (the oldest ones); pass limit=${kept.length} to see the newest ${kept.length}, or narrow the window.`,
      );
    const head = `Timeline of ${describeFilter(args.filter)} in ${windowText(win)}: ${plural(total, 'event')} on ${plural(summary.objects, 'object')}; ${plural(summary.incidents, 'incident')} (${summary.ongoing} ongoing)${underHost > 0 ? ` plus ${underHost} service problem${underHost === 1 ? '' : 's'} during host outages` : ''}${red.softOnly > 0 ? `, ${red.softOnly} soft-only` : ''}, problem time ${summary.problem_time} (overlaps counted once)${summary.mttr !== undefined ? `, MTTR ${summary.mttr}` : ''}${red.downtimeSeconds > 0 ? `, scheduled downtime ${duration(red.downtimeSeconds)}` : ''}.`;
    const lines = [head];
    for (const f of failed) lines.push(`PARTIAL: ${partialNote(f.core ?? '?', f.err, answered.length)}`);
    if (longest !== undefined) lines.push(`Longest: ${incidentLine(longest)}`);
    if (incidents.length > 0)
      lines.push('Incidents (object | state | start → end | duration | ack):', ...incidents.slice(0, 50).map(incidentLine));
    if (incidents.length > 50) lines.push(`${incidents.length - 50} more incidents in data.incidents.`);
    if (kept.length > 0) lines.push('Events, oldest first (time | object | what | output):', ...pg.lines);
    for (const x of notes.slice(failed.length)) lines.push(`Note: ${x}`);
    const data: z.output<typeof timelineOutput> = {
      since: iso(win.since),
      until: iso(win.until),
      summary:
        summary.longest_incident !== undefined ? { ...summary, longest_incident: splitCore(summary.longest_incident, labels) } : summary,
      incidents: incidents.map((i) => splitCore(i, labels)),
      events: kept.map((e) => splitCore(e, labels)),
    };
    if (cut || kept.length < shown.length) data.truncated = true;
    if (notes.length > 0) data.notes = notes;
    if (failed.length > 0) data.partial = { failed_cores: failed.map((f) => ({ core: f.core ?? '?', error: coreErrorText(f.err) })) };
    return { data, text: lines.join('\n') };
  },
});
