/**
 * The cores (Thruk backends) behind the answer. With more than one configured, every row names
 * its core: the same host name and the same comment/downtime ids exist on two cores, and a row
 * without its core cannot be told from its namesake. The program start of each core also bounds
 * a state age that the core reports as 0 (Icinga 2 for an object in its first state since start).
 */
import type { ToolContext } from '../core/define.js';
import { num } from './format.js';
import { stringOr as str } from './words.js';

type Row = Record<string, unknown>;

export interface CoreInfo {
  /** peer key (backend id) */
  readonly key: string;
  readonly name: string;
  /** epoch seconds; 0 when the core is not connected or did not say */
  readonly programStart: number;
  readonly version: string;
}

export interface Cores {
  /** Every configured core, connected or not (from /sites). */
  readonly all: readonly CoreInfo[];
  /** More than one configured: rows must name their core. */
  readonly several: boolean;
  byPeer(peer: unknown): CoreInfo | undefined;
}

/** Reads /sites and /processinfo (both cached by the client for a few seconds). */
export async function readCores(ctx: ToolContext, backends?: readonly string[]): Promise<Cores> {
  const opts = { ...(backends !== undefined ? { backends: [...backends] } : {}), signal: ctx.signal };
  const [sites, info] = await Promise.all([
    ctx.thruk.get<unknown>('/sites', opts).catch(() => [] as unknown),
    ctx.thruk.get<unknown>('/processinfo', opts).catch(() => [] as unknown),
  ]);
  const siteRows = (Array.isArray(sites) ? sites : []) as Row[];
  const infoRows = (Array.isArray(info) ? info : []) as Row[];
  const infoOf = (key: string, name: string): Row | undefined =>
    infoRows.find((r) => str(r.peer_key) === key || (name !== '' && str(r.peer_name) === name));
  const all: CoreInfo[] = [];
  const seen = new Set<string>();
  for (const s of siteRows) {
    const key = str(s.id) || str(s.peer_key) || str(s.key);
    const name = str(s.name) || key;
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    const p = infoOf(key, name);
    all.push({ key, name, programStart: num(p?.program_start), version: str(p?.program_version) });
  }
  for (const p of infoRows) {
    const key = str(p.peer_key);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    all.push({ key, name: str(p.peer_name) || key, programStart: num(p.program_start), version: str(p.program_version) });
  }
  // With a backends= restriction only those count: a one-core answer needs no label.
  const scoped = backends === undefined ? all : all.filter((c) => backends.includes(c.key) || backends.includes(c.name));
  return {
    all: scoped,
    several: scoped.length > 1,
    byPeer: (peer) => {
      const p = str(peer);
      return p === '' ? undefined : (scoped.find((c) => c.name === p || c.key === p) ?? all.find((c) => c.name === p || c.key === p));
    },
  };
}

/** `name@core` when rows must name their core, else the name. */
export function withCore(name: string, peer: unknown, several: boolean): string {
  const p = str(peer);
  return several && p !== '' ? `${name}@${p}` : name;
}
