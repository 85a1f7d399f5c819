/** Downtimes for a host group or a service group: one group command per backend, the members counted first. */
import { z } from 'zod';
import type { ToolContext } from '../core/define.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import { objectName } from '../lib/objects.js';
import { defineWriteTool, type PlannedWrite } from '../write/define-write.js';
import { targetLabel } from '../write/plan.js';
import { resolveGroup, resolveMany } from '../write/resolve.js';
import { objectKey, scheduleOutput, windowArgs, type ScheduleOutput } from './downtime-common.js';
import { count } from '../write/gate.js';
import { nameList, schedule, type Coverage, type ScheduleArgs } from './downtime-scheduler.js';

type GroupKind = 'hostgroup' | 'servicegroup';
type Members = 'hosts' | 'services';

/** The hosts or services the group command reaches on one backend, as the core expands it. */
async function members(ctx: ToolContext, kind: GroupKind, group: string, what: Members, backend: string | undefined): Promise<string[]> {
  const b = backend !== undefined ? [backend] : undefined;
  if (kind === 'hostgroup') {
    if (what === 'hosts') return (await resolveMany(ctx, 'hosts', [['groups[gte]', group]], b)).map((t) => t.host ?? '');
    return (await resolveMany(ctx, 'services', [['host_groups[gte]', group]], b)).map((t) => objectKey(t.host ?? '', t.service));
  }
  const svcs = await resolveMany(ctx, 'services', [['groups[gte]', group]], b);
  // schedule_servicegroup_host_downtime covers the hosts that have a service in the group.
  return what === 'services' ? svcs.map((t) => objectKey(t.host ?? '', t.service)) : [...new Set(svcs.map((t) => t.host ?? ''))];
}

async function groupDowntime(
  ctx: ToolContext,
  kind: GroupKind,
  group: string,
  what: Members,
  args: ScheduleArgs & { backends?: string | undefined },
): Promise<PlannedWrite<ScheduleOutput>> {
  const targets = await resolveGroup(ctx, kind, group, parseBackends(args.backends));
  const noun = what === 'hosts' ? 'host' : 'service';
  const coverage: Coverage[] = [];
  const notes: string[] = [];
  for (const t of targets) {
    const objects = await members(ctx, kind, group, what, t.backend);
    coverage.push({ target: t, objects });
    notes.push(
      objects.length === 0
        ? `${targetLabel(t)} has no ${noun}s: nothing is sent there.`
        : `${targetLabel(t)}: ${count(objects.length, noun)}: ${nameList(objects)}.`,
    );
  }
  const tag = kind === 'hostgroup' ? 'hostgroup' : 'servicegroup';
  const other = what === 'hosts' ? 'services' : 'hosts';
  notes.push(
    kind === 'hostgroup' && what === 'hosts'
      ? 'The member hosts only; their services get no downtime of their own (target="services" for those).'
      : `Only the ${what}; the ${other} get no downtime of their own (target="${other}" for those).`,
  );
  return schedule(ctx, args, {
    command: `schedule_${tag}_${what === 'hosts' ? 'host' : 'svc'}_downtime`,
    coverage,
    noun,
    what: `the ${what} of ${kind === 'hostgroup' ? 'host group' : 'service group'} ${group}`,
    notes,
    capHint: `Use a smaller group${what === 'services' ? ' or target="hosts"' : ''}, or ask the operator to raise the limit.`,
  });
}

export const scheduleHostgroupDowntime = defineWriteTool({
  name: 'thruk_schedule_hostgroup_downtime',
  title: 'Schedule a downtime for a host group',
  access: 'write',
  description: 'Downtime for every host (or service) of a host group.',
  args: {
    hostgroup: objectName('Host group name'),
    target: z.enum(['hosts', 'services']).default('hosts').describe('Member hosts, or all their services'),
    ...windowArgs,
    backends: backendsArg,
  },
  output: scheduleOutput,
  plan: (ctx, args) => groupDowntime(ctx, 'hostgroup', args.hostgroup, args.target, args),
});

export const scheduleServicegroupDowntime = defineWriteTool({
  name: 'thruk_schedule_servicegroup_downtime',
  title: 'Schedule a downtime for a service group',
  access: 'write',
  description: 'Downtime for every service (or host) of a service group.',
  args: {
    servicegroup: objectName('Service group name'),
    target: z.enum(['services', 'hosts']).default('services').describe('Member services, or their hosts'),
    ...windowArgs,
    backends: backendsArg,
  },
  output: scheduleOutput,
  plan: (ctx, args) => groupDowntime(ctx, 'servicegroup', args.servicegroup, args.target, args),
});
