/** Deleting the downtimes that match a set of criteria, shown first, with a guard against matching everything. */
import { z } from 'zod';
import { parseTime } from '../lib/time.js';
import { ToolInputError } from '../core/define.js';
import { iso, num } from '../lib/format.js';
import { backendsArg, parseBackends, type Row } from '../lib/list.js';
import { objectName } from '../lib/objects.js';
import { defineWriteTool } from '../write/define-write.js';
import { resolveGroup, resolveHost, resolveMany, resolveService } from '../write/resolve.js';
import { deleteOutput, fetchDowntimes, isHostRow, peerOf, textOf } from './downtime-common.js';
import { deleteDowntimes } from './downtime-remover.js';
import { count } from '../write/gate.js';

const timeArg = (what: string) => z.string().min(1).max(100).optional().describe(what);

export const deleteDowntimesByFilter = defineWriteTool({
  name: 'thruk_delete_downtimes_by_filter',
  title: 'Delete downtimes matching criteria',
  access: 'destructive',
  description: 'Delete the downtimes matching all criteria, e.g. author + entered_after="today".',
  args: {
    host: objectName('Host name').optional(),
    hostgroup: objectName('Host group').optional(),
    service: objectName('Service name').optional(),
    author: z.string().min(1).max(200).optional().describe('Author'),
    comment: z.string().min(1).max(1000).optional().describe('Comment contains (case-insensitive)'),
    start_time: timeArg('Starting at or after'),
    end_time: timeArg('Ending at or before'),
    entered_after: timeArg('Created at or after, e.g. today 06:00'),
    active_only: z.boolean().default(false).describe('Only those active now'),
    all_matching: z.boolean().default(false).describe('Allow criteria matching every downtime'),
    backends: backendsArg,
  },
  output: deleteOutput,
  plan: async (ctx, args) => {
    const narrowing = [
      args.host,
      args.hostgroup,
      args.service,
      args.author,
      args.comment,
      args.start_time,
      args.end_time,
      args.entered_after,
    ].filter((x) => x !== undefined);
    if (narrowing.length === 0) {
      throw new ToolInputError(
        'Give at least one of host, hostgroup, service, author, comment, start_time, end_time or entered_after (active_only alone is not a selection). Nothing was sent.',
      );
    }
    const backends = parseBackends(args.backends);
    const nowMs = ctx.now();
    const at = (v: string | undefined, what: string) => (v === undefined ? undefined : parseTime(v, nowMs, what));
    const startMin = at(args.start_time, 'start_time');
    const endMax = at(args.end_time, 'end_time');
    const enteredMin = at(args.entered_after, 'entered_after');
    if (args.host !== undefined) {
      if (args.service !== undefined) await resolveService(ctx, args.host, args.service, backends);
      else await resolveHost(ctx, args.host, backends);
    }
    let members: Set<string> | undefined;
    if (args.hostgroup !== undefined) {
      await resolveGroup(ctx, 'hostgroup', args.hostgroup, backends);
      const hosts = await resolveMany(ctx, 'hosts', [['groups[gte]', args.hostgroup]], backends);
      members = new Set(hosts.map((t) => `${t.backend ?? ''}\t${t.host ?? ''}`));
    }

    const all = await fetchDowntimes(ctx, [], backends);
    const now = nowMs / 1000;
    const comment = args.comment?.toLowerCase();
    const author = args.author?.toLowerCase();
    const matches = (r: Row): boolean =>
      (args.host === undefined || r.host_name === args.host) &&
      (members === undefined || members.has(`${peerOf(r) ?? ''}\t${String(r.host_name)}`)) &&
      (args.service === undefined || (!isHostRow(r) && r.service_description === args.service)) &&
      (author === undefined || textOf(r.author).toLowerCase() === author) &&
      (comment === undefined || textOf(r.comment).toLowerCase().includes(comment)) &&
      (startMin === undefined || num(r.start_time) >= startMin) &&
      (endMax === undefined || num(r.end_time) <= endMax) &&
      (enteredMin === undefined || num(r.entry_time) >= enteredMin) &&
      (!args.active_only || (num(r.start_time) <= now && now <= num(r.end_time)));
    const matched = all.filter(matches).sort((a, b) => num(a.id) - num(b.id));

    const criteria = [
      args.host !== undefined ? `host=${args.host}` : '',
      args.hostgroup !== undefined ? `hostgroup=${args.hostgroup}` : '',
      args.service !== undefined ? `service=${args.service}` : '',
      args.author !== undefined ? `author=${args.author}` : '',
      args.comment !== undefined ? `comment contains "${args.comment}"` : '',
      startMin !== undefined ? `starts ≥ ${iso(startMin)}` : '',
      endMax !== undefined ? `ends ≤ ${iso(endMax)}` : '',
      enteredMin !== undefined ? `entered ≥ ${iso(enteredMin)}` : '',
      args.active_only ? 'active now' : '',
    ]
      .filter((c) => c !== '')
      .join(', ');
    const scope = backends !== undefined ? `on ${backends.join(', ')}` : 'on all backends';
    if (matched.length === 0) {
      throw new ToolInputError(
        `No downtime matches ${criteria} (${count(all.length, 'downtime')} ${scope}): nothing to delete, nothing was sent. A downtime scheduled moments ago can take a few seconds to appear; thruk_list_downtimes with active_only=false shows them all.`,
      );
    }
    // A filter that selects everything is far more often a mistake (a too-short comment, a wide time) than the intent.
    if (matched.length === all.length && all.length > 1 && !args.all_matching) {
      throw new ToolInputError(
        `${criteria} matches every one of the ${count(all.length, 'downtime')} ${scope}, which is probably broader than meant. Narrow the criteria, or pass all_matching: true if deleting all of them is really intended. Nothing was sent.`,
      );
    }
    return deleteDowntimes(
      ctx,
      matched,
      `delete ${count(matched.length, 'downtime')} matching ${criteria}`,
      [`Matched ${matched.length} of ${count(all.length, 'downtime')} ${scope}.`],
      'Narrow the criteria (host, author, comment, times) or delete in several calls.',
    );
  },
});
