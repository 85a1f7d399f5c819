/**
 * A write tool as one declarative record: its own arguments, `plan` (what would be sent, as data,
 * built with whatever reads it needs) and `verify` (how to read one command's effect back). The
 * record gets the write arguments (dry_run, confirm, plan_id) and a `run` that goes through the one
 * write gate (gate.ts, via passGate): cap, preview, binding confirmation, audit record before
 * sending. Every tool with access write|destructive is built here (test/write-gate.test.ts checks
 * the whole registry), so no write reaches Thruk around the gate.
 */
import { z } from 'zod';
import { defineTool, type Access, type ToolAnswer, type ToolContext, type ToolDef, type Toolset } from '../core/define.js';
import {
  passGate,
  planAnswer,
  writeArgs,
  writeOutput,
  type GateOutcome,
  type RunOptions,
  type Sender,
  type WriteOutput,
} from './execute.js';
import type { Plan, PlannedCommand } from './plan.js';

type Verify = (ctx: ToolContext, c: PlannedCommand) => Promise<boolean>;

/** A plan with what only planning knows: a read-back that compares with the state before, the real reach, the answer's shape. */
export interface PlannedWrite<O = WriteOutput> {
  readonly plan: Plan;
  readonly verify?: Verify;
  /** Objects covered when that is not one per target (group commands, triggered downtimes). */
  readonly affected?: number;
  /** `affected` is a lower bound: counting stopped (a walk cut at the cap). */
  readonly atLeast?: boolean;
  readonly noun?: string;
  /** How to proceed when the cap refuses the call (what to narrow, with counts where known). */
  readonly capHint?: string;
  /** Runs right before the commands are handed to Thruk (e.g. to note which downtimes already exist). */
  readonly beforeSend?: () => Promise<void>;
  /** A raw request: always confirmed with a plan id, sent by `send`, never read back. */
  readonly raw?: { readonly send: Sender; readonly intent: readonly string[]; readonly readBackNone: string };
  /** The tool's answer from the gate's outcome (extra output fields, read-back ids); default: the standard write answer. */
  readonly answer?: (out: GateOutcome) => ToolAnswer<O>;
}

/** A call of a write tool that writes nothing (thruk_query's GET): its answer, no gate needed. */
export interface ReadOnlyCall<O> {
  readonly read: ToolAnswer<O>;
}

type WriteInput<S extends z.ZodRawShape> = z.ZodObject<S & typeof writeArgs, z.core.$strict>;
type Args<S extends z.ZodRawShape> = z.output<WriteInput<S>>;

export interface WriteToolDef<S extends z.ZodRawShape, O = WriteOutput> {
  readonly name: string;
  readonly title: string;
  /** Default: actions. */
  readonly toolset?: Toolset;
  readonly access: Exclude<Access, 'read'>;
  readonly idempotent?: boolean;
  /** See ToolDef.readOnlyFallback: `plan` must then refuse every write itself in read-only mode. */
  readonly readOnlyFallback?: boolean;
  readonly description: string;
  /** The tool's own arguments; dry_run, confirm and plan_id are added. */
  readonly args: S;
  /** The output schema when the answer carries more than the write output (then `answer` builds it). */
  readonly output?: z.ZodType<O>;
  readonly plan: (ctx: ToolContext, args: Args<S>) => Promise<Plan | PlannedWrite<O> | ReadOnlyCall<O>>;
  /** Reads one sent command back: true when its effect is visible (a plan's own verify wins). */
  readonly verify?: (ctx: ToolContext, c: PlannedCommand, args: Args<S>) => Promise<boolean>;
}

/** Tools built by defineWriteTool; nothing else can add to it. */
const gated = new WeakSet<object>();

/** True when the tool was built by defineWriteTool, i.e. its every write passes the one gate. */
export function isGatedWriteTool(def: ToolDef): boolean {
  return gated.has(def);
}

function plannedOf<O>(p: Plan | PlannedWrite<O>): PlannedWrite<O> {
  return 'plan' in p ? p : { plan: p };
}

export function defineWriteTool<S extends z.ZodRawShape, O = WriteOutput>(def: WriteToolDef<S, O>): ToolDef<WriteInput<S>, O> {
  const input = z.object({ ...def.args, ...writeArgs }).strict() as WriteInput<S>;
  const tool = defineTool({
    name: def.name,
    title: def.title,
    toolset: def.toolset ?? 'actions',
    access: def.access,
    ...(def.idempotent !== undefined ? { idempotent: def.idempotent } : {}),
    ...(def.readOnlyFallback !== undefined ? { readOnlyFallback: def.readOnlyFallback } : {}),
    description: def.description,
    input,
    output: def.output ?? (writeOutput as unknown as z.ZodType<O>),
    run: async (ctx, args): Promise<ToolAnswer<O>> => {
      const planned = await def.plan(ctx, args);
      if ('read' in planned) return planned.read;
      const p = plannedOf(planned);
      const recordVerify = def.verify;
      const verify =
        p.verify ?? (recordVerify !== undefined ? (c: ToolContext, cmd: PlannedCommand) => recordVerify(c, cmd, args) : undefined);
      const w = args as unknown as { dry_run: boolean; confirm: boolean; plan_id?: string | undefined };
      const opts: RunOptions = {
        dry_run: w.dry_run,
        confirm: w.confirm,
        plan_id: w.plan_id,
        ...(verify !== undefined ? { verify } : {}),
        ...(p.affected !== undefined ? { affected: p.affected } : {}),
        ...(p.atLeast === true ? { atLeast: true } : {}),
        ...(p.noun !== undefined ? { noun: p.noun } : {}),
        ...(p.capHint !== undefined ? { capHint: p.capHint } : {}),
        ...(p.beforeSend !== undefined ? { beforeSend: p.beforeSend } : {}),
        ...(p.raw !== undefined ? { raw: true, send: p.raw.send, intent: p.raw.intent, readBackNone: p.raw.readBackNone } : {}),
      };
      const out = await passGate(ctx, p.plan, opts);
      return p.answer !== undefined ? p.answer(out) : (planAnswer(out) as unknown as ToolAnswer<O>);
    },
  });
  gated.add(tool);
  return tool;
}
