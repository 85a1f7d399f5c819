/**
 * Long reads. Thruk's REST v1 has no background mode (`background=1` gets 400 "possible typo in
 * filter"), so a long query is paged here instead, under a deadline, with progress and
 * cancellation; a job Thruk itself created is polled at /thruk/jobs/<id>.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { encodeSegment } from '../../thruk/client.js';
import { ThrukHttpError } from '../../thruk/errors.js';
import { defineTool, ToolInputError, type ToolContext } from '../core/define.js';
import { flag, num } from '../lib/format.js';
import { backendsArg, limitArg, offsetArg, page, parseBackends, type Row } from '../lib/list.js';
import { paramsArg, toQuery } from './params.js';
import { rewriteListEquality } from './listcols.js';
import { checkPath, isRowPath } from './paths.js';
import { describeRequest } from './raw.js';
import { renderJson, withoutSecret } from './render.js';

const REFUSED_PARAMS: Readonly<Record<string, string>> = {
  limit: 'this tool pages by itself; use page_size, and limit/offset for the part of the result to show.',
  offset: 'this tool pages by itself; use offset for the part of the result to show.',
  sort: 'Thruk applies a limit before sorting, so paged results cannot be sorted by Thruk; use the sort argument (sorted here).',
  background: 'Thruk\'s REST API has no background mode (it answers 400 "possible typo in filter"); this tool pages instead.',
};

const backgroundOutput = z.object({
  path_taken: z.enum(['paged_query', 'single_request', 'thruk_job']).describe('How the query was run'),
  complete: z.boolean().describe('false when the deadline or max_rows stopped it early'),
  stopped: z.enum(['deadline', 'max_rows']).optional(),
  pages: z.number().describe('Requests made'),
  fetched: z.number().describe('Rows fetched in all'),
  elapsed_ms: z.number(),
  request: z.object({ method: z.string(), path: z.string(), query: z.string().optional() }),
  total: z.number().optional().describe('Rows in the reassembled result'),
  offset: z.number().optional(),
  returned: z.number().optional(),
  next_offset: z.number().optional().describe('Pass as offset to see more (the query runs again)'),
  truncated: z.boolean().optional(),
  rows: z.array(z.record(z.string(), z.unknown())).optional(),
  result: z.unknown().optional().describe('A non-list answer'),
  result_text: z.string().optional(),
  job: z.record(z.string(), z.unknown()).optional().describe('The Thruk job, with output cut to the budget'),
  notes: z.array(z.string()).optional(),
});
type BackgroundOutput = z.output<typeof backgroundOutput>;

const SORT = /^[+-]?[A-Za-z0-9_]+(,[+-]?[A-Za-z0-9_]+)*$/;

function comparator(sort: string): (a: Row, b: Row) => number {
  const keys = sort.split(',').map((k) => ({ desc: k.startsWith('-'), col: k.replace(/^[+-]/, '') }));
  const cmp = (x: unknown, y: unknown): number => {
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const [sx, sy] = [x === null || x === undefined ? '' : JSON.stringify(x), y === null || y === undefined ? '' : JSON.stringify(y)];
    return sx < sy ? -1 : sx > sy ? 1 : 0;
  };
  return (a, b) => {
    for (const k of keys) {
      const c = cmp(a[k.col], b[k.col]);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

interface Run {
  readonly signal: AbortSignal;
  readonly deadlineHit: () => boolean;
  readonly done: () => void;
}

/** The caller's cancellation ends the call; the deadline only ends the fetching. (AbortSignal.any needs Node 20.3.) */
function withDeadline(ctx: ToolContext, seconds: number): Run {
  const ctrl = new AbortController();
  let hit = false;
  const timer = setTimeout(() => {
    hit = true;
    ctrl.abort(new DOMException(`deadline of ${seconds}s reached`, 'TimeoutError'));
  }, seconds * 1000);
  timer.unref();
  const onAbort = () => ctrl.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: ctrl.signal,
    deadlineHit: () => hit && !ctx.signal.aborted,
    done: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Thruk's 404 for a job is "no such job", not a wrong base URL. */
function jobNotFound(err: unknown, id: string): unknown {
  if (err instanceof ThrukHttpError && err.status === 404)
    return new ToolInputError(
      `Thruk has no job '${id}' (${err.thrukMessage ?? 'no such job'}). Jobs are listed at /thruk/jobs (thruk_query path=/thruk/jobs).`,
    );
  return err;
}

async function pollJob(ctx: ToolContext, id: string, run: Run, started: number): Promise<{ data: BackgroundOutput; text: string }> {
  const path = `/thruk/jobs/${encodeSegment(id)}`;
  let job: Row | undefined;
  let pages = 0;
  for (;;) {
    try {
      const res = await ctx.thruk.get<unknown>(path, { backends: [], signal: run.signal, cache: false });
      pages++;
      job = res !== null && typeof res === 'object' && !Array.isArray(res) ? (res as Row) : undefined;
      if (job === undefined || !flag(job.is_running)) break;
      await ctx.progress(pages, undefined, `job ${id}: ${num(job.percent)}% ${typeof job.message === 'string' ? job.message : ''}`.trim());
      await sleep(1000, undefined, { signal: run.signal });
    } catch (err) {
      if (!run.deadlineHit()) throw jobNotFound(err, id);
      break;
    }
  }
  const request = describeRequest({ method: 'GET', path, query: [], backends: [] });
  const base = { path_taken: 'thruk_job' as const, pages, fetched: 0, elapsed_ms: Date.now() - started, request };
  if (job === undefined) throw new ToolInputError(`Thruk returned no job object for id '${id}'. Nothing else was done.`);
  const running = flag(job.is_running);
  const budget = Math.max(200, ctx.config.maxAnswerTokens * 3 - 1000);
  const cut = (v: unknown) =>
    typeof v === 'string' && v.length > budget / 2 ? `${v.slice(0, budget / 2)}… [cut: ${v.length} characters]` : v;
  const shown = withoutSecret({ ...job, cmd: cut(job.cmd), stdout: cut(job.stdout), stderr: cut(job.stderr) }, ctx.config.thruk.apiKey)
    .value as Row;
  const notes = running
    ? [`Job ${id} was still running at the deadline (${num(job.percent)}%); call again with job_id to keep waiting.`]
    : [];
  const head = `Path taken: Thruk job ${id} (GET ${path}), ${running ? 'still running' : `finished, rc ${typeof job.rc === 'string' || typeof job.rc === 'number' ? job.rc : '?'}`}.`;
  const lines = [
    head,
    ...['message', 'percent', 'rc', 'stdout', 'stderr']
      .filter((k) => shown[k] !== undefined && shown[k] !== '')
      .map((k) => `${k}: ${typeof shown[k] === 'string' ? shown[k] : JSON.stringify(shown[k])}`),
    ...notes.map((n) => `Note: ${n}`),
  ];
  return {
    data: {
      ...base,
      complete: !running,
      ...(running ? { stopped: 'deadline' as const } : {}),
      job: shown,
      ...(notes.length > 0 ? { notes } : {}),
    },
    text: lines.join('\n'),
  };
}

const input = z
  .object({
    path: z.string().min(1).max(2000).optional().describe('Path to read, e.g. /logs'),
    params: paramsArg,
    job_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
      .optional()
      .describe('A Thruk job to follow'),
    backends: backendsArg,
    timeout_s: z.number().int().min(1).max(900).default(120).describe('Deadline; partial rows are returned'),
    page_size: z.number().int().min(10).max(10_000).default(1000).describe('Rows per request'),
    max_rows: z.number().int().min(1).max(1_000_000).default(100_000).describe('Stop after this many rows'),
    sort: z.string().max(500).regex(SORT, 'comma-separated column names, "-" prefix for descending').optional().describe('e.g. "-time"'),
    limit: limitArg(100),
    offset: offsetArg,
  })
  .strict();
type Args = z.output<typeof input>;

export const runBackgroundQuery = defineTool({
  name: 'thruk_run_background_query',
  title: 'Long read query with progress',
  toolset: 'escape',
  access: 'read',
  description: 'A long read (months of /logs…) paged under a deadline with progress, or a Thruk job by job_id.',
  input,
  output: backgroundOutput,
  run: async (ctx, args) => {
    if ((args.job_id === undefined) === (args.path === undefined))
      throw new ToolInputError('Give either path (a long read query) or job_id (a Thruk job to follow), not both and not neither.');
    const run = withDeadline(ctx, args.timeout_s);
    try {
      return args.job_id !== undefined ? await pollJob(ctx, args.job_id, run, Date.now()) : await pagedRead(ctx, args, run);
    } finally {
      run.done();
    }
  },
});

async function pagedRead(ctx: ToolContext, args: Args, run: Run): Promise<{ data: BackgroundOutput; text: string }> {
  const started = Date.now();
  const checked = checkPath(args.path ?? '');
  const lists = rewriteListEquality(checked.segments, toQuery(args.params, REFUSED_PARAMS));
  const query = lists.query;
  const backends = checked.thrukInternal ? [] : parseBackends(args.backends);
  const columns = query
    .filter(([k]) => k === 'columns')
    .map(([, v]) => v)
    .join(',');
  const aggregate = columns.includes('(');
  const paged = isRowPath(checked) && !aggregate;
  const notes: string[] = [...lists.notes];
  if (!paged)
    notes.push(
      aggregate
        ? 'An aggregate query runs as one request (a limit would change the aggregate).'
        : `${checked.path} is not a row endpoint, so it ran as one request.`,
    );
  const request = describeRequest({ method: 'GET', path: checked.path, query, backends });
  const rows: Row[] = [];
  let single: unknown;
  let pages = 0;
  let stopped: 'deadline' | 'max_rows' | undefined;
  try {
    if (!paged) {
      single = await ctx.thruk.get<unknown>(checked.path, { query, backends, signal: run.signal });
      pages = 1;
    } else {
      for (;;) {
        const size = Math.min(args.page_size, args.max_rows - rows.length);
        const res = await ctx.thruk.get<unknown>(checked.path, {
          query: [...query, ['limit', String(size)], ['offset', String(rows.length)]],
          backends,
          signal: run.signal,
        });
        pages++;
        const batch = Array.isArray(res) ? (res as Row[]) : [];
        rows.push(...batch);
        if (batch.length > 0) await ctx.progress(rows.length, undefined, `page ${pages}: ${rows.length} rows so far`);
        if (batch.length < size) break;
        if (rows.length >= args.max_rows) {
          stopped = 'max_rows';
          break;
        }
      }
    }
  } catch (err) {
    if (!run.deadlineHit()) throw err;
    stopped = 'deadline';
  }
  const base = {
    pages,
    elapsed_ms: Date.now() - started,
    request,
    complete: stopped === undefined,
    ...(stopped !== undefined ? { stopped } : {}),
  };
  if (stopped === 'deadline')
    notes.push(
      `Stopped at the ${args.timeout_s}s deadline after ${pages} request(s): the result is incomplete. Narrow the query or raise timeout_s.`,
    );
  if (stopped === 'max_rows')
    notes.push(`Stopped at max_rows=${args.max_rows}: there may be more rows. Narrow the query or raise max_rows.`);
  if (!paged) {
    const shown = renderJson(single, {
      budgetTokens: ctx.config.maxAnswerTokens,
      secret: ctx.config.thruk.apiKey,
      more: 'Narrow it with params.',
    });
    const { lines, notes: more, ...rendered } = shown;
    const all = [...notes, ...more];
    return {
      data: {
        path_taken: 'single_request' as const,
        fetched: rendered.total ?? 0,
        ...base,
        ...rendered,
        ...(all.length > 0 ? { notes: all } : {}),
      },
      text: [`Path taken: one request (GET ${request.path}).`, ...all.map((n) => `Note: ${n}`), ...lines].join('\n'),
    };
  }
  if (args.sort !== undefined) rows.sort(comparator(args.sort));
  notes.push("Rows were read page by page in the core's order; objects added or removed meanwhile can shift a page boundary.");
  const clean = withoutSecret(rows, ctx.config.thruk.apiKey).value as Row[];
  const p = page(clean, (r) => JSON.stringify(r), {
    offset: args.offset,
    limit: args.limit,
    budgetTokens: ctx.config.maxAnswerTokens,
    what: 'rows',
  });
  if (p.meta.next_offset !== undefined)
    notes.push(
      `${p.meta.total - p.meta.next_offset} more rows not shown${p.meta.truncated === true ? ' (answer budget)' : ''}; pass offset=${p.meta.next_offset} to see them (the query runs again).`,
    );
  const head = `Path taken: paged query, ${pages} request(s) of up to ${args.page_size} rows to GET ${request.path}; ${rows.length} rows${stopped !== undefined ? ' (incomplete)' : ''}${args.sort !== undefined ? `, sorted by ${args.sort}` : ''}. Showing ${p.meta.returned} from offset ${p.meta.offset}.`;
  return {
    data: { path_taken: 'paged_query' as const, fetched: rows.length, ...base, ...p.meta, rows: p.rows, notes },
    text: [head, ...notes.map((n) => `Note: ${n}`), ...p.lines].join('\n'),
  };
}
