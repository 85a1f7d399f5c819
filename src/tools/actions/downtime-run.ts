/**
 * The confirmation gate of the downtime writes, in front of the framework's runPlan. It covers two
 * things runPlan cannot know: one group or propagating command puts many objects in downtime (the
 * cap and the confirmation must count those, not the single command), and a plan built from
 * "now"/"+2h" changes every second, so an elicited "yes" would never match the rebuilt plan. The
 * gate pins the clock of the preview the user saw into the elicitation state and rebuilds exactly
 * that plan; the state is checked against the keyed plan id, so a forged clock only asks again.
 */
import { ToolInputError, type ToolAnswer, type ToolContext } from '../define.js';
import { runPlan, type RunOptions, type WriteOutput } from '../write/execute.js';
import { commandLine, planId, targetLabel, type Plan } from '../write/plan.js';

export interface Staged {
  readonly plan: Plan;
  /** What the core will touch: objects put in downtime, or downtimes removed. Drives cap and confirmation. */
  readonly affected: number;
  /** Singular noun for `affected`, e.g. "host", "service", "downtime" (an "s" makes the plural). */
  readonly noun: string;
}

export interface GateOptions {
  readonly dry_run: boolean;
  readonly confirm: boolean;
  readonly verify?: RunOptions['verify'];
  /** How to narrow the call when the cap refuses it. */
  readonly capHint?: string;
  /** Runs right before the commands are handed to Thruk (e.g. to note which downtimes already exist). */
  readonly beforeSend?: (staged: Staged) => Promise<void>;
}

export interface GateResult {
  readonly answer: ToolAnswer<WriteOutput>;
  readonly staged: Staged;
  /** The commands went to Thruk (not a preview, question, refusal or decline). */
  readonly sent: boolean;
}

const PIN = /^([A-Za-z0-9_-]{22})~(\d{12,14})$/;
const MAX_PIN_AGE_MS = 86_400_000;

function pinnedClock(ctx: ToolContext): { id: string; baseMs: number } | undefined {
  const m = PIN.exec(ctx.interaction.requestState() ?? '');
  if (m === null) return undefined;
  const baseMs = Number(m[2]);
  const now = ctx.now();
  return baseMs <= now && now - baseMs <= MAX_PIN_AGE_MS ? { id: m[1] ?? '', baseMs } : undefined;
}

/** "1 host", "3 hosts". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function commandsOf(plan: Plan): WriteOutput['commands'] {
  return plan.commands.map((c) => ({ target: targetLabel(c.target), command: c.command, line: commandLine(c) }));
}

function coversLine(s: Staged): string {
  return `Covers ${count(s.affected, s.noun)}, ${count(s.plan.commands.length, 'command')}:`;
}

function stagedText(s: Staged, head: string): string {
  const n = s.plan.commands.length;
  const lines = [head, `Action: ${s.plan.action}`, coversLine(s)];
  for (const c of s.plan.commands.slice(0, 100)) lines.push(`- ${targetLabel(c.target)}: ${commandLine(c)}`);
  if (n > 100) lines.push(`… and ${n - 100} more commands`);
  for (const note of s.plan.notes ?? []) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

function needsConfirmation(s: Staged): boolean {
  return s.plan.destructive || s.affected > 1 || new Set(s.plan.commands.map((c) => targetLabel(c.target))).size > 1;
}

function confirmationAnswer(ctx: ToolContext, s: Staged, baseMs: number, changed: boolean): ToolAnswer<WriteOutput> {
  const id = planId(s.plan);
  const commands = commandsOf(s.plan);
  ctx.audit({ targets: commands.map((c) => c.target), plan_id: id, objects: s.affected, outcome: 'confirmation_required' });
  const why = s.plan.destructive ? 'this is destructive' : `this covers ${count(s.affected, s.noun)}`;
  const again = changed ? ' What it covers changed since the question was asked; please confirm again.' : '';
  const data: WriteOutput = { status: 'confirmation_required', action: s.plan.action, plan_id: id, targets: s.affected, commands, ...(s.plan.notes?.length ? { notes: [...s.plan.notes] } : {}) };
  const text = stagedText(s, `Confirmation needed: ${why}. Nothing was sent.${again} Show this to the user and, if they agree, call again with the same arguments and confirm: true.`);
  return { data, text, ask: { key: 'confirm', message: stagedText(s, `Please confirm.${again}`), state: `${id}~${baseMs}` } };
}

/** The plan of an earlier clock, or undefined when it no longer holds (e.g. its window has passed): then ask anew. */
function replay(build: (baseMs: number) => Staged, baseMs: number): Staged | undefined {
  try {
    return build(baseMs);
  } catch {
    return undefined;
  }
}

/** Cap, preview, confirmation, then runPlan for sending, read-back and audit. */
export async function runGated(ctx: ToolContext, build: (baseMs: number) => Staged, opts: GateOptions): Promise<GateResult> {
  const nowMs = ctx.now();
  let staged = build(nowMs);
  const max = ctx.config.maxBulkTargets;
  if (staged.affected > max) {
    throw new ToolInputError(`This would touch ${count(staged.affected, staged.noun)}, more than the limit of ${max} (THRUK_MAX_BULK_TARGETS). ${opts.capHint ?? 'Narrow it or split it.'} Nothing was sent.`);
  }
  const finish = (answer: ToolAnswer<WriteOutput>, sent: boolean): GateResult => ({ answer: { ...answer, data: { ...answer.data, targets: staged.affected } }, staged, sent });
  if (opts.dry_run || ctx.interaction.refused('confirm')) {
    ctx.audit({ objects: staged.affected });
    const answer = await runPlan(ctx, staged.plan, { dry_run: opts.dry_run, confirm: false });
    const asks = opts.dry_run && needsConfirmation(staged) ? `\nA real call asks for confirmation first (${staged.plan.destructive ? 'destructive' : `covers ${count(staged.affected, staged.noun)}`}).` : '';
    // runPlan counts distinct targets; say what is really covered (a group command, or many ids on one core).
    const text = answer.text.replace(/^Targets \(\d+\):$/m, coversLine(staged));
    return finish({ ...answer, text: `${text}${asks}` }, false);
  }
  if (needsConfirmation(staged) && !opts.confirm) {
    const answered = ctx.interaction.accepted('confirm')?.confirm === true;
    const pin = answered ? pinnedClock(ctx) : undefined;
    const replayed = pin !== undefined ? replay(build, pin.baseMs) : undefined;
    if (replayed === undefined || pin === undefined || planId(replayed.plan) !== pin.id) {
      return { answer: confirmationAnswer(ctx, staged, nowMs, answered), staged, sent: false };
    }
    // Exactly what the user saw and agreed to, including its times.
    staged = replayed;
  }
  ctx.audit({ objects: staged.affected });
  await opts.beforeSend?.(staged);
  const answer = await runPlan(ctx, staged.plan, { dry_run: false, confirm: true, ...(opts.verify !== undefined ? { verify: opts.verify } : {}) });
  return finish(answer, true);
}
