/**
 * The downtime writes in front of the write gate. They differ from the other writes in one way:
 * one group or propagating command puts many objects in downtime, so the cap and the confirmation
 * count those (`affected`), not the single command. Times such as "now" or "+2h" come from the
 * call's clock, which a confirmation pins to the preview's (see gate.ts), so the confirmed plan
 * is the previewed one, times included.
 */
import type { ToolAnswer, ToolContext } from '../core/define.js';
import { runPlan, type RunOptions, type WriteOutput } from '../write/execute.js';
import type { Staged } from '../write/gate.js';

export { count } from '../write/gate.js';
export type { Staged } from '../write/gate.js';

export interface GateOptions {
  readonly dry_run: boolean;
  readonly confirm: boolean;
  readonly plan_id?: string | undefined;
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

/** Builds the plan from the call's clock and runs it through the write gate. */
export async function runGated(ctx: ToolContext, build: (baseMs: number) => Staged, opts: GateOptions): Promise<GateResult> {
  const staged = build(ctx.now());
  let sent = false;
  const answer = await runPlan(ctx, staged.plan, {
    dry_run: opts.dry_run,
    confirm: opts.confirm,
    plan_id: opts.plan_id,
    affected: staged.affected,
    noun: staged.noun,
    ...(opts.capHint !== undefined ? { capHint: opts.capHint } : {}),
    ...(opts.verify !== undefined ? { verify: opts.verify } : {}),
    beforeSend: async () => {
      sent = true;
      await opts.beforeSend?.(staged);
    },
  });
  return { answer, staged, sent };
}
