import { readCores } from '../lib/cores.js';
import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, estimateTokens, hostStateName, iso, num, when } from '../lib/format.js';
import { aggregateLogs, prepareLogQuery, withHostSet } from '../lib/logquery.js';
import { backendsArg, getRows, offsetArg, page, parseBackends, type Row } from '../lib/list.js';
import {
  chunks,
  HOST_ALERTS,
  HOST_LOG_FIELDS,
  hostOf,
  NAME_CHUNK,
  noteLines,
  plural,
  resolveWindow,
  sinceArg,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
  type LogWindow,
} from '../lib/logwindow.js';
import { affectedHosts, downSince, type AffectedHosts, type HostHit } from './log-hosts.js';
import { attribute, confidence, hostKey, nameOfKey, peerOfKey, readTopology, readTopologyBase, type TopoHost } from './topology.js';

export const includeCurrentArg = z.boolean().default(true).describe('Also hosts failing now whose alert is older than the window');

/**
 * What a host counts as: its state now when it is failing now, else DOWN when it had a DOWN alert
 * in the window, else UNREACHABLE. One class per host, so the counts add up (a host with DOWN
 * and UNREACHABLE alerts, common on Icinga 2, is not counted twice or under two names).
 */
export function hitClass(h: HostHit): 1 | 2 {
  if (h.current !== undefined) return h.current.state === 1 ? 1 : 2;
  return h.down !== undefined ? 1 : 2;
}

interface Core {
  id: string;
  name: string;
}

/** The cores in the caller's scope (several: the topology and the counts are per core). */
async function coresInScope(ctx: ToolContext, backends: string[] | undefined): Promise<Core[]> {
  let rows: Row[];
  try {
    rows = await getRows(ctx, '/sites', [], backends);
  } catch {
    return [];
  }
  const cores = rows
    .map((r) => ({
      id: typeof r.id === 'string' ? r.id : typeof r.peer_key === 'string' ? r.peer_key : '',
      name: typeof r.name === 'string' ? r.name : '',
    }))
    .filter((c) => c.id !== '');
  return backends === undefined ? cores : cores.filter((c) => backends.includes(c.id) || backends.includes(c.name));
}

/** First DOWN alert in the window of hosts outside the caller's scope (the cause may sit elsewhere). */
async function downAlertsOf(
  ctx: ToolContext,
  w: LogWindow,
  names: readonly string[],
  backends: string[] | undefined,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (names.length === 0) return out;
  const p = await prepareLogQuery(ctx, { since: w.since, until: w.until, extra: [...HOST_ALERTS, { field: 'state', value: 1 }], backends });
  for (const chunk of chunks(names, NAME_CHUNK)) {
    for (const r of await aggregateLogs(ctx, withHostSet(p, chunk), {
      since: w.since,
      until: w.until,
      groupBy: ['host_name'],
      backends,
      notes: w.notes,
    })) {
      out.set(hostOf(r), num(r.first));
    }
  }
  return out;
}

const rootRow = z.object({
  root_cause_host: z.string(),
  core: z.string().optional().describe('The core (backend) of the root and its hosts, when several are in scope'),
  root_cause_state: z.string().describe('Its state now'),
  down_since: z.string().optional().describe('Start of its DOWN state (now DOWN) or its first DOWN alert in the window'),
  in_scope: z.boolean().describe('false when the root lies outside the filter (found through the parent chain)'),
  impacted_count: z.number().describe('Affected hosts attributed to this root, the root included when affected'),
  behind_count: z.number().describe('Affected hosts below the root'),
  unreachable_count: z.number().describe('Of the impacted hosts, those counted UNREACHABLE'),
  impacted_hosts: z.array(z.string()).describe('Sample, at most sample_limit'),
  impacted_hosts_truncated: z.boolean(),
  impacted_hostgroups: z.array(z.string()),
  confidence: z.enum(['high', 'medium', 'low']).describe('high: 3+ impacted, medium: 2, low: 1 (isolated)'),
});
type RootRow = z.output<typeof rootRow>;

const DEFAULT_ROWS = 100;

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
      // Was "most hosts read" (the Python server's topology scan cap); the topology is now always
      // read completely, so limit pages the answer like everywhere else. Old values stay valid.
      limit: z
        .number()
        .int()
        .min(1)
        .max(200_000)
        .default(DEFAULT_ROWS)
        .describe(`Most root causes listed per page (default ${DEFAULT_ROWS}); the parent graph is always read completely`),
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
    down_count: z.number().describe('Affected hosts counted DOWN: DOWN now, or (not failing now) a DOWN alert in the window'),
    unreachable_count: z
      .number()
      .describe('Affected hosts counted UNREACHABLE (the rest); down_count + unreachable_count = total_affected_hosts'),
    total_root_causes: z.number(),
    cores: z.array(z.string()).optional().describe('The cores in scope, when several: each has its own topology'),
    offset: z.number(),
    returned: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean().optional(),
    root_causes: z.array(rootRow),
    unattributed_unreachable: z
      .array(z.string())
      .describe('UNREACHABLE hosts with no DOWN host above them (sample; name@core when several cores)'),
    unattributed_count: z.number(),
    topology_hosts: z.number().describe('Hosts read for the parent graph'),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-1h');
    // The parent graph's first reads need nothing from the log: asked with the first requests.
    const base = readTopologyBase(ctx, backends);
    base.catch(() => undefined);
    // The core start times (/processinfo) the log reads need later are asked with the sites.
    const [cores] = await Promise.all([coresInScope(ctx, backends), readCores(ctx, backends).catch(() => undefined)]);
    const perCore = cores.length > 1;
    const coreName = new Map(cores.map((c) => [c.id, c.name !== '' ? c.name : c.id]));
    // Several cores: the log and the current state are read per core, so a host name on two cores
    // is two hosts (Thruk's grouped log stats merge the cores' rows by name).
    const parts: Array<{ peer: string; a: AffectedHosts }> = perCore
      ? await Promise.all(cores.map(async (c) => ({ peer: c.id, a: await affectedHosts(ctx, w, [c.id], args.include_current) })))
      : [{ peer: '', a: await affectedHosts(ctx, w, backends, args.include_current) }];
    const affected = new Map<string, HostHit>();
    for (const { peer, a } of parts) for (const [name, h] of a.hosts) affected.set(hostKey(peer, name), h);
    const live = parts.some((x) => x.a.live);
    const notes = [...w.notes];
    const topo =
      affected.size > 0
        ? await readTopology(ctx, affected.keys(), perCore, backends, base)
        : { hosts: new Map<string, TopoHost>(), requests: 0 };
    const parentKeys = (k: string): string[] => {
      const t = topo.hosts.get(k);
      return t === undefined ? [] : t.parents.map((p) => hostKey(t.peer, p));
    };
    // Without a filter every DOWN host of the window is in the affected set already.
    const outsideDown = new Map<string, number>();
    if (w.filter !== undefined) {
      const outside = [...topo.hosts.values()].filter((t) => !affected.has(t.key));
      for (const peer of perCore ? cores.map((c) => c.id) : ['']) {
        const names = outside.filter((t) => t.peer === peer).map((t) => t.name);
        for (const [name, first] of await downAlertsOf(ctx, w, names, perCore ? [peer] : backends))
          outsideDown.set(hostKey(peer, name), first);
      }
    }
    const isDown = (k: string): boolean => {
      const h = affected.get(k);
      if (h !== undefined) return hitClass(h) === 1;
      const t = topo.hosts.get(k);
      return outsideDown.has(k) || (live && t !== undefined && t.checked && t.state === 1);
    };
    const { clusters, unattributed } = attribute(affected.keys(), isDown, parentKeys);
    const label = (k: string): string => (perCore ? `${nameOfKey(k)}@${coreName.get(peerOfKey(k)) ?? '?'}` : nameOfKey(k));
    const rows: RootRow[] = [...clusters.entries()].map(([root, members]) => {
      const t = topo.hosts.get(root);
      const h = affected.get(root);
      const since = h !== undefined ? downSince(h) : t !== undefined && t.state === 1 && live ? t.lastStateChange : outsideDown.get(root);
      const impacted = [...members].map(nameOfKey).sort();
      const groups = [...new Set([...members].flatMap((m) => topo.hosts.get(m)?.groups ?? []))].sort();
      const r: RootRow = {
        root_cause_host: nameOfKey(root),
        root_cause_state: t !== undefined ? hostStateName(t.state, t.checked) : 'DOWN',
        in_scope: affected.has(root),
        impacted_count: members.size,
        behind_count: members.size - (members.has(root) ? 1 : 0),
        unreachable_count: [...members].filter((m) => {
          const x = affected.get(m);
          return x !== undefined && hitClass(x) === 2;
        }).length,
        impacted_hosts: impacted.slice(0, args.sample_limit),
        impacted_hosts_truncated: impacted.length > args.sample_limit,
        impacted_hostgroups: groups,
        confidence: confidence(members.size),
      };
      if (perCore) r.core = coreName.get(peerOfKey(root)) ?? '';
      if (since !== undefined && since > 0) r.down_since = iso(since);
      return r;
    });
    rows.sort(
      (x, y) =>
        y.impacted_count - x.impacted_count ||
        x.root_cause_host.localeCompare(y.root_cause_host) ||
        (x.core ?? '').localeCompare(y.core ?? ''),
    );
    const hits = [...affected.values()];
    const downCount = hits.filter((x) => hitClass(x) === 1).length;
    const now = ctx.now();
    const rootCell = (r: RootRow): string =>
      `${r.root_cause_host}${r.core !== undefined ? `@${r.core}` : ''}${r.in_scope ? '' : ' (outside filter)'}`;
    const line = (r: RootRow): string => {
      const since = r.down_since !== undefined ? when(Date.parse(r.down_since) / 1000, now) : '';
      const more = r.impacted_hosts_truncated ? ` … (+${r.impacted_count - r.impacted_hosts.length}; raise sample_limit)` : '';
      return [
        rootCell(r),
        r.root_cause_state,
        since,
        r.behind_count === 0 ? '0 (isolated)' : `${r.behind_count} (${r.unreachable_count} UNREACHABLE)`,
        r.confidence,
        r.impacted_hostgroups.join(','),
        cell(`${r.impacted_hosts.join(', ')}${more}`, 100_000),
      ].join(' | ');
    };
    if (parts.every((x) => x.a.empty) && !notes.some((n) => /matches no host/.test(n))) notes.push('The filter matches no host.');
    const scope = `${windowText(w)}${live ? ' plus hosts still DOWN/UNREACHABLE now' : ''}${perCore ? ` on ${cores.length} cores (${cores.map((c) => coreName.get(c.id)).join(', ')}), each its own topology` : ''}`;
    const head = [
      `Root causes ${scope}: ${plural(hits.length, 'affected host')} (${downCount} DOWN, ${hits.length - downCount} UNREACHABLE) → ${plural(rows.length, 'root cause')}, ${unattributed.length} UNREACHABLE unattributed.`,
      ...noteLines(notes),
    ];
    const top = rows[0];
    if (top !== undefined && top.behind_count > 0) {
      const since =
        top.down_since !== undefined
          ? ` since ${top.down_since}, ${when(Date.parse(top.down_since) / 1000, now).replace(/ \(.*\)$/, '')}`
          : '';
      head.push(`Largest: ${plural(top.behind_count, 'host')} behind ${rootCell(top)} (${top.root_cause_state}${since}).`);
    }
    const tail: string[] = [];
    if (unattributed.length > 0)
      tail.push(
        `Unattributed UNREACHABLE (no DOWN parent known): ${unattributed.slice(0, args.sample_limit).map(label).join(', ')}${unattributed.length > args.sample_limit ? ` … (+${unattributed.length - args.sample_limit})` : ''}`,
      );
    // The headline, the notes and the unattributed list are never cut: the rows get what is left.
    const fixed = estimateTokens([...head, ...tail].join('\n')) + 100;
    const pg = page(rows, line, {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: Math.max(200, ctx.config.maxAnswerTokens - fixed),
      what: 'root causes',
    });
    const text = [...head];
    if (pg.rows.length > 0)
      text.push('root | state now | down since | hosts behind it | confidence | hostgroups | impacted hosts', ...pg.lines);
    if (pg.meta.next_offset !== undefined) {
      const left = pg.meta.total - pg.meta.next_offset;
      const sampled = pg.rows.some((r) => r.impacted_hosts.length > 5);
      const why =
        pg.meta.truncated === true
          ? ` (cut to fit the answer budget${sampled ? '; a smaller sample_limit fits more root causes per page' : ''})`
          : '';
      text.push(`${plural(left, 'more root cause')} not shown${why}. Next page: offset=${pg.meta.next_offset}.`);
    }
    text.push(...tail);
    const data = withNotes(
      {
        ...windowData(w),
        live,
        total_affected_hosts: hits.length,
        down_count: downCount,
        unreachable_count: hits.length - downCount,
        total_root_causes: rows.length,
        ...(perCore ? { cores: cores.map((c) => coreName.get(c.id) ?? c.id) } : {}),
        offset: pg.meta.offset,
        returned: pg.meta.returned,
        ...(pg.meta.next_offset !== undefined ? { next_offset: pg.meta.next_offset } : {}),
        ...(pg.meta.truncated === true ? { truncated: true } : {}),
        root_causes: pg.rows,
        unattributed_unreachable: unattributed.slice(0, args.sample_limit).map(label),
        unattributed_count: unattributed.length,
        topology_hosts: topo.hosts.size,
      },
      notes,
    );
    return { data, text: text.join('\n') };
  },
});
