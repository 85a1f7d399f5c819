import { z } from 'zod';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell } from '../lib/format.js';
import { limitArg, offsetArg, page, pageFooter, parseBackends, type Row } from '../lib/list.js';
import { objectName } from '../lib/objects.js';
import {
  optionsText,
  resolveReportWindow,
  windowArgs,
  windowOf,
  windowOutput,
  reportWindowText,
  type ResolvedWindow,
  type WindowArgs,
  type WindowOutput,
} from './common.js';
import { asRows, availabilityPath, fetchAvailability, hostgroupInfo, unaddressable } from '../lib/availability-lookup.js';
import {
  availRowOutput,
  identity,
  LINE_HEADER,
  line,
  MAX_BELOW_NAMES,
  rollup,
  rollupOutput,
  rollupText,
  summarize,
  thrukTotal,
  worstFirst,
  type AvailRow,
  type Kind,
  type Summary,
} from './summary.js';

const hostgroupArg = objectName('Host group name');

interface GroupReport {
  readonly hosts: Summary[];
  readonly services: Summary[];
  readonly window: WindowOutput;
  readonly notes: string[];
}

async function fetchKind(
  ctx: ToolContext,
  path: string,
  w: ResolvedWindow,
  kind: Kind,
  backends: string[] | undefined,
): Promise<{ rows: Row[]; other: number }> {
  const type = kind === 'host' ? 'hosts' : 'services';
  const all = asRows(await fetchAvailability(ctx, path, [...w.params, ['type', type]], backends));
  const rows = all.filter((r) => identity(r).kind === kind);
  return { rows, other: all.length - rows.length };
}

/** One availability report per requested kind, after making sure the group exists. */
export async function groupReport(
  ctx: ToolContext,
  group: string,
  kinds: readonly Kind[],
  args: WindowArgs & { backends?: string | undefined },
): Promise<GroupReport> {
  const backends = parseBackends(args.backends);
  const w = resolveReportWindow(args, ctx.now());
  const path = availabilityPath('hostgroups', group);
  const [infoRes, fetchedRes] = await Promise.allSettled([
    hostgroupInfo(ctx, group, backends),
    Promise.all(path === undefined ? [] : kinds.map((k) => fetchKind(ctx, path, w, k, backends))),
  ]);
  // An unknown group is the caller's mistake to fix first, whatever the report call said.
  if (infoRes.status === 'rejected') throw infoRes.reason;
  if (path === undefined) throw unaddressable('host group', group);
  if (fetchedRes.status === 'rejected') throw fetchedRes.reason;
  const notes = [...w.notes];
  const byKind: Record<Kind, Row[]> = { host: [], service: [] };
  fetchedRes.value.forEach((value, i) => {
    const kind = kinds[i] ?? 'host';
    byKind[kind] = value.rows;
    if (value.rows.length === 0 && value.other > 0) {
      notes.push(
        `Thruk answered type=${kind}s with ${value.other} rows of the other kind only; this Thruk does not report ${kind}s per host group.`,
      );
    }
  });
  const firstRow = byKind.host[0] ?? byKind.service[0];
  const thrukSeconds = firstRow === undefined ? 0 : thrukTotal(firstRow, identity(firstRow).kind);
  const windowSeconds = w.since !== undefined && w.until !== undefined ? w.until - w.since : thrukSeconds;
  const sum = (kind: Kind) => byKind[kind].map((r) => summarize(r, kind, windowSeconds, args.with_downtimes, identity(r))).sort(worstFirst);
  const { members } = infoRes.value;
  const hosts = sum('host');
  const seen = new Set(hosts.map((h) => h.row.host));
  const absent = kinds.includes('host') ? members.filter((m) => !seen.has(m)) : [];
  if (absent.length > 0) {
    notes.push(
      `${absent.length} member host(s) are missing from Thruk's report (no permission, or no data): ${absent
        .slice(0, 10)
        .map((m) => cell(m))
        .join(', ')}${absent.length > 10 ? ', …' : ''}.`,
    );
  }
  return { hosts, services: sum('service'), window: windowOf(w, thrukSeconds > 0 ? thrukSeconds : undefined, ctx.now()), notes };
}

const optionsOutput = z.object({ with_downtimes: z.boolean(), include_soft_states: z.boolean() });

const listOutput = z.object({
  hostgroup: z.string(),
  type: z.enum(['hosts', 'services', 'both']),
  window: windowOutput,
  options: optionsOutput,
  total: z.number(),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page'),
  truncated: z.boolean().optional().describe('true when the answer budget cut this page short'),
  rows: z.array(availRowOutput).describe('Hosts worst first, then services worst first'),
  notes: z.array(z.string()).optional(),
});

export const hostgroupAvailability = defineTool({
  name: 'thruk_hostgroup_availability',
  title: 'Host group availability',
  toolset: 'availability',
  access: 'read',
  description: 'Host group availability (SLA) of every host (and/or service), worst first.',
  input: z
    .object({
      hostgroup: hostgroupArg,
      type: z.enum(['hosts', 'services', 'both']).default('hosts').describe('Hosts, their services, or both'),
      ...windowArgs,
      limit: limitArg(100),
      offset: offsetArg,
    })
    .strict(),
  output: listOutput,
  run: async (ctx, args) => {
    const kinds: Kind[] = args.type === 'both' ? ['host', 'service'] : args.type === 'hosts' ? ['host'] : ['service'];
    const rep = await groupReport(ctx, args.hostgroup, kinds, args);
    const all = [...rep.hosts, ...rep.services];
    const p = page(all, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'objects',
    });
    const rows = p.rows.map((s) => s.row);
    const what = args.type === 'both' ? 'hosts and services' : args.type;
    const text = [`Availability in host group ${cell(args.hostgroup)} (${what}), ${reportWindowText(rep.window)}`, optionsText(args)];
    if (p.meta.total === 0) text.push(`No ${what} reported for this group.`);
    else {
      const noData = all.filter((s) => s.row.status === 'no_data').length;
      text.push(
        `${what} ${p.meta.returned === 0 ? `none of ${p.meta.total}` : `${p.meta.offset + 1}-${p.meta.offset + p.meta.returned} of ${p.meta.total}`}, worst first${noData > 0 ? ` (${noData} without data, listed last)` : ''}:`,
      );
      if (p.lines.length > 0) text.push(LINE_HEADER, ...p.lines);
    }
    const foot = pageFooter(p.meta);
    if (foot !== undefined) text.push(foot);
    for (const n of rep.notes) text.push(`Note: ${n}`);
    const data: z.output<typeof listOutput> = {
      hostgroup: args.hostgroup,
      type: args.type,
      window: rep.window,
      options: { with_downtimes: args.with_downtimes, include_soft_states: args.include_soft_states },
      ...p.meta,
      rows,
    };
    if (rep.notes.length > 0) data.notes = rep.notes;
    return { data, text: text.join('\n') };
  },
});

const summaryOutput = z.object({
  hostgroup: z.string(),
  window: windowOutput,
  options: optionsOutput,
  target_percent: z.number(),
  hosts: rollupOutput,
  services: rollupOutput.optional(),
  total: z.number().describe('Hosts in the report'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page of hosts'),
  truncated: z.boolean().optional(),
  rows: z.array(availRowOutput).describe('Per host, worst first'),
  services_below_target: z.array(availRowOutput).optional().describe(`Services below target, worst first, at most ${MAX_BELOW_NAMES}`),
  notes: z.array(z.string()).optional(),
});

export const hostgroupAvailabilitySummary = defineTool({
  name: 'thruk_hostgroup_availability_summary',
  title: 'Host group SLA summary',
  toolset: 'availability',
  access: 'read',
  description: 'Host group SLA roll-up: mean, worst host, count below target_percent, planned vs unplanned.',
  input: z
    .object({
      hostgroup: hostgroupArg,
      ...windowArgs,
      target_percent: z.number().min(0).max(100).default(99.9).describe('SLA target in %'),
      include_services: z.boolean().default(false).describe('Also roll up the services'),
      limit: limitArg(50),
      offset: offsetArg,
    })
    .strict(),
  output: summaryOutput,
  run: async (ctx, args) => {
    const rep = await groupReport(ctx, args.hostgroup, args.include_services ? ['host', 'service'] : ['host'], args);
    const hosts = rollup(rep.hosts, args.target_percent);
    const services = args.include_services ? rollup(rep.services, args.target_percent) : undefined;
    const p = page(rep.hosts, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'hosts',
    });
    const notes = [...rep.notes];
    const text = [
      `SLA summary of host group ${cell(args.hostgroup)}, ${reportWindowText(rep.window)}, target ${args.target_percent}%`,
      optionsText(args),
      rollupText('Hosts', hosts, args.target_percent),
    ];
    if (services !== undefined) text.push(rollupText('Services', services, args.target_percent));
    if (p.lines.length > 0)
      text.push(`hosts ${p.meta.offset + 1}-${p.meta.offset + p.meta.returned} of ${p.meta.total}, worst first:`, LINE_HEADER, ...p.lines);
    const foot = pageFooter(p.meta);
    if (foot !== undefined) text.push(foot);
    let below: AvailRow[] | undefined;
    if (services !== undefined) {
      const bad = rep.services.filter((s) => s.known > 0 && (s.row.availability_percent ?? 100) < args.target_percent);
      below = bad.slice(0, MAX_BELOW_NAMES).map((s) => s.row);
      if (bad.length > 0)
        text.push(`services below ${args.target_percent}% (${bad.length}):`, LINE_HEADER, ...bad.slice(0, MAX_BELOW_NAMES).map(line));
      if (bad.length > MAX_BELOW_NAMES)
        notes.push(
          `Only the worst ${MAX_BELOW_NAMES} of ${bad.length} services below target are listed; use thruk_hostgroup_availability with type=services and offset to page through all.`,
        );
    }
    if (hosts.below_target > MAX_BELOW_NAMES)
      notes.push(`below_target_names lists the worst ${MAX_BELOW_NAMES} of ${hosts.below_target}; the per-host rows page through all.`);
    for (const n of notes) text.push(`Note: ${n}`);
    const data: z.output<typeof summaryOutput> = {
      hostgroup: args.hostgroup,
      window: rep.window,
      options: { with_downtimes: args.with_downtimes, include_soft_states: args.include_soft_states },
      target_percent: args.target_percent,
      hosts,
      ...p.meta,
      rows: p.rows.map((s) => s.row),
    };
    if (services !== undefined) data.services = services;
    if (below !== undefined) data.services_below_target = below;
    if (notes.length > 0) data.notes = notes;
    return { data, text: text.join('\n') };
  },
});
