import { z } from 'zod';
import { filterSchema } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell } from '../lib/format.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import { coreParts } from '../lib/logquery.js';
import {
  HOST_LOG_FIELDS,
  hostLabel,
  noteLines,
  resolveWindow,
  sinceArg,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
} from '../lib/logwindow.js';
import { affectedHosts, wentDown, wentUnreachable } from './log-hosts.js';
import { includeCurrentArg } from './log-rootcause.js';

function sample(list: readonly string[], n: number): { hosts: string[]; truncated: boolean } {
  const sorted = [...list].sort();
  return { hosts: sorted.slice(0, n), truncated: sorted.length > n };
}

export const unreachableVsDown = defineTool({
  name: 'thruk_unreachable_vs_down',
  title: 'UNREACHABLE vs DOWN hosts',
  toolset: 'triage',
  access: 'read',
  description: 'Splits failed hosts in a window into DOWN and UNREACHABLE (behind a failed parent).',
  input: z
    .object({
      since: sinceArg('-1h'),
      until: untilArg,
      filter: filterSchema(HOST_LOG_FIELDS).optional(),
      sample_limit: z.number().int().min(1).max(5000).default(100).describe('Host names per list'),
      include_current: includeCurrentArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    ...windowOutput,
    live: z.boolean().describe('Current DOWN/UNREACHABLE hosts were included'),
    down_count: z.number().describe('Hosts DOWN in the window'),
    unreachable_count: z.number().describe('Hosts UNREACHABLE in the window'),
    both_count: z.number().describe('Hosts that were both'),
    down_hosts: z.array(z.string()).describe('name@core when several cores are in scope'),
    down_hosts_truncated: z.boolean().optional(),
    unreachable_hosts: z.array(z.string()).describe('name@core when several cores are in scope'),
    unreachable_hosts_truncated: z.boolean().optional(),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const w = resolveWindow(ctx, args, '-1h');
    // Several cores: read per core (Thruk's grouped log stats merge the cores' rows by name), so a
    // host name on two cores is two hosts, each listed as name@core.
    const parts = await Promise.all(
      (await coreParts(ctx, backends)).map(async (c) => ({
        core: c.core,
        a: await affectedHosts(ctx, w, c.backends, args.include_current),
      })),
    );
    const a = { live: parts.some((x) => x.a.live), empty: parts.every((x) => x.a.empty) };
    const hits = parts.flatMap((x) => [...x.a.hosts.values()].map((h) => ({ ...h, name: hostLabel(h.name, x.core) })));
    const down = hits.filter(wentDown).map((h) => h.name);
    const unreachable = hits.filter(wentUnreachable).map((h) => h.name);
    const both = hits.filter((h) => wentDown(h) && wentUnreachable(h)).length;
    const d = sample(down, args.sample_limit);
    const u = sample(unreachable, args.sample_limit);
    const notes = [...w.notes];
    if (a.empty) notes.push('The filter matches no host.');
    const more = (total: number, shown: number): string => (total > shown ? ` … (+${total - shown}; raise sample_limit)` : '');
    const text = [
      `Host failures ${windowText(w)}${a.live ? ' plus hosts still failing now' : ''}: ${down.length} DOWN, ${unreachable.length} UNREACHABLE, ${both} both.`,
      ...(down.length > 0 ? [`DOWN (${down.length}): ${cell(d.hosts.join(', '), 100_000)}${more(down.length, d.hosts.length)}`] : []),
      ...(unreachable.length > 0
        ? [`UNREACHABLE (${unreachable.length}): ${cell(u.hosts.join(', '), 100_000)}${more(unreachable.length, u.hosts.length)}`]
        : []),
      ...noteLines(notes),
    ];
    const data = withNotes(
      {
        ...windowData(w),
        live: a.live,
        down_count: down.length,
        unreachable_count: unreachable.length,
        both_count: both,
        down_hosts: d.hosts,
        ...(d.truncated ? { down_hosts_truncated: true } : {}),
        unreachable_hosts: u.hosts,
        ...(u.truncated ? { unreachable_hosts_truncated: true } : {}),
      },
      notes,
    );
    return { data, text: text.join('\n') };
  },
});
