import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { flag, num } from '../lib/format.js';
import { backendsArg, getRows, parseBackends } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { targetLabel, type CommandTarget, type PlannedCommand } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { hostArg, readTarget, serviceArg } from './common.js';

/** last_check of every object the command will re-check, keyed per service (or '' for the host itself). */
async function lastChecks(
  ctx: ToolContext,
  t: CommandTarget,
  allServices: boolean,
): Promise<Map<string, { last: number; active: boolean }>> {
  const out = new Map<string, { last: number; active: boolean }>();
  if (!allServices) {
    const row = await readTarget(ctx, t, ['last_check', 'active_checks_enabled']);
    if (row !== undefined) out.set('', { last: num(row.last_check), active: flag(row.active_checks_enabled) });
    return out;
  }
  const rows = await getRows(
    ctx,
    '/services',
    [
      ['host_name', t.host ?? ''],
      ['columns', 'description,last_check,active_checks_enabled'],
    ],
    t.backend !== undefined ? [t.backend] : undefined,
  );
  for (const r of rows) out.set(String(r.description), { last: num(r.last_check), active: flag(r.active_checks_enabled) });
  return out;
}

export const recheck = defineWriteTool({
  name: 'thruk_recheck',
  title: 'Re-check now',
  access: 'write',
  description: 'Recheck: run a host or service check now (or all services of a host).',
  args: {
    host: hostArg,
    service: serviceArg,
    forced: z.boolean().default(true).describe('Even outside the check period or with checks off'),
    all_services: z.boolean().default(false).describe('All services of the host instead'),
    backends: backendsArg,
  },
  plan: async (ctx, args) => {
    if (args.all_services && args.service !== undefined)
      throw new ToolInputError('all_services re-checks every service of the host; leave service out, or set all_services to false.');
    const backends = parseBackends(args.backends);
    const targets =
      args.service === undefined
        ? await resolveHost(ctx, args.host, backends)
        : await resolveService(ctx, args.host, args.service, backends);
    const start = Math.floor(ctx.now() / 1000);
    const before = new Map<string, Map<string, { last: number; active: boolean }>>();
    for (const t of targets) before.set(targetLabel(t), await lastChecks(ctx, t, args.all_services));
    const notes: string[] = [];
    if (!args.forced) {
      const off = [...before].flatMap(([label, m]) =>
        [...m].filter(([, v]) => !v.active).map(([svc]) => (svc === '' ? label : `${label}/${svc}`)),
      );
      if (off.length > 0)
        notes.push(
          `Active checks are disabled on ${off.slice(0, 10).join(', ')}${off.length > 10 ? ` and ${off.length - 10} more` : ''}: a non-forced check will not run there; use forced: true.`,
        );
    }
    if (args.all_services && [...before.values()].every((m) => m.size === 0))
      throw new ToolInputError(`Host '${args.host}' has no services to re-check. Nothing was sent.`);
    const kind = args.all_services ? 'host_svc_checks' : args.service === undefined ? 'host_check' : 'svc_check';
    const command = `schedule_${args.forced ? 'forced_' : ''}${kind}`;
    const commands = targets.map((target): PlannedCommand => ({ target, command, args: { start_time: start } }));
    // "Ran" means last_check moved past what it was, or is at least the second we asked in.
    const verify = async (c: ToolContext, cmd: PlannedCommand) => {
      const was = before.get(targetLabel(cmd.target)) ?? new Map<string, { last: number; active: boolean }>();
      const now = await lastChecks(c, cmd.target, args.all_services);
      if (now.size === 0) return false;
      return [...now].every(([k, v]) => v.last > (was.get(k)?.last ?? 0) || v.last >= start);
    };
    const what = args.all_services ? 'all services of the host' : args.service === undefined ? 'the host' : 'the service';
    return {
      plan: {
        action: `${args.forced ? 'force a' : 'schedule a'} check of ${what} now`,
        commands,
        destructive: false,
        ...(notes.length > 0 ? { notes } : {}),
      },
      verify,
    };
  },
});
