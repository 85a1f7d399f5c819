import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { thrukUserOf } from '../write/gate.js';
import { objectName } from '../lib/objects.js';
import { getRows, type Row } from '../lib/list.js';
import type { CommandTarget } from '../write/plan.js';

export const hostArg = objectName('Host name');
export const serviceArg = objectName('Service; omit for the host').optional();

export const textArg = (what: string, dflt: string) => z.string().min(1).max(1000).default(dflt).describe(what);

/** The acknowledgement options of ACKNOWLEDGE_*_PROBLEM, shared by the single and the bulk tool. */
export const ackFlagArgs = {
  sticky: z.boolean().default(true).describe('Keep until recovery'),
  notify: z.boolean().default(true).describe('Notify contacts'),
  persistent: z.boolean().default(false).describe('Survive core restarts'),
};

/**
 * sticky_ack as the core reads it: Thruk passes it verbatim, Naemon (and Nagios) make ANY non-zero
 * value sticky and Icinga 2 only 2, so "not sticky" is 0 and "sticky" 2 on every core.
 */
export function stickyAck(sticky: boolean): 0 | 2 {
  return sticky ? 2 : 0;
}

/** The author when nobody better is known. */
export const FALLBACK_AUTHOR = 'thruk-mcp';

/**
 * The author of comments, acknowledgements and downtimes: the acting person, never a name the
 * caller picks where the server knows who is acting. In `caller`/`impersonate` mode the verified
 * Thruk user; over HTTP otherwise the verified caller (OAuth email/sub), then the configured
 * author (THRUK_COMMENT_AUTHOR / comment_author), then the Thruk user of the key (whoami), then
 * `thruk-mcp`. The `author` argument counts only where the operator allows it
 * (THRUK_ALLOW_AUTHOR_ARG; default on over stdio, off over HTTP).
 */
export async function resolveAuthor(ctx: ToolContext, given: string | undefined): Promise<string> {
  const id = ctx.identity;
  if (id?.actsAsThrukUser === true && id.person !== undefined) {
    if (given !== undefined && given !== id.person) {
      throw new ToolInputError(`author cannot be chosen here: this server acts on Thruk as each caller, so the author is you ('${id.person}'). Leave author out. Nothing was sent.`);
    }
    return id.person;
  }
  if (given !== undefined) {
    const allowed = ctx.config.allowAuthorArg ?? ctx.config.mode === 'stdio';
    if (!allowed) throw new ToolInputError(`author cannot be chosen on this server (THRUK_ALLOW_AUTHOR_ARG is off${ctx.config.allowAuthorArg === undefined ? ', the default over HTTP' : ''}): the author is the verified caller or the configured author. Leave author out. Nothing was sent.`);
    return given;
  }
  if (id?.via === 'http' && id.person !== undefined && ctx.config.mode === 'http') return id.person;
  if (ctx.config.thruk.commentAuthor !== undefined) return ctx.config.thruk.commentAuthor;
  const user = await thrukUserOf(ctx);
  // (api) is Thruk's internal user of a superuser key: it names nobody.
  return user !== undefined && user !== '(api)' ? user : FALLBACK_AUTHOR;
}

/** Reads one row of the target's current status, pinned to its backend. */
export async function readTarget(ctx: ToolContext, t: CommandTarget, columns: readonly string[]): Promise<Row | undefined> {
  const backends = t.backend !== undefined ? [t.backend] : undefined;
  const rows = t.kind === 'service'
    ? await getRows(ctx, '/services', [['host_name', t.host ?? ''], ['description', t.service ?? ''], ['columns', columns.join(',')]], backends)
    : await getRows(ctx, '/hosts', [['name', t.host ?? ''], ['columns', columns.join(',')]], backends);
  return rows[0];
}
