import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { iso } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, parseBackends } from '../lib/list.js';
import { statsByObject, type ObjectStats } from './aggregate.js';
import {
  coreField,
  HOST_ALERTS,
  HOST_LOG_FIELDS,
  hostLabel,
  plural,
  hoursArg,
  NOT_OK,
  OBJECT_LOG_FIELDS,
  objectKey,
  pagingOutput,
  prepare,
  resolveWindow,
  SERVICE_ALERTS,
  sinceArg,
  stateTypeArg,
  stateTypeLeaves,
  stateWord,
  untilArg,
  windowData,
  windowOutput,
  withNotes,
  type LogWindow,
} from '../lib/logwindow.js';
import { hostGroupsOf, serviceGroupsOf } from './groups.js';
import { foldGroups, headerLine, noteLines, rankedRow, rankedText, type GroupFold, type RankedRow } from './ranking.js';

const noisyOutput = z.object({
  ...windowOutput,
  group_by: z.string(),
  state_type: z.string(),
  total_alerts_in_window: z.number().describe('Non-OK alerts in the window (recoveries excluded)'),
  objects: z.number().describe('Distinct objects with such alerts'),
  ...pagingOutput,
  results: z.array(rankedRow),
});
type NoisyOutput = z.output<typeof noisyOutput>;

function objectRow(s: ObjectStats): RankedRow {
  const r: RankedRow = {
    host: s.host,
    ...coreField(s.core),
    alert_count: s.count,
    last_state: stateWord(s.lastState, s.service),
    first_alert_time: iso(s.first),
    last_alert_time: iso(s.last),
  };
  if (s.service !== '') r.service = s.service;
  return r;
}

function groupRow(kind: 'host' | 'hostgroup' | 'servicegroup', g: GroupFold, withServices: boolean): RankedRow {
  const r: RankedRow = { alert_count: g.count, first_alert_time: iso(g.first), last_alert_time: iso(g.last) };
  if (kind === 'host') r.host = g.name;
  else {
    r[kind] = g.name;
    r.hosts_affected = g.hosts.size;
  }
  if (withServices) r.services_affected = g.services.size;
  return r;
}

interface RankArgs {
  readonly limit: number;
  readonly offset: number;
  readonly group_by: string;
  readonly state_type: 'any' | 'hard' | 'soft';
}

function answer(
  ctx: ToolContext,
  w: LogWindow,
  args: RankArgs,
  kind: 'host' | 'service',
  stats: readonly ObjectStats[],
  rows: RankedRow[],
  what: string,
): { data: NoisyOutput; text: string } {
  const total = stats.reduce((a, s) => a + s.count, 0);
  const alerts = `${args.state_type === 'any' ? '' : `${args.state_type.toUpperCase()} `}non-OK ${kind} alerts`;
  const summary =
    total === 0
      ? `no ${alerts}.`
      : `${total} ${alerts} on ${plural(stats.length, kind)} (recoveries excluded), grouped by ${args.group_by}.`;
  const title = kind === 'host' ? 'Noisy hosts' : 'Noisy services';
  const r = rankedText(headerLine(title, w, summary), rows, {
    offset: args.offset,
    limit: args.limit,
    budgetTokens: ctx.config.maxAnswerTokens,
    nowMs: ctx.now(),
    what,
  });
  const data = withNotes(
    {
      ...windowData(w),
      group_by: args.group_by,
      state_type: args.state_type,
      total_alerts_in_window: total,
      objects: stats.length,
      ...r.meta,
      results: r.rows,
    },
    w.notes,
  );
  return { data, text: [...r.text, ...noteLines(w.notes)].join('\n') };
}

export const topNoisyHosts = defineTool({
  name: 'thruk_top_noisy_hosts',
  title: 'Noisiest hosts',
  toolset: 'trends',
  access: 'read',
  description: 'Noisy hosts: hosts (or host groups) ranked by non-OK alert count in a window.',
  input: z
    .object({
      since: sinceArg('-24h'),
      until: untilArg,
      limit: limitArg(10),
      offset: offsetArg,
      group_by: z.enum(['host', 'hostgroup']).default('host').describe('Rank hosts or host groups'),
      state_type: stateTypeArg,
      filter: filterSchema(HOST_LOG_FIELDS).optional(),
      backends: backendsArg,
      hours: hoursArg,
    })
    .strict(),
  output: noisyOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-24h');
    const p = await prepare(ctx, w, [...HOST_ALERTS, NOT_OK, ...stateTypeLeaves(args.state_type)], backends);
    const stats = await statsByObject(ctx, p, w, false, backends);
    let rows: RankedRow[];
    if (args.group_by === 'hostgroup') {
      const groups = await hostGroupsOf(
        ctx,
        stats.map((s) => s.host),
        backends,
      );
      rows = foldGroups(stats, (s) => groups.get(s.host) ?? []).map((g) => groupRow('hostgroup', g, false));
    } else rows = stats.map(objectRow);
    return answer(ctx, w, args, 'host', stats, rows, args.group_by === 'hostgroup' ? 'host groups' : 'hosts');
  },
});

export const topNoisyServices = defineTool({
  name: 'thruk_top_noisy_services',
  title: 'Noisiest services',
  toolset: 'trends',
  access: 'read',
  description: 'Noisy services: ranked by non-OK alert count in a window, or rolled up per host or group.',
  input: z
    .object({
      since: sinceArg('-24h'),
      until: untilArg,
      limit: limitArg(10),
      offset: offsetArg,
      group_by: z
        .enum(['service', 'host', 'hostgroup', 'servicegroup'])
        .default('service')
        .describe('Rank services or roll up per host or group'),
      state_type: stateTypeArg,
      filter: filterSchema(OBJECT_LOG_FIELDS).optional(),
      backends: backendsArg,
      hours: hoursArg,
    })
    .strict(),
  output: noisyOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-24h');
    const p = await prepare(ctx, w, [...SERVICE_ALERTS, NOT_OK, ...stateTypeLeaves(args.state_type)], backends);
    const stats = await statsByObject(ctx, p, w, true, backends);
    const hosts = [...new Set(stats.map((s) => s.host))];
    let rows: RankedRow[];
    let what = 'services';
    if (args.group_by === 'host') {
      // A host is a host on one core: the same name on two cores is rolled up twice.
      const who = new Map(stats.map((s) => [hostLabel(s.host, s.core), s]));
      rows = foldGroups(stats, (s) => [hostLabel(s.host, s.core)]).map((g) => {
        const s = who.get(g.name);
        return { ...groupRow('host', g, true), ...(s !== undefined ? { host: s.host, ...coreField(s.core) } : {}) };
      });
      what = 'hosts';
    } else if (args.group_by === 'hostgroup') {
      const groups = await hostGroupsOf(ctx, hosts, backends);
      rows = foldGroups(stats, (s) => groups.get(s.host) ?? []).map((g) => groupRow('hostgroup', g, true));
      what = 'host groups';
    } else if (args.group_by === 'servicegroup') {
      const groups = await serviceGroupsOf(ctx, hosts, backends);
      rows = foldGroups(stats, (s) => groups.get(objectKey(s.host, s.service)) ?? []).map((g) => groupRow('servicegroup', g, true));
      what = 'service groups';
    } else rows = stats.map(objectRow);
    return answer(ctx, w, args, 'service', stats, rows, what);
  },
});
