import { z } from 'zod';
import type { ThrukClient } from '../../thruk/client.js';
import { defineTool, ToolInputError, type ToolContext } from '../core/define.js';
import { cell, estimateTokens } from '../lib/format.js';
import { closest } from '../lib/closest.js';
import { backendsArg, getRows, parseBackends, type Row } from '../lib/list.js';
import { describeRow, documentedColumns } from './columns.js';
import { DOCUMENTED, FILTER_NOTE, NULL_ON_THRUK, ROW_TABLES, SAMPLEABLE, SINGULAR, TABLE_NOTES } from './knowledge.js';

const endpoint = z.object({ url: z.string(), description: z.string() });
const column = z.object({ name: z.string(), type: z.string(), example: z.string().optional(), note: z.string().optional() });

const describeOutput = z.object({
  kind: z.enum(['endpoints', 'table', 'endpoint']),
  path: z.string().optional().describe('The REST path described, relative to /thruk/r'),
  endpoints: z.array(endpoint).optional(),
  columns: z.array(column).optional(),
  custom_variables: z.array(z.string()).optional().describe('_NAME keys on the sampled row'),
  host_custom_variables: z.array(z.string()).optional().describe('_HOSTNAME keys on a sampled service row'),
  perf_labels: z.array(z.string()).optional().describe('Performance labels expanded into keys on the sampled row'),
  sampled: z.boolean().optional().describe('true when the columns come from a real row, false when from documentation'),
  notes: z.array(z.string()),
});
type Described = z.output<typeof describeOutput>;

/** Per Thruk client (so per process in production): column sets and the endpoint list do not change while we run. */
const NO_INDEX = 'Thruk did not answer /index';
const memo = new WeakMap<ThrukClient, Map<string, Described>>();

/** Read endpoints worth knowing; config-tool, Thruk-internal and command routes are left out of the overview. */
const OVERVIEW_FIRST = new Set([
  'hosts',
  'services',
  'hostgroups',
  'servicegroups',
  'contacts',
  'contactgroups',
  'timeperiods',
  'commands',
  'comments',
  'downtimes',
  'logs',
  'alerts',
  'notifications',
  'processinfo',
  'checks',
  'sites',
  'lmd',
]);
const OVERVIEW_THRUK = new Set(['/thruk', '/thruk/whoami', '/thruk/recurring_downtimes', '/thruk/bp']);

function useful(url: string): boolean {
  const segs = url.split('/').filter((s) => s !== '');
  if (segs.includes('config') || segs.includes('cmd')) return false;
  return OVERVIEW_THRUK.has(url) || OVERVIEW_FIRST.has(segs[0] ?? '');
}

async function indexRows(
  ctx: ToolContext,
  backends: string[] | undefined,
): Promise<Array<{ url: string; description: string; protocol: string }> | undefined> {
  for (const path of ['/index', '/']) {
    try {
      const res = await ctx.thruk.get<unknown>(path, { ...(backends ? { backends } : {}), signal: ctx.signal, cache: true });
      if (!Array.isArray(res)) continue;
      return (res as Row[])
        .filter((r) => typeof r.url === 'string')
        .map((r) => ({
          url: String(r.url),
          description: typeof r.description === 'string' ? r.description : '',
          protocol: typeof r.protocol === 'string' ? r.protocol : 'GET',
        }));
    } catch (err) {
      if (ctx.signal.aborted) throw err;
    }
  }
  return undefined;
}

/** "Hosts", "/host", "thruk/r/v1/hosts/" → "/hosts". Matching is against known paths only; nothing typed here reaches a URL. */
export function normalisePath(what: string): string {
  let p = what.trim().split('?')[0] ?? '';
  p = p
    .replace(/^\/+/, '')
    .replace(/^(thruk\/)?r\/(v1\/)?/, '')
    .replace(/\/+$/, '');
  const segs = p.split('/');
  const first = (segs[0] ?? '').toLowerCase();
  segs[0] = SINGULAR[first] ?? first;
  return `/${segs.join('/')}`;
}

function templateMatches(url: string, path: string): boolean {
  const re = new RegExp(
    `^${url
      .split(/<[^>]+>/)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}$`,
  );
  return re.test(path);
}

async function overview(ctx: ToolContext, backends: string[] | undefined): Promise<Described> {
  const rows = await indexRows(ctx, backends);
  const notes = [
    ...FILTER_NOTE,
    'Prefix a path with /sites/<backend> (or pass backends) to ask one backend. thruk_describe what="hosts" lists a table\'s columns with types and examples.',
  ];
  if (rows === undefined) {
    notes.unshift(`${NO_INDEX}; these are the endpoints this server knows.`);
    return { kind: 'endpoints', endpoints: [...SAMPLEABLE].map((url) => ({ url, description: '' })), notes };
  }
  const seen = new Set<string>();
  const endpoints = rows
    .filter((r) => r.protocol === 'GET' && useful(r.url) && !seen.has(r.url) && seen.add(r.url))
    .map(({ url, description }) => ({ url, description }));
  return { kind: 'endpoints', endpoints, notes };
}

async function table(ctx: ToolContext, path: string, backends: string[] | undefined): Promise<Described> {
  const rows = await getRows(ctx, path, ROW_TABLES.has(path) ? [['limit', '1']] : [], backends);
  const notes = [...(TABLE_NOTES[path] ?? [])];
  const first = rows[0];
  if (first === undefined) {
    const doc = DOCUMENTED[path];
    notes.unshift(
      doc === undefined
        ? 'No row to sample (the table is empty for this selection).'
        : "No row to sample; these are Thruk's documented default columns.",
    );
    return { kind: 'table', path, columns: doc === undefined ? [] : documentedColumns(path, doc), sampled: false, notes };
  }
  const s = describeRow(path, first);
  const absentNulls = (NULL_ON_THRUK[path] ?? []).filter((c) => !(c in first));
  if (absentNulls.length > 0)
    notes.push(`Real Livestatus columns Thruk does not fetch, so they come back null: ${absentNulls.join(', ')}.`);
  if (s.custom_variables.length > 0)
    notes.push(
      `Custom variables on this row: ${s.custom_variables.join(', ')}; filter with _NAME=value (all variables are in custom_variables).`,
    );
  if (s.host_custom_variables.length > 0)
    notes.push(`The host's variables on this row: ${s.host_custom_variables.join(', ')}; filter with _HOSTNAME=value.`);
  if (s.perf_labels.length > 0)
    notes.push(
      `Performance labels expanded on this row: ${s.perf_labels.join(', ')} (each also <label>_unit); they can be selected, filtered and sorted like columns.`,
    );
  const out: Described = { kind: 'table', path, columns: s.columns, sampled: true, notes };
  if (s.custom_variables.length > 0) out.custom_variables = s.custom_variables;
  if (s.host_custom_variables.length > 0) out.host_custom_variables = s.host_custom_variables;
  if (s.perf_labels.length > 0) out.perf_labels = s.perf_labels;
  return out;
}

async function describe(ctx: ToolContext, what: string | undefined, backends: string[] | undefined): Promise<Described> {
  if (what === undefined || what.trim() === '' || what.trim() === '/') return overview(ctx, backends);
  const path = normalisePath(what);
  if (SAMPLEABLE.has(path)) return table(ctx, path, backends);
  const rows = (await indexRows(ctx, backends)) ?? [];
  const hits = rows.filter((r) => r.url === path || templateMatches(r.url, path));
  const under = hits.length > 0 ? [] : rows.filter((r) => r.url.startsWith(`${path}/`));
  const found = hits.length > 0 ? hits : under;
  if (found.length === 0) {
    const near = closest(
      path,
      [...new Set([...SAMPLEABLE, ...rows.map((r) => r.url)])].filter((u) => u !== '/' && u !== '/index'),
      3,
    );
    throw new ToolInputError(
      `thruk_describe: '${cell(what, 80)}' is not a Thruk table or endpoint.${near.length > 0 ? ` Did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : ''} Call thruk_describe without arguments for the list.`,
    );
  }
  const base = `/${path.split('/')[1] ?? ''}`;
  const notes = SAMPLEABLE.has(base) ? [`For the columns of the underlying table use thruk_describe what="${base.slice(1)}".`] : [];
  const endpoints = found.map((r) => ({ url: r.protocol === 'GET' ? r.url : `${r.protocol} ${r.url}`, description: r.description }));
  return { kind: 'endpoint', path, endpoints, notes };
}

function render(d: Described, budgetTokens: number): string {
  const lines: string[] = [];
  if (d.kind === 'endpoints') lines.push(`Thruk REST read endpoints (GET, relative to /thruk/r), ${d.endpoints?.length ?? 0}:`);
  else if (d.kind === 'endpoint') lines.push(`${d.path ?? ''}:`);
  else {
    const what = ROW_TABLES.has(d.path ?? '') ? 'columns' : 'keys';
    lines.push(
      `${d.path ?? ''}: ${d.columns?.length ?? 0} ${what} ${d.sampled === true ? `in a sampled ${what === 'columns' ? 'row' : 'answer'}` : '(documented)'}`,
      'column | type | example | note',
    );
  }
  const body =
    d.kind === 'table'
      ? (d.columns ?? []).map((c) => [c.name, c.type, c.example ?? '', c.note ?? ''].join(' | '))
      : (d.endpoints ?? []).map((e) => (e.description === '' ? e.url : `${e.url} — ${cell(e.description, 120)}`));
  const tail = d.notes.map((n) => `Note: ${n}`);
  let used = estimateTokens([...lines, ...tail].join('\n')) + 50;
  let i = 0;
  for (; i < body.length; i++) {
    const t = estimateTokens(body[i] as string) + 1;
    if (used + t > budgetTokens) break;
    used += t;
    lines.push(body[i] as string);
  }
  if (i < body.length) {
    const rest = d.kind === 'table' ? (d.columns ?? []).slice(i).map((c) => c.name) : (d.endpoints ?? []).slice(i).map((e) => e.url);
    lines.push(cell(`${rest.length} more not detailed (answer budget): ${rest.join(', ')}`, Math.max(200, (budgetTokens - used) * 3)));
  }
  return [...lines, ...tail].join('\n');
}

export const describeTool = defineTool({
  name: 'thruk_describe',
  title: 'Describe Thruk endpoints and columns',
  toolset: 'discovery',
  access: 'read',
  description: "Columns and endpoints: Thruk's read endpoints and filter language, or one table's columns with types.",
  input: z
    .object({
      what: z
        .string()
        .max(200)
        .regex(/^[^\x00-\x1f\x7f]*$/, 'must not contain line breaks or control characters')
        .optional()
        .describe('Table or path, e.g. hosts, /hosts/stats; omit for the list'),
      backends: backendsArg,
    })
    .strict(),
  output: describeOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const key = `${backends?.join(',') ?? ''}\u0000${args.what === undefined ? '' : normalisePath(args.what)}`;
    let cached = memo.get(ctx.thruk);
    if (cached === undefined) {
      cached = new Map();
      memo.set(ctx.thruk, cached);
    }
    let d = cached.get(key);
    if (d === undefined) {
      d = await describe(ctx, args.what, backends);
      // A fallback (no /index, empty table) may be answered properly next time.
      if (d.sampled !== false && !d.notes.some((n) => n.startsWith(NO_INDEX))) cached.set(key, d);
    }
    return { data: d, text: render(d, ctx.config.maxAnswerTokens) };
  },
});
