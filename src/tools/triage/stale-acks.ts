import { z } from 'zod';
import { compileFilter } from '../../thruk/filter.js';
import { defineTool } from '../core/define.js';
import { cell, hostStateName, iso, num, serviceStateName } from '../lib/format.js';
import { backendsArg, getRows, limitArg, offsetArg, page, pageFooter, parseBackends, query, type Row } from '../lib/list.js';
import { relIso } from '../lib/downtime-entries.js';
import { multiplePeers, scopeFilterArg, scopeParams } from '../lib/problems.js';

const staleAckRow = z.object({
  kind: z.enum(['host', 'service']),
  host: z.string(),
  service: z.string().nullable(),
  state: z.string(),
  ack_author: z.string(),
  ack_comment: z.string(),
  ack_time: z.string().describe('ISO-8601 time the acknowledgement was written'),
  ack_since_days: z.number().describe('Age of the acknowledgement in days, one decimal'),
  problem_since: z.string().optional().describe('ISO-8601 time of the last state change'),
  peer_name: z.string().optional(),
});
type StaleAckRow = z.output<typeof staleAckRow>;

const key = (peer: unknown, host: unknown, service: unknown): string =>
  `${typeof peer === 'string' ? peer : ''}\u0000${String(host)}\u0000${typeof service === 'string' ? service : ''}`;

/** The newest acknowledgement comment per object: that is the one of the acknowledgement in force. */
function newestAckComments(comments: readonly Row[]): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const c of comments) {
    for (const k of [key(c.peer_key, c.host_name, c.service_description), key(undefined, c.host_name, c.service_description)]) {
      const seen = out.get(k);
      if (seen === undefined || num(c.entry_time) > num(seen.entry_time)) out.set(k, c);
    }
  }
  return out;
}

export const staleAcks = defineTool({
  name: 'thruk_stale_acks',
  title: 'Stale acknowledgements',
  toolset: 'triage',
  access: 'read',
  description: 'Stale (forgotten) acknowledgements older than min_days on objects still in a problem state.',
  input: z
    .object({
      min_days: z.number().min(0).max(3650).default(7).describe('Minimum ack age in days'),
      limit: limitArg(100),
      offset: offsetArg,
      filter: scopeFilterArg,
      backends: backendsArg,
    })
    .strict(),
  output: z.object({
    min_days: z.number(),
    acked_before: z.string().describe('ISO-8601: acknowledgements written at or before this instant'),
    total: z.number(),
    offset: z.number(),
    returned: z.number(),
    next_offset: z.number().optional(),
    truncated: z.boolean().optional(),
    rows: z.array(staleAckRow),
    notes: z.array(z.string()).optional(),
  }),
  run: async (ctx, args) => {
    const backends = parseBackends(args.backends);
    const p = scopeParams(args.filter, {
      hosts: [
        { field: 'acknowledged', value: 1 },
        { field: 'state', op: 'neq', value: 0 },
      ],
      services: [
        { field: 'acknowledged', value: 1 },
        { field: 'state', op: 'neq', value: 0 },
      ],
    });
    const comments = compileFilter('comments', undefined, [{ field: 'entry_type', value: 'acknowledgement' }]).params;
    // The acknowledged objects decide the scope; their comments only say who, why and since when.
    const [hosts, services, acks] = await Promise.all([
      getRows(ctx, '/hosts', query(p.hosts, { columns: 'name,state,last_state_change,peer_key,peer_name' }), backends),
      getRows(
        ctx,
        '/services',
        query(p.services, { columns: 'host_name,description,state,last_state_change,peer_key,peer_name' }),
        backends,
      ),
      getRows(ctx, '/comments', query(comments, { columns: 'host_name,service_description,author,comment,entry_time,peer_key' }), backends),
    ]);
    const nowMs = ctx.now();
    const cutoff = Math.floor(nowMs / 1000 - args.min_days * 86400);
    const byObject = newestAckComments(acks);
    const peerKeyed = acks.some((c) => typeof c.peer_key === 'string');
    const rows: Array<StaleAckRow & { at: number }> = [];
    let noComment = 0;
    const consider = (kind: 'host' | 'service', r: Row): void => {
      const host = kind === 'host' ? r.name : r.host_name;
      const service = kind === 'service' ? String(r.description) : null;
      // Without backend keys on both sides, match by name alone.
      const c =
        byObject.get(key(r.peer_key, host, service)) ??
        (typeof r.peer_key === 'string' && peerKeyed ? undefined : byObject.get(key(undefined, host, service)));
      if (c === undefined) {
        noComment += 1;
        return;
      }
      const at = num(c.entry_time);
      if (at > cutoff) return;
      const row: StaleAckRow & { at: number } = {
        kind,
        host: String(host),
        service,
        state: kind === 'host' ? hostStateName(r.state) : serviceStateName(r.state),
        ack_author: typeof c.author === 'string' ? c.author : cell(c.author),
        ack_comment: typeof c.comment === 'string' ? c.comment : cell(c.comment),
        ack_time: iso(at),
        ack_since_days: Math.round(((nowMs / 1000 - at) / 86400) * 10) / 10,
        at,
      };
      if (num(r.last_state_change) > 0) row.problem_since = iso(r.last_state_change);
      if (typeof r.peer_name === 'string') row.peer_name = r.peer_name;
      rows.push(row);
    };
    for (const r of hosts) consider('host', r);
    for (const r of services) consider('service', r);
    rows.sort((a, b) => a.at - b.at || a.host.localeCompare(b.host) || (a.service ?? '').localeCompare(b.service ?? ''));
    const showPeer = multiplePeers(rows);
    const line = (r: StaleAckRow & { at: number }): string =>
      [
        showPeer && r.peer_name !== undefined ? `${r.host}@${r.peer_name}` : r.host,
        r.service ?? '',
        r.state,
        relIso(r.at, nowMs),
        cell(r.ack_author),
        cell(r.ack_comment, 160),
      ].join(' | ');
    const pg = page(rows, (r) => line(r), {
      offset: args.offset,
      limit: args.limit,
      budgetTokens: ctx.config.maxAnswerTokens,
      what: 'acknowledgements',
    });
    const notes: string[] = [];
    if (noComment > 0)
      notes.push(`${noComment} acknowledged problems have no acknowledgement comment, so their age is unknown; they are not listed.`);
    const head = `acknowledgements older than ${args.min_days}d (written before ${iso(cutoff)}) on objects still in a problem state`;
    const text = [
      pg.meta.total === 0
        ? `No ${head}.`
        : `${pg.meta.total} ${head}; oldest first, ${pg.meta.offset + 1}-${pg.meta.offset + pg.meta.returned}:`,
    ];
    if (pg.lines.length > 0) text.push('host | service | state | acknowledged | by | comment', ...pg.lines);
    const foot = pageFooter(pg.meta);
    if (foot !== undefined) text.push(foot);
    text.push(...notes.map((n) => `Note: ${n}`));
    const data = {
      min_days: args.min_days,
      acked_before: iso(cutoff),
      ...pg.meta,
      rows: pg.rows.map(({ at: _at, ...r }) => r),
      ...(notes.length > 0 ? { notes } : {}),
    };
    return { data, text: text.join('\n') };
  },
});
