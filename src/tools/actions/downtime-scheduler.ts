/** Scheduling shared by every downtime tool: checks, the plan for the write gate, read-back of the new downtimes. */
import { ToolInputError, type ToolContext } from '../core/define.js';
import { iso, num } from '../lib/format.js';
import type { Row } from '../lib/list.js';
import type { PlannedWrite } from '../write/define-write.js';
import { planAnswer } from '../write/execute.js';
import { count } from '../write/gate.js';
import { checkCommandText, type CommandTarget, type Plan, type PlannedCommand } from '../write/plan.js';
import { resolveAuthor } from './common.js';
import {
  downtimeData,
  dtArgs,
  fetchDowntimes,
  objectLabel,
  peerOf,
  resolveDowntimeWindow,
  rowKey,
  windowNotes,
  type ScheduleOutput,
  type WindowInput,
} from './downtime-common.js';

export interface ScheduleArgs extends WindowInput {
  readonly comment: string;
  readonly author?: string | undefined;
}

/** One command and the objects it puts in downtime on its backend (objectKey form). */
export interface Coverage {
  readonly target: CommandTarget;
  readonly objects: readonly string[];
}

export interface Scope {
  readonly command: string;
  readonly coverage: readonly Coverage[];
  /** Singular noun of what is covered: "host", "service". */
  readonly noun: string;
  /** Short phrase for the action line, e.g. "web-01 and its 3 child hosts". */
  readonly what: string;
  readonly notes?: readonly string[];
  readonly capHint?: string;
  /** The coverage is a lower bound (a walk stopped at the cap). */
  readonly atLeast?: boolean;
}

/** Comma list of names, cut after `max` with a count (previews must stay readable). */
export function nameList(names: readonly string[], max = 30): string {
  const shown = names.slice(0, max).map((n) => n.replace('\t', '/'));
  return names.length > max ? `${shown.join(', ')}, … and ${names.length - max} more` : shown.join(', ');
}

const pin = (t: { backend?: string | undefined }): string[] | undefined => (t.backend !== undefined ? [t.backend] : undefined);

/** triggered_by must name a downtime that exists on every backend the command goes to (ids are per core). */
async function checkTrigger(ctx: ToolContext, id: number, coverage: readonly Coverage[]): Promise<void> {
  const backends = [...new Set(coverage.map((c) => c.target.backend))];
  for (const b of backends) {
    const rows = await fetchDowntimes(ctx, [['id', String(id)]], pin({ backend: b }));
    if (!rows.some((r) => num(r.id) === id)) {
      throw new ToolInputError(
        `triggered_by: there is no downtime #${id}${b !== undefined ? ` on backend ${b}` : ''}. Downtime ids are assigned by the core at runtime and change when it reloads; look it up with thruk_list_downtimes. Nothing was sent.`,
      );
    }
  }
}

/**
 * The plan of a downtime write: one command per covered target, the window from the call's clock
 * (a confirmation pins it to the preview's, see gate.ts), and a read-back that finds the new
 * downtimes' ids on each core.
 */
export async function schedule(ctx: ToolContext, args: ScheduleArgs, scope: Scope): Promise<PlannedWrite<ScheduleOutput>> {
  const comment = checkCommandText('comment', args.comment);
  const author = checkCommandText('author', await resolveAuthor(ctx, args.author));
  const w = resolveDowntimeWindow(args, ctx.now(), ctx.now());
  const coverage = scope.coverage.filter((c) => c.objects.length > 0);
  const affected = coverage.reduce((n, c) => n + c.objects.length, 0);
  if (affected === 0) throw new ToolInputError(`Nothing to do: ${scope.what} covers no ${scope.noun}s. Nothing was sent.`);
  if (w.triggeredBy > 0) await checkTrigger(ctx, w.triggeredBy, coverage);

  const a = dtArgs(w, author, comment);
  const plan: Plan = {
    action: `schedule a ${w.fixed ? 'fixed' : 'flexible'} downtime for ${scope.what}, ${iso(w.start)} → ${iso(w.end)}: "${comment}"`,
    commands: coverage.map((c): PlannedCommand => ({ target: c.target, command: scope.command, args: a })),
    destructive: false,
    notes: [...windowNotes(w, ctx.now()), ...(scope.notes ?? [])],
  };

  // Downtimes with the same window that existed before sending are not ours, whatever their comment.
  const before = new Set<string>();
  const found = new Map<CommandTarget, Row[]>();
  const idOf = (r: Row) => `${peerOf(r) ?? ''}#${num(r.id)}`;
  const sameWindow = (c: PlannedCommand): Array<[string, string]> => [
    ['start_time', String(c.args.start_time)],
    ['end_time', String(c.args.end_time)],
  ];
  const beforeSend = async (): Promise<void> => {
    const seen = new Set<string>();
    for (const c of plan.commands) {
      if (seen.has(c.target.backend ?? '')) continue;
      seen.add(c.target.backend ?? '');
      for (const r of await fetchDowntimes(ctx, sameWindow(c), pin(c.target))) before.add(idOf(r));
    }
  };
  const wanted = new Map(coverage.map((c) => [c.target, new Set(c.objects)]));
  const verify = async (c: ToolContext, cmd: PlannedCommand): Promise<boolean> => {
    const want = wanted.get(cmd.target) ?? new Set<string>();
    const rows = await fetchDowntimes(c, sameWindow(cmd), pin(cmd.target));
    const mine = rows.filter((r) => r.comment === comment && r.author === author && want.has(rowKey(r)) && !before.has(idOf(r)));
    found.set(cmd.target, mine);
    const seen = new Set(mine.map(rowKey));
    return [...want].every((k) => seen.has(k));
  };

  return {
    plan,
    affected,
    noun: scope.noun,
    ...(scope.capHint !== undefined ? { capHint: scope.capHint } : {}),
    ...(scope.atLeast === true ? { atLeast: true } : {}),
    verify,
    beforeSend,
    answer: (out) => {
      const answer = planAnswer(out);
      const made = [...found.values()].flat().sort((x, y) => num(x.id) - num(y.id));
      const ids = made.map((r) => num(r.id));
      const data: ScheduleOutput = {
        ...answer.data,
        window: { start: iso(a.start_time), end: iso(a.end_time), fixed: num(a.fixed) === 1, duration_seconds: num(a.duration) },
        objects: affected,
        ...(out.sent && ids.length > 0 ? { downtime_ids: ids, new_downtimes: made.map(downtimeData) } : {}),
      };
      const extra: string[] = [];
      if (out.sent && ids.length > 0) {
        const shown = made
          .slice(0, 50)
          .map((r) => `#${num(r.id)} ${objectLabel(r)}`)
          .join(', ');
        extra.push(
          `New downtimes, read back from Thruk (ids change when the core reloads): ${shown}${made.length > 50 ? `, … ${made.length - 50} more` : ''}.`,
        );
      }
      if (out.sent && answer.data.status === 'done' && ids.length < affected) {
        extra.push(
          `${count(affected - ids.length, scope.noun)} not visible in /downtimes yet: the core applies commands asynchronously; check with thruk_list_downtimes in a few seconds.`,
        );
      }
      return { ...answer, data, text: [answer.text, ...extra].join('\n') };
    },
  };
}
