/**
 * A write tool as one declarative record: its own arguments, `plan` (what would be sent, as data)
 * and `verify` (how to read one command's effect back). The record gets the write arguments
 * (dry_run, confirm, plan_id), the write output and a `run` that goes through the one write gate
 * (gate.ts, via runPlan): cap, preview, binding confirmation, audit record before sending.
 */
import { z } from 'zod';
import { defineTool, type Access, type ToolContext, type ToolDef } from '../core/define.js';
import { runPlan, writeArgs, writeOutput, type RunOptions, type WriteOutput } from './execute.js';
import type { Plan, PlannedCommand } from './plan.js';

type Verify = (ctx: ToolContext, c: PlannedCommand) => Promise<boolean>;

/** A plan with what only planning knows: a read-back that compares with the state before, the real reach. */
export interface PlannedWrite {
  readonly plan: Plan;
  readonly verify?: Verify;
  /** Objects covered when that is not one per target (group commands). */
  readonly affected?: number;
  readonly noun?: string;
  readonly capHint?: string;
}

type WriteInput<S extends z.ZodRawShape> = z.ZodObject<S & typeof writeArgs, z.core.$strict>;

export interface WriteToolDef<S extends z.ZodRawShape> {
  readonly name: string;
  readonly title: string;
  readonly access: Exclude<Access, 'read'>;
  readonly idempotent?: boolean;
  readonly description: string;
  /** The tool's own arguments; dry_run, confirm and plan_id are added. */
  readonly args: S;
  readonly plan: (ctx: ToolContext, args: z.output<WriteInput<S>>) => Promise<Plan | PlannedWrite>;
  /** Reads one sent command back: true when its effect is visible (a plan's own verify wins). */
  readonly verify?: (ctx: ToolContext, c: PlannedCommand, args: z.output<WriteInput<S>>) => Promise<boolean>;
}

export function defineWriteTool<S extends z.ZodRawShape>(def: WriteToolDef<S>): ToolDef<WriteInput<S>, WriteOutput> {
  const input = z.object({ ...def.args, ...writeArgs }).strict() as WriteInput<S>;
  return defineTool({
    name: def.name,
    title: def.title,
    toolset: 'actions',
    access: def.access,
    ...(def.idempotent !== undefined ? { idempotent: def.idempotent } : {}),
    description: def.description,
    input,
    output: writeOutput,
    run: async (ctx, args) => {
      const planned = await def.plan(ctx, args);
      const p: PlannedWrite = 'plan' in planned ? planned : { plan: planned };
      const recordVerify = def.verify;
      const verify = p.verify ?? (recordVerify !== undefined ? (c: ToolContext, cmd: PlannedCommand) => recordVerify(c, cmd, args) : undefined);
      const w = args as unknown as { dry_run: boolean; confirm: boolean; plan_id?: string | undefined };
      const opts: RunOptions = {
        dry_run: w.dry_run,
        confirm: w.confirm,
        plan_id: w.plan_id,
        ...(verify !== undefined ? { verify } : {}),
        ...(p.affected !== undefined ? { affected: p.affected } : {}),
        ...(p.noun !== undefined ? { noun: p.noun } : {}),
        ...(p.capHint !== undefined ? { capHint: p.capHint } : {}),
      };
      return runPlan(ctx, p.plan, opts);
    },
  });
}
