import { z } from 'zod';
import { compileFilter } from '../../thruk/filter.js';
import { defineTool, type ToolContext } from '../core/define.js';
import { cell, estimateTokens, flag, hostStateName, iso, num, serviceStateName } from '../lib/format.js';
import { backendsArg, getRows, parseBackends, query, type Row } from '../lib/list.js';

/** mod-gearman's traces in plugin output, in precedence order (first match names the row). */
export const SIGNATURES = [
  { name: 'orphaned', re: /orphaned/i },
  { name: 'worker_timeout', re: /Timed Out On Worker/i },
  { name: 'address_undef', re: /Invalid hostname\/address\s*-\s*undef/i },
] as const;
/** The server-side filter: one case-insensitive regex over plugin_output, sent as a bracket parameter. */
const SERVER_REGEX = 'orphaned|Timed Out On Worker|Invalid hostname/address *- *undef';
const QUEUE_RE = /queue '([^']+)'/i;

export function classifyArtefact(output: string): { signature: string; queue?: string } | undefined {
  const sig = SIGNATURES.find((s) => s.re.test(output));
  if (sig === undefined) return undefined;
  const q = QUEUE_RE.exec(output)?.[1];
  return q === undefined ? { signature: sig.name } : { signature: sig.name, queue: q };
}

const sample = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().optional(),
  state: z.string(),
  backend: z.string(),
  signature: z.string(),
  queue: z.string().optional(),
  last_check: z.string().optional(),
  plugin_output: z.string(),
});
type Sample = z.output<typeof sample>;

interface Scan {
  readonly total: number;
  readonly rows: Row[];
  readonly byBackend: Record<string, number>;
}

/** Exact totals per backend come from Thruk's count(*); rows (capped by limit) feed the breakdown. */
async function scan(ctx: ToolContext, table: 'hosts' | 'services', limit: number, backends: string[] | undefined): Promise<Scan> {
  const { params } = compileFilter(table, { field: 'plugin_output', op: 'regex', value: SERVER_REGEX });
  const cols =
    table === 'hosts' ? 'name,state,plugin_output,last_check,peer_name' : 'host_name,description,state,plugin_output,last_check,peer_name';
  // No sort is sent, so Thruk's limit is safe here: any `limit` rows will do for the breakdown.
  const [counts, rows] = await Promise.all([
    getRows(ctx, `/${table}`, query(params, { columns: 'peer_name,count(*)' }), backends),
    getRows(ctx, `/${table}`, query(params, { columns: cols, limit: String(limit) }), backends),
  ]);
  const byBackend: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    const n = num(c['count(*)']);
    if (n === 0) continue;
    const b = typeof c.peer_name === 'string' && c.peer_name !== '' ? c.peer_name : '(unknown)';
    byBackend[b] = (byBackend[b] ?? 0) + n;
    total += n;
  }
  return { total, rows, byBackend };
}

function tally(into: Record<string, number>, key: string, n = 1): void {
  into[key] = (into[key] ?? 0) + n;
}

const workerOutput = z.object({
  now: z.string(),
  total_artefacts: z.number().describe('Exact, counted by Thruk'),
  by_object: z.record(z.string(), z.number()),
  by_backend: z.record(z.string(), z.number()).describe('Exact, counted by Thruk'),
  by_signature: z.record(z.string(), z.number()),
  by_queue: z.record(z.string(), z.number()),
  breakdown_complete: z
    .boolean()
    .describe('false when more artefacts exist than limit rows were read; by_signature/by_queue then cover only those'),
  backends: z.object({ connected: z.number(), disconnected: z.array(z.object({ name: z.string(), last_error: z.string() })) }),
  samples: z.array(sample),
  assessment: z.string(),
});
type WorkerData = z.output<typeof workerOutput>;

export const workerHealth = defineTool({
  name: 'thruk_worker_health',
  title: 'mod-gearman worker health',
  toolset: 'triage',
  access: 'read',
  description: 'mod-gearman blind spots: checks failing on workers (orphaned, timed out), by signature, queue and backend.',
  input: z
    .object({
      include_hosts: z.boolean().default(true).describe('Scan host checks'),
      include_services: z.boolean().default(true).describe('Scan service checks'),
      limit: z.number().int().min(1).max(5000).default(500).describe('Rows read per object type (totals stay exact)'),
      sample_limit: z.number().int().min(0).max(100).default(20).describe('Example rows returned'),
      backends: backendsArg,
    })
    .strict(),
  output: workerOutput,
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const none: Scan = { total: 0, rows: [], byBackend: {} };
    const [sites, svc, hst] = await Promise.all([
      getRows(ctx, '/sites', [], backends),
      args.include_services ? scan(ctx, 'services', args.limit, backends) : Promise.resolve(none),
      args.include_hosts ? scan(ctx, 'hosts', args.limit, backends) : Promise.resolve(none),
    ]);
    const disconnected = sites
      .filter((s) => !(flag(s.connected) && num(s.status) === 0))
      .map((s) => ({ name: cell(s.name), last_error: cell(s.last_error) }));
    const bySignature: Record<string, number> = {};
    const byQueue: Record<string, number> = {};
    const byBackend: Record<string, number> = {};
    for (const [b, n] of [...Object.entries(svc.byBackend), ...Object.entries(hst.byBackend)]) tally(byBackend, b, n);
    const samples: Sample[] = [];
    const read = (kind: 'host' | 'service', r: Row): void => {
      const output = typeof r.plugin_output === 'string' ? r.plugin_output : cell(r.plugin_output);
      const c = classifyArtefact(output);
      if (c === undefined) return;
      tally(bySignature, c.signature);
      if (c.queue !== undefined) tally(byQueue, c.queue);
      if (samples.length >= args.sample_limit) return;
      const s: Sample = {
        kind,
        host: String(kind === 'host' ? r.name : r.host_name),
        state: kind === 'host' ? hostStateName(r.state) : serviceStateName(r.state),
        backend: typeof r.peer_name === 'string' ? r.peer_name : '(unknown)',
        signature: c.signature,
        plugin_output: output,
      };
      if (kind === 'service') s.service = String(r.description);
      if (c.queue !== undefined) s.queue = c.queue;
      if (num(r.last_check) > 0) s.last_check = iso(r.last_check);
      samples.push(s);
    };
    for (const r of svc.rows) read('service', r);
    for (const r of hst.rows) read('host', r);
    const total = svc.total + hst.total;
    const complete = svc.rows.length >= svc.total && hst.rows.length >= hst.total;
    const assessment = assess(total, bySignature, byQueue, disconnected.length, complete, args.limit);
    const data = {
      now: iso(Math.floor(ctx.now() / 1000)),
      total_artefacts: total,
      by_object: { services: svc.total, hosts: hst.total },
      by_backend: byBackend,
      by_signature: bySignature,
      by_queue: byQueue,
      breakdown_complete: complete,
      backends: { connected: sites.length - disconnected.length, disconnected },
      samples,
      assessment,
    };
    return { data, text: render(ctx.config.maxAnswerTokens, data, args.include_hosts, args.include_services) };
  },
});

const list = (r: Record<string, number>): string =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

function assess(
  total: number,
  sig: Record<string, number>,
  queue: Record<string, number>,
  down: number,
  complete: boolean,
  limit: number,
): string {
  const parts: string[] = [];
  if (total === 0) parts.push('No mod-gearman worker artefacts in check output.');
  else {
    const queues = Object.entries(queue)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([q]) => q);
    parts.push(
      `${total} checks show mod-gearman worker failures (${list(sig)}${complete ? '' : ` in the first ${limit} read per type`})${queues.length > 0 ? ` on queue${queues.length > 1 ? 's' : ''} ${queues.join(', ')}` : ''}: ` +
        'their non-OK state comes from the check-execution layer (dead or saturated workers, orphaned checks, unresolved addresses), not necessarily from the monitored objects. Check the workers with gearman_top or gearadmin --status.',
    );
  }
  if (down > 0) parts.push(`${down} backend${down > 1 ? 's are' : ' is'} disconnected: a blind spot whatever the counts say.`);
  else if (total === 0) parts.push('All backends are connected.');
  return parts.join(' ');
}

function render(budgetTokens: number, d: WorkerData, hosts: boolean, services: boolean): string {
  const lines = [d.assessment];
  const scanned = [services ? `services ${d.by_object.services ?? 0}` : '', hosts ? `hosts ${d.by_object.hosts ?? 0}` : '']
    .filter(Boolean)
    .join(', ');
  if (d.total_artefacts > 0) {
    lines.push(
      `Artefacts: ${scanned}. By signature: ${list(d.by_signature)}.${Object.keys(d.by_queue).length > 0 ? ` By queue: ${list(d.by_queue)}.` : ''} By backend: ${list(d.by_backend)}.`,
    );
    if (!d.breakdown_complete)
      lines.push('Note: signature and queue counts cover only the rows read; raise limit (max 5000) for all of them.');
  }
  for (const s of d.backends.disconnected) lines.push(`Backend ${s.name} disconnected${s.last_error !== '' ? `: ${s.last_error}` : ''}.`);
  if (d.samples.length > 0) {
    lines.push(`Samples (${d.samples.length} of ${d.total_artefacts}):`, 'host | service | state | signature | queue | backend | output');
    let used = estimateTokens(lines.join('\n')) + 100;
    let shown = 0;
    for (const s of d.samples) {
      const line = [s.host, s.service ?? '', s.state, s.signature, s.queue ?? '', s.backend, cell(s.plugin_output, 160)].join(' | ');
      used += estimateTokens(line) + 1;
      if (used > budgetTokens) break;
      lines.push(line);
      shown += 1;
    }
    if (shown < d.samples.length)
      lines.push(
        `${d.samples.length - shown} more samples are in the structured result only (answer budget); lower sample_limit to keep the text short.`,
      );
  }
  return lines.join('\n');
}
