/**
 * The one write gate. Every write — the planned commands of the action tools, the downtime family
 * and the raw requests of thruk_query — passes here: cap, preview, binding confirmation, the audit
 * record before anything is sent. The rule, in one place (docs/tools.md quotes it):
 *
 * - dry_run: true returns the preview and its plan_id; nothing is sent.
 * - A plan_id (or the user's yes to an elicitation, which carries it) runs exactly that plan: the
 *   plan is rebuilt with the preview's clock, and when its targets, commands or times now differ
 *   the call is refused with the difference. Plan ids live one hour and one server process.
 * - A write that touches one object and is not a bulk or raw request runs without a plan id, as
 *   in the Python thruk-mcp; if it is destructive it needs `confirm: true`.
 * - Everything else (several objects, a group, bulk, raw requests) answers with a preview and a
 *   plan_id first; `confirm: true` alone does not run it.
 */
import { LRUCache } from 'lru-cache';
import { plural as count } from '../lib/words.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { commandLine, PLAN_MAX_AGE_MS, planClock, planId, targetLabel, type Plan } from './plan.js';

export interface WriteArgs {
  readonly dry_run: boolean;
  readonly confirm: boolean;
  readonly plan_id?: string | undefined;
}

export interface Staged {
  readonly plan: Plan;
  /** What the core will touch (objects put in downtime, problems acknowledged, downtimes removed). */
  readonly affected: number;
  /** Singular noun for `affected` ("host", "downtime", "object"). */
  readonly noun: string;
  /** A raw request: its effect is unknown, so it always needs a plan id. */
  readonly raw?: boolean;
  /** `affected` is a lower bound: counting stopped once it passed the cap. */
  readonly atLeast?: boolean;
}

export interface Difference {
  readonly removed: string[];
  readonly added: string[];
  /** False when this process has no record of the preview (restarted, or another replica). */
  readonly known: boolean;
}

export type Decision =
  | { readonly kind: 'preview'; readonly id: string }
  | { readonly kind: 'declined'; readonly id: string }
  | { readonly kind: 'confirm'; readonly id: string; readonly why: string; readonly again: boolean }
  | { readonly kind: 'changed'; readonly id: string; readonly presented: string; readonly difference: Difference }
  | { readonly kind: 'expired'; readonly id: string }
  | { readonly kind: 'go'; readonly id: string };

/** Commands as lines ("web-01: SCHEDULE_HOST_DOWNTIME;web-01;…"): what a preview shows and a difference compares. */
export function planLines(plan: Plan): string[] {
  return plan.commands.map((c) => `${targetLabel(c.target)}: ${commandLine(c)}`);
}

/** Previews shown by this process, so a refused confirmation can show what changed. */
let shown: LRUCache<string, string[]> | undefined;
function remember(id: string, lines: string[]): void {
  (shown ??= new LRUCache({ max: 500 })).set(id, lines);
}

function differenceOf(presented: string, now: string[]): Difference {
  const before = shown?.get(presented);
  if (before === undefined) return { removed: [], added: now, known: false };
  const was = new Set(before);
  const is = new Set(now);
  return { removed: before.filter((l) => !is.has(l)), added: now.filter((l) => !was.has(l)), known: true };
}

export function differenceText(d: Difference): string {
  if (!d.known)
    return (
      'This server has no record of that preview (it restarted, or another instance showed it). The plan now is:\n' +
      d.added.map((l) => `+ ${l}`).join('\n')
    );
  const lines = [...d.removed.map((l) => `- ${l}`), ...d.added.map((l) => `+ ${l}`)];
  return `What changed since the preview (- no longer, + new):\n${lines.length > 0 ? lines.join('\n') : '(the same commands in another form)'}`;
}

export { count };

function distinctTargets(plan: Plan): number {
  return new Set(plan.commands.map((c) => targetLabel(c.target))).size;
}

/** One object, no bulk, not raw: what the Python thruk-mcp ran without any confirmation. */
export function singleObject(s: Staged): boolean {
  return s.raw !== true && s.plan.alwaysConfirm !== true && s.affected <= 1 && distinctTargets(s.plan) <= 1;
}

/** The confirmation rule (see the file comment), applied to one staged write. */
export function decideWrite(ctx: ToolContext, s: Staged, args: WriteArgs, capHint?: string): Decision {
  if (s.plan.commands.length === 0) throw new ToolInputError(`Nothing to do: no object matched for "${s.plan.action}". Nothing was sent.`);
  const max = ctx.config.maxBulkTargets;
  if (s.affected > max) {
    // Say how many, how many the cap allows and how to go on: a bare "too many" leaves the caller guessing.
    const many = `${s.atLeast === true ? 'at least ' : ''}${count(s.affected, s.noun)}`;
    throw new ToolInputError(
      `This would touch ${many}, more than the limit of ${max} (THRUK_MAX_BULK_TARGETS). ${capHint ?? 'Narrow it (a host group, a state, a host name pattern) or split it.'} Nothing was sent.`,
    );
  }
  const id = planId(s.plan, ctx.now());
  const lines = planLines(s.plan);
  ctx.audit({ plan_id: id, targets: [...new Set(s.plan.commands.map((c) => targetLabel(c.target)))], objects: s.affected });
  if (args.dry_run) {
    remember(id, lines);
    return { kind: 'preview', id };
  }
  if (ctx.interaction.refused('confirm')) return { kind: 'declined', id };
  const elicited = ctx.interaction.accepted('confirm')?.confirm === true ? ctx.interaction.requestState() : undefined;
  const presented = args.plan_id ?? elicited;
  if (presented !== undefined) {
    const clock = planClock(presented);
    const wall = (ctx.wallNow ?? ctx.now)();
    if (clock !== undefined && wall - clock > PLAN_MAX_AGE_MS) return { kind: 'expired', id };
    if (presented === id) {
      // Times computed from the preview's clock: a window that has ended since is not scheduled.
      const ended = s.plan.commands.some((c) => typeof c.args.end_time === 'number' && c.args.end_time * 1000 <= wall);
      if (ended) return { kind: 'expired', id };
      return { kind: 'go', id };
    }
    remember(id, lines);
    // An elicited yes to an older question is asked again (the user answers the new preview).
    if (args.plan_id === undefined) return { kind: 'confirm', id, why: whyConfirm(s), again: true };
    return { kind: 'changed', id, presented, difference: differenceOf(presented, lines) };
  }
  const needs = s.raw === true || s.plan.destructive || !singleObject(s);
  if (!needs || (args.confirm && singleObject(s))) return { kind: 'go', id };
  remember(id, lines);
  return { kind: 'confirm', id, why: whyConfirm(s), again: false };
}

function whyConfirm(s: Staged): string {
  if (s.raw === true) return 'a raw request can change anything its path allows';
  if (s.plan.alwaysConfirm === true && s.affected <= 1) return 'this is a bulk operation';
  if (s.affected > 1) return `this covers ${count(s.affected, s.noun)}`;
  if (distinctTargets(s.plan) > 1) return `this touches ${distinctTargets(s.plan)} objects`;
  return 'this is destructive';
}

/** The sentence after a preview that says how to go on. */
export function nextStep(d: Decision, s: Staged): string {
  const single = singleObject(s) && s.raw !== true;
  if (d.kind === 'preview') {
    const why =
      s.raw === true
        ? 'raw request'
        : s.plan.destructive
          ? 'destructive'
          : s.affected > 1
            ? `covers ${count(s.affected, s.noun)}`
            : `touches ${distinctTargets(s.plan)} objects`;
    if (!single)
      return `A real call asks for confirmation first (${why}): call again with the same arguments and plan_id: "${d.id}" once the user agreed.`;
    return s.plan.destructive
      ? `A real call asks for confirmation first (${why}): call again with confirm: true or plan_id: "${d.id}" once the user agreed.`
      : 'Call again without dry_run to run it.';
  }
  return `Show this to the user and, if they agree, call again with the same arguments and plan_id: "${d.id}"${single ? ' (or confirm: true)' : ''}.`;
}

/** Thrown when the audit record of a write cannot be written: the write is not sent. */
export class AuditUnavailableError extends Error {
  override readonly name = 'AuditUnavailableError';
}

/**
 * The audit record of a write that is about to be sent, written before sending. A failing sink
 * refuses the write (fail closed): nothing is sent that cannot be accounted for.
 */
export function recordBeforeSend(ctx: ToolContext, facts: Record<string, unknown>): void {
  if (ctx.auditNow === undefined) return;
  try {
    ctx.auditNow({ ...facts, outcome: 'sending' });
  } catch (err) {
    throw new ToolInputError(
      `The audit record could not be written (${err instanceof Error ? err.message : String(err)}), so nothing was sent: every write must be accounted for. Ask the operator to fix THRUK_AUDIT_FILE.`,
    );
  }
}

/** Who Thruk says the acting user is, for the audit record (undefined when Thruk cannot say). */
export async function thrukUserOf(ctx: ToolContext): Promise<string | undefined> {
  const pinned = ctx.thruk.expectedUser;
  if (pinned !== undefined) return pinned;
  try {
    const me = await ctx.thruk.whoami(ctx.signal);
    return me.id === '' ? undefined : me.id;
  } catch {
    return undefined;
  }
}
