import { z } from 'zod';
import { parseTime } from '../lib/time.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { flag, hostStateName, num, serviceStateName } from '../lib/format.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { checkCommandText, targetLabel, type CommandTarget, type PlannedCommand } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { ackFlagArgs, resolveAuthor, hostArg, readTarget, serviceArg, stickyAck, textArg } from './common.js';

async function targetsOf(
  ctx: ToolContext,
  host: string,
  service: string | undefined,
  backends: string[] | undefined,
): Promise<CommandTarget[]> {
  return service === undefined ? resolveHost(ctx, host, backends) : resolveService(ctx, host, service, backends);
}

const isAcked = (want: boolean) => async (c: ToolContext, cmd: PlannedCommand) =>
  flag((await readTarget(c, cmd.target, ['acknowledged']))?.acknowledged) === want;

export const acknowledge = defineWriteTool({
  name: 'thruk_acknowledge',
  title: 'Acknowledge a problem',
  access: 'write',
  idempotent: true,
  description: 'Acknowledge a host or service problem: marks it handled and stops repeat notifications.',
  args: {
    host: hostArg,
    service: serviceArg,
    comment: textArg('Why, e.g. a ticket', 'acknowledged via MCP'),
    author: z.string().min(1).max(200).optional().describe('If the operator allows it'),
    ...ackFlagArgs,
    expire: z.string().max(100).optional().describe('Expiry, e.g. +4h'),
    backends: backendsArg,
  },
  verify: isAcked(true),
  plan: async (ctx, args) => {
    const comment = checkCommandText('comment', args.comment);
    const author = checkCommandText('author', await resolveAuthor(ctx, args.author));
    const targets = await targetsOf(ctx, args.host, args.service, parseBackends(args.backends));
    const now = ctx.now();
    const expire = args.expire === undefined ? undefined : parseTime(args.expire, now, 'expire');
    if (expire !== undefined && expire <= now / 1000) throw new ToolInputError('expire must be in the future, e.g. +4h.');
    for (const t of targets) {
      const row = await readTarget(ctx, t, ['state', 'has_been_checked']);
      if (row !== undefined && num(row.state) === 0) {
        const st =
          t.kind === 'service' ? serviceStateName(row.state, row.has_been_checked) : hostStateName(row.state, row.has_been_checked);
        throw new ToolInputError(
          `${targetLabel(t)} is ${st}: there is no problem to acknowledge (the core would ignore it). Nothing was sent.`,
        );
      }
    }
    const kind = args.service === undefined ? 'host' : 'svc';
    const base = {
      sticky_ack: stickyAck(args.sticky),
      send_notification: args.notify ? 1 : 0,
      persistent_comment: args.persistent ? 1 : 0,
    };
    const commands = targets.map((target): PlannedCommand => ({
      target,
      command: expire === undefined ? `acknowledge_${kind}_problem` : `acknowledge_${kind}_problem_expire`,
      args:
        expire === undefined
          ? { ...base, comment_author: author, comment_data: comment }
          : { ...base, end_time: expire, comment_author: author, comment_data: comment },
    }));
    return {
      action: `acknowledge${expire !== undefined ? ` until ${new Date(expire * 1000).toISOString()}` : ''}: "${comment}"`,
      commands,
      destructive: false,
    };
  },
});

export const removeAcknowledgement = defineWriteTool({
  name: 'thruk_remove_acknowledgement',
  title: 'Remove an acknowledgement',
  access: 'write',
  idempotent: true,
  description: 'Remove a host or service acknowledgement.',
  args: { host: hostArg, service: serviceArg, backends: backendsArg },
  verify: isAcked(false),
  plan: async (ctx, args) => {
    const targets = await targetsOf(ctx, args.host, args.service, parseBackends(args.backends));
    const kind = args.service === undefined ? 'host' : 'svc';
    const commands = targets.map((target): PlannedCommand => ({ target, command: `remove_${kind}_acknowledgement`, args: {} }));
    return { action: 'remove the acknowledgement', commands, destructive: false };
  },
});
