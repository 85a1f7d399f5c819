/** Downtimes for one host or service, for a host's services, and for a host with its child hosts. */
import { z } from 'zod';
import type { ToolContext } from '../core/define.js';
import { backendsArg, getRows, parseBackends, type Row } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { targetLabel, type CommandTarget } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { hostArg, serviceArg } from './common.js';
import { objectKey, scheduleOutput, windowArgs } from './downtime-common.js';
import { count } from '../write/gate.js';
import { nameList, schedule, type Coverage } from './downtime-scheduler.js';

const pin = (t: CommandTarget): string[] | undefined => (t.backend !== undefined ? [t.backend] : undefined);

export const scheduleDowntime = defineWriteTool({
  name: 'thruk_schedule_downtime',
  title: 'Schedule a downtime',
  access: 'write',
  description: 'Schedule a downtime (maintenance) for a host or one service; default now for 2h. Returns the new id.',
  args: { host: hostArg, service: serviceArg, ...windowArgs, backends: backendsArg },
  output: scheduleOutput,
  plan: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const targets =
      args.service === undefined
        ? await resolveHost(ctx, args.host, backends)
        : await resolveService(ctx, args.host, args.service, backends);
    const noun = args.service === undefined ? 'host' : 'service';
    return schedule(ctx, args, {
      command: args.service === undefined ? 'schedule_host_downtime' : 'schedule_svc_downtime',
      coverage: targets.map((t) => ({ target: t, objects: [objectKey(t.host ?? '', t.service)] })),
      noun,
      what: args.service === undefined ? args.host : `${args.host}/${args.service}`,
      ...(targets.length > 1 ? { notes: [`The ${noun} exists on ${targets.length} backends; each gets its own downtime.`] } : {}),
    });
  },
});

export const scheduleHostServicesDowntime = defineWriteTool({
  name: 'thruk_schedule_host_services_downtime',
  title: 'Schedule a downtime for all services of a host',
  access: 'write',
  description: 'Downtime for every service of a host (not the host itself).',
  args: { host: hostArg, ...windowArgs, backends: backendsArg },
  output: scheduleOutput,
  plan: async (ctx, args) => {
    const targets = await resolveHost(ctx, args.host, parseBackends(args.backends));
    const notes: string[] = [];
    const coverage: Coverage[] = [];
    for (const t of targets) {
      const rows = await getRows(
        ctx,
        '/services',
        [
          ['host_name', t.host ?? ''],
          ['columns', 'description'],
        ],
        pin(t),
      );
      const names = rows.map((r) => String(r.description));
      coverage.push({ target: t, objects: names.map((s) => objectKey(t.host ?? '', s)) });
      notes.push(
        names.length === 0
          ? `${targetLabel(t)} has no services: nothing is sent there.`
          : `${targetLabel(t)}: ${count(names.length, 'service')}: ${nameList(names)}.`,
      );
    }
    notes.push('The host itself is not put in downtime.');
    return schedule(ctx, args, {
      command: 'schedule_host_svc_downtime',
      coverage,
      noun: 'service',
      what: `the services of ${args.host}`,
      notes,
      capHint: 'Schedule the host alone (thruk_schedule_downtime) or single services instead.',
    });
  },
});

/**
 * Every host below `host` (children, their children…), breadth-first; stops once `limit` are found
 * (`complete` false: there may be more, and the cap refuses the call anyway).
 */
async function descendants(ctx: ToolContext, t: CommandTarget, limit: number): Promise<{ hosts: string[]; complete: boolean }> {
  const host = t.host ?? '';
  const seen = new Set([host]);
  const out: string[] = [];
  let level = [host];
  while (level.length > 0 && out.length < limit) {
    const rows: Row[] = [];
    // A few lookups at a time: a wide level must not open a request per host at once.
    for (let i = 0; i < level.length; i += 8) {
      rows.push(
        ...(
          await Promise.all(
            level.slice(i, i + 8).map((h) =>
              getRows(
                ctx,
                '/hosts',
                [
                  ['name', h],
                  ['columns', 'name,childs'],
                ],
                pin(t),
              ),
            ),
          )
        ).flat(),
      );
    }
    const next: string[] = [];
    for (const r of rows) {
      for (const c of Array.isArray(r.childs) ? (r.childs as unknown[]) : []) {
        const name = String(c);
        if (seen.has(name)) continue;
        seen.add(name);
        out.push(name);
        next.push(name);
      }
    }
    level = next;
  }
  return { hosts: out, complete: level.length === 0 };
}

export const schedulePropagatedHostDowntime = defineWriteTool({
  name: 'thruk_schedule_propagated_host_downtime',
  title: 'Schedule a downtime for a host and its child hosts',
  access: 'write',
  description: 'Downtime for a host and every host below it (children, their children…).',
  args: {
    host: hostArg,
    triggered: z.boolean().default(false).describe("Children's downtimes start when the parent's starts"),
    ...windowArgs,
    backends: backendsArg,
  },
  output: scheduleOutput,
  plan: async (ctx, args) => {
    const targets = await resolveHost(ctx, args.host, parseBackends(args.backends));
    const notes: string[] = [];
    const coverage: Coverage[] = [];
    let complete = true;
    for (const t of targets) {
      const walk = await descendants(ctx, t, ctx.config.maxBulkTargets);
      const children = walk.hosts;
      complete &&= walk.complete;
      coverage.push({ target: t, objects: [t.host ?? '', ...children] });
      notes.push(
        children.length === 0
          ? `${targetLabel(t)} has no child hosts: only the host itself is covered.`
          : `${targetLabel(t)} and its ${count(children.length, 'child host')} (all levels): ${nameList(children)}.`,
      );
    }
    if (args.triggered)
      notes.push(`The children's downtimes are triggered by ${args.host}'s: they start when it starts, and deleting it removes them too.`);
    return schedule(ctx, args, {
      command: args.triggered ? 'schedule_and_propagate_triggered_host_downtime' : 'schedule_and_propagate_host_downtime',
      coverage,
      noun: 'host',
      what: `${args.host} and its child hosts`,
      notes,
      capHint: `Child hosts are counted up to the limit${complete ? '' : ', so the tree holds at least that many'}. Schedule the host alone (thruk_schedule_downtime) or a host further down the tree, or ask the operator to raise THRUK_MAX_BULK_TARGETS.`,
      ...(complete ? {} : { atLeast: true }),
    });
  },
});
