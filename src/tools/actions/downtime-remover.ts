/**
 * Deleting downtimes that were looked up first: one object-scoped del_downtime per id, pinned to
 * the backend the row came from (ids are per core, and the same id on another backend is another
 * downtime). The object-scoped command needs only rights on the object (del_host_downtime needs
 * system-command rights) and Thruk checks that the id belongs to that object, which also guards
 * against ids renumbered by a core reload between lookup and delete. Nothing like "delete all of
 * this host" is ever sent.
 */
import type { ToolContext } from '../core/define.js';
import { num } from '../lib/format.js';
import type { Row } from '../lib/list.js';
import type { PlannedWrite } from '../write/define-write.js';
import { planAnswer, resultLines, sentHead } from '../write/execute.js';
import { count } from '../write/gate.js';
import type { PlannedCommand } from '../write/plan.js';
import {
  downtimeData,
  downtimeLine,
  fetchDowntimes,
  isHostRow,
  objectLabel,
  peerOf,
  rowKey,
  type DeleteOutput,
} from './downtime-common.js';

const pinTo = (backend: string | undefined): string[] | undefined => (backend !== undefined ? [backend] : undefined);
const idOf = (r: Row): string => `${peerOf(r) ?? ''}#${num(r.id)}`;
/** Preview lines per downtime; the structured result always has them all. */
const SHOWN = 100;

/** Downtimes the core removes along with `rows` because they were triggered by one of them (transitively). */
async function triggeredChildren(ctx: ToolContext, rows: readonly Row[]): Promise<Row[]> {
  const out: Row[] = [];
  const taken = new Set(rows.map(idOf));
  for (const backend of new Set(rows.map(peerOf))) {
    const candidates = (await fetchDowntimes(ctx, [['triggered_by[gt]', '0']], pinTo(backend))).filter(
      (r) => num(r.triggered_by) > 0 && peerOf(r) === backend,
    );
    let parents = new Set(rows.filter((r) => peerOf(r) === backend).map((r) => num(r.id)));
    while (parents.size > 0) {
      const next = new Set<number>();
      for (const r of candidates) {
        if (!parents.has(num(r.triggered_by)) || taken.has(idOf(r))) continue;
        taken.add(idOf(r));
        out.push(r);
        next.add(num(r.id));
      }
      parents = next;
    }
  }
  return out;
}

/** "verified gone" rather than "verified": the effect of a delete is an absence. */
const GONE = { yes: 'verified gone', pending: 'still visible (the core applies commands asynchronously; check again shortly)' };

/** The plan of deleting `rows` (each by id, on its own core), with what the core removes along with them. */
export async function deleteDowntimes(
  ctx: ToolContext,
  rows: readonly Row[],
  action: string,
  notes: readonly string[] = [],
  capHint?: string,
): Promise<PlannedWrite<DeleteOutput>> {
  const also = await triggeredChildren(ctx, rows);
  const rowOf = new Map<PlannedCommand, Row>();
  const commands = rows.map((r): PlannedCommand => {
    const backend = peerOf(r);
    const host = isHostRow(r);
    const c: PlannedCommand = {
      target: {
        kind: host ? 'host' : 'service',
        host: String(r.host_name),
        ...(host ? {} : { service: String(r.service_description) }),
        ...(backend !== undefined ? { backend } : {}),
        label: `#${num(r.id)} ${objectLabel(r)}`,
      },
      command: 'del_downtime',
      args: { downtime_id: num(r.id) },
    };
    rowOf.set(c, r);
    return c;
  });
  const plan = {
    action,
    commands,
    destructive: true,
    notes: [
      ...rows.slice(0, SHOWN).map((r) => `deletes ${downtimeLine(r)}`),
      ...(rows.length > SHOWN ? [`… and ${rows.length - SHOWN} more (all listed in the structured result, field downtimes)`] : []),
      ...(also.length > 0
        ? [`The core also removes the ${count(also.length, 'downtime')} triggered by those: ${also.map(downtimeLine).join('; ')}`]
        : []),
      ...notes,
    ],
  };
  ctx.audit({ downtimes: rows.map((r) => `#${num(r.id)} ${objectLabel(r)}`) });
  // Gone = no downtime with that id on that object any more (after a reload the id may name another one).
  const verify = async (c: ToolContext, cmd: PlannedCommand): Promise<boolean> => {
    const r = rowOf.get(cmd);
    if (r === undefined) return false;
    const now = await fetchDowntimes(c, [['id', String(num(r.id))]], pinTo(cmd.target.backend));
    return !now.some((x) => num(x.id) === num(r.id) && rowKey(x) === rowKey(r));
  };
  const data = (answer: { data: Omit<DeleteOutput, 'downtimes' | 'also_removed'> }): DeleteOutput => ({
    ...answer.data,
    downtimes: rows.map(downtimeData),
    ...(also.length > 0 ? { also_removed: also.map(downtimeData) } : {}),
  });
  return {
    plan,
    affected: rows.length + also.length,
    noun: 'downtime',
    verify,
    ...(capHint !== undefined ? { capHint } : {}),
    answer: (out) => {
      const answer = planAnswer(out);
      if (!out.sent) return { ...answer, data: data(answer) };
      // After sending, the preview's "deletes …" notes are history: the lines say what went and what the core removed with it.
      const lines = [sentHead(out), ...resultLines(out.results, GONE)];
      if (also.length > 0)
        lines.push(`Also removed by the core (triggered by those): ${also.map((r) => `#${num(r.id)} ${objectLabel(r)}`).join(', ')}.`);
      for (const n of notes) lines.push(`Note: ${n}`);
      return { ...answer, data: data(answer), text: lines.join('\n') };
    },
  };
}
