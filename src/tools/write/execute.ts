import { z } from 'zod';
import { ThrukHttpError, ThrukNetworkError, ThrukResponseError, ThrukTimeoutError } from '../../thruk/errors.js';
import { ToolInputError, type ToolAnswer, type ToolContext } from '../define.js';
import { commandLine, planId, targetLabel, type Plan, type PlannedCommand } from './plan.js';

/** Every write tool takes these two. */
export const writeArgs = {
  dry_run: z.boolean().default(false).describe('Preview only'),
  confirm: z.boolean().default(false).describe('The user approved the preview'),
};

const commandOut = z.object({ target: z.string(), command: z.string(), line: z.string() });
const resultOut = z.object({
  target: z.string(),
  outcome: z.enum(['ok', 'failed', 'skipped']),
  verified: z.enum(['yes', 'pending']).optional().describe('Read back from Thruk after sending'),
  message: z.string().optional(),
});

export const writeOutput = z.object({
  status: z.enum(['preview', 'confirmation_required', 'declined', 'done', 'partial', 'failed']),
  action: z.string(),
  plan_id: z.string(),
  targets: z.number(),
  commands: z.array(commandOut),
  results: z.array(resultOut).optional(),
  notes: z.array(z.string()).optional(),
});
export type WriteOutput = z.output<typeof writeOutput>;
type Result = z.output<typeof resultOut>;

export interface RunOptions {
  readonly dry_run: boolean;
  readonly confirm: boolean;
  /** Reads the object back: true when the command visibly took effect. */
  readonly verify?: (ctx: ToolContext, c: PlannedCommand) => Promise<boolean>;
}

const CONCURRENCY = 4;
const VERIFY_WAITS_MS = [300, 700, 1500];

function distinctTargets(plan: Plan): number {
  return plan.objects ?? new Set(plan.commands.map((c) => targetLabel(c.target))).size;
}

export function preview(plan: Plan): Array<z.output<typeof commandOut>> {
  return plan.commands.map((c) => ({ target: targetLabel(c.target), command: c.command, line: commandLine(c) }));
}

export function previewText(plan: Plan, head: string): string {
  const lines = [head, `Action: ${plan.action}`, `Targets (${distinctTargets(plan)}):`];
  for (const c of plan.commands.slice(0, 100)) lines.push(`- ${targetLabel(c.target)}: ${commandLine(c)}`);
  if (plan.commands.length > 100) lines.push(`… and ${plan.commands.length - 100} more commands`);
  for (const n of plan.notes ?? []) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

/** Form body of Thruk's generic /cmd endpoint: names travel as form fields, never in the URL path. */
function form(c: PlannedCommand): Record<string, string | number> {
  const f: Record<string, string | number> = { cmd: c.command };
  if (c.target.kind === 'host' || c.target.kind === 'service') f.host = c.target.host ?? '';
  if (c.target.kind === 'service') f.service = c.target.service ?? '';
  if (c.target.kind === 'hostgroup') f.hostgroup = c.target.group ?? '';
  if (c.target.kind === 'servicegroup') f.servicegroup = c.target.group ?? '';
  return { ...f, ...c.args };
}

async function send(ctx: ToolContext, c: PlannedCommand): Promise<Result> {
  const target = targetLabel(c.target);
  try {
    const res = await ctx.thruk.post<{ message?: string; commands?: string }>('/cmd', form(c), {
      ...(c.target.backend !== undefined ? { backends: [c.target.backend] } : {}),
      signal: ctx.signal,
    });
    return { target, outcome: 'ok', message: typeof res?.commands === 'string' && res.commands !== '' ? res.commands : (res?.message ?? 'submitted') };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { target, outcome: 'failed', message: mayHaveRun(err) ? `${message}; the command may still have reached Thruk and run: check before sending it again` : message };
  }
}

/**
 * Failures after which nobody knows whether the core got the command: the request may have been
 * received (a reset or timeout after sending, an unreadable 200, a gateway that forwarded it). A
 * refused connection, DNS or TLS failure, or Thruk's own refusal means it did not run.
 */
function mayHaveRun(err: unknown): boolean {
  if (err instanceof ThrukTimeoutError || err instanceof ThrukResponseError) return true;
  if (err instanceof ThrukHttpError) return err.status === 502 || err.status === 504;
  if (err instanceof ThrukNetworkError) return !/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$|CERT|TLS|SSL/.test(err.code ?? 'ECONNREFUSED');
  return false;
}

async function sendAll(ctx: ToolContext, commands: readonly PlannedCommand[]): Promise<Result[]> {
  const results: Result[] = new Array<Result>(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length && !ctx.signal.aborted) {
      const i = next++;
      results[i] = await send(ctx, commands[i] as PlannedCommand);
      await ctx.progress(results.filter(Boolean).length, commands.length, `sent ${results.filter(Boolean).length}/${commands.length}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, commands.length) }, worker));
  // A cancelled call stops sending; what was not sent is reported as skipped, never guessed.
  return commands.map((c, i) => results[i] ?? { target: targetLabel(c.target), outcome: 'skipped', message: 'not sent: the call was cancelled' });
}

/** The core applies commands asynchronously: read back a few times, then say "pending" honestly. */
async function verifyAll(ctx: ToolContext, commands: readonly PlannedCommand[], results: Result[], verify: NonNullable<RunOptions['verify']>): Promise<void> {
  const open = new Set(results.flatMap((r, i) => (r.outcome === 'ok' ? [i] : [])));
  for (const wait of VERIFY_WAITS_MS) {
    if (open.size === 0 || ctx.signal.aborted) break;
    await new Promise((r) => setTimeout(r, wait));
    for (const i of [...open]) {
      if (await verify(ctx, commands[i] as PlannedCommand).catch(() => false)) {
        results[i] = { ...(results[i] as Result), verified: 'yes' };
        open.delete(i);
      }
    }
  }
  for (const i of open) results[i] = { ...(results[i] as Result), verified: 'pending' };
}

/**
 * Runs a plan with the safety rules every write shares: cap, preview, confirmation (elicitation
 * where the client can answer, otherwise confirm: true on a second call), per-target results,
 * read-back, audit facts.
 */
export async function runPlan(ctx: ToolContext, plan: Plan, opts: RunOptions): Promise<ToolAnswer<WriteOutput>> {
  const targets = distinctTargets(plan);
  if (plan.commands.length === 0) throw new ToolInputError(`Nothing to do: no object matched for "${plan.action}". Nothing was sent.`);
  if (targets > ctx.config.maxBulkTargets) {
    throw new ToolInputError(`This would touch ${targets} objects, more than the limit of ${ctx.config.maxBulkTargets} (THRUK_MAX_BULK_TARGETS). Narrow it (a host group, a state, a host name pattern) or split it. Nothing was sent.`);
  }
  const id = planId(plan);
  const base = { action: plan.action, plan_id: id, targets, commands: preview(plan), ...(plan.notes?.length ? { notes: [...plan.notes] } : {}) };
  ctx.audit({ targets: base.commands.map((c) => c.target), plan_id: id });

  if (opts.dry_run) {
    ctx.audit({ outcome: 'preview' });
    return { data: { status: 'preview', ...base }, text: previewText(plan, 'Preview only (dry_run): nothing was sent.') };
  }
  if (ctx.interaction.refused('confirm')) {
    ctx.audit({ outcome: 'declined' });
    return { data: { status: 'declined', ...base }, text: previewText(plan, 'The user declined; nothing was sent.') };
  }
  const answered = ctx.interaction.accepted('confirm');
  const elicited = answered?.confirm === true && ctx.interaction.requestState() === id;
  const needsConfirm = plan.destructive || plan.alwaysConfirm === true || targets > 1;
  if (needsConfirm && !opts.confirm && !elicited) {
    ctx.audit({ outcome: 'confirmation_required' });
    const changed = answered?.confirm === true ? ' The targets changed since the question was asked; please confirm again.' : '';
    const why = plan.destructive ? 'this is destructive' : targets > 1 ? `this touches ${targets} objects` : 'this is a bulk operation';
    const text = previewText(plan, `Confirmation needed: ${why}. Nothing was sent.${changed} Show this to the user and, if they agree, call again with the same arguments and confirm: true.`);
    return { data: { status: 'confirmation_required', ...base }, text, ask: { key: 'confirm', message: previewText(plan, `Please confirm.${changed}`), state: id } };
  }

  const results = await sendAll(ctx, plan.commands);
  if (opts.verify !== undefined) await verifyAll(ctx, plan.commands, results, opts.verify);
  const ok = results.filter((r) => r.outcome === 'ok').length;
  const status = ok === results.length ? 'done' : ok === 0 ? 'failed' : 'partial';
  ctx.audit({ outcome: status, results: results.map((r) => ({ target: r.target, outcome: r.outcome, verified: r.verified })) });
  const lines = [`${status === 'done' ? 'Done' : status === 'partial' ? 'Partly done' : 'Failed'}: ${plan.action} — ${ok} of ${results.length} commands accepted by Thruk.`];
  for (const r of results) {
    const v = r.verified === 'yes' ? ', verified' : r.verified === 'pending' ? ', not visible yet (the core applies commands asynchronously; check again shortly)' : '';
    lines.push(`- ${r.target}: ${r.outcome}${v}${r.outcome !== 'ok' && r.message ? ` — ${r.message}` : ''}`);
  }
  for (const n of plan.notes ?? []) lines.push(`Note: ${n}`);
  return { data: { status, ...base, results }, text: lines.join('\n'), ...(status === 'done' ? {} : { isError: true }) };
}
