import type { ThrukClient } from '../thruk/client.js';

/** How many completion values one answer carries at most (the spec caps a page at 100). */
export const COMPLETION_CAP = 100;
const TTL_MS = 60_000;

type Kind = 'hosts' | 'hostgroups' | 'servicegroups' | 'contacts' | 'services';

/**
 * Object names for completions: fetched with one narrow column, cached briefly per kind (and
 * per host for services), shared by every request of the process.
 */
export class NameCache {
  private readonly entries = new Map<string, { at: number; names: Promise<string[]> }>();

  constructor(
    private readonly thruk: ThrukClient,
    private readonly now: () => number = Date.now,
  ) {}

  names(kind: Kind, host?: string): Promise<string[]> {
    const key = kind === 'services' ? `services\u0000${host ?? ''}` : kind;
    const hit = this.entries.get(key);
    if (hit !== undefined && this.now() - hit.at < TTL_MS) return hit.names;
    const names = this.fetch(kind, host).catch((err: unknown) => {
      this.entries.delete(key);
      throw err;
    });
    this.entries.set(key, { at: this.now(), names });
    if (this.entries.size > 500) this.entries.delete(this.entries.keys().next().value as string);
    return names;
  }

  private async fetch(kind: Kind, host?: string): Promise<string[]> {
    if (kind === 'services') {
      if (host === undefined || host === '') return [];
      const rows = await this.thruk.get<Array<{ description: unknown }>>('/services', {
        query: [
          ['host_name', host],
          ['columns', 'description'],
        ],
      });
      return [...new Set(rows.map((r) => String(r.description)))].sort();
    }
    const rows = await this.thruk.get<Array<{ name: unknown }>>(`/${kind}`, { query: [['columns', 'name']] });
    return [...new Set(rows.map((r) => String(r.name)))].sort();
  }
}

/** Prefix matches first (case-insensitive), then substring matches, capped. */
export function matchNames(names: readonly string[], typed: string, cap = COMPLETION_CAP): string[] {
  const t = typed.toLowerCase();
  const prefix = names.filter((n) => n.toLowerCase().startsWith(t));
  const inner = t === '' ? [] : names.filter((n) => !n.toLowerCase().startsWith(t) && n.toLowerCase().includes(t));
  return [...prefix, ...inner].slice(0, cap);
}

/** Completion must never fail the request: Thruk being down just means no suggestions. */
export async function complete(cache: NameCache, kind: Kind, typed: string, host?: string): Promise<string[]> {
  try {
    return matchNames(await cache.names(kind, host), typed);
  } catch {
    return [];
  }
}
