import { z } from 'zod';
import { parseDuration } from '../lib/time.js';
import { defineTool } from '../core/define.js';
import { cell, iso } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, pageFooter, parseBackends } from '../lib/list.js';
import { scopeFilterArg } from '../lib/problems.js';
import {
  CHECKS,
  ending,
  neverOk,
  orphanComments,
  problemObjects,
  staleAckFindings,
  upcoming,
  type Check,
  type Finding,
  type Problems,
  type Scope,
} from './checks.js';
import { callText } from './next.js';
import { failingCoreNote, failingLogCores } from '../lib/logquery.js';

const row = z.object({
  check: z.enum(CHECKS),
  host: z.string(),
  service: z.string().nullable(),
  state: z.string().optional().describe('Present when the object is failing now'),
  at: z.string().describe('ISO-8601: start (upcoming), end (ending), ack time, problem start (never_ok) or comment time'),
  detail: z.string(),
  advice: z.string(),
  next: z
    .object({ tool: z.string(), args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) })
    .optional()
    .describe('The write call that would act on it (preview it with dry_run)'),
  peer_name: z.string().optional(),
});

const counts = z.object(Object.fromEntries(CHECKS.map((c) => [c, z.number().optional()])) as Record<Check, z.ZodOptional<z.ZodNumber>>);

export const hygiene = defineTool({
  name: 'thruk_hygiene',
  title: 'Downtime and acknowledgement hygiene',
  toolset: 'hygiene',
  access: 'read',
  description:
    'Forgotten planned work: downtimes starting soon or ending on failing objects, stale acks, never-OK services, orphaned downtime comments; rows name the write call that fixes each.',
  input: z
    .object({
      check: z
        .enum(['all', ...CHECKS])
        .default('all')
        .describe('all: every check'),
      window: z.string().min(1).max(20).default('24h').describe('Ahead and back, e.g. 24h'),
      min_days: z.number().min(0).max(3650).default(7).describe('stale_acks: min age'),
      limit: limitArg(50),
      offset: offsetArg,
      filter: scopeFilterArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    check: z.string(),
    window: z.string(),
    counts,
    total: z.number(),
    offset: z.number(),
    returned: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean().optional(),
    rows: z.array(row),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const windowS = parseDuration(args.window, 'window');
    const backends = parseBackends(args.backends);
    const want = (c: Check): boolean => args.check === 'all' || args.check === c;
    const base: Omit<Scope, 'multi'> = { filter: args.filter, backends, windowS, minDays: args.min_days };
    // Always read: besides three checks, the failing objects say whether the answer spans several backends.
    const problems: Problems = await problemObjects(ctx, { ...base, multi: false });
    const peers = new Set([...problems.values()].map((p) => p.row.peer_name));
    // Name the backend in suggested writes when the estate spans several (by what Thruk answered).
    const s: Scope = { ...base, multi: peers.size > 1 || (backends !== undefined && backends.length > 1) };
    const notes: string[] = [];
    const found: Record<string, Finding[]> = {};
    await Promise.all([
      want('upcoming')
        ? upcoming(ctx, s, problems).then((r) => {
            found.upcoming = r;
          })
        : undefined,
      want('ending')
        ? Promise.all([ending(ctx, s, problems), failingLogCores(ctx, backends)]).then(([r, failing]) => {
            found.ending = r.rows;
            if (r.handled > 0)
              notes.push(`${r.handled} objects whose downtime ended are still failing but acknowledged or in a new downtime; not listed.`);
            // Ended downtimes come from the merged log, which Thruk answers without a failing core.
            notes.unshift(...failing.map((f) => failingCoreNote(f, 'downtimes that ended on that core are not listed under ending')));
          })
        : undefined,
      want('stale_acks')
        ? staleAckFindings(ctx, s).then((r) => {
            found.stale_acks = r.rows;
            if (r.cut > 0) notes.push(`stale_acks: ${r.cut} more beyond the first 1000; narrow with filter.`);
          })
        : undefined,
      want('orphan_comments')
        ? orphanComments(ctx, s).then((r) => {
            found.orphan_comments = r;
          })
        : undefined,
    ]);
    if (want('never_ok')) found.never_ok = neverOk(ctx, s, problems);
    const all: Finding[] = CHECKS.flatMap((c) =>
      [...(found[c] ?? [])].sort((a, b) => a.at - b.at || a.host.localeCompare(b.host) || (a.service ?? '').localeCompare(b.service ?? '')),
    );
    const countsOut = Object.fromEntries(CHECKS.filter((c) => found[c] !== undefined).map((c) => [c, found[c]?.length ?? 0]));
    const showPeer = new Set(all.map((f) => f.peer_name)).size > 1;
    const line = (f: Finding): string =>
      [
        f.check,
        showPeer && f.peer_name !== undefined ? `${f.host}@${f.peer_name}` : f.host,
        f.service ?? '',
        f.state ?? '',
        f.detail,
        f.next !== undefined ? `${f.advice}: ${callText(f.next)}` : f.advice,
      ]
        .map((x) => cell(x, 400))
        .join(' | ');
    const pg = page(all, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'findings',
    });
    const summary = CHECKS.filter((c) => found[c] !== undefined)
      .map((c) => `${c} ${found[c]?.length ?? 0}`)
      .join(', ');
    const head = `Hygiene (window ${args.window}, acks older than ${args.min_days}d): ${summary}.`;
    const text = [
      pg.meta.total === 0
        ? `${head} Nothing to tidy.`
        : `${head} Rows ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned} of ${pg.meta.total}:`,
    ];
    if (pg.lines.length > 0) text.push('check | host | service | state | detail | what to do', ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...notes.map((n) => `Note: ${n}`));
    const rows = pg.rows.map(({ at, ...f }) => ({ ...f, at: iso(at) }));
    return {
      data: { check: args.check, window: args.window, counts: countsOut, ...pg.meta, rows, ...(notes.length > 0 ? { notes } : {}) },
      text: text.join('\n'),
    };
  },
});
