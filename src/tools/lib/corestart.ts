/**
 * When each core started (/processinfo program_start, per backend): the lower bound of a state's
 * age where Icinga 2 reports last_state_change 0. Read only when a row needs it.
 */
import type { Cores } from './cores.js';
import type { ToolContext } from '../core/define.js';
import { flag, num } from './format.js';
import { getRows, type Row } from './list.js';

export type CoreStarts = ReadonlyMap<string, number>;

/** True when a checked row has no state-change time (Icinga 2, first state since the core started). */
export function needsCoreStart(rows: readonly Row[]): boolean {
  return rows.some(
    (r) =>
      r.last_state_change !== undefined && num(r.last_state_change) <= 0 && (r.has_been_checked === undefined || flag(r.has_been_checked)),
  );
}

export async function coreStarts(ctx: ToolContext, rows: readonly Row[], backends: string[] | undefined): Promise<CoreStarts> {
  if (!needsCoreStart(rows)) return new Map();
  try {
    const proc = await getRows(ctx, '/processinfo', [['columns', 'peer_name,program_start']], backends);
    return new Map(
      proc.filter((p) => num(p.program_start) > 0).map((p) => [typeof p.peer_name === 'string' ? p.peer_name : '', num(p.program_start)]),
    );
  } catch (e) {
    if (ctx.signal?.aborted === true) throw e;
    // Without it the age stays blank, as before: never a failed answer for a detail.
    return new Map();
  }
}

/** The core start for a row: its backend's, or the only one there is. */
export function coreStartOf(starts: CoreStarts, r: Row): number | undefined {
  const own = starts.get(typeof r.peer_name === 'string' ? r.peer_name : '');
  if (own !== undefined) return own;
  return starts.size === 1 ? [...starts.values()][0] : undefined;
}

/** The starts of the cores already read with readCores (/sites and /processinfo): no extra request. */
export function startsOf(c: Cores): CoreStarts {
  return new Map(c.all.filter((x) => x.programStart > 0).map((x) => [x.name, x.programStart]));
}
