import { z } from 'zod';
import { breachOf, parsePerfData, type PerfMetric, type PerfRange } from '../lib/perfdata.js';
import { compileFilter, type FilterNode } from '../../thruk/filter.js';
import type { ToolContext } from '../core/define.js';
import { cell, serviceStateName } from '../lib/format.js';
import { nameText as str } from '../lib/words.js';
import { getRows, query, type Row } from '../lib/list.js';

export { SERVICE_FILTER_FIELDS } from '../lib/objects.js';

export const PERF_SERVICE_COLUMNS = ['host_name', 'description', 'state', 'has_been_checked', 'perf_data', 'peer_name'] as const;

const rangeOutput = z.object({
  start: z.number().nullable().describe('Lower bound; null = -infinity'),
  end: z.number().nullable().describe('Upper bound; null = +infinity'),
  inside: z.boolean().describe('true (@range): alert when inside the range; false: alert when outside'),
});

export const metricOutput = z.object({
  label: z.string(),
  value: z.number().nullable().describe('null when the plugin reported U (unknown)'),
  uom: z.string().describe('Unit as written by the plugin (s, ms, us, %, B, KB, MB, GB, TB, c or other); "" for none'),
  warn: z.string().describe('Warning threshold as written; "" for none'),
  crit: z.string().describe('Critical threshold as written; "" for none'),
  warn_range: rangeOutput.optional(),
  crit_range: rangeOutput.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  percent_of_max: z.number().optional().describe('(value-min)/(max-min) in %, when max is known'),
  breached: z
    .enum(['ok', 'warning', 'critical', 'unknown'])
    .describe('Which threshold the value violates by the Nagios range rules; unknown for U'),
});
export type MetricOutput = z.output<typeof metricOutput>;

function rangeOut(r: PerfRange): z.output<typeof rangeOutput> {
  return { start: r.start, end: r.end, inside: r.inside };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function percentOfMax(m: PerfMetric): number | undefined {
  const floor = m.min ?? 0;
  if (m.value === null || m.max === undefined || m.max <= floor) return undefined;
  return round2(((m.value - floor) / (m.max - floor)) * 100);
}

export function metricOut(m: PerfMetric): MetricOutput {
  const out: MetricOutput = { label: m.label, value: m.value, uom: m.uom, warn: m.warn, crit: m.crit, breached: breachOf(m) };
  if (m.warnRange !== undefined) out.warn_range = rangeOut(m.warnRange);
  if (m.critRange !== undefined) out.crit_range = rangeOut(m.critRange);
  if (m.min !== undefined) out.min = m.min;
  if (m.max !== undefined) out.max = m.max;
  const pct = percentOfMax(m);
  if (pct !== undefined) out.percent_of_max = pct;
  return out;
}

/** A label as it would be written in perf data: quoted when it needs quotes. */
export function labelText(label: string): string {
  return /[\s=']/.test(label) ? `'${label.replace(/'/g, "''")}'` : label;
}

export function valueText(m: Pick<MetricOutput, 'value' | 'uom'>): string {
  return m.value === null ? 'U' : `${m.value}${m.uom}`;
}

/** `'C:\ used'=117.9GB (w 96, c 108, max 120) CRITICAL` — compact, no empty parts. */
export function metricBrief(m: MetricOutput): string {
  const th = [m.warn !== '' ? `w ${m.warn}` : '', m.crit !== '' ? `c ${m.crit}` : '', m.max !== undefined ? `max ${m.max}` : ''].filter(
    Boolean,
  );
  const state = m.breached === 'ok' ? '' : ` ${m.breached.toUpperCase()}`;
  return cell(`${labelText(m.label)}=${valueText(m)}${th.length > 0 ? ` (${th.join(', ')})` : ''}${state}`, 200);
}

export { str };

export interface ParsedService {
  readonly host: string;
  readonly service: string;
  readonly state: string;
  readonly peer_name?: string;
  readonly metrics: MetricOutput[];
  readonly warnings?: string[];
}

export function parsedService(r: Row): ParsedService {
  const p = parsePerfData(typeof r.perf_data === 'string' ? r.perf_data : '');
  return {
    host: str(r.host_name),
    service: str(r.description),
    state: serviceStateName(r.state, r.has_been_checked),
    ...(typeof r.peer_name === 'string' ? { peer_name: r.peer_name } : {}),
    metrics: p.metrics.map(metricOut),
    ...(p.warnings.length > 0 ? { warnings: p.warnings } : {}),
  };
}

/**
 * Every service matching the filter that has perf data, in host/service order. Thruk sorts before
 * it pages only on our side (limit is applied before sort), so the whole narrow set is fetched.
 */
export async function servicesWithPerf(ctx: ToolContext, filter: FilterNode | undefined, backends: string[] | undefined): Promise<Row[]> {
  const { params } = compileFilter('services', filter);
  const q = query([...params, ['perf_data[ne]', '']], { columns: PERF_SERVICE_COLUMNS.join(','), sort: 'host_name,description' });
  return getRows(ctx, '/services', q, backends);
}

/** Plugins that write `2` meaning "below 2" get flagged by the strict range rules while they say OK. */
export function disagreementNote(rows: ReadonlyArray<{ state: string; breached: string }>): string | undefined {
  const n = rows.filter((r) => r.state === 'OK' && (r.breached === 'warning' || r.breached === 'critical')).length;
  if (n === 0) return undefined;
  return `${n} metric(s) violate their thresholds by the Nagios range rules while the service is OK; such plugins often mean a bare number as "below" (Nagios: "10" alerts outside 0..10, "10:" alerts below 10). Trust the service state for those.`;
}

export function warningsNote(rows: readonly ParsedService[]): string | undefined {
  const bad = rows.filter((r) => r.warnings !== undefined);
  if (bad.length === 0) return undefined;
  const first = bad[0];
  const example = first?.warnings?.[0] ?? '';
  return `${bad.length} service(s) have malformed perf data (bad tokens skipped; see warnings in the structured rows), e.g. ${cell(first?.host)} / ${cell(first?.service)}: ${cell(example, 160)}`;
}
