import { z } from 'zod';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, duration } from '../lib/format.js';
import { parseBackends } from '../lib/list.js';
import { hostNameArg, objectName } from '../lib/objects.js';
import { optionsText, resolveReportWindow, windowArgs, windowOf, windowOutput, reportWindowText, type WindowArgs } from './common.js';
import {
  asRows,
  availabilityPath,
  fetchAvailability,
  hostExists,
  objectMissing,
  serviceExists,
  unaddressable,
} from '../lib/availability-lookup.js';
import { availRowOutput, LINE_HEADER, line, pct, shareText, summarize, thrukTotal, type Kind, type Summary } from './summary.js';

const singleOutput = availRowOutput.extend({
  window: windowOutput,
  options: z.object({ with_downtimes: z.boolean(), include_soft_states: z.boolean() }),
  notes: z.array(z.string()).optional(),
});
type SingleOutput = z.output<typeof singleOutput>;

const NO_DATA_HINT =
  'Thruk has no state history for this window (reported as no data, not as 100 % up); the core may not log to Thruk (common with Icinga 2) or the object is newer than the window.';

export function summaryNotes(s: Summary): string[] {
  if (s.row.status === 'no_data') return [NO_DATA_HINT];
  if (s.row.status === 'partial_data') {
    return [
      `No data for ${duration(s.row.no_data_s)} of the window (${Math.round((100 - s.row.data_percent) * 10) / 10}%); availability is computed over the time with data.`,
    ];
  }
  return [];
}

async function run(
  ctx: ToolContext,
  kind: Kind,
  host: string,
  service: string | undefined,
  args: WindowArgs & { backends?: string | undefined },
) {
  const backends = parseBackends(args.backends);
  const w = resolveReportWindow(args, ctx.now());
  const exists = () => (service === undefined ? hostExists(ctx, host, backends) : serviceExists(ctx, host, service, backends));
  const path = service === undefined ? availabilityPath('hosts', host) : availabilityPath('services', host, service);
  if (path === undefined) {
    if (await exists()) throw unaddressable(kind, service ?? host);
    throw await objectMissing(ctx, host, service, backends);
  }
  const row = asRows(await fetchAvailability(ctx, path, w.params, backends))[0];
  // Thruk has no "not found" here: an unknown name comes back as an error or as an all-indeterminate report.
  const thrukSeconds = row !== undefined ? thrukTotal(row, kind) : 0;
  const windowSeconds = w.since !== undefined && w.until !== undefined ? w.until - w.since : thrukSeconds;
  const s = summarize(row ?? {}, kind, windowSeconds, args.with_downtimes, { host, ...(service !== undefined ? { service } : {}) });
  if (s.known === 0 && !(await exists())) throw await objectMissing(ctx, host, service, backends);
  const window = windowOf(w, thrukSeconds > 0 ? thrukSeconds : undefined, ctx.now());
  const notes = [...w.notes, ...summaryNotes(s)];
  const data: SingleOutput = {
    ...s.row,
    window,
    options: { with_downtimes: args.with_downtimes, include_soft_states: args.include_soft_states },
  };
  if (notes.length > 0) data.notes = notes;
  const name = service === undefined ? `host ${cell(host)}` : `service ${cell(host)} / ${cell(service)}`;
  const text = [
    `Availability of ${name}, ${reportWindowText(window)}: ${pct(s.row.availability_percent)}${s.row.status === 'partial_data' ? ` over the ${shareText(s.row.data_percent)} of the window with data (no data for ${shareText(100 - s.row.data_percent)})` : ''}`,
    `${optionsText(args)}; ${kind === 'host' ? 'DOWN and UNREACHABLE' : 'CRITICAL and UNKNOWN'} count as outage`,
    LINE_HEADER,
    line(s),
    ...notes.map((n) => `Note: ${n}`),
  ];
  return { data, text: text.join('\n') };
}

export const hostAvailability = defineTool({
  name: 'thruk_host_availability',
  title: 'Host availability',
  toolset: 'availability',
  access: 'read',
  description: 'Host availability (SLA, uptime %) over a window: unplanned vs planned outage, time per state.',
  input: z.object({ host: hostNameArg, ...windowArgs }).strict(),
  output: singleOutput,
  run: (ctx, args) => run(ctx, 'host', args.host, undefined, args),
});

export const serviceAvailability = defineTool({
  name: 'thruk_service_availability',
  title: 'Service availability',
  toolset: 'availability',
  access: 'read',
  description: 'Service availability (SLA, uptime %) over a window; CRITICAL and UNKNOWN are outage.',
  input: z
    .object({
      host: hostNameArg,
      service: objectName('Service name'),
      ...windowArgs,
    })
    .strict(),
  output: singleOutput,
  run: (ctx, args) => run(ctx, 'service', args.host, args.service, args),
});
