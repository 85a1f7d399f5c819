/** Deleting one downtime by id, and the downtimes of a host or service that are active now. */
import { z } from 'zod';
import { ToolInputError } from '../core/define.js';
import { flag, num } from '../lib/format.js';
import { backendsArg, parseBackends, type Row } from '../lib/list.js';
import { objectName } from '../lib/objects.js';
import { defineWriteTool } from '../write/define-write.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { hostArg, serviceArg } from './common.js';
import { deleteOutput, downtimeLine, fetchDowntimes, isHostRow, objectLabel, peerOf } from './downtime-common.js';
import { deleteDowntimes } from './downtime-remover.js';
import { count } from '../write/gate.js';

const RENUMBERED =
  'Downtime ids are assigned by the core at runtime and change when it reloads (e.g. after a configuration change), so an id seen earlier may be gone or name another downtime now';

function describeRow(r: Row): string {
  return `${isHostRow(r) ? 'a host downtime of' : 'a downtime of service'} ${objectLabel(r)}`;
}

export const deleteDowntime = defineWriteTool({
  name: 'thruk_delete_downtime',
  title: 'Delete a downtime',
  access: 'destructive',
  description: 'Delete one downtime by id (from thruk_list_downtimes).',
  args: {
    downtime_id: z.number().int().min(1).max(2147483647).describe('From thruk_list_downtimes'),
    host: objectName('Must match the downtime').optional(),
    service: objectName('Must match the downtime').optional(),
    backends: backendsArg,
  },
  output: deleteOutput,
  plan: async (ctx, args) => {
    const id = args.downtime_id;
    const backends = parseBackends(args.backends);
    // /downtimes/<id> answers a list (one row per backend that has the id), so ask with a filter and read every row.
    const rows = (await fetchDowntimes(ctx, [['id', String(id)]], backends)).filter((r) => num(r.id) === id);
    if (rows.length === 0) {
      throw new ToolInputError(
        `No downtime #${id}${backends !== undefined ? ` on ${backends.join(', ')}` : ''}. ${RENUMBERED}; look it up again with thruk_list_downtimes. Nothing was sent.`,
      );
    }
    const match = rows.filter(
      (r) =>
        (args.host === undefined || r.host_name === args.host) &&
        (args.service === undefined || (!isHostRow(r) && r.service_description === args.service)),
    );
    if (match.length === 0) {
      const wanted =
        args.service === undefined ? `host ${args.host ?? ''}` : `${args.host !== undefined ? `${args.host}/` : 'service '}${args.service}`;
      throw new ToolInputError(
        `Downtime #${id} is ${rows.map(describeRow).join(' and ')}, not a downtime of ${wanted}. Nothing was sent. ${RENUMBERED}; check with thruk_list_downtimes.`,
      );
    }
    if (match.length > 1) {
      throw new ToolInputError(
        `Downtime id #${id} exists on several backends (ids are per core): ${match.map((r) => `${peerOf(r) ?? '?'}: ${describeRow(r)}`).join('; ')}. Pass backends="<name>" (or host/service) to pick one. Nothing was sent.`,
      );
    }
    const row = match[0] as Row;
    return deleteDowntimes(ctx, [row], `delete downtime #${id} (${describeRow(row)})`);
  },
});

export const deleteActiveDowntimes = defineWriteTool({
  name: 'thruk_delete_active_downtimes',
  title: 'End the active downtimes of a host or service',
  access: 'destructive',
  description: 'End maintenance now: delete the active downtimes of a host (and its services) or one service.',
  args: {
    host: hostArg,
    service: serviceArg,
    include_services: z.boolean().default(true).describe("Also the host's services' downtimes"),
    backends: backendsArg,
  },
  output: deleteOutput,
  plan: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    if (args.service === undefined) await resolveHost(ctx, args.host, backends);
    else await resolveService(ctx, args.host, args.service, backends);
    const what =
      args.service !== undefined ? `${args.host}/${args.service}` : args.include_services ? `${args.host} and its services` : args.host;
    const all = (
      await fetchDowntimes(
        ctx,
        [['host_name', args.host], ...(args.service !== undefined ? [['service_description', args.service] as [string, string]] : [])],
        backends,
      )
    )
      .filter((r) => r.host_name === args.host)
      .filter((r) =>
        args.service !== undefined ? !isHostRow(r) && r.service_description === args.service : args.include_services || isHostRow(r),
      );
    const now = ctx.now() / 1000;
    const active = all.filter((r) => num(r.start_time) <= now && now <= num(r.end_time));
    const later = all.filter((r) => num(r.start_time) > now);
    const kept =
      later.length > 0
        ? `${count(later.length, 'downtime')} scheduled for later ${later.length === 1 ? 'is' : 'are'} kept: ${later.slice(0, 10).map(downtimeLine).join('; ')}${later.length > 10 ? '; …' : ''}.`
        : undefined;
    if (active.length === 0) {
      throw new ToolInputError(
        `No downtime of ${what} is active now (start ≤ now ≤ end): nothing to delete, nothing was sent.${kept !== undefined ? ` ${kept}` : ''} A downtime scheduled moments ago can take a few seconds to appear (the core applies commands asynchronously); check with thruk_list_downtimes.`,
      );
    }
    const flexible = active.some((r) => !flag(r.fixed));
    const notes = [
      ...(kept !== undefined ? [kept] : []),
      ...(flexible ? ['Flexible downtimes whose window is open are included, whether or not a problem has started them yet.'] : []),
    ];
    return deleteDowntimes(
      ctx,
      active,
      `delete the ${count(active.length, 'active downtime')} of ${what}`,
      notes,
      'Delete them by id (thruk_delete_downtime) or narrow with thruk_delete_downtimes_by_filter.',
    );
  },
});
