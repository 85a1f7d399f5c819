import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../define.js';
import { cell, hostStateName, iso, num, when } from '../format.js';
import { aggregateLogs, prepareLogQuery, withHostSet } from '../logquery.js';
import { backendsArg, offsetArg, page, pageFooter, parseBackends, type Row } from '../state/common.js';
import {
  chunks, HOST_ALERTS, HOST_LOG_FIELDS, hostOf, NAME_CHUNK, noteLines, plural, resolveWindow, sinceArg, untilArg, windowData,
  windowOutput, windowText, withNotes, type LogWindow,
} from '../trends/common.js';
import { affectedHosts, downSince, wentDown, wentUnreachable, type HostHit } from './log-hosts.js';
import { attribute, confidence, walkUp, type Topology } from './topology.js';

export const includeCurrentArg = z
  .boolean()
  .default(true)
  .describe('Also hosts failing now whose alert is older than the window');

/** First DOWN alert in the window of hosts outside the caller's scope (the cause may sit elsewhere). */
async function downAlertsOf(ctx: ToolContext, w: LogWindow, names: readonly string[], backends: string[] | undefined): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (names.length === 0) return out;
  const p = await prepareLogQuery(ctx, { since: w.since, until: w.until, extra: [...HOST_ALERTS, { field: 'state', value: 1 }], backends });
  for (const chunk of chunks(names, NAME_CHUNK)) {
    for (const r of await aggregateLogs(ctx, withHostSet(p, chunk), { since: w.since, until: w.until, groupBy: ['host_name'], backends, notes: w.notes })) {
      out.set(hostOf(r), num(r.first));
    }
  }
  return out;
}

const rootRow = z.object({
  root_cause_host: z.string(),
  root_cause_state: z.string().describe('Its state now'),
  down_since: z.string().optional().describe('Start of its DOWN state (now DOWN) or its first DOWN alert in the window'),
  in_scope: z.boolean().describe('false when the root lies outside the filter (found through the parent chain)'),
  impacted_count: z.number().describe('Affected hosts attributed to this root, the root included when affected'),
  behind_count: z.number().describe('Affected hosts below the root'),
  unreachable_count: z.number(),
  impacted_hosts: z.array(z.string()).describe('Sample, at most sample_limit'),
  impacted_hosts_truncated: z.boolean(),
  impacted_hostgroups: z.array(z.string()),
  confidence: z.enum(['high', 'medium', 'low']).describe('high: 3+ impacted, medium: 2, low: 1 (isolated)'),
});
type RootRow = z.output<typeof rootRow>;

export const rootCause = defineTool({
  name: 'thruk_root_cause',
  title: 'Root cause by topology',
  toolset: 'triage',
  access: 'read',
  description: 'One outage or many? Attributes failed hosts to their topmost DOWN parent: "14 hosts behind dist-switch-02".',
  input: z
    .object({
      since: sinceArg('-1h'),
      until: untilArg,
      filter: filterSchema(HOST_LOG_FIELDS).optional(),
      limit: z.number().int().min(1).max(200_000).default(5000).describe('Most hosts read'),
      sample_limit: z.number().int().min(1).max(1000).default(50).describe('Host names per root cause'),
      include_current: includeCurrentArg,
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    live: z.boolean().describe('Current DOWN/UNREACHABLE hosts were included'),
    total_affected_hosts: z.number(),
    down_count: z.number(),
    unreachable_count: z.number(),
    total_root_causes: z.number(),
    offset: z.number(),
    returned: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean().optional(),
    root_causes: z.array(rootRow),
    unattributed_unreachable: z.array(z.string()).describe('UNREACHABLE hosts with no DOWN host above them (sample)'),
    unattributed_count: z.number(),
    topology_hosts: z.number().describe('Hosts read on the parent chains'),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-1h');
    const a = await affectedHosts(ctx, w, backends, args.include_current);
    const notes = [...w.notes];
    const topo: Topology = a.hosts.size > 0 ? await walkUp(ctx, [...a.hosts.keys()], args.limit, backends) : { hosts: new Map(), capped: false };
    if (topo.capped) notes.push(`The parent walk stopped at limit=${args.limit} hosts; some ancestors are unknown and their victims may be unattributed. Raise limit.`);
    const outside = [...topo.hosts.keys()].filter((n) => !a.hosts.has(n));
    // Without a filter every DOWN host of the window is in the affected set already.
    const outsideDown = w.filter !== undefined ? await downAlertsOf(ctx, w, outside, backends) : new Map<string, number>();
    const isDown = (n: string): boolean => {
      const h = a.hosts.get(n);
      if (h !== undefined) return wentDown(h);
      const t = topo.hosts.get(n);
      return outsideDown.has(n) || (a.live && t !== undefined && t.checked && t.state === 1);
    };
    // A DOWN host is its own root, so only hosts that were never DOWN stay unattributed.
    const { clusters, unattributed: unreachableOnly } = attribute(a.hosts.keys(), isDown, (n) => topo.hosts.get(n)?.parents ?? []);
    const rows: RootRow[] = [...clusters.entries()].map(([root, members]) => {
      const t = topo.hosts.get(root);
      const h: HostHit | undefined = a.hosts.get(root);
      const since = h !== undefined ? downSince(h) : t !== undefined && t.state === 1 && a.live ? t.lastStateChange : outsideDown.get(root);
      const impacted = [...members].sort();
      const groups = [...new Set(impacted.flatMap((m) => topo.hosts.get(m)?.groups ?? []))].sort();
      const r: RootRow = {
        root_cause_host: root,
        root_cause_state: t !== undefined ? hostStateName(t.state, t.checked) : 'DOWN',
        in_scope: a.hosts.has(root),
        impacted_count: members.size,
        behind_count: members.size - (members.has(root) ? 1 : 0),
        unreachable_count: impacted.filter((m) => { const x = a.hosts.get(m); return x !== undefined && wentUnreachable(x) && !wentDown(x); }).length,
        impacted_hosts: impacted.slice(0, args.sample_limit),
        impacted_hosts_truncated: impacted.length > args.sample_limit,
        impacted_hostgroups: groups,
        confidence: confidence(members.size),
      };
      if (since !== undefined && since > 0) r.down_since = iso(since);
      return r;
    });
    rows.sort((x, y) => y.impacted_count - x.impacted_count || x.root_cause_host.localeCompare(y.root_cause_host));
    const hits = [...a.hosts.values()];
    const now = ctx.now();
    const line = (x: Row): string => {
      const r = x as unknown as RootRow;
      const since = r.down_since !== undefined ? when(Date.parse(r.down_since) / 1000, now) : '';
      const more = r.impacted_hosts_truncated ? ` … (+${r.impacted_count - r.impacted_hosts.length}; raise sample_limit)` : '';
      return [`${r.root_cause_host}${r.in_scope ? '' : ' (outside filter)'}`, r.root_cause_state, since, r.behind_count === 0 ? '0 (isolated)' : `${r.behind_count} (${r.unreachable_count} UNREACHABLE)`, r.confidence, r.impacted_hostgroups.join(','), cell(`${r.impacted_hosts.join(', ')}${more}`, 100_000)].join(' | ');
    };
    const pg = page(rows, line, { offset: args.offset, limit: 1000, budgetTokens: ctx.config.maxAnswerTokens, what: 'root causes' });
    const scope = `${windowText(w)}${a.live ? ' plus hosts still DOWN/UNREACHABLE now' : ''}`;
    const text = [`Root causes ${scope}: ${plural(hits.length, 'affected host')} (${hits.filter(wentDown).length} DOWN, ${hits.filter((x) => wentUnreachable(x) && !wentDown(x)).length} UNREACHABLE only) → ${plural(rows.length, 'root cause')}, ${unreachableOnly.length} UNREACHABLE unattributed.`];
    const top = rows[0];
    if (top !== undefined && top.behind_count > 0) {
      const since = top.down_since !== undefined ? ` since ${top.down_since}, ${when(Date.parse(top.down_since) / 1000, now).replace(/ \(.*\)$/, '')}` : '';
      text.push(`Largest: ${plural(top.behind_count, 'host')} behind ${top.root_cause_host} (${top.root_cause_state}${since}).`);
    }
    if (pg.rows.length > 0) text.push('root | state now | down since | hosts behind it | confidence | hostgroups | impacted hosts', ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    if (unreachableOnly.length > 0) text.push(`Unattributed UNREACHABLE (no DOWN parent known): ${unreachableOnly.slice(0, args.sample_limit).join(', ')}${unreachableOnly.length > args.sample_limit ? ` … (+${unreachableOnly.length - args.sample_limit})` : ''}`);
    if (a.empty) notes.push('The filter matches no host.');
    text.push(...noteLines(notes));
    const data = withNotes({
      ...windowData(w),
      live: a.live,
      total_affected_hosts: hits.length,
      down_count: hits.filter(wentDown).length,
      unreachable_count: hits.filter(wentUnreachable).length,
      total_root_causes: rows.length,
      offset: pg.meta.offset,
      returned: pg.meta.returned,
      ...(pg.meta.next_offset !== undefined ? { next_offset: pg.meta.next_offset } : {}),
      ...(pg.meta.truncated === true ? { truncated: true } : {}),
      root_causes: pg.rows as unknown as RootRow[],
      unattributed_unreachable: unreachableOnly.slice(0, args.sample_limit),
      unattributed_count: unreachableOnly.length,
      topology_hosts: topo.hosts.size,
    }, notes);
    return { data, text: text.join('\n') };
  },
});
