/**
 * The write path of the escape hatch: a raw REST request goes through the same write gate as a
 * planned write (preview, confirmation bound to a keyed plan id, audit record before sending), but
 * its "plan" is the exact HTTP request, since there are no known targets to resolve, and its rules
 * are stricter: it is always confirmed with a plan id (`confirm: true` alone never runs it), and it
 * is never read back (its effect is unknown).
 */
import { z } from 'zod';
import { backendsPrefix, encodeForm, redactParams } from '../../thruk/client.js';
import { isThrukError } from '../../thruk/errors.js';
import type { ToolAnswer, ToolContext } from '../core/define.js';
import type { PlannedWrite } from '../write/define-write.js';
import { differenceText } from '../write/gate.js';
import { differenceOut, type GateOutcome, type Result } from '../write/execute.js';
import type { Plan } from '../write/plan.js';
import { queryString } from './params.js';
import { renderJson } from './render.js';

export const queryOutput = z.object({
  status: z.enum(['ok', 'preview', 'confirmation_required', 'plan_changed', 'declined', 'done', 'failed']),
  request: z.object({
    method: z.string(),
    path: z.string().describe('Path as sent, with the /sites/… prefix when backends were given'),
    query: z.string().optional(),
    body: z.string().optional().describe('Form body (POST/PUT)'),
  }),
  plan_id: z.string().optional().describe('Keyed id of this exact request (writes)'),
  result: z.unknown().optional().describe("Thruk's answer (rows cut to the answer budget)"),
  result_text: z.string().optional().describe('A large non-list answer, as cut JSON text'),
  total: z.number().optional().describe('Rows in the answer'),
  returned: z.number().optional().describe('Rows included here'),
  truncated: z.boolean().optional(),
  error: z.string().optional(),
  difference: differenceOut.optional(),
  notes: z.array(z.string()).optional(),
});
export type QueryOutput = z.output<typeof queryOutput>;

export interface RawRequest {
  /** PUT goes out as POST, which Thruk treats the same; the client has no other write method. */
  readonly method: 'POST';
  readonly path: string;
  readonly query: Array<[string, string]>;
  readonly form: Record<string, string | number | boolean>;
  /** undefined: Thruk's default backends; []: no /sites prefix (Thruk-internal paths). */
  readonly backends: string[] | undefined;
  readonly notes: readonly string[];
}

export function describeRequest(req: {
  method: string;
  path: string;
  query: Array<[string, string]>;
  backends: string[] | undefined;
  form?: Record<string, string | number | boolean>;
}): QueryOutput['request'] {
  const qs = queryString(req.query);
  const body = req.form === undefined ? '' : encodeForm(req.form);
  // Shown to the model and written to the audit line: secret-looking values never are.
  return {
    method: req.method,
    path: `${backendsPrefix(req.backends)}${req.path}`,
    ...(qs !== '' ? { query: redactParams(qs) } : {}),
    ...(body !== '' ? { body: redactParams(body) } : {}),
  };
}

function requestLine(r: QueryOutput['request']): string {
  return `${r.method} ${r.path}${r.query !== undefined ? `?${r.query}` : ''}${r.body !== undefined ? `\nBody: ${r.body}` : ''}`;
}

function previewText(head: string, r: QueryOutput['request'], notes: readonly string[]): string {
  return [head, `Request: ${requestLine(r)}`, ...notes.map((n) => `Note: ${n}`)].join('\n');
}

/** The plan of a non-GET request for the write gate: one "command", the exact request, sent as is. */
export function planRawWrite(ctx: ToolContext, req: RawRequest): PlannedWrite<QueryOutput> {
  const request = describeRequest(req);
  const label = `${req.method} ${request.path}`;
  const plan: Plan = {
    action: label,
    destructive: true,
    commands: [
      {
        target: { kind: 'system', label, ...(req.backends !== undefined ? { backend: req.backends.join(',') } : {}) },
        command: label,
        args: { query: request.query ?? '', body: request.body ?? '' },
      },
    ],
  };
  ctx.audit({ method: req.method });
  let reply: unknown;
  let error: string | undefined;
  const send = async (c: ToolContext): Promise<Result> => {
    try {
      reply = await c.thruk.post<unknown>(req.path, req.form, { query: req.query, backends: req.backends, signal: c.signal });
      return { target: label, outcome: 'ok' };
    } catch (err) {
      if (!isThrukError(err)) throw err;
      error = err instanceof Error ? err.message : String(err);
      return { target: label, outcome: 'failed', message: error };
    }
  };
  return {
    plan,
    affected: 1,
    noun: 'request',
    raw: { send, intent: [requestLine(request)], readBackNone: 'none (raw request)' },
    answer: (out) => rawAnswer(ctx, out, request, req, reply, error),
  };
}

/** What a raw write answers at each step of the gate. */
function rawAnswer(
  ctx: ToolContext,
  out: GateOutcome,
  request: QueryOutput['request'],
  req: RawRequest,
  reply: unknown,
  error: string | undefined,
): ToolAnswer<QueryOutput> {
  const id = out.decision.id;
  const notes = [...req.notes];
  const base = { request, plan_id: id, ...(notes.length > 0 ? { notes } : {}) };
  if (!out.sent) {
    const d = out.decision;
    switch (d.kind) {
      case 'preview':
        return {
          data: { status: 'preview', ...base },
          text: `${previewText('Preview only (dry_run): nothing was sent.', request, notes)}\nTo run it, call again with the same arguments and plan_id: "${id}" once the user agreed.`,
        };
      case 'declined':
        return { data: { status: 'declined', ...base }, text: previewText('The user declined; nothing was sent.', request, notes) };
      case 'changed':
        return {
          data: { status: 'plan_changed', ...base, difference: d.difference },
          text: `${previewText('Refused: this is not the request that was previewed. Nothing was sent.', request, notes)}\n${differenceText(d.difference)}\nIf the user agrees with this request, call again with plan_id: "${id}".`,
          isError: true,
        };
      case 'expired':
        return {
          data: { status: 'confirmation_required', ...base },
          text: previewText('That preview is older than one hour. Nothing was sent. Preview it again with dry_run: true.', request, notes),
          isError: true,
        };
      case 'confirm': {
        const changed = d.again ? ' The request changed since the question was asked; please confirm again.' : '';
        const head = `Confirmation needed: a raw ${req.method} can change anything the path allows, so it is always confirmed. Nothing was sent.${changed} Show this to the user and, if they agree, call again with the same arguments and plan_id: "${id}".`;
        return {
          data: { status: 'confirmation_required', ...base },
          text: previewText(head, request, notes),
          ask: { key: 'confirm', message: previewText(`Please confirm this raw Thruk request.${changed}`, request, notes), state: id },
        };
      }
    }
  }
  if (out.status !== 'done') {
    const message = error ?? out.results[0]?.message ?? 'not sent';
    return {
      data: { status: 'failed', ...base, error: message },
      text: previewText(`Failed: ${message}. Thruk may or may not have acted; check with a read.`, request, notes),
      isError: true,
    };
  }
  const shown = renderJson(reply, {
    budgetTokens: ctx.config.maxAnswerTokens,
    secret: ctx.config.thruk.apiKey,
    more: 'Read the details back with a GET.',
  });
  const allNotes = [...notes, ...shown.notes];
  if (req.path.split('/').includes('cmd'))
    allNotes.push(
      'Thruk reports a command as submitted, not applied: the core applies it asynchronously (and ignores unknown objects). Read the object back to see the effect.',
    );
  const { lines, notes: _n, ...rendered } = shown;
  return {
    data: { status: 'done', request, plan_id: id, ...rendered, ...(allNotes.length > 0 ? { notes: allNotes } : {}) },
    text: [`Done: ${requestLine(request)}`, ...allNotes.map((n) => `Note: ${n}`), 'Answer:', ...lines].join('\n'),
  };
}
