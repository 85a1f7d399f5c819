import { z } from 'zod';
import { compileFilter, type FilterLeaf } from '../../thruk/filter.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { flag, hostStateName, num, serviceStateName } from '../lib/format.js';
import { backendsArg, getRows, parseBackends, query, type Row } from '../lib/list.js';
import { defineWriteTool } from '../write/define-write.js';
import { checkCommandName, checkCommandText, targetLabel, type CommandTarget, type PlannedCommand } from '../write/plan.js';
import { resolveGroup } from '../write/resolve.js';
import { ackFlagArgs, resolveAuthor, readTarget, stickyAck, textArg } from './common.js';

const HOST_STATES = { down: 1, unreachable: 2 } as const;
const SERVICE_STATES = { warning: 1, critical: 2, unknown: 3 } as const;
const STATE_NAMES = ['down', 'unreachable', 'critical', 'warning', 'unknown'] as const;
type StateName = (typeof STATE_NAMES)[number];

const stateEnum = z.enum(STATE_NAMES);
const nameOrRegex = (what: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain line breaks or control characters')
    .optional()
    .describe(`${what} name or pattern (see match)`);

const MATCH_MODES = ['auto', 'exact', 'wildcard', 'regex'] as const;
type MatchMode = (typeof MATCH_MODES)[number];
type Resolved = 'exact' | 'wildcard' | 'regex';

/** "db-01" is a name; "^db-" or "disk.*" is a pattern. A dot alone matches itself, so it does not count. */
const isPattern = (v: string) => /[\^$*+?()[\]{}|\\]/.test(v);

/** How `host`/`service` are matched: said in the argument, or (auto) read from the value and then said in the preview. */
function resolveMatch(mode: MatchMode, v: string): Resolved {
  return mode === 'auto' ? (isPattern(v) ? 'regex' : 'exact') : mode;
}

/** `*` any text, `?` one character, the rest literal; the whole name must match. */
function wildcardRegex(v: string): string {
  return `^${v
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')}$`;
}

function nameLeaf(field: string, v: string, how: Resolved): FilterLeaf {
  if (how === 'regex') return { field, op: 'regex', value: v };
  if (how === 'wildcard') return { field, op: 'regex', value: wildcardRegex(v) };
  return { field, op: 'eq', value: v };
}

function matchText(what: string, v: string, how: Resolved): string {
  if (how === 'exact') return `${what} named exactly '${v}'`;
  if (how === 'wildcard') return `${what} matching the wildcard '${v}' (whole name, * and ?)`;
  return `${what} matching the regex '${v}' (anywhere in the name, case-insensitive)`;
}

function pinned(r: Row): { backend?: string } {
  const p = typeof r.peer_name === 'string' ? r.peer_name : typeof r.peer_key === 'string' ? r.peer_key : undefined;
  return p !== undefined ? { backend: p } : {};
}

interface Scope {
  hostgroup?: string | undefined;
  servicegroup?: string | undefined;
  host?: string | undefined;
  service?: string | undefined;
  hostMatch: Resolved;
  serviceMatch: Resolved;
  states: StateName[];
  hosts: boolean;
  services: boolean;
}

function scopeOf(args: {
  hostgroup?: string | undefined;
  servicegroup?: string | undefined;
  host?: string | undefined;
  service?: string | undefined;
  match: MatchMode;
  state?: StateName | StateName[] | undefined;
  hosts_only: boolean;
  services_only: boolean;
}): Scope {
  if (args.hosts_only && args.services_only) throw new ToolInputError('hosts_only and services_only exclude each other; set at most one.');
  const states = args.state === undefined ? [] : [...new Set(Array.isArray(args.state) ? args.state : [args.state])];
  const hostStates = states.filter((s) => s in HOST_STATES);
  const svcStates = states.filter((s) => s in SERVICE_STATES);
  const serviceScoped = args.service !== undefined || args.servicegroup !== undefined;
  if (args.hosts_only && serviceScoped)
    throw new ToolInputError('hosts_only cannot be combined with service or servicegroup (those select services).');
  if (args.hosts_only && states.length > 0 && hostStates.length === 0)
    throw new ToolInputError('hosts_only with only service states (critical, warning, unknown) selects nothing; use down or unreachable.');
  if (args.services_only && states.length > 0 && svcStates.length === 0)
    throw new ToolInputError('services_only with only host states (down, unreachable) selects nothing; use critical, warning or unknown.');
  if (serviceScoped && states.length > 0 && svcStates.length === 0)
    throw new ToolInputError(
      'service/servicegroup select services, but state lists only host states (down, unreachable); use critical, warning or unknown.',
    );
  return {
    hostgroup: args.hostgroup,
    servicegroup: args.servicegroup,
    host: args.host,
    service: args.service,
    states,
    hostMatch: resolveMatch(args.match, args.host ?? ''),
    serviceMatch: resolveMatch(args.match, args.service ?? ''),
    hosts: !args.services_only && !serviceScoped && (states.length === 0 || hostStates.length > 0),
    services: !args.hosts_only && (states.length === 0 || svcStates.length > 0),
  };
}

/** The objects the scope names (groups and names), whatever their state. */
function hostScopeLeaves(s: Scope): FilterLeaf[] {
  const leaves: FilterLeaf[] = [];
  if (s.hostgroup !== undefined) leaves.push({ field: 'hostgroup', value: s.hostgroup });
  if (s.host !== undefined) leaves.push(nameLeaf('name', s.host, s.hostMatch));
  return leaves;
}

function serviceScopeLeaves(s: Scope): FilterLeaf[] {
  const leaves: FilterLeaf[] = [];
  if (s.hostgroup !== undefined) leaves.push({ field: 'hostgroup', value: s.hostgroup });
  if (s.servicegroup !== undefined) leaves.push({ field: 'servicegroup', value: s.servicegroup });
  if (s.host !== undefined) leaves.push(nameLeaf('host_name', s.host, s.hostMatch));
  if (s.service !== undefined) leaves.push(nameLeaf('description', s.service, s.serviceMatch));
  return leaves;
}

/** Unacknowledged, checked, not in downtime: the problems an operator would still have to handle. */
function hostLeaves(s: Scope): FilterLeaf[] {
  const states = s.states.filter((x) => x in HOST_STATES);
  return [
    states.length === 0 ? { field: 'state', op: 'neq', value: 0 } : { field: 'state', op: 'in', value: states },
    { field: 'acknowledged', value: 0 },
    { field: 'scheduled_downtime_depth', value: 0 },
    { field: 'has_been_checked', value: 1 },
    ...hostScopeLeaves(s),
  ];
}

function serviceLeaves(s: Scope): FilterLeaf[] {
  const states = s.states.filter((x) => x in SERVICE_STATES);
  return [
    states.length === 0 ? { field: 'state', op: 'neq', value: 0 } : { field: 'state', op: 'in', value: states },
    { field: 'acknowledged', value: 0 },
    { field: 'scheduled_downtime_depth', value: 0 },
    { field: 'host_scheduled_downtime_depth', value: 0 },
    { field: 'has_been_checked', value: 1 },
    ...serviceScopeLeaves(s),
  ];
}

export type SkipReason = 'OK' | 'not yet checked' | 'other state' | 'already acknowledged' | 'in downtime' | 'host in downtime';
const REASON_ORDER: readonly SkipReason[] = [
  'already acknowledged',
  'in downtime',
  'host in downtime',
  'OK',
  'not yet checked',
  'other state',
];

/** Why an object of the scope is not a target, in the order an operator asks: handled first, then not a problem. */
export function skipReason(kind: 'host' | 'service', r: Row, states: readonly number[]): SkipReason | undefined {
  if (!flag(r.has_been_checked)) return 'not yet checked';
  const st = num(r.state);
  if (st === 0) return 'OK';
  if (states.length > 0 && !states.includes(st)) return 'other state';
  if (flag(r.acknowledged)) return 'already acknowledged';
  if (num(r.scheduled_downtime_depth) > 0) return 'in downtime';
  if (kind === 'service' && num(r.host_scheduled_downtime_depth) > 0) return 'host in downtime';
  return undefined;
}

/**
 * Every object the scope names, counted by why it is not a target: a Thruk-side count grouped by
 * the deciding columns, so a large scope costs one small answer.
 */
async function notTargeted(
  ctx: ToolContext,
  s: Scope,
  backends: string[] | undefined,
): Promise<{ matched: number; skipped: Map<string, number> }> {
  const group = 'state,has_been_checked,acknowledged,scheduled_downtime_depth';
  const codes = (m: Record<string, number>) => s.states.filter((x) => x in m).map((x) => m[x] ?? 0);
  const reads: Array<Promise<Array<[Row, 'host' | 'service']>>> = [];
  if (s.hosts) {
    const q = query(compileFilter('hosts', undefined, hostScopeLeaves(s)).params, { columns: `${group},count(*):n` });
    reads.push(getRows(ctx, '/hosts', q, backends).then((rows) => rows.map((r) => [r, 'host'] as [Row, 'host'])));
  }
  if (s.services) {
    const q = query(compileFilter('services', undefined, serviceScopeLeaves(s)).params, {
      columns: `${group},host_scheduled_downtime_depth,count(*):n`,
    });
    reads.push(getRows(ctx, '/services', q, backends).then((rows) => rows.map((r) => [r, 'service'] as [Row, 'service'])));
  }
  const skipped = new Map<string, number>();
  let matched = 0;
  for (const [r, kind] of (await Promise.all(reads)).flat()) {
    const n = num(r.n);
    matched += n;
    const why = skipReason(kind, r, kind === 'host' ? codes(HOST_STATES) : codes(SERVICE_STATES));
    if (why !== undefined) skipped.set(why, (skipped.get(why) ?? 0) + n);
  }
  return { matched, skipped };
}

function skippedText(skipped: ReadonlyMap<string, number>): string {
  const parts = [...REASON_ORDER, 'name unsafe for a command']
    .filter((k) => (skipped.get(k) ?? 0) > 0)
    .map((k) => `${skipped.get(k) ?? 0} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

interface Found {
  readonly target: CommandTarget;
  readonly state: string;
}

async function findTargets(ctx: ToolContext, s: Scope, backends: string[] | undefined): Promise<Found[]> {
  // Compiled before any request starts, so a refused value never orphans a started request.
  const hostQuery = s.hosts
    ? query(compileFilter('hosts', undefined, hostLeaves(s)).params, { columns: 'name,state,peer_name,peer_key' })
    : undefined;
  const svcQuery = s.services
    ? query(compileFilter('services', undefined, serviceLeaves(s)).params, { columns: 'host_name,description,state,peer_name,peer_key' })
    : undefined;
  const [hosts, services] = await Promise.all([
    hostQuery !== undefined ? getRows(ctx, '/hosts', hostQuery, backends) : Promise.resolve([] as Row[]),
    svcQuery !== undefined ? getRows(ctx, '/services', svcQuery, backends) : Promise.resolve([] as Row[]),
  ]);
  const found: Found[] = [
    ...hosts.map((r): Found => ({ target: { kind: 'host', host: String(r.name), ...pinned(r) }, state: hostStateName(r.state) })),
    ...services.map((r): Found => ({
      target: { kind: 'service', host: String(r.host_name), service: String(r.description), ...pinned(r) },
      state: serviceStateName(r.state),
    })),
  ];
  // A stable order keeps the plan id the same between the preview and the confirmed call.
  const key = (f: Found) =>
    `${f.target.kind === 'host' ? 0 : 1}\u0000${f.target.host ?? ''}\u0000${f.target.service ?? ''}\u0000${f.target.backend ?? ''}`;
  return found.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function commandSafe(t: CommandTarget): boolean {
  try {
    checkCommandName('host', t.host ?? '');
    if (t.service !== undefined) checkCommandName('service', t.service);
    return true;
  } catch {
    return false;
  }
}

function scopeText(s: Scope): string {
  const parts: string[] = [];
  if (s.hostgroup !== undefined) parts.push(`hostgroup=${s.hostgroup}`);
  if (s.servicegroup !== undefined) parts.push(`servicegroup=${s.servicegroup}`);
  if (s.host !== undefined) parts.push(matchText('host', s.host, s.hostMatch));
  if (s.service !== undefined) parts.push(matchText('service', s.service, s.serviceMatch));
  if (s.states.length > 0) parts.push(`state=${s.states.join('|')}`);
  parts.push(s.hosts && s.services ? 'hosts and services' : s.hosts ? 'hosts only' : 'services only');
  return parts.join(', ');
}

/**
 * When an exact name matched nothing: what the same value as a regex would target. The advice is
 * only given when it helps (it is tried here first).
 */
async function nameHint(ctx: ToolContext, s: Scope, matched: number, backends: string[] | undefined): Promise<string> {
  if (matched > 0) return '';
  const exact = [
    s.host !== undefined && s.hostMatch === 'exact' ? 'host' : undefined,
    s.service !== undefined && s.serviceMatch === 'exact' ? 'service' : undefined,
  ].filter((x) => x !== undefined);
  if (exact.length === 0) return '';
  const wider: Scope = {
    ...s,
    hostMatch: s.host !== undefined ? 'regex' : s.hostMatch,
    serviceMatch: s.service !== undefined ? 'regex' : s.serviceMatch,
  };
  const n = (await findTargets(ctx, wider, backends)).length;
  const said = ` ${exact.join(' and ')} matched as an exact name`;
  return n > 0 ? `${said}; match="regex" (names containing it) would target ${n}.` : `${said}; as a regex it would target nothing either.`;
}

function tally(found: readonly Found[]): string {
  const counts = new Map<string, number>();
  for (const f of found) counts.set(f.state, (counts.get(f.state) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
}

/**
 * How to go on when the targets pass the cap: how many matched, how many the cap allows, and
 * narrower calls counted from the targets themselves (acknowledged problems leave the scope, so
 * repeating a narrower call works through the rest part by part).
 */
export function capHint(s: Scope, found: readonly Found[], matched: number, skipped: ReadonlyMap<string, number>, max: number): string {
  const byState = new Map<string, number>();
  const byHost = new Map<string, number>();
  let hosts = 0;
  for (const f of found) {
    byState.set(f.state.toLowerCase(), (byState.get(f.state.toLowerCase()) ?? 0) + 1);
    byHost.set(f.target.host ?? '', (byHost.get(f.target.host ?? '') ?? 0) + 1);
    if (f.target.kind === 'host') hosts++;
  }
  const fits = (n: number) => (n <= max ? ' (within the limit)' : '');
  const ways: string[] = [];
  if (byState.size > 1)
    ways.push(
      ...[...byState]
        .filter(([st]) => (STATE_NAMES as readonly string[]).includes(st))
        .map(([st, n]) => `state="${st}" would target ${n}${fits(n)}`),
    );
  if (hosts > 0 && hosts < found.length)
    ways.push(
      `hosts_only would target ${hosts}${fits(hosts)}`,
      `services_only would target ${found.length - hosts}${fits(found.length - hosts)}`,
    );
  if (byHost.size > 1) {
    const top = [...byHost].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    ways.push(...top.map(([h, n]) => `host="${h}" with match="exact" would target ${n}${fits(n)}`));
  }
  const head = `The scope (${scopeText(s)}) matches ${matched} object${matched === 1 ? '' : 's'}: ${found.length} unhandled problem${found.length === 1 ? '' : 's'} to acknowledge (${tally(found)}), not targeted: ${skippedText(skipped)}. One call may acknowledge at most ${max}.`;
  const narrow =
    ways.length > 0 ? ` Narrow the scope: ${ways.join('; ')}.` : ' Narrow the scope (a host group, a state, a host name pattern).';
  return `${head}${narrow} Acknowledged problems leave the scope, so the same narrower call can be repeated to work through the rest part by part. Or ask the operator to raise THRUK_MAX_BULK_TARGETS (now ${max}).`;
}

export const bulkAcknowledge = defineWriteTool({
  name: 'thruk_bulk_acknowledge',
  title: 'Acknowledge many problems',
  access: 'write',
  idempotent: true,
  description: 'Acknowledge every unhandled problem matching a scope (groups, names, states).',
  args: {
    hostgroup: z.string().min(1).max(1024).optional().describe('Host group'),
    servicegroup: z.string().min(1).max(1024).optional().describe('Service group'),
    host: nameOrRegex('Host'),
    service: nameOrRegex('Service'),
    match: z.enum(MATCH_MODES).default('auto').describe('exact, wildcard (* ?) or regex; auto: regex if it has regex characters'),
    state: z
      .union([stateEnum, z.array(stateEnum).min(1).max(5)])
      .optional()
      .describe('One or a list (default all)'),
    hosts_only: z.boolean().default(false).describe('Hosts only'),
    services_only: z.boolean().default(false).describe('Services only'),
    comment: textArg('Why, e.g. a ticket', 'bulk acknowledged via MCP'),
    author: z.string().min(1).max(200).optional().describe('If the operator allows it'),
    ...ackFlagArgs,
    backends: backendsArg,
  },
  verify: async (c, cmd) => flag((await readTarget(c, cmd.target, ['acknowledged']))?.acknowledged),
  plan: async (ctx, args) => {
    const comment = checkCommandText('comment', args.comment);
    const author = checkCommandText('author', await resolveAuthor(ctx, args.author));
    const scope = scopeOf(args);
    const backends = parseBackends(args.backends);
    if (args.hostgroup !== undefined) await resolveGroup(ctx, 'hostgroup', args.hostgroup, backends);
    if (args.servicegroup !== undefined) await resolveGroup(ctx, 'servicegroup', args.servicegroup, backends);
    const [all, rest] = await Promise.all([findTargets(ctx, scope, backends), notTargeted(ctx, scope, backends)]);
    if (all.length === 0) {
      // "No unacknowledged problem matches" must not read as "there are none": say what the scope
      // did match and why none of it is a target, and how a name was matched.
      const widen = await nameHint(ctx, scope, rest.matched, backends);
      throw new ToolInputError(
        `No unacknowledged problem outside downtime matches (${scopeText(scope)}). ${rest.matched === 0 ? 'No object matches these names and groups at all.' : `The scope matches ${rest.matched} object${rest.matched === 1 ? '' : 's'}, none a target: ${skippedText(rest.skipped)}.`}${widen} Nothing was sent.`,
      );
    }
    // A name the core would misread is left out and named, rather than failing the whole call.
    const unsafe = all.filter((f) => !commandSafe(f.target));
    const found = all.filter((f) => commandSafe(f.target));
    if (found.length === 0)
      throw new ToolInputError(
        `Every match has a name Thruk cannot pass to the core safely (';' or control characters): ${unsafe.map((f) => targetLabel(f.target)).join(', ')}. Nothing was sent.`,
      );
    const base = {
      sticky_ack: stickyAck(args.sticky),
      send_notification: args.notify ? 1 : 0,
      persistent_comment: args.persistent ? 1 : 0,
    };
    const commands = found.map(({ target }): PlannedCommand => ({
      target,
      command: target.kind === 'host' ? 'acknowledge_host_problem' : 'acknowledge_svc_problem',
      args: { ...base, comment_author: author, comment_data: comment },
    }));
    const skipped = new Map(rest.skipped);
    if (unsafe.length > 0) skipped.set('name unsafe for a command', unsafe.length);
    const notes = [
      `Scope: ${scopeText(scope)}. Targets: ${tally(found)}. Not targeted of the ${rest.matched} matching objects: ${skippedText(skipped)}.`,
    ];
    if (unsafe.length > 0)
      notes.push(
        `Left out, because their names contain ';' or control characters that the core would misread: ${unsafe.map((f) => targetLabel(f.target)).join(', ')}.`,
      );
    return {
      plan: {
        action: `acknowledge ${found.length} problem${found.length === 1 ? '' : 's'}: "${comment}"`,
        commands,
        destructive: false,
        alwaysConfirm: true,
        notes,
      },
      capHint: capHint(scope, found, rest.matched, skipped, ctx.config.maxBulkTargets),
    };
  },
});
