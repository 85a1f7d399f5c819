import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { multiplePeers } from '../lib/rows.js';
import {
  metricBrief,
  metricOutput,
  parsedService,
  SERVICE_FILTER_FIELDS,
  servicesWithPerf,
  warningsNote,
  type ParsedService,
} from './common.js';

const serviceMetrics = z.object({
  host: z.string(),
  service: z.string(),
  state: z.string(),
  peer_name: z.string().optional(),
  metrics: z.array(metricOutput),
  warnings: z.array(z.string()).optional(),
});

const snapshotOutput = z.object({
  total: z.number().describe('Services with perf data matching the filter'),
  offset: z.number(),
  returned: z.number(),
  next_offset: z.number().optional().describe('Pass as offset to get the next page'),
  truncated: z.boolean().optional().describe('true when the answer budget cut this page short'),
  rows: z.array(serviceMetrics),
  notes: z.array(z.string()).optional(),
});

export const perfdataSnapshot = defineTool({
  name: 'thruk_perfdata_snapshot',
  title: 'Performance data snapshot',
  toolset: 'perfdata',
  access: 'read',
  description: 'Perf data (metrics) of many services, parsed, one line each.',
  input: z
    .object({
      filter: filterSchema(SERVICE_FILTER_FIELDS).optional(),
      limit: limitArg(200),
      offset: offsetArg,
      backends: backendsArg,
    })
    .strict(),
  output: snapshotOutput,
  run: async (ctx, args) => {
    const all = (await servicesWithPerf(ctx, args.filter, parseBackends(args.backends))).map(parsedService);
    const showPeer = multiplePeers(all);
    const render = (s: ParsedService): string => {
      const metrics = s.metrics.length > 0 ? s.metrics.map(metricBrief).join(', ') : '(unparsable)';
      return [cell(s.host), cell(s.service), s.state, ...(showPeer ? [cell(s.peer_name)] : []), metrics].join(' | ');
    };
    const p = page(all, render, { offset: args.offset, limit: args.limit, budgetTokens: ctx.config.maxAnswerTokens, what: 'services' });
    const rows = p.rows;
    const notes: string[] = [];
    const warn = warningsNote(rows);
    if (warn !== undefined) notes.push(warn);
    const text: string[] = [];
    if (p.meta.total === 0) text.push('No services with performance data matched.');
    else {
      text.push(
        `perf data of services ${p.meta.returned === 0 ? `none of ${p.meta.total}` : `${p.meta.offset + 1}-${p.meta.offset + p.meta.returned} of ${p.meta.total}`}`,
      );
      if (p.lines.length > 0) text.push(['host', 'service', 'state', ...(showPeer ? ['backend'] : []), 'metrics'].join(' | '), ...p.lines);
    }
    const foot = pageFooter(p.meta);
    if (foot !== undefined) text.push(foot);
    for (const n of notes) text.push(`Note: ${n}`);
    return { data: { ...p.meta, rows, ...(notes.length > 0 ? { notes } : {}) }, text: text.join('\n') };
  },
});
