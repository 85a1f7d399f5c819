/**
 * The parent graph above a set of hosts, per core, and the attribution of each affected host to
 * the topmost DOWN ancestor on its parent chain. Parent loops are guarded.
 *
 * The graph is read with two Thruk-side filtered requests instead of a walk by name: every host
 * that is DOWN/UNREACHABLE now (`state>=1`) and every host that is somebody's parent (`childs` not
 * empty), narrow columns only. Every ancestor of every host has children, so this is the whole
 * graph above any affected host, in two requests whatever the estate's size (a walk by name costs
 * one regex scan of the host table per 500 names and level: 41 s on 50 000 hosts). Names these two
 * reads did not return (a host that went DOWN in the window and is UP now without children, or a
 * Livestatus that filters list columns differently) are then read by name, level by level, so the
 * graph stays complete either way.
 *
 * Hosts are keyed by core (peer_key) and name: parents are names on the same core, and the same
 * host name on two cores is two hosts.
 */
import { anyOfRegex } from '../../thruk/q.js';
import type { ToolContext } from '../core/define.js';
import { flag, num } from '../lib/format.js';
import { getRows, type Row } from '../lib/list.js';
import { chunks, NAME_CHUNK } from '../lib/logwindow.js';

export interface TopoHost {
  readonly key: string;
  readonly name: string;
  /** peer_key of the core ('' with a single core). */
  readonly peer: string;
  readonly peerName: string;
  parents: string[];
  groups: string[];
  state: number;
  checked: boolean;
  lastStateChange: number;
}

export interface Topology {
  /** By hostKey(peer, name). */
  readonly hosts: Map<string, TopoHost>;
  /** Requests sent to read it. */
  readonly requests: number;
}

const COLUMNS = 'name,parents,groups,state,has_been_checked,last_state_change,peer_key,peer_name';

/** The identity of a host: its core and its name (a NUL never occurs in either). */
export function hostKey(peer: string, name: string): string {
  return `${peer}\u0000${name}`;
}

export function nameOfKey(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

export function peerOfKey(key: string): string {
  return key.slice(0, key.indexOf('\u0000'));
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

/**
 * Reads the parent graph above `wanted` (host keys). `perCore` false: one core, rows keyed with
 * peer ''. `backends` is the caller's scope.
 */
/**
 * The two reads every parent graph starts from: the failing hosts and the hosts with children.
 * They need nothing from the log, so root cause starts them with its first requests (issue 18).
 */
export function readTopologyBase(ctx: ToolContext, backends: string[] | undefined): Promise<Row[][]> {
  // Word operators only: Thruk 3.20 drops a parameter whose name holds a symbol ([>=], [!=], [~])
  // unseen and answers every row (lib/Thruk/Request.pm; real fixture hosts_name_tilde_filter_ignored).
  return Promise.all(
    [[['state[gte]', '1']], [['childs[ne]', '']]].map((q) =>
      getRows(ctx, '/hosts', [...(q as Array<[string, string]>), ['columns', COLUMNS]], backends),
    ),
  );
}

export async function readTopology(
  ctx: ToolContext,
  wanted: Iterable<string>,
  perCore: boolean,
  backends: string[] | undefined,
  base?: Promise<Row[][]>,
): Promise<Topology> {
  const hosts = new Map<string, TopoHost>();
  let requests = 0;
  const add = (r: Row): void => {
    const name = String(r.name);
    const peer = perCore && typeof r.peer_key === 'string' ? r.peer_key : '';
    const key = hostKey(peer, name);
    const t: TopoHost = {
      key,
      name,
      peer,
      peerName: typeof r.peer_name === 'string' ? r.peer_name : peer,
      parents: strings(r.parents),
      groups: strings(r.groups),
      state: num(r.state),
      checked: flag(r.has_been_checked),
      lastStateChange: num(r.last_state_change),
    };
    const prev = hosts.get(key);
    if (prev === undefined) {
      hosts.set(key, t);
      return;
    }
    // One core, the same name twice (perCore false but several peers answered): union, worse state wins.
    prev.parents = [...new Set([...prev.parents, ...t.parents])];
    prev.groups = [...new Set([...prev.groups, ...t.groups])];
    if (t.state > prev.state) Object.assign(prev, { state: t.state, lastStateChange: t.lastStateChange, checked: t.checked });
  };
  // Requests of one step run together; their rows are added in the order they were asked.
  const readAll = async (qs: ReadonlyArray<{ q: Array<[string, string]>; keep?: (r: Row) => boolean }>): Promise<void> => {
    requests += qs.length;
    const got = await Promise.all(qs.map((x) => getRows(ctx, '/hosts', [...x.q, ['columns', COLUMNS]], backends)));
    got.forEach((rows, i) => {
      const keep = qs[i]?.keep ?? (() => true);
      for (const r of rows) if (keep(r)) add(r);
    });
  };
  requests += 2;
  for (const rows of await (base ?? readTopologyBase(ctx, backends))) for (const r of rows) add(r);
  // Whatever is still unknown: by name, level by level (each name asked once, so loops end).
  const asked = new Set<string>();
  let missing = [...new Set(wanted)].filter((k) => !hosts.has(k));
  for (const t of hosts.values()) for (const p of t.parents) if (!hosts.has(hostKey(t.peer, p))) missing.push(hostKey(t.peer, p));
  while (missing.length > 0) {
    const names = [...new Set(missing.map(nameOfKey))].filter((n) => !asked.has(n));
    if (names.length === 0) break;
    for (const n of names) asked.add(n);
    const before = new Set(hosts.keys());
    // [regex] is case-insensitive, so keep the exact names only.
    await readAll(
      chunks(names, NAME_CHUNK).map((chunk) => ({
        q: [['name[regex]', anyOfRegex(chunk)]] as Array<[string, string]>,
        keep: (r: Row) => chunk.includes(String(r.name)),
      })),
    );
    missing = [];
    for (const [k, t] of hosts) {
      if (before.has(k)) continue;
      for (const p of t.parents) if (!hosts.has(hostKey(t.peer, p))) missing.push(hostKey(t.peer, p));
    }
  }
  return { hosts, requests };
}

export interface Attribution {
  /** Root (a DOWN host with no DOWN host above it) → the affected hosts attributed to it. */
  readonly clusters: Map<string, Set<string>>;
  /** Affected hosts with no DOWN host on or above them (typically UNREACHABLE ones). */
  readonly unattributed: string[];
}

/** Each affected host goes to the topmost DOWN host on its parent chain (itself included); ties by name. */
export function attribute(
  affected: Iterable<string>,
  isDown: (h: string) => boolean,
  parentsOf: (h: string) => readonly string[],
): Attribution {
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
