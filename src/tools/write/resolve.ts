/**
 * Finds the objects a write will touch and the backend each lives on, before anything is sent:
 * a real Thruk answers "Command successfully submitted" for objects that do not exist and the
 * core silently drops the command, so a write to an unknown name must be refused here.
 */
import type { ToolContext } from '../core/define.js';
import { getRows, type Row } from '../lib/list.js';
import { hostSuggestions, notFound } from '../lib/objects.js';
import { closest } from '../lib/closest.js';
import { checkCommandName, type CommandTarget } from './plan.js';

function peer(r: Row): string | undefined {
  return typeof r.peer_name === 'string' ? r.peer_name : typeof r.peer_key === 'string' ? r.peer_key : undefined;
}

/** One target per backend that has the host. */
export async function resolveHost(ctx: ToolContext, host: string, backends: string[] | undefined): Promise<CommandTarget[]> {
  checkCommandName('host', host);
  const rows = await getRows(
    ctx,
    '/hosts',
    [
      ['name', host],
      ['columns', 'name,peer_name,peer_key'],
    ],
    backends,
  );
  if (rows.length === 0) throw notFound('host', host, await hostSuggestions(ctx, host, backends), 'thruk_list_hosts');
  return rows.map((r) => ({ kind: 'host', host: String(r.name), ...withBackend(r) }));
}

export async function resolveService(
  ctx: ToolContext,
  host: string,
  service: string,
  backends: string[] | undefined,
): Promise<CommandTarget[]> {
  checkCommandName('host', host);
  checkCommandName('service', service);
  const rows = await getRows(
    ctx,
    '/services',
    [
      ['host_name', host],
      ['description', service],
      ['columns', 'host_name,description,peer_name,peer_key'],
    ],
    backends,
  );
  if (rows.length > 0)
    return rows.map((r) => ({ kind: 'service', host: String(r.host_name), service: String(r.description), ...withBackend(r) }));
  const siblings = await getRows(
    ctx,
    '/services',
    [
      ['host_name', host],
      ['columns', 'description'],
    ],
    backends,
  );
  if (siblings.length === 0) throw notFound('host', host, await hostSuggestions(ctx, host, backends), 'thruk_list_hosts');
  throw notFound(
    `service on host '${host}'`,
    service,
    closest(
      service,
      siblings.map((r) => String(r.description)),
      3,
    ),
    'thruk_list_services',
  );
}

export async function resolveGroup(
  ctx: ToolContext,
  kind: 'hostgroup' | 'servicegroup',
  name: string,
  backends: string[] | undefined,
): Promise<CommandTarget[]> {
  checkCommandName(kind, name);
  const path = kind === 'hostgroup' ? '/hostgroups' : '/servicegroups';
  const rows = await getRows(
    ctx,
    path,
    [
      ['name', name],
      ['columns', 'name,peer_name,peer_key'],
    ],
    backends,
  );
  if (rows.length === 0) {
    const all = await getRows(ctx, path, [['columns', 'name']], backends);
    throw notFound(
      kind === 'hostgroup' ? 'host group' : 'service group',
      name,
      closest(
        name,
        all.map((r) => String(r.name)),
        3,
      ),
      kind === 'hostgroup' ? 'thruk_list_hostgroups' : 'thruk_list_servicegroups',
    );
  }
  // Thruk aggregates groups over backends (peer_name may be a list): one target per backend.
  const peers = rows.flatMap((r) => (Array.isArray(r.peer_name) ? (r.peer_name as unknown[]).map(String) : [peer(r)]));
  return [...new Set(peers)].map((p) => ({ kind, group: name, ...(p !== undefined ? { backend: p } : {}) }));
}

function withBackend(r: Row): { backend?: string } {
  const p = peer(r);
  return p !== undefined ? { backend: p } : {};
}

/** Hosts and services matching a filter, each pinned to its backend (for bulk writes). */
export async function resolveMany(
  ctx: ToolContext,
  table: 'hosts' | 'services',
  params: Array<[string, string]>,
  backends: string[] | undefined,
): Promise<CommandTarget[]> {
  const cols = table === 'hosts' ? 'name,peer_name,peer_key' : 'host_name,description,peer_name,peer_key';
  const rows = await getRows(ctx, `/${table}`, [...params, ['columns', cols]], backends);
  return rows.map((r) =>
    table === 'hosts'
      ? { kind: 'host', host: String(r.name), ...withBackend(r) }
      : { kind: 'service', host: String(r.host_name), service: String(r.description), ...withBackend(r) },
  );
}
