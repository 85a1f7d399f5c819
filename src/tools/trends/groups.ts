/**
 * Group membership of the objects a trend found: the log table has no group columns, so the
 * hosts (or services) are looked up by name, in chunks, or by paging the whole table when the
 * set is large. Nothing is cut: every page is read.
 */
import { anyOfRegex } from '../../thruk/q.js';
import type { ToolContext } from '../core/define.js';
import type { Row } from '../lib/logquery.js';
import { getRows } from '../lib/list.js';
import { chunks, NAME_CHUNK, objectKey } from '../lib/logwindow.js';

const PAGE = 5000;
/** Above this many names one paged scan of the table is cheaper than name lookups. */
const SCAN_ABOVE = 4 * NAME_CHUNK;

function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

async function lookup(
  ctx: ToolContext,
  path: '/hosts' | '/services',
  nameColumn: string,
  columns: string,
  names: readonly string[],
  backends: string[] | undefined,
): Promise<Row[]> {
  const out: Row[] = [];
  if (names.length <= SCAN_ABOVE) {
    for (const chunk of chunks(names, NAME_CHUNK)) {
      // [regex] is case-insensitive (Thruk drops a [~] parameter unseen and answers every row);
      // callers look rows up by the exact asked name, so a WEB-01 row for web-01 is never used.
      out.push(
        ...(await getRows(
          ctx,
          path,
          [
            [`${nameColumn}[regex]`, anyOfRegex(chunk)],
            ['columns', columns],
          ],
          backends,
        )),
      );
    }
    return out;
  }
  for (let offset = 0; ; offset += PAGE) {
    // No sort with limit/offset: Thruk pages in the core's stable order.
    const rows = await getRows(
      ctx,
      path,
      [
        ['columns', columns],
        ['limit', String(PAGE)],
        ['offset', String(offset)],
      ],
      backends,
    );
    out.push(...rows);
    if (rows.length < PAGE) return out;
  }
}

function add(map: Map<string, string[]>, key: string, groups: readonly string[]): void {
  const prev = map.get(key);
  // The same name on several backends: membership is the union.
  map.set(key, prev === undefined ? [...groups] : [...new Set([...prev, ...groups])]);
}

/** host name → its host groups. */
export async function hostGroupsOf(
  ctx: ToolContext,
  hosts: readonly string[],
  backends: string[] | undefined,
): Promise<Map<string, string[]>> {
  const wanted = new Set(hosts);
  const map = new Map<string, string[]>();
  for (const r of await lookup(ctx, '/hosts', 'name', 'name,groups', [...wanted], backends)) {
    const name = String(r.name);
    if (wanted.has(name)) add(map, name, listOf(r.groups));
  }
  return map;
}

/** objectKey(host, service) → its service groups, for every service of the given hosts. */
export async function serviceGroupsOf(
  ctx: ToolContext,
  hosts: readonly string[],
  backends: string[] | undefined,
): Promise<Map<string, string[]>> {
  const wanted = new Set(hosts);
  const map = new Map<string, string[]>();
  for (const r of await lookup(ctx, '/services', 'host_name', 'host_name,description,groups', [...wanted], backends)) {
    const host = String(r.host_name);
    if (wanted.has(host)) add(map, objectKey(host, String(r.description)), listOf(r.groups));
  }
  return map;
}
