/**
 * The plan id of a write (see write/gate.ts): a keyed digest of exactly what will be sent and the
 * clock the plan was built with. Apart from the write modules, which load with the first call.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** What the id covers of a write/plan Plan: its commands (structural, so lib needs nothing from write/). */
interface PlannedCommands {
  readonly commands: readonly {
    readonly command: string;
    readonly target: unknown;
    readonly args: Readonly<Record<string, string | number>>;
  }[];
}

/** A per-process key, so a plan id echoed back by a client cannot be forged or replayed across restarts. */
let key: Buffer | undefined;
const keyOf = (): Buffer => (key ??= randomBytes(32));

/** How long a preview can be confirmed by its plan id. */
export const PLAN_MAX_AGE_MS = 3_600_000;

/**
 * A short, keyed digest of exactly what will be sent (targets, commands and every argument,
 * times included) and the clock the plan was built with: `<digest>.<clock in base 36>`. A
 * confirmation carrying it runs this plan and no other; the clock lets the server rebuild the
 * plan the user saw (times such as "now" or "+2h" are computed from it).
 */
export function planId(plan: PlannedCommands, baseMs: number): string {
  const canonical = JSON.stringify(
    plan.commands.map((c) => [c.command, c.target, Object.entries(c.args).sort(([a], [b]) => a.localeCompare(b))]),
  );
  return `${createHmac('sha256', keyOf()).update(canonical).digest('base64url').slice(0, 16)}.${Math.max(0, Math.floor(baseMs)).toString(36)}`;
}

const PLAN_ID = /^[A-Za-z0-9_-]{16}\.([0-9a-z]{1,11})$/;

/** The clock a plan id was built with, or undefined for something that is not a plan id. */
export function planClock(id: string | undefined): number | undefined {
  const m = PLAN_ID.exec(id ?? '');
  return m === null ? undefined : parseInt(m[1] ?? '', 36);
}
