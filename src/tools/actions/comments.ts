import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { cell, num } from '../lib/format.js';
import { backendsArg, getRows, parseBackends, type Row } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { planAnswer, writeOutput } from '../write/execute.js';
import { checkCommandText, targetLabel, type CommandTarget, type PlannedCommand } from '../write/plan.js';
import { resolveHost, resolveService } from '../write/resolve.js';
import { resolveAuthor, hostArg, serviceArg } from './common.js';

const COMMENT_COLS = 'id,host_name,service_description,author,comment,entry_type,entry_time,peer_name,peer_key';

/** Icinga 2 answers null for host comments, Naemon ''. */
const isHostRow = (r: Row) => r.service_description === null || r.service_description === undefined || r.service_description === '';

function peerOf(r: Row): string | undefined {
  return typeof r.peer_name === 'string' ? r.peer_name : typeof r.peer_key === 'string' ? r.peer_key : undefined;
}

const pin = (t: CommandTarget) => (t.backend !== undefined ? [t.backend] : undefined);

/** User comments on exactly this object with exactly this text (the ones a new comment could be confused with). */
async function sameComments(ctx: ToolContext, t: CommandTarget, text: string): Promise<Row[]> {
  const rows = await getRows(
    ctx,
    '/comments',
    [
      ['host_name', t.host ?? ''],
      ['comment', text],
      ['entry_type', '1'],
      ['columns', COMMENT_COLS],
    ],
    pin(t),
  );
  return rows.filter((r) => (t.kind === 'service' ? r.service_description === t.service : isHostRow(r)));
}

export const addCommentOutput = writeOutput.extend({
  comment_ids: z
    .array(z.object({ target: z.string(), id: z.number() }))
    .optional()
    .describe('Ids of the new comments, per backend (ids change when the core reloads)'),
});

export const addComment = defineWriteTool({
  name: 'thruk_add_comment',
  title: 'Add a comment',
  access: 'write',
  description: 'Add a comment to a host or service.',
  args: {
    host: hostArg,
    comment: z.string().min(1).max(1000).describe('One line'),
    service: serviceArg,
    author: z.string().min(1).max(200).optional().describe('If the operator allows it'),
    persistent: z.boolean().default(true).describe('Survive core restarts'),
    backends: backendsArg,
  },
  output: addCommentOutput,
  plan: async (ctx, args) => {
    const text = checkCommandText('comment', args.comment);
    const author = checkCommandText('author', await resolveAuthor(ctx, args.author));
    const backends = parseBackends(args.backends);
    const targets =
      args.service === undefined
        ? await resolveHost(ctx, args.host, backends)
        : await resolveService(ctx, args.host, args.service, backends);
    const existing = new Map<string, Set<number>>();
    for (const t of targets) existing.set(targetLabel(t), new Set((await sameComments(ctx, t, text)).map((r) => num(r.id))));
    // The new comment's id is read back per backend: the one that was not there before.
    const found = new Map<string, number>();
    const verify = async (c: ToolContext, cmd: PlannedCommand) => {
      const label = targetLabel(cmd.target);
      const fresh = (await sameComments(c, cmd.target, text))
        .map((r) => num(r.id))
        .filter((id) => !(existing.get(label)?.has(id) ?? false));
      if (fresh.length === 0) return false;
      found.set(label, Math.max(...fresh));
      return true;
    };
    const kind = args.service === undefined ? 'host' : 'svc';
    const commands = targets.map((target): PlannedCommand => ({
      target,
      command: `add_${kind}_comment`,
      args: { persistent_comment: args.persistent ? 1 : 0, comment_author: author, comment_data: text },
    }));
    return {
      plan: { action: `add the comment "${text}"`, commands, destructive: false },
      verify,
      answer: (out) => {
        const answer = planAnswer(out);
        if (found.size === 0) return answer;
        const ids = [...found].map(([target, id]) => ({ target, id }));
        return {
          ...answer,
          data: { ...answer.data, comment_ids: ids },
          text: `${answer.text}\n${ids.map((x) => `Comment id on ${x.target}: ${x.id}`).join('\n')}`,
        };
      },
    };
  },
});

async function findComment(
  ctx: ToolContext,
  id: number,
  host: string | undefined,
  service: string | undefined,
  backends: string[] | undefined,
): Promise<Row> {
  const rows = await getRows(
    ctx,
    '/comments',
    [
      ['id', String(id)],
      ['columns', COMMENT_COLS],
    ],
    backends,
  );
  const renumbered =
    'Comment ids are assigned by the core at runtime and change when it reloads: list the current ones with thruk_list_comments.';
  if (rows.length === 0)
    throw new ToolInputError(`No comment with id ${id}${backends ? ` on ${backends.join(', ')}` : ''}. ${renumbered} Nothing was sent.`);
  const matching = rows.filter(
    (r) => (host === undefined || r.host_name === host) && (service === undefined || r.service_description === service),
  );
  if (matching.length === 0) {
    const where = rows
      .map((r) => `${cell(r.host_name)}${isHostRow(r) ? '' : `/${cell(r.service_description)}`}@${peerOf(r) ?? '?'}`)
      .join(', ');
    throw new ToolInputError(
      `Comment ${id} belongs to ${where}, not to ${host ?? ''}${service !== undefined ? `/${service}` : ''}. ${renumbered} Nothing was sent.`,
    );
  }
  if (matching.length > 1) {
    const peers = matching
      .map((r) => `${peerOf(r) ?? '?'} (${cell(r.host_name)}${isHostRow(r) ? '' : `/${cell(r.service_description)}`})`)
      .join(', ');
    throw new ToolInputError(
      `Comment id ${id} exists on several backends: ${peers}. Each backend numbers its own comments; pass backends (or host/service) to say which one. Nothing was sent.`,
    );
  }
  return matching[0] as Row;
}

const ENTRY_NOTE: Readonly<Record<number, string>> = {
  2: 'This is a downtime comment: deleting it does not end the downtime (use thruk_delete_downtime for that).',
  4: 'This is an acknowledgement comment: deleting it does not remove the acknowledgement (use thruk_remove_acknowledgement for that).',
};

export const deleteComment = defineWriteTool({
  name: 'thruk_delete_comment',
  title: 'Delete a comment',
  access: 'destructive',
  idempotent: true,
  description: 'Delete one comment by id (from thruk_list_comments).',
  args: {
    comment_id: z
      .number()
      .int()
      .min(0)
      .max(2 ** 53 - 1)
      .describe('From thruk_list_comments'),
    host: hostArg.optional().describe('Must match the comment'),
    service: serviceArg.describe('Must match the comment'),
    backends: backendsArg,
  },
  plan: async (ctx, args) => {
    if (args.service !== undefined && args.host === undefined)
      throw new ToolInputError('service needs host as well (a service description is only unique per host).');
    const row = await findComment(ctx, args.comment_id, args.host, args.service, parseBackends(args.backends));
    const backend = peerOf(row);
    const isHost = isHostRow(row);
    // Thruk's object-scoped del_comment (3.06+) needs only rights on the object, unlike the
    // system-level del_host_comment/del_svc_comment, and deletes nothing if the id was renumbered
    // onto another object in the meantime.
    const target: CommandTarget = {
      kind: isHost ? 'host' : 'service',
      host: String(row.host_name),
      ...(isHost ? {} : { service: String(row.service_description) }),
      ...(backend !== undefined ? { backend } : {}),
      label: `#${args.comment_id} ${cell(row.host_name)}${isHost ? '' : `/${cell(row.service_description)}`}${backend !== undefined ? `@${backend}` : ''}`,
    };
    const object = `${cell(row.host_name)}${isHost ? '' : `/${cell(row.service_description)}`}`;
    const commands: PlannedCommand[] = [{ target, command: 'del_comment', args: { comment_id: args.comment_id } }];
    const notes = [
      `Comment ${args.comment_id} on ${object}${backend !== undefined ? `@${backend}` : ''} by ${cell(row.author)}: "${cell(row.comment, 200)}"`,
    ];
    const extra = ENTRY_NOTE[num(row.entry_type)];
    if (extra !== undefined) notes.push(extra);
    const gone = async (c: ToolContext) => {
      const rows = await getRows(
        c,
        '/comments',
        [
          ['id', String(args.comment_id)],
          ['columns', 'id,host_name,service_description'],
        ],
        backend !== undefined ? [backend] : undefined,
      );
      return !rows.some((r) => r.host_name === row.host_name && r.service_description === row.service_description);
    };
    return { plan: { action: `delete comment ${args.comment_id} on ${object}`, commands, destructive: true, notes }, verify: gone };
  },
});
