import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { flag } from '../lib/format.js';
import { backendsArg, getRows, parseBackends, type Row } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { checkCommandName, targetLabel, type CommandTarget, type PlannedCommand } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { hostArg, readTarget, serviceArg } from './common.js';

interface Switch {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** What is switched, for messages: "active checks", "notifications". */
  readonly what: string;
  readonly column: 'active_checks_enabled' | 'notifications_enabled';
  readonly hostCommand: (on: boolean) => string;
  readonly serviceCommand: (on: boolean) => string;
  readonly blind: string;
}

const SWITCHES: Readonly<Record<'checks' | 'notifications', Switch>> = {
  checks: {
    name: 'thruk_checks',
    title: 'Enable or disable active checks',
    description: 'Enable or disable active checks of a host or service.',
    what: 'active checks',
    column: 'active_checks_enabled',
    hostCommand: (on) => `${on ? 'enable' : 'disable'}_host_check`,
    serviceCommand: (on) => `${on ? 'enable' : 'disable'}_svc_check`,
    blind: 'no check results will come in for these objects until checks are enabled again',
  },
  notifications: {
    name: 'thruk_notifications',
    title: 'Enable or disable notifications',
    description: 'Enable or disable notifications of a host or service.',
    what: 'notifications',
    column: 'notifications_enabled',
    hostCommand: (on) => `${on ? 'enable' : 'disable'}_host_notifications`,
    serviceCommand: (on) => `${on ? 'enable' : 'disable'}_svc_notifications`,
    blind: 'nobody will be notified about these objects until notifications are enabled again',
  },
};

function peerOf(r: Row, fallback: string | undefined): { backend?: string } {
  const p = typeof r.peer_name === 'string' ? r.peer_name : fallback;
  return p !== undefined ? { backend: p } : {};
}

interface Target {
  readonly target: CommandTarget;
  readonly enabled: boolean;
}

/** The host (or service) itself, plus with cascade every service of each host, on the host's backend. */
async function targetsOf(
  ctx: ToolContext,
  sw: Switch,
  host: string,
  service: string | undefined,
  cascade: boolean,
  backends: string[] | undefined,
): Promise<Target[]> {
  const base = service === undefined ? await resolveHost(ctx, host, backends) : await resolveService(ctx, host, service, backends);
  const out: Target[] = [];
  for (const t of base) {
    out.push({ target: t, enabled: flag((await readTarget(ctx, t, [sw.column]))?.[sw.column]) });
    if (!cascade) continue;
    const rows = await getRows(
      ctx,
      '/services',
      [
        ['host_name', t.host ?? ''],
        ['columns', `host_name,description,${sw.column},peer_name`],
      ],
      t.backend !== undefined ? [t.backend] : undefined,
    );
    for (const r of rows)
      out.push({
        target: { kind: 'service', host: String(r.host_name), service: String(r.description), ...peerOf(r, t.backend) },
        enabled: flag(r[sw.column]),
      });
  }
  return out;
}

function unsafeName(t: CommandTarget): boolean {
  try {
    checkCommandName('service', t.service ?? '');
    return false;
  } catch {
    return true;
  }
}

function makeSwitch(sw: Switch) {
  return defineWriteTool({
    name: sw.name,
    title: sw.title,
    access: 'destructive',
    idempotent: true,
    description: sw.description,
    args: {
      host: hostArg,
      enabled: z.boolean().describe('true = on, false = off'),
      service: serviceArg,
      cascade: z.boolean().default(false).describe('Also every service of the host'),
      backends: backendsArg,
    },
    // The switch reads the same column back on every target.
    verify: async (c, cmd, args) => flag((await readTarget(c, cmd.target, [sw.column]))?.[sw.column]) === args.enabled,
    plan: async (ctx, args) => {
      if (args.cascade && args.service !== undefined)
        throw new ToolInputError('cascade applies to all services of a host; leave service out, or set cascade to false.');
      const all = await targetsOf(ctx, sw, args.host, args.service, args.cascade, parseBackends(args.backends));
      // With cascade a service name the core would misread is left out and named, not sent.
      const skipped = all.filter((t) => t.target.kind === 'service' && unsafeName(t.target));
      const targets = all.filter((t) => !skipped.includes(t));
      const commands = targets.map(({ target }): PlannedCommand => ({
        target,
        command: target.kind === 'host' ? sw.hostCommand(args.enabled) : sw.serviceCommand(args.enabled),
        args: {},
      }));
      const notes: string[] = [];
      const already = targets.filter((t) => t.enabled === args.enabled).map((t) => targetLabel(t.target));
      if (already.length > 0)
        notes.push(
          `Already ${args.enabled ? 'enabled' : 'disabled'} (sent anyway, no change): ${already.slice(0, 20).join(', ')}${already.length > 20 ? ` and ${already.length - 20} more` : ''}.`,
        );
      if (skipped.length > 0)
        notes.push(
          `Left out, because their names contain ';' or control characters that the core would misread: ${skipped.map((t) => targetLabel(t.target)).join(', ')}.`,
        );
      if (!args.enabled) notes.push(`While disabled, ${sw.blind}.`);
      const action = `${args.enabled ? 'enable' : 'disable'} ${sw.what}${args.cascade ? ' of the host and all its services' : ''}`;
      return { action, commands, destructive: !args.enabled, notes };
    },
  });
}

export const checksSwitch = makeSwitch(SWITCHES.checks);
export const notificationsSwitch = makeSwitch(SWITCHES.notifications);
