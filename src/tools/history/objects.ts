/** The hosts and services a history filter is about, with their current state (the replay's anchor). */
import { compileFilter, type FilterNode } from '../../thruk/filter.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { flag, num } from '../lib/format.js';
import { getRows } from '../lib/list.js';
import { objectKey } from './events.js';
import { mapLeaves } from './filters.js';
import { str, type Row } from './common.js';

/** Fields that name objects; all are log fields too, so one filter serves status and log queries. */
export const SCOPE_FIELDS = ['host', 'service', 'hostgroup', 'custom_var'] as const;
/** More objects than this make a replay too costly to be worth it; the caller narrows. */
export const OBJECT_CAP = 20_000;

export interface CurrentObject {
  readonly key: string;
  readonly kind: 'host' | 'service';
  readonly host: string;
  readonly service?: string;
  readonly state: number;
  readonly hard: boolean;
  readonly checked: boolean;
  /** Epoch of the last state change; 0 when the core does not know. */
  readonly lsc: number;
  readonly output: string;
  readonly acked: boolean;
  readonly downtime: boolean;
  readonly flapping: boolean;
  readonly peer?: string;
}

const COLS = [
  'state',
  'state_type',
  'has_been_checked',
  'last_state_change',
  'plugin_output',
  'acknowledged',
  'scheduled_downtime_depth',
  'is_flapping',
  'peer_name',
];

function hasField(node: FilterNode | undefined, field: string): boolean {
  if (node === undefined) return false;
  if ('conditions' in node) return node.conditions.some((c) => hasField(c, field));
  return node.field === field;
}

function toObject(kind: 'host' | 'service', r: Row): CurrentObject {
  const host = str(kind === 'host' ? r.name : r.host_name);
  const service = kind === 'service' ? str(r.description) : undefined;
  return {
    key: objectKey(host, service),
    kind,
    host,
    ...(service !== undefined ? { service } : {}),
    state: num(r.state),
    hard: r.state_type === 1 || r.state_type === 'HARD',
    checked: r.has_been_checked === undefined || flag(r.has_been_checked),
    lsc: num(r.last_state_change),
    output: str(r.plugin_output),
    acked: flag(r.acknowledged),
    downtime: num(r.scheduled_downtime_depth) > 0,
    flapping: flag(r.is_flapping),
    ...(typeof r.peer_name === 'string' ? { peer: r.peer_name } : {}),
  };
}

async function count(ctx: ToolContext, path: string, params: Array<[string, string]>, backends: string[] | undefined): Promise<number> {
  const res = await ctx.thruk.get<unknown>(path, {
    query: [...params, ['columns', 'count(*)']],
    ...(backends ? { backends } : {}),
    signal: ctx.signal,
  });
  const o: unknown = Array.isArray(res) ? (res as unknown[])[0] : res;
  return o !== null && typeof o === 'object' ? num((o as Row)['count(*)']) : 0;
}

/**
 * Current hosts and services in scope. A condition on `service` limits the scope to services;
 * custom_var means the host's variable here, as it does for the log tools.
 */
export async function currentObjects(
  ctx: ToolContext,
  filter: FilterNode | undefined,
  backends: string[] | undefined,
): Promise<CurrentObject[]> {
  const withHosts = !hasField(filter, 'service');
  const svcFilter = await mapLeaves(filter, (l) => (l.field === 'custom_var' ? { ...l, field: 'host_custom_var' } : l));
  const hostParams = withHosts ? compileFilter('hosts', filter).params : [];
  const svcParams = compileFilter('services', svcFilter).params;
  const [nh, ns] = await Promise.all([
    withHosts ? count(ctx, '/hosts', hostParams, backends) : Promise.resolve(0),
    count(ctx, '/services', svcParams, backends),
  ]);
  if (nh + ns > OBJECT_CAP) {
    throw new ToolInputError(
      `filter matches ${nh} hosts and ${ns} services (more than ${OBJECT_CAP} objects to replay); narrow it, e.g. to one host, a smaller hostgroup or a service name.`,
    );
  }
  const [hosts, services] = await Promise.all([
    withHosts && nh > 0
      ? getRows(ctx, '/hosts', [...hostParams, ['columns', ['name', ...COLS].join(',')]], backends)
      : Promise.resolve([] as Row[]),
    ns > 0
      ? getRows(ctx, '/services', [...svcParams, ['columns', ['host_name', 'description', ...COLS].join(',')]], backends)
      : Promise.resolve([] as Row[]),
  ]);
  return [...hosts.map((r) => toObject('host', r)), ...services.map((r) => toObject('service', r))];
}
