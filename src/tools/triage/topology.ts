/**
 * The parent graph above a set of hosts, read level by level with narrow columns (only the
 * affected hosts and their ancestors, never the whole estate), and the attribution of each
 * affected host to the topmost DOWN ancestor on its parent chain. Parent loops are guarded.
 */
import { anyOfRegex } from '../../thruk/q.js';
import type { ToolContext } from '../define.js';
import { flag, num } from '../format.js';
import { getRows } from '../state/common.js';
import { chunks, NAME_CHUNK } from '../trends/common.js';

export interface TopoHost {
  readonly name: string;
  parents: string[];
  groups: string[];
  state: number;
  checked: boolean;
  lastStateChange: number;
}

export interface Topology {
  readonly hosts: Map<string, TopoHost>;
  /** The walk stopped at `limit` hosts; some ancestors are unknown. */
  readonly capped: boolean;
}

const COLUMNS = 'name,parents,groups,state,has_been_checked,last_state_change';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

export async function walkUp(ctx: ToolContext, start: readonly string[], limit: number, backends: string[] | undefined): Promise<Topology> {
  const hosts = new Map<string, TopoHost>();
  const asked = new Set<string>();
  let frontier = [...new Set(start)];
  let capped = false;
  while (frontier.length > 0) {
    const room = limit - asked.size;
    if (room <= 0) {
      capped = true;
      break;
    }
    if (frontier.length > room) capped = true;
    const take = frontier.slice(0, room);
    for (const n of take) asked.add(n);
    for (const chunk of chunks(take, NAME_CHUNK)) {
      // [regex] is case-insensitive (Thruk 3.20 drops a [~] parameter unseen and answers every
      // host: real fixture hosts_name_tilde_filter_ignored.json), so keep exact names only.
      for (const r of await getRows(ctx, '/hosts', [['name[regex]', anyOfRegex(chunk)], ['columns', COLUMNS]], backends)) {
        const name = String(r.name);
        if (!chunk.includes(name)) continue;
        const prev = hosts.get(name);
        if (prev === undefined) {
          hosts.set(name, { name, parents: strings(r.parents), groups: strings(r.groups), state: num(r.state), checked: flag(r.has_been_checked), lastStateChange: num(r.last_state_change) });
          continue;
        }
        // The same name on several backends: parents and groups are the union, the worse state wins.
        prev.parents = [...new Set([...prev.parents, ...strings(r.parents)])];
        prev.groups = [...new Set([...prev.groups, ...strings(r.groups)])];
        if (num(r.state) > prev.state) Object.assign(prev, { state: num(r.state), lastStateChange: num(r.last_state_change), checked: flag(r.has_been_checked) });
      }
    }
    if (capped) break;
    frontier = [...new Set(take.flatMap((n) => hosts.get(n)?.parents ?? []))].filter((n) => !asked.has(n));
  }
  return { hosts, capped };
}

export interface Attribution {
  /** Root (a DOWN host with no DOWN host above it) → the affected hosts attributed to it. */
  readonly clusters: Map<string, Set<string>>;
  /** Affected hosts with no DOWN host on or above them (typically UNREACHABLE ones). */
  readonly unattributed: string[];
}

/** Each affected host goes to the topmost DOWN host on its parent chain (itself included); ties by name. */
export function attribute(affected: Iterable<string>, isDown: (h: string) => boolean, parentsOf: (h: string) => readonly string[]): Attribution {
  const above = (host: string, inclusive: boolean): string[] => {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = inclusive ? [host] : [...parentsOf(host)];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      if (isDown(n)) out.push(n);
      stack.push(...parentsOf(n));
    }
    return out;
  };
  const topCache = new Map<string, boolean>();
  const isTop = (h: string): boolean => {
    let v = topCache.get(h);
    if (v === undefined) {
      v = above(h, false).length === 0;
      topCache.set(h, v);
    }
    return v;
  };
  const clusters = new Map<string, Set<string>>();
  const unattributed: string[] = [];
  for (const host of affected) {
    const downs = above(host, true).sort();
    // A DOWN loop has no top; then the first by name stands for it.
    const root = downs.find(isTop) ?? downs[0];
    if (root === undefined) {
      unattributed.push(host);
      continue;
    }
    let c = clusters.get(root);
    if (c === undefined) {
      c = new Set();
      clusters.set(root, c);
    }
    c.add(host);
  }
  return { clusters, unattributed: unattributed.sort() };
}

export function confidence(impacted: number): 'high' | 'medium' | 'low' {
  return impacted >= 3 ? 'high' : impacted === 2 ? 'medium' : 'low';
}
