import { z } from 'zod';
import { ThrukHttpError } from '../../thruk/errors.js';
import { ToolInputError } from '../core/define.js';
import { resolveAuthor } from '../write/author.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { dataArg, paramsArg, toForm, toQuery } from './params.js';
import { rewriteListEquality } from './listcols.js';
import { checkPath } from './paths.js';
import { describeRequest, planRawWrite, queryOutput } from './raw.js';
import { renderJson } from './render.js';

const NO_BACKENDS_NOTE = 'No backends given: Thruk sends this to its default backends (usually all). Pass backends to pin it to one.';

export const thrukQuery = defineWriteTool({
  name: 'thruk_query',
  title: 'Raw Thruk REST request',
  toolset: 'escape',
  access: 'write',
  readOnlyFallback: true,
  description: 'Raw Thruk REST query when no tool fits (allowlisted paths). POST/PUT are gated writes.',
  args: {
    path: z.string().min(1).max(2000).describe('Path below /thruk/r, e.g. /hosts'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('Not GET = write'),
    params: paramsArg,
    data: dataArg,
    backends: backendsArg,
  },
  output: queryOutput,
  plan: async (ctx, args) => {
    const checked = checkPath(args.path);
    const query = toQuery(args.params);
    const given = parseBackends(args.backends);
    const notes: string[] = [];
    if (checked.thrukInternal && given !== undefined) notes.push('Thruk-internal paths are not per backend; backends was ignored.');
    const backends = checked.thrukInternal ? [] : given;
    if (args.method === 'GET') {
      if (args.data !== undefined)
        throw new ToolInputError('data is a form body and only goes with POST or PUT; use params for a GET. Nothing was sent.');
      const lists = rewriteListEquality(checked.segments, query);
      query.splice(0, query.length, ...lists.query);
      notes.push(...lists.notes);
      const request = describeRequest({ method: 'GET', path: checked.path, query, backends });
      if (args.dry_run) {
        ctx.audit({ method: 'GET', targets: [`GET ${request.path}`], outcome: 'preview' });
        return {
          read: {
            data: { status: 'preview' as const, request },
            text: [
              `Preview only (dry_run): nothing was sent.`,
              `Request: GET ${request.path}${request.query !== undefined ? `?${request.query}` : ''}`,
              ...notes.map((n) => `Note: ${n}`),
            ].join('\n'),
          },
        };
      }
      // A GET through a write tool still lands in the audit line; say plainly that it only read.
      ctx.audit({ method: 'GET', targets: [`GET ${request.path}`], outcome: 'read' });
      const answer = await ctx.thruk.get<unknown>(checked.path, { query, backends, signal: ctx.signal }).catch((err: unknown) => {
        // The adapter reads a 404 as a wrong base URL; here it is the caller's path.
        if (err instanceof ThrukHttpError && err.status === 404)
          throw new ToolInputError(`Thruk has no such path: ${err.message}. GET /index lists every REST path.`);
        throw err;
      });
      const columns = query.filter(([k]) => k === 'columns').flatMap(([, v]) => v.split(',').map((c) => c.trim()));
      const shown = renderJson(answer, {
        budgetTokens: ctx.config.maxAnswerTokens,
        secret: ctx.config.thruk.apiKey,
        columns,
        more: 'Narrow it with params (filters, columns) or page with params limit and offset.',
      });
      const allNotes = [...notes, ...shown.notes];
      const { lines, notes: _n, ...rendered } = shown;
      const head =
        rendered.total !== undefined ? `GET ${request.path}: ${rendered.returned ?? 0} of ${rendered.total} rows` : `GET ${request.path}:`;
      return {
        read: {
          data: { status: 'ok' as const, request, ...rendered, ...(allNotes.length > 0 ? { notes: allNotes } : {}) },
          text: [head, ...allNotes.map((n) => `Note: ${n}`), ...lines].join('\n'),
        },
      };
    }
    if (ctx.config.readOnly) {
      // Say the real reason: a caller whose token lacks the write scope is not a read-only server.
      const why =
        ctx.config.readOnlyReason === 'scope'
          ? `Your token lacks the write scope (${ctx.config.http.auth.writeScope}), so thruk_query only sends GET requests for you`
          : 'This server runs read-only (THRUK_READ_ONLY / --read-only): thruk_query only sends GET requests here';
      throw new ToolInputError(`${why}, and ${args.method} was refused. Nothing was sent.`);
    }
    if (args.method === 'PATCH' || args.method === 'DELETE') {
      throw new ToolInputError(
        `${args.method} is not supported: on the allowlisted paths Thruk has no ${args.method} routes (it uses them only for configuration and user-management endpoints, which are refused). Nothing was sent.`,
      );
    }
    if (args.method === 'PUT') notes.push('Sent as POST: Thruk treats PUT exactly like POST.');
    if (backends === undefined) notes.push(NO_BACKENDS_NOTE);
    const isCommand = checked.segments.includes('cmd');
    const form = toForm(args.data, { command: isCommand });
    // The author rule of the write tools holds for raw commands too (else Thruk writes "(api)").
    const command = isCommand ? (checked.segments.at(-1) ?? '') : '';
    if (/acknowledge|comment|downtime/.test(command) && !/^(del|delete|remove)_/.test(command)) {
      const given = form['comment_author'];
      form['comment_author'] = await resolveAuthor(ctx, given === undefined ? undefined : String(given));
    }
    return planRawWrite(ctx, { method: 'POST', path: checked.path, query, form, backends, notes });
  },
});
