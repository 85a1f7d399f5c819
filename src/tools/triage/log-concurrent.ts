import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, iso, num } from '../lib/format.js';
import { fetchNewestLogsPerCore } from '../lib/logquery.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import {
  coreOf,
  HOST_ALERTS,
  HOST_LOG_FIELDS,
  hostLabel,
  hostOf,
  plural,
  maxEventsArg,
  maxEvents,
  noteLines,
  prepare,
  resolveWindow,
  sinceArg,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
} from '../lib/logwindow.js';

export interface Burst {
  readonly start: number;
  end: number;
  /** Host → time of its first failure in the burst. */
  readonly hosts: Map<string, number>;
}

/**
 * Sliding window over failure events in time order: every event closes a window of `windowS`
 * seconds ending at it; windows with at least `minHosts` distinct hosts are kept and overlapping
 * ones merged into bursts. Each event enters and leaves the window once: O(n).
 */
export function bursts(events: ReadonlyArray<{ time: number; host: string }>, windowS: number, minHosts: number): Burst[] {
  const out: Burst[] = [];
  const inWindow = new Map<string, number>();
  let left = 0;
  let added = 0;
  for (let right = 0; right < events.length; right++) {
    const e = events[right] as { time: number; host: string };
    inWindow.set(e.host, (inWindow.get(e.host) ?? 0) + 1);
    while (left < right && (events[left]?.time ?? 0) < e.time - windowS) {
      const old = (events[left] as { host: string }).host;
      const n = (inWindow.get(old) ?? 1) - 1;
      if (n === 0) inWindow.delete(old);
      else inWindow.set(old, n);
      left++;
    }
    if (inWindow.size < minHosts) continue;
    const start = (events[left] as { time: number }).time;
    let b = out.at(-1);
    if (b === undefined || start > b.end) {
      b = { start, end: e.time, hosts: new Map() };
      out.push(b);
      added = left;
    } else b.end = Math.max(b.end, e.time);
    // Events before `added` are in the burst already; events are in time order, so the first time wins.
    for (let i = Math.max(added, left); i <= right; i++) {
      const ev = events[i] as { time: number; host: string };
      if (!b.hosts.has(ev.host)) b.hosts.set(ev.host, ev.time);
    }
    added = right + 1;
  }
  return out;
}

const burstRow = z.object({
  window_start: z.string(),
  window_end: z.string(),
  hosts: z
    .array(z.string())
    .describe(
      'Hosts that went DOWN/UNREACHABLE, in order of their first failure (at most sample_limit); name@core when several cores are in scope',
    ),
  hosts_truncated: z.boolean().optional(),
  count: z.number().describe('Distinct hosts'),
  first_host: z.string().describe('The host that failed first: a likely cause'),
});

export const concurrentFailures = defineTool({
  name: 'thruk_concurrent_failures',
  title: 'Concurrent host failures',
  toolset: 'triage',
  access: 'read',
  description: 'Concurrent failures: windows in which at least min_hosts hosts failed together. One event or many?',
  input: z
    .object({
      since: sinceArg('-1h'),
      until: untilArg,
      window_minutes: z.number().int().min(1).max(1440).default(5).describe('Sliding window width'),
      min_hosts: z.number().int().min(2).max(100_000).default(3).describe('Minimum failing hosts per window'),
      filter: filterSchema(HOST_LOG_FIELDS).optional(),
      sample_limit: z.number().int().min(1).max(1000).default(100).describe('Host names listed per window'),
      max_events: maxEventsArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    window_minutes: z.number(),
    min_hosts: z.number(),
    total_down_events: z.number().describe('DOWN/UNREACHABLE host alerts in the window'),
    events_analysed: z.number(),
    analysed_since: z.string().optional().describe('Start of the part analysed when max_events cut the window'),
    results: z.array(burstRow),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-1h');
    const p = await prepare(ctx, w, [...HOST_ALERTS, { field: 'state', op: 'gte', value: 1 }], backends);
    // Several cores: each core's newest max_events, and a host is name@core (one name on two cores is two hosts).
    const got = await fetchNewestLogsPerCore(ctx, p, {
      since: w.since,
      until: w.until,
      columns: ['host_name', 'time'],
      maxRows: maxEvents(ctx, args.max_events),
      backends,
      order: 'oldest',
      notes: w.notes,
    });
    const events = got.rows
      .filter((r) => hostOf(r) !== '')
      .map((r) => ({ time: num(r.time), host: hostLabel(hostOf(r), coreOf(r)) }))
      .sort((a, b) => a.time - b.time);
    const found = bursts(events, args.window_minutes * 60, args.min_hosts);
    const results = found.map((b) => {
      const ordered = [...b.hosts.entries()].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).map(([h]) => h);
      return {
        window_start: iso(b.start),
        window_end: iso(b.end),
        hosts: ordered.slice(0, args.sample_limit),
        ...(ordered.length > args.sample_limit ? { hosts_truncated: true } : {}),
        count: ordered.length,
        first_host: ordered[0] ?? '',
      };
    });
    const notes = [...w.notes];
    if (got.truncated) {
      notes.push(
        `The window holds ${got.total} DOWN/UNREACHABLE alerts, more than max_events=${maxEvents(ctx, args.max_events)}: analysed the newest ${got.rows.length}, from ${iso(got.fetchedSince)}. Narrow the window or filter, or raise max_events.`,
      );
    }
    const head = `Concurrent failures ${windowText(w)}: ${results.length === 0 ? `no ${args.window_minutes}-minute window with ${args.min_hosts}+ failing hosts` : `${plural(results.length, 'burst')} of ${args.min_hosts}+ hosts failing within ${args.window_minutes} min`} (${plural(got.total, 'DOWN/UNREACHABLE alert')}).`;
    const lines = results.map(
      (r) =>
        `${r.window_start} to ${r.window_end} | ${r.count} | ${cell(r.first_host)} | ${cell(r.hosts.join(', '), 100_000)}${r.hosts_truncated === true ? `, … (${r.count - r.hosts.length} more; raise sample_limit)` : ''}`,
    );
    const text = [
      head,
      ...(lines.length > 0 ? ['window | hosts | first to fail | hosts in order of failure', ...lines] : []),
      ...noteLines(notes),
    ];
    const data = withNotes(
      {
        ...windowData(w),
        window_minutes: args.window_minutes,
        min_hosts: args.min_hosts,
        total_down_events: got.total,
        events_analysed: got.rows.length,
        ...(got.truncated ? { analysed_since: iso(got.fetchedSince) } : {}),
        results,
      },
      notes,
    );
    return { data, text: text.join('\n') };
  },
});
