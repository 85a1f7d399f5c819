import { z } from 'zod';
import type { ToolContext } from '../core/define.js';
import { objectName } from '../lib/objects.js';
import { getRows, type Row } from '../lib/list.js';
import type { CommandTarget } from '../write/plan.js';

export const hostArg = objectName('Host name');
export const serviceArg = objectName('Service; omit for the host').optional();

export const textArg = (what: string, dflt: string) => z.string().min(1).max(1000).default(dflt).describe(what);

/** The acknowledgement options of ACKNOWLEDGE_*_PROBLEM, shared by the single and the bulk tool. */
export const ackFlagArgs = {
  sticky: z.boolean().default(true).describe('Keep until recovery'),
  notify: z.boolean().default(true).describe('Notify contacts'),
  persistent: z.boolean().default(false).describe('Survive core restarts'),
};

/**
 * sticky_ack as the core reads it: Thruk passes it verbatim, Naemon (and Nagios) make ANY non-zero
 * value sticky and Icinga 2 only 2, so "not sticky" is 0 and "sticky" 2 on every core.
 */
export function stickyAck(sticky: boolean): 0 | 2 {
  return sticky ? 2 : 0;
}

export { FALLBACK_AUTHOR, resolveAuthor } from '../write/author.js';

/** Reads one row of the target's current status, pinned to its backend. */
export async function readTarget(ctx: ToolContext, t: CommandTarget, columns: readonly string[]): Promise<Row | undefined> {
  const backends = t.backend !== undefined ? [t.backend] : undefined;
  const rows =
    t.kind === 'service'
      ? await getRows(
          ctx,
          '/services',
          [
            ['host_name', t.host ?? ''],
            ['description', t.service ?? ''],
            ['columns', columns.join(',')],
          ],
          backends,
        )
      : await getRows(
          ctx,
          '/hosts',
          [
            ['name', t.host ?? ''],
            ['columns', columns.join(',')],
          ],
          backends,
        );
  return rows[0];
}
