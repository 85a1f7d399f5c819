import { z } from 'zod';
import { parsePerfData } from '../lib/perfdata.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, hostStateName, serviceStateName } from '../lib/format.js';
import { backendsArg, getRows, parseBackends, query, type Row } from '../lib/list.js';
import { objectMissing } from '../lib/availability-lookup.js';
import { hostNameArg, objectName } from '../lib/objects.js';
import { labelText, metricOut, metricOutput, valueText, type MetricOutput } from './common.js';

const getOutput = z.object({
  host: z.string(),
  service: z.string().optional(),
  state: z.string().describe('Current state of the host or service'),
  perf_data: z.string().describe('The raw perf data string'),
  metrics: z.array(metricOutput),
  warnings: z.array(z.string()).optional().describe('Malformed tokens that were skipped'),
  notes: z.array(z.string()).optional(),
});

async function lookup(ctx: ToolContext, host: string, service: string | undefined, backends: string[] | undefined): Promise<Row[]> {
  if (service === undefined) {
    return getRows(ctx, '/hosts', query([['name', host]], { columns: 'name,state,has_been_checked,perf_data,peer_name' }), backends);
  }
  const q = query(
    [
      ['host_name', host],
      ['description', service],
    ],
    { columns: 'host_name,description,state,has_been_checked,perf_data,peer_name' },
  );
  return getRows(ctx, '/services', q, backends);
}

function line(m: MetricOutput): string {
  const range = m.min !== undefined || m.max !== undefined ? `${m.min ?? ''}..${m.max ?? ''}` : '';
  const pct = m.percent_of_max !== undefined ? ` (${m.percent_of_max}% of max)` : '';
  return [cell(labelText(m.label), 120), `${valueText(m)}${pct}`, cell(m.warn), cell(m.crit), range, m.breached.toUpperCase()].join(' | ');
}

export const getPerfdata = defineTool({
  name: 'thruk_get_perfdata',
  title: 'Get performance data',
  toolset: 'perfdata',
  access: 'read',
  description: 'Perf data (metrics) of one service or host check: value, unit, thresholds, breach per metric.',
  input: z
    .object({
      host: hostNameArg,
      service: objectName('Service; omit for the host check').optional(),
      backends: backendsArg,
    })
    .strict(),
  output: getOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const rows = await lookup(ctx, args.host, args.service, backends);
    const row = rows[0];
    if (row === undefined) throw await objectMissing(ctx, args.host, args.service, backends);
    const raw = typeof row.perf_data === 'string' ? row.perf_data : '';
    const parsed = parsePerfData(raw);
    const metrics = parsed.metrics.map(metricOut);
    const state =
      args.service === undefined ? hostStateName(row.state, row.has_been_checked) : serviceStateName(row.state, row.has_been_checked);
    const notes: string[] = [];
    if (rows.length > 1)
      notes.push(
        `Found on ${rows.length} backends (${rows.map((r) => cell(r.peer_name)).join(', ')}); showing ${cell(row.peer_name)}. Pass backends to choose.`,
      );
    const what = args.service === undefined ? `host ${args.host}` : `service ${args.host} / ${args.service}`;
    const text: string[] = [];
    if (metrics.length === 0) {
      text.push(`${cell(what)} (${state}) reports no performance data${raw === '' ? '' : ' that could be parsed'}.`);
    } else {
      text.push(`${cell(what)} (${state}): ${metrics.length} metric${metrics.length === 1 ? '' : 's'}`);
      text.push('metric | value | warn | crit | min..max | breached', ...metrics.map(line));
    }
    for (const w of parsed.warnings) text.push(`Warning: ${cell(w, 200)}`);
    for (const n of notes) text.push(`Note: ${n}`);
    const data: z.output<typeof getOutput> = { host: args.host, state, perf_data: raw, metrics };
    if (args.service !== undefined) data.service = args.service;
    if (parsed.warnings.length > 0) data.warnings = parsed.warnings;
    if (notes.length > 0) data.notes = notes;
    return { data, text: text.join('\n') };
  },
});
