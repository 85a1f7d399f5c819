import type { FilterLeaf, FilterNode } from '../../thruk/filter.js';
import { ToolInputError } from '../core/define.js';

/**
 * Rewrites the leaves of a filter for one Thruk table. `fn` returns the leaf to keep, a changed
 * leaf, or null to drop it; dropping is only sound under AND (dropping inside OR would widen the
 * result), so that case is refused with a message naming the field.
 */
export function rewriteLeaves(
  node: FilterNode | undefined,
  fn: (leaf: FilterLeaf) => FilterLeaf | null,
  why: string,
): FilterNode | undefined {
  if (node === undefined) return undefined;
  const walk = (n: FilterNode, underOr: boolean): FilterNode | null => {
    if ('conditions' in n) {
      const or = n.operator === 'or';
      const kids = n.conditions.map((c) => walk(c, underOr || or)).filter((c): c is FilterNode => c !== null);
      if (kids.length === 0) return null;
      return { ...n, conditions: kids };
    }
    const out = fn(n);
    if (out === null && underOr)
      throw new ToolInputError(`filter: '${n.field}' cannot be used inside an OR group here (${why}); use it at the top level (AND).`);
    return out;
  };
  return walk(node, false) ?? undefined;
}

export function leaves(node: FilterNode | undefined): FilterLeaf[] {
  if (node === undefined) return [];
  if ('conditions' in node) return node.conditions.flatMap(leaves);
  return [node];
}

const HOST_STATE_NAMES = new Set(['up', 'down', 'unreachable']);
const SERVICE_STATE_NAMES = new Set(['ok', 'warning', 'critical', 'unknown']);

/** Which table a state value speaks about: names decide, numbers apply to both. */
export function stateScope(node: FilterNode | undefined): { hosts: boolean; services: boolean } {
  let hostNames = false;
  let serviceNames = false;
  for (const l of leaves(node)) {
    if (l.field !== 'state') continue;
    const values = Array.isArray(l.value) ? l.value : [l.value];
    for (const v of values) {
      if (typeof v !== 'string') continue;
      if (HOST_STATE_NAMES.has(v.toLowerCase())) hostNames = true;
      if (SERVICE_STATE_NAMES.has(v.toLowerCase())) serviceNames = true;
    }
  }
  if (hostNames && serviceNames) {
    throw new ToolInputError(
      'filter: state mixes host states (up/down/unreachable) and service states (ok/warning/critical/unknown); use type="hosts" or type="services", or numbers.',
    );
  }
  return { hosts: !serviceNames, services: !hostNames };
}
