import { z } from 'zod';
import { parsePerfData } from '../lib/perfdata.js';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, serviceStateName } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { disagreementNote, labelText, metricOut, metricOutput, SERVICE_FILTER_FIELDS, servicesWithPerf, str, valueText } from './common.js';
import { headroomOf } from '../lib/headroom.js';

const nearRow = metricOutput.extend({
  host: z.string(),
  service: z.string(),
  state: z.string().describe('Current service state'),
  peer_name: z.string().optional(),
  threshold: z.enum(['warning', 'critical']).describe('The threshold the headroom is measured to: warning when set, else critical'),
  headroom: z.number().describe("Distance to that threshold in the metric's unit; negative when already breached"),
  headroom_percent: z.number().describe('headroom as % of headroom_basis'),
  headroom_basis: z
    .enum(['ok_range', 'threshold', 'value'])
    .describe(
      'ok_range: of the width of the OK band the value is in (e.g. min..warning); threshold: of the threshold value (open-ended band); value: of the value',
    ),
});
type NearRow = z.output<typeof nearRow>;

const nearOutput = z.object({
  scanned_services: z.number(),
  scanned_metrics: z.number(),
  without_threshold: z.number().describe('Metrics not considered: no threshold, a threshold outside min..max, or value U'),
  total: z.number().describe('Metrics within within_percent of their threshold (breached ones included)'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page'),
  truncated: z.boolean().optional(),
  rows: z.array(nearRow),
  notes: z.array(z.string()).optional(),
});

const BREACH_RANK: Record<string, number> = { critical: 0, warning: 1 };

function line(showPeer: boolean) {
  return (r: NearRow): string => {
    const value = `${valueText(r)}${r.percent_of_max !== undefined ? ` (${r.percent_of_max}% of max)` : ''}`;
    const head = `${r.headroom_percent}%${r.headroom_basis === 'ok_range' ? '' : ` of ${r.headroom_basis}`}`;
    const host = showPeer && r.peer_name !== undefined ? `${cell(r.host)}@${cell(r.peer_name)}` : cell(r.host);
    return [
      host,
      cell(r.service),
      cell(labelText(r.label), 120),
      value,
      cell(r.warn),
      cell(r.crit),
      head,
      r.breached.toUpperCase(),
      r.state,
    ].join(' | ');
  };
}

export const perfdataNearThreshold = defineTool({
  name: 'thruk_perfdata_near_threshold',
  title: 'Metrics near their thresholds',
  toolset: 'perfdata',
  access: 'read',
  description: 'Disks, memory and other metrics closest to (or past) their threshold: "which disks fill up soonest?"',
  input: z
    .object({
      filter: filterSchema(SERVICE_FILTER_FIELDS).optional(),
      within_percent: z.number().min(0).max(1000).default(10).describe('Max headroom in % of the OK band'),
      limit: limitArg(200),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: nearOutput,
  run: async (ctx, args) => {
    const services = await servicesWithPerf(ctx, args.filter, parseBackends(args.backends));
    let scanned = 0;
    let without = 0;
    const hits: NearRow[] = [];
    for (const s of services) {
      for (const m of parsePerfData(typeof s.perf_data === 'string' ? s.perf_data : '').metrics) {
        scanned++;
        const h = headroomOf(m);
        if (h === undefined) {
          without++;
          continue;
        }
        if (h.percent > args.within_percent) continue;
        hits.push({
          host: str(s.host_name),
          service: str(s.description),
          state: serviceStateName(s.state, s.has_been_checked),
          ...(typeof s.peer_name === 'string' ? { peer_name: s.peer_name } : {}),
          ...metricOut(m),
          threshold: h.threshold,
          headroom: h.distance,
          headroom_percent: h.percent,
          headroom_basis: h.basis,
        });
      }
    }
    hits.sort(
      (a, b) =>
        (BREACH_RANK[a.breached] ?? 2) - (BREACH_RANK[b.breached] ?? 2) ||
        a.headroom_percent - b.headroom_percent ||
        a.host.localeCompare(b.host) ||
        a.service.localeCompare(b.service) ||
        a.label.localeCompare(b.label),
    );
    const showPeer = new Set(hits.map((h) => h.peer_name)).size > 1;
    const p = page(hits, line(showPeer), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'metrics',
    });
    const rows = p.rows;
    const notes: string[] = [];
    const dis = disagreementNote(hits);
    if (dis !== undefined) notes.push(dis);
    const text: string[] = [];
    const scope = `${scanned} metrics of ${services.length} services scanned, ${without} without a reachable threshold`;
    if (p.meta.total === 0) text.push(`No metric within ${args.within_percent}% of its threshold (${scope}).`);
    else {
      const range =
        p.meta.returned === 0 ? `none of ${p.meta.total}` : `${p.meta.offset + 1}-${p.meta.offset + p.meta.returned} of ${p.meta.total}`;
      text.push(`metrics within ${args.within_percent}% of their threshold, breached first: ${range} (${scope})`);
      if (p.lines.length > 0) text.push('host | service | metric | value | warn | crit | headroom | breached | service state', ...p.lines);
    }
    const foot = pageFooter(p.meta);
    if (foot !== undefined) text.push(foot);
    for (const n of notes) text.push(`Note: ${n}`);
    const data: z.output<typeof nearOutput> = {
      scanned_services: services.length,
      scanned_metrics: scanned,
      without_threshold: without,
      ...p.meta,
      rows,
    };
    if (notes.length > 0) data.notes = notes;
    return { data, text: text.join('\n') };
  },
});
