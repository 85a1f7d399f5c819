/**
 * Who a comment, acknowledgement or downtime is written by. In tools/write because every write
 * family (actions, the raw escape hatch) needs the same rule and it reads the gate's whoami.
 */
import { ToolInputError, type ToolContext } from '../core/define.js';
import { thrukUserOf } from './gate.js';

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
      throw new ToolInputError(
        `author cannot be chosen here: this server acts on Thruk as each caller, so the author is you ('${id.person}'). Leave author out. Nothing was sent.`,
      );
    }
    return id.person;
  }
  if (given !== undefined) {
    const allowed = ctx.config.allowAuthorArg ?? ctx.config.mode === 'stdio';
    if (!allowed)
      throw new ToolInputError(
        `author cannot be chosen on this server (THRUK_ALLOW_AUTHOR_ARG is off${ctx.config.allowAuthorArg === undefined ? ', the default over HTTP' : ''}): the author is the verified caller or the configured author. Leave author out. Nothing was sent.`,
      );
    return given;
  }
  if (id?.via === 'http' && id.person !== undefined && ctx.config.mode === 'http') return id.person;
  if (ctx.config.thruk.commentAuthor !== undefined) return ctx.config.thruk.commentAuthor;
  const user = await thrukUserOf(ctx);
  // (api) is Thruk's internal user of a superuser key: it names nobody.
  return user !== undefined && user !== '(api)' ? user : FALLBACK_AUTHOR;
}
