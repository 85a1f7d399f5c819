import type { FilterNode } from '../../thruk/filter.js';
import { compileFilter } from '../../thruk/filter.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { getRows, query, type Row } from './list.js';

/** Fields that speak about the host of a row and are resolved through /hosts, not the row's own table. */
export const HOST_SCOPE_FIELDS: ReadonlySet<string> = new Set(['hostgroup', 'custom_var']);

export interface SplitFilter {
  /** Conditions on the table's own columns. */
  readonly own: FilterNode | undefined;
  /** Conditions on the host (hostgroup, custom_var), compiled against /hosts. */
  readonly host: FilterNode | undefined;
}

function leafFields(node: FilterNode): string[] {
  return 'conditions' in node ? node.conditions.flatMap(leafFields) : [node.field];
}

/** The AND-ed top-level parts, nested AND groups flattened. */
function conjuncts(node: FilterNode): FilterNode[] {
  if ('conditions' in node && (node.operator === 'and' || node.conditions.length === 1)) return node.conditions.flatMap(conjuncts);
  return [node];
}

function join(parts: FilterNode[]): FilterNode | undefined {
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { operator: 'and', conditions: parts };
}

/**
 * Splits a filter into the part Thruk can apply to the table itself and the part about the host.
 * A group that mixes both kinds inside an OR cannot be split without changing its meaning, so
 * it is refused with a message saying how to write it.
 */
export function splitHostScope(node: FilterNode | undefined, scopeFields: ReadonlySet<string> = HOST_SCOPE_FIELDS): SplitFilter {
  if (node === undefined) return { own: undefined, host: undefined };
  const own: FilterNode[] = [];
  const host: FilterNode[] = [];
  for (const part of conjuncts(node)) {
    const fields = leafFields(part);
    const scoped = fields.filter((f) => scopeFields.has(f));
    if (scoped.length === 0) own.push(part);
    else if (scoped.length === fields.length) host.push(part);
    else {
      throw new ToolInputError(
        `filter: ${[...new Set(scoped)].join('/')} cannot share an OR group with ${[...new Set(fields.filter((f) => !scopeFields.has(f)))].join('/')} ` +
          '(host conditions are resolved through the host list first). Put them at the top level, where conditions are AND-ed.',
      );
    }
  }
  return { own: join(own), host: join(host) };
}

export interface HostScope {
  /** `peer_key\0name` of every host in scope. */
  readonly keys: ReadonlySet<string>;
  readonly names: ReadonlySet<string>;
  readonly count: number;
}

/** Every host matching the conditions, fetched in full (names only), so nothing is cut. */
export async function resolveHostScope(ctx: ToolContext, node: FilterNode, backends: string[] | undefined): Promise<HostScope> {
  const { params } = compileFilter('hosts', node);
  const rows = await getRows(ctx, '/hosts', query(params, { columns: 'name,peer_key' }), backends);
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const r of rows) {
    if (typeof r.name !== 'string') continue;
    names.add(r.name);
    if (typeof r.peer_key === 'string') keys.add(`${r.peer_key}\u0000${r.name}`);
  }
  return { keys, names, count: rows.length };
}

/** A row belongs to the scope when its host does, on the same backend when both sides say which. */
export function inHostScope(scope: HostScope, row: Row, hostColumn = 'host_name'): boolean {
  const name = row[hostColumn];
  if (typeof name !== 'string') return false;
  if (typeof row.peer_key === 'string' && scope.keys.size > 0) return scope.keys.has(`${row.peer_key}\u0000${name}`);
  return scope.names.has(name);
}

export function emptyScopeNote(): string {
  return 'no host matches the hostgroup/custom_var conditions; check the group name with thruk_list_hostgroups (names are case-sensitive) or the variable with thruk_get_host.';
}
