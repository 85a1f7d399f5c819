import { inputRequired } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { ThrukIdentityError } from '../../thruk/auth-user.js';
import { coreFailure, isThrukError, ThrukHttpError, ThrukNetworkError, ThrukResponseError, ThrukTimeoutError } from '../../thruk/errors.js';
import { FilterError } from '../../thruk/filter.js';
import { TimeParseError } from '../lib/time.js';
import { annotationsFor, ToolInputError, type ToolContext, type ToolDef } from './define.js';
import { estimateTokens } from '../lib/format.js';
import { PLAN_MAX_AGE_MS, planClock } from '../lib/plan-id.js';
import { leanAnnotations, leanInputSchema, leanOutputSchema, type PublishedAnnotations } from './publish.js';

export interface McpToolEntry {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: 'object'; [key: string]: unknown };
  outputSchema: { type: 'object'; [key: string]: unknown };
  annotations: PublishedAnnotations;
}

export interface CallResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): { type: 'object'; [key: string]: unknown } {
  const js = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as { type: 'object'; [key: string]: unknown };
  // 2020-12 is the MCP default dialect; the marker only costs tokens in every tools/list.
  delete js.$schema;
  return js;
}

/** The full JSON Schemas of a record (docs and tests); tools/list publishes their lean form. */
export function fullSchemas(def: ToolDef): {
  input: { type: 'object'; [key: string]: unknown };
  output: { type: 'object'; [key: string]: unknown };
} {
  return { input: jsonSchema(def.input, 'input'), output: jsonSchema(def.output, 'output') };
}

/** The tools/list entry, derived entirely from the record (lean form, see publish.ts). Computed once per process. */
export function toMcpTool(def: ToolDef, readOnly = false): McpToolEntry {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: leanInputSchema(jsonSchema(def.input, 'input')),
    outputSchema: leanOutputSchema(jsonSchema(def.output, 'output')),
    annotations: leanAnnotations(annotationsFor(def, readOnly)),
  };
}

export function errorResult(text: string): CallResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Turns zod issues into one actionable sentence naming each argument. */
export function describeInputIssues(def: ToolDef, error: z.ZodError): string {
  const known = Object.keys(def.input.shape);
  const parts = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'arguments';
    if (issue.code === 'unrecognized_keys') {
      return `unknown argument${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} (valid: ${known.join(', ')})`;
    }
    return `${where}: ${issue.message}`;
  });
  return `Invalid arguments for ${def.name}: ${parts.join('; ')}.`;
}

/**
 * Every failure becomes an isError result with what went wrong and what to do next. Secrets
 * never appear: Thruk errors carry method, path and Thruk's own words only.
 */
export function describeError(def: ToolDef, err: unknown, ctx: Pick<ToolContext, 'config'>): string {
  if (err instanceof ToolInputError || err instanceof FilterError || err instanceof TimeParseError) return err.message;
  if (err instanceof ThrukIdentityError) {
    // Not "cannot reach Thruk": Thruk answered, as somebody else.
    const mode = ctx.config.http.auth.thrukAuth ?? 'service';
    const fix =
      mode === 'service'
        ? 'THRUK_AUTH_USER needs a superuser API key (Thruk ignores X-Thruk-Auth-User for other keys) and the exact user name as Thruk spells it (make_auth_user_lowercase changes it).'
        : "The Thruk identity this call was accepted with no longer holds here; reconnect, and ask the operator to check the service key and Thruk's user name settings.";
    return `${err.message}. ${fix}`;
  }
  if (err instanceof ThrukHttpError) {
    const m = `${(err.thrukMessage ?? '').toLowerCase()} ${(err.thrukDescription ?? '').toLowerCase()}`;
    if (err.status === 401 || err.status === 403) {
      if (m.includes('wrong authentication key') || m.includes('not authorized') || err.status === 401) {
        return `${err.message}. Thruk rejected the credentials: check THRUK_API_KEY (and THRUK_AUTH_USER, which needs a superuser key).`;
      }
      return `${err.message}. The Thruk user lacks permission for this; ask a Thruk admin or use a key with more rights.`;
    }
    if (err.status === 404) return `${err.message}. Check THRUK_BASE_URL (it should end in /thruk) and the Thruk version (3.x expected).`;
    if (err.status === 400 && m.includes('failed to find backend')) return `${err.message}. Use thruk_sites to see the backend names.`;
    if (err.status === 400 && m.includes('possible typo'))
      return `${err.message}. A filter or column name is not known to Thruk; check the spelling.`;
    const core = coreFailure(err.thrukDescription);
    if (core !== undefined) {
      return `${err.message}. Core ${core.core}'s Livestatus refused this query (its error ${core.code}): the fault is on that core (its configuration or files), not load, so retrying will not help. Ask its admin to fix it; meanwhile pass backends naming the other cores to get their part.`;
    }
    if (err.status === 429 || err.status >= 500)
      return `${err.message}. Thruk is overloaded or failing; retry in a moment or narrow the query.`;
    return `${err.message}.`;
  }
  if (err instanceof ThrukTimeoutError) return `${err.message}. Narrow the query (filter, fewer columns) or raise THRUK_TIMEOUT.`;
  if (err instanceof ThrukNetworkError) {
    const tls = err.code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(err.code);
    return tls
      ? `${err.message}. TLS verification failed: set THRUK_CA_FILE to your CA bundle (or THRUK_VERIFY_SSL=false, not recommended).`
      : `${err.message}. Cannot reach Thruk at ${safeOrigin(ctx.config.thruk.baseUrl)}: check THRUK_BASE_URL, the network and any proxy settings.`;
  }
  if (err instanceof ThrukResponseError) return `${err.message}. Thruk sent an unreadable answer; retry, and check any proxy in between.`;
  if (isThrukError(err)) return `${(err as Error).message}.`;
  if (err instanceof Error && err.name === 'AbortError') return `${def.name} was cancelled.`;
  return `Internal error in ${def.name}; it was logged on the server. Please report it if it persists.`;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the configured URL';
  }
}

const SECRET_ARG = /key|token|password|secret/i;

export function redactArgs(args: unknown): unknown {
  if (Array.isArray(args)) return args.map(redactArgs);
  if (args !== null && typeof args === 'object') {
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, SECRET_ARG.test(k) ? '***' : redactArgs(v)]));
  }
  return args;
}

export type AuditSink = (record: Record<string, unknown>) => void;

export interface CallDeps {
  readonly ctx: ToolContext;
  readonly audit: AuditSink | undefined;
  /** Facts the tool added through ctx.audit during the call. */
  readonly details?: Record<string, unknown>;
}

/** The MCP form we ask when a write needs the user's yes (a single boolean, as spec'd for form mode). */
export const CONFIRM_SCHEMA = z.object({ confirm: z.boolean().describe('Yes to carry out exactly what is described.') });

/**
 * The clock of a write call: the preview's, when the call confirms one (a plan_id argument or the
 * elicitation state that carries it), so the plan is rebuilt exactly as the user saw it; else now.
 * One instant for the whole call either way.
 */
function writeClock(ctx: ToolContext, rawArgs: unknown): number {
  const wall = ctx.now();
  const given = rawArgs !== null && typeof rawArgs === 'object' ? (rawArgs as Record<string, unknown>)['plan_id'] : undefined;
  const presented =
    typeof given === 'string' ? given : ctx.interaction.accepted('confirm')?.confirm === true ? ctx.interaction.requestState() : undefined;
  const clock = planClock(presented);
  return clock !== undefined && clock <= wall && wall - clock <= PLAN_MAX_AGE_MS ? clock : wall;
}

/** Validates, runs, shapes. Never throws: the model always gets a result it can read. */
export async function callTool(def: ToolDef, rawArgs: unknown, deps: CallDeps): Promise<CallResult> {
  const { audit } = deps;
  const started = Date.now();
  const parsed = def.input.safeParse(rawArgs ?? {});
  const writeCall = def.access !== 'read' && !(deps.ctx.config.readOnly && def.readOnlyFallback === true);
  const details = deps.details ?? {};
  const record = (outcome: string, extra: Record<string, unknown> = {}) => ({
    audit: true,
    tool: def.name,
    access: def.access,
    user: details['thruk_user'] ?? deps.ctx.config.thruk.authUser ?? null,
    args: redactArgs(rawArgs),
    ...details,
    ...extra,
    outcome,
    ms: Date.now() - started,
  });
  let ctx = deps.ctx;
  if (writeCall) {
    const pinned = writeClock(ctx, rawArgs);
    const facts = ctx.audit;
    ctx = {
      ...ctx,
      now: () => pinned,
      wallNow: deps.ctx.now,
      // The record before sending carries everything known so far; a failing sink throws (fail closed).
      ...(audit !== undefined ? { auditNow: (f: Record<string, unknown>) => audit(record('sending', { phase: 'intent', ...f })) } : {}),
      audit: facts,
    };
  }
  /** The final record, written before the answer goes out; returns a warning when it could not be. */
  const auditLine = (outcome: string, error?: string): string | undefined => {
    if (!writeCall || audit === undefined) return undefined;
    try {
      audit(record(outcome, error !== undefined ? { error } : {}));
      return undefined;
    } catch (err) {
      ctx.log.error(
        { tool: def.name, outcome, reason: err instanceof Error ? err.message : String(err) },
        'the audit record of a write could not be written',
      );
      return `Warning: the audit record of this call could not be written (${err instanceof Error ? err.message : String(err)}).`;
    }
  };
  if (!parsed.success) {
    const text = describeInputIssues(def, parsed.error);
    auditLine('error', text);
    return errorResult(text);
  }
  try {
    const answer = await def.run(ctx, parsed.data);
    if (answer.ask !== undefined && ctx.interaction.canElicit) {
      auditLine('asked');
      return inputRequired({
        inputRequests: { [answer.ask.key]: inputRequired.elicit({ message: answer.ask.message, requestedSchema: CONFIRM_SCHEMA }) },
        requestState: answer.ask.state,
      }) as unknown as CallResult;
    }
    const warning = auditLine(typeof details['outcome'] === 'string' ? details['outcome'] : 'ok');
    const text = warning === undefined ? answer.text : `${answer.text}\n${warning}`;
    return {
      content: [{ type: 'text', text: capText(leadWithNotes(text), ctx.config.maxAnswerTokens) }],
      structuredContent: answer.data as Record<string, unknown>,
      ...(answer.isError === true ? { isError: true } : {}),
    };
  } catch (err) {
    const text = describeError(def, err, ctx);
    if (!(
      err instanceof ToolInputError ||
      err instanceof FilterError ||
      err instanceof TimeParseError ||
      isThrukError(err) ||
      err instanceof ThrukIdentityError
    )) {
      ctx.log.error({ err, tool: def.name }, 'tool failed unexpectedly');
    }
    auditLine('error', text);
    return errorResult(text);
  }
}

const NOTE = /^Note: /;

/**
 * What changes the meaning of an answer (incomplete, cut, skipped, estimated, no data) is said in
 * a "Note: …" line; a reader who stops after the headline must still see it, so every note moves
 * right under the first line, in its order. Tools keep writing notes where they compute them.
 */
export function leadWithNotes(text: string): string {
  const lines = text.split('\n');
  const notes = lines.slice(1).filter((l) => NOTE.test(l));
  if (notes.length === 0) return text;
  const head = lines.slice(1, 1 + notes.length);
  if (head.every((l, i) => l === notes[i])) return text;
  return [lines[0] ?? '', ...notes, ...lines.slice(1).filter((l) => !NOTE.test(l))].join('\n');
}

/**
 * Safety net behind the per-tool row budgets: text beyond the budget is cut, and says so in its
 * second line. The headline and the notes under it (see leadWithNotes) are never cut.
 */
export function capText(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  const lines = text.split('\n');
  let lead = 1;
  while (lead < lines.length && NOTE.test(lines[lead] ?? '')) lead++;
  const kept = lines.slice(0, lead).join('\n');
  const body = lines.slice(lead).join('\n');
  const room = Math.max(0, maxTokens * 3 - 300 - kept.length);
  const cut = body.lastIndexOf('\n', room);
  const shown = body.slice(0, cut > 0 ? cut : room);
  const marker = `Note: answer cut at the ${maxTokens}-token budget: ${body.length - shown.length} characters at the end not shown; narrow the query or choose fewer columns, or page with offset where the tool has it.`;
  return [lines[0] ?? '', marker, ...lines.slice(1, lead), ...(shown === '' ? [] : [shown])].join('\n');
}
