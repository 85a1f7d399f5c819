import { z } from 'zod';
import { ThrukHttpError, ThrukNetworkError, ThrukResponseError, ThrukTimeoutError } from '../../thruk/errors.js';
import type { ToolAnswer, ToolContext } from '../core/define.js';
import { count, decideWrite, differenceText, nextStep, recordBeforeSend, thrukUserOf, type Decision, type Staged } from './gate.js';
import { commandLine, targetLabel, type Plan, type PlannedCommand } from './plan.js';

/** Every write tool takes these (the confirmation rule is in gate.ts). */
export const writeArgs = {
  dry_run: z.boolean().default(false).describe('Preview only'),
  confirm: z.boolean().default(false).describe('User agreed'),
  // Described once, in the server instructions (like backends): it is on every write tool.
  plan_id: z.string().optional(),
};

const commandOut = z.object({ target: z.string(), command: z.string(), line: z.string() });
const resultOut = z.object({
  target: z.string(),
  outcome: z.enum(['ok', 'failed', 'skipped']),
  verified: z.enum(['yes', 'pending']).optional().describe('Read back from Thruk after sending'),
  message: z.string().optional(),
});

/** Why a plan_id was refused: removed/added command lines; known=false when this process never showed that preview. */
export const differenceOut = z.object({ removed: z.array(z.string()), added: z.array(z.string()), known: z.boolean() });

export const writeOutput = z.object({
  status: z.enum(['preview', 'confirmation_required', 'plan_changed', 'declined', 'done', 'partial', 'failed']),
  action: z.string(),
  plan_id: z.string(),
  targets: z.number(),
  commands: z.array(commandOut),
  results: z.array(resultOut).optional(),
  difference: differenceOut.optional(),
  notes: z.array(z.string()).optional(),
});
export type WriteOutput = z.output<typeof writeOutput>;
export type Result = z.output<typeof resultOut>;

export interface RunOptions {
  readonly dry_run: boolean;
  readonly confirm: boolean;
  readonly plan_id?: string | undefined;
  /** Reads the object back: true when the command visibly took effect. */
  readonly verify?: (ctx: ToolContext, c: PlannedCommand) => Promise<boolean>;
  /** What the plan really covers when that is not one object per target (group commands, ids). */
  readonly affected?: number;
  readonly noun?: string;
  /** `affected` is a lower bound (counting stopped at the cap). */
  readonly atLeast?: boolean;
  /** How to narrow the call when the cap refuses it. */
  readonly capHint?: string;
  /** Runs right before the commands are handed to Thruk (e.g. to note which downtimes already exist). */
  readonly beforeSend?: () => Promise<void>;
  /** A raw request: its effect is unknown, so it always needs a plan id (gate.ts). */
  readonly raw?: boolean;
  /** How one command goes to Thruk; default: the generic /cmd endpoint, pinned to the target's backend. */
  readonly send?: Sender;
  /** The lines of the record before sending, when the command lines do not say it (raw requests). */
  readonly intent?: readonly string[];
  /** The read-back named in the final audit record for an accepted command that is never read back. */
  readonly readBackNone?: string;
}

/** Sends one planned command; a Thruk refusal is a failed result, anything else throws. */
export type Sender = (ctx: ToolContext, c: PlannedCommand) => Promise<Result>;

const CONCURRENCY = 4;
const VERIFY_WAITS_MS = [300, 700, 1500];

function distinctTargets(plan: Plan): number {
  return plan.objects ?? new Set(plan.commands.map((c) => targetLabel(c.target))).size;
}

export function preview(plan: Plan): Array<z.output<typeof commandOut>> {
  return plan.commands.map((c) => ({ target: targetLabel(c.target), command: c.command, line: commandLine(c) }));
}

export function previewText(plan: Plan, head: string, covers?: string): string {
  const lines = [head, `Action: ${plan.action}`, covers ?? `Targets (${distinctTargets(plan)}):`];
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
    return {
      target,
      outcome: 'ok',
      message: typeof res?.commands === 'string' && res.commands !== '' ? res.commands : (res?.message ?? 'submitted'),
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      target,
      outcome: 'failed',
      message: mayHaveRun(err) ? `${message}; the command may still have reached Thruk and run: check before sending it again` : message,
    };
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
  if (err instanceof ThrukNetworkError)
    return !/^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$|CERT|TLS|SSL/.test(
      err.code ?? 'ECONNREFUSED',
    );
  return false;
}

async function sendAll(ctx: ToolContext, commands: readonly PlannedCommand[], send: Sender): Promise<Result[]> {
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
  return commands.map(
    (c, i) => results[i] ?? { target: targetLabel(c.target), outcome: 'skipped', message: 'not sent: the call was cancelled' },
  );
}

/** The core applies commands asynchronously: read back a few times, then say "pending" honestly. */
async function verifyAll(
  ctx: ToolContext,
  commands: readonly PlannedCommand[],
  results: Result[],
  verify: NonNullable<RunOptions['verify']>,
): Promise<void> {
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

function stagedOf(plan: Plan, opts: RunOptions): Staged {
  return {
    plan,
    affected: opts.affected ?? distinctTargets(plan),
    noun: opts.noun ?? 'object',
    ...(opts.raw === true ? { raw: true } : {}),
    ...(opts.atLeast === true ? { atLeast: true } : {}),
  };
}

function coversLine(s: Staged): string | undefined {
  if (s.noun === 'object') return undefined;
  return `Covers ${count(s.affected, s.noun)}, ${count(s.plan.commands.length, 'command')}:`;
}

/** The answer of every decision that sends nothing. */
function unsent(d: Exclude<Decision, { kind: 'go' }>, s: Staged, base: Omit<WriteOutput, 'status'>): ToolAnswer<WriteOutput> {
  const covers = coversLine(s);
  const plan = s.plan;
  switch (d.kind) {
    case 'preview':
      return {
        data: { status: 'preview', ...base },
        text: `${previewText(plan, 'Preview only (dry_run): nothing was sent.', covers)}\n${nextStep(d, s)}`,
      };
    case 'declined':
      return { data: { status: 'declined', ...base }, text: previewText(plan, 'The user declined; nothing was sent.', covers) };
    case 'expired':
      return {
        data: { status: 'confirmation_required', ...base },
        text: previewText(
          plan,
          'That preview is too old to run (plan ids live one hour, and a window that has ended is not scheduled). Nothing was sent. Preview it again with dry_run: true.',
          covers,
        ),
        isError: true,
      };
    case 'changed': {
      const text = `${previewText(plan, 'Refused: this is not the plan that was previewed (its targets, commands or times differ now). Nothing was sent.', covers)}\n${differenceText(d.difference)}\nIf the user agrees with the plan as it is now, call again with plan_id: "${d.id}".`;
      return { data: { status: 'plan_changed', ...base, difference: d.difference }, text, isError: true };
    }
    case 'confirm': {
      const again = d.again ? ' What it covers changed since the question was asked; please confirm again.' : '';
      const text = `${previewText(plan, `Confirmation needed: ${d.why}. Nothing was sent.${again}`, covers)}\n${nextStep(d, s)}`;
      return {
        data: { status: 'confirmation_required', ...base },
        text,
        ask: { key: 'confirm', message: previewText(plan, `Please confirm.${again}`, covers), state: d.id },
      };
    }
  }
}

/** What passing the gate came to: a decision that sent nothing, or the commands sent with their results. */
export type GateOutcome =
  | {
      readonly sent: false;
      readonly decision: Exclude<Decision, { kind: 'go' }>;
      readonly staged: Staged;
      readonly base: Omit<WriteOutput, 'status'>;
    }
  | {
      readonly sent: true;
      readonly decision: Extract<Decision, { kind: 'go' }>;
      readonly staged: Staged;
      readonly base: Omit<WriteOutput, 'status'>;
      readonly results: readonly Result[];
      readonly status: 'done' | 'partial' | 'failed';
    };

/**
 * The write gate's whole path (gate.ts decides: cap, preview, binding confirmation; here the
 * audit record before sending, sending with per-target results, read-back, the final record).
 * Nothing reaches Thruk any other way.
 */
export async function passGate(ctx: ToolContext, plan: Plan, opts: RunOptions): Promise<GateOutcome> {
  const staged = stagedOf(plan, opts);
  const d = decideWrite(ctx, staged, { dry_run: opts.dry_run, confirm: opts.confirm, plan_id: opts.plan_id }, opts.capHint);
  const base = {
    action: plan.action,
    plan_id: d.id,
    targets: staged.affected,
    commands: preview(plan),
    ...(plan.notes?.length ? { notes: [...plan.notes] } : {}),
  };
  if (d.kind !== 'go') {
    ctx.audit({
      outcome: d.kind === 'confirm' || d.kind === 'expired' ? 'confirmation_required' : d.kind === 'changed' ? 'plan_changed' : d.kind,
    });
    return { sent: false, decision: d, staged, base };
  }
  await opts.beforeSend?.();
  const thrukUser = await thrukUserOf(ctx);
  if (thrukUser !== undefined) ctx.audit({ thruk_user: thrukUser });
  recordBeforeSend(ctx, { plan_id: d.id, commands: opts.intent ?? base.commands.map((c) => `${c.target}: ${c.line}`) });
  const results = await sendAll(ctx, plan.commands, opts.send ?? send);
  if (opts.verify !== undefined) await verifyAll(ctx, plan.commands, results, opts.verify);
  const ok = results.filter((r) => r.outcome === 'ok').length;
  const status = ok === results.length ? 'done' : ok === 0 ? 'failed' : 'partial';
  const readBack = (r: Result) => r.verified ?? (r.outcome === 'ok' ? opts.readBackNone : undefined);
  ctx.audit({
    outcome: status,
    results: results.map((r) => ({
      target: r.target,
      outcome: r.outcome,
      ...(readBack(r) !== undefined ? { read_back: readBack(r) } : {}),
      ...(r.outcome !== 'ok' && r.message !== undefined ? { message: r.message } : {}),
    })),
  });
  return { sent: true, decision: d, staged, base, results, status };
}

/** "verified" / "not visible yet" as the default read-back wording; a record may word it for its effect. */
export interface ReadBackWords {
  readonly yes: string;
  readonly pending: string;
}
const VISIBLE: ReadBackWords = {
  yes: 'verified',
  pending: 'not visible yet (the core applies commands asynchronously; check again shortly)',
};

/** The headline of a sent plan ("Done: … — 2 of 2 commands accepted by Thruk."). */
export function sentHead(out: Extract<GateOutcome, { sent: true }>): string {
  const ok = out.results.filter((r) => r.outcome === 'ok').length;
  return `${out.status === 'done' ? 'Done' : out.status === 'partial' ? 'Partly done' : 'Failed'}: ${out.staged.plan.action} — ${ok} of ${out.results.length} commands accepted by Thruk.`;
}

/** One line per target with its outcome and read-back. */
export function resultLines(results: readonly Result[], words: ReadBackWords = VISIBLE): string[] {
  return results.map((r) => {
    const v = r.verified === 'yes' ? `, ${words.yes}` : r.verified === 'pending' ? `, ${words.pending}` : '';
    return `- ${r.target}: ${r.outcome}${v}${r.outcome !== 'ok' && r.message ? ` — ${r.message}` : ''}`;
  });
}

/** The write answer of a gate outcome: the preview or question when nothing was sent, else per-target results. */
export function planAnswer(out: GateOutcome): ToolAnswer<WriteOutput> {
  if (!out.sent) return unsent(out.decision, out.staged, out.base);
  const lines = [sentHead(out), ...resultLines(out.results)];
  for (const n of out.staged.plan.notes ?? []) lines.push(`Note: ${n}`);
  return {
    data: { status: out.status, ...out.base, results: [...out.results] },
    text: lines.join('\n'),
    ...(out.status === 'done' ? {} : { isError: true }),
  };
}
