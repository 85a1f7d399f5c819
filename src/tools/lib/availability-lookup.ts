import { pathOf } from '../../thruk/client.js';
import { ThrukHttpError } from '../../thruk/errors.js';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { closest } from './closest.js';
import { getRows, type Row } from './list.js';
import { hostSuggestions, notFound } from './objects.js';

/** Thruk's words when an availability report has no object to report on (an unknown name, an empty group). */
const NO_OBJECT = /did not return any data|no such (host|service)|no host found|no hosts found/i;

function isNoObject(e: unknown): boolean {
  return (
    e instanceof ThrukHttpError &&
    (e.status === 500 || e.status === 404 || e.status === 400) &&
    NO_OBJECT.test(`${e.thrukMessage ?? ''} ${e.thrukDescription ?? ''} ${e.message}`)
  );
}

/** A path for names Thruk can address; undefined for '.', '..' and unpaired surrogates, which no path segment can carry. */
export function availabilityPath(...segments: string[]): string | undefined {
  try {
    return `${pathOf(...segments)}/availability`;
  } catch (e) {
    if (e instanceof TypeError) return undefined;
    throw e;
  }
}

/**
 * GET an availability endpoint. Returns undefined when Thruk says there is nothing to report on,
 * which for Thruk means the object does not exist (it has no "not found" answer here).
 */
export async function fetchAvailability(
  ctx: ToolContext,
  path: string,
  params: Array<[string, string]>,
  backends: string[] | undefined,
): Promise<unknown> {
  try {
    return await ctx.thruk.get<unknown>(path, { query: params, ...(backends ? { backends } : {}), signal: ctx.signal });
  } catch (e) {
    if (isNoObject(e)) return undefined;
    if (e instanceof ThrukHttpError && /too many objects/i.test(`${e.thrukMessage ?? ''} ${e.thrukDescription ?? ''}`)) {
      throw new ToolInputError(
        `Thruk refused the report: ${e.thrukMessage ?? 'too many objects'}. Ask for fewer objects (type=hosts, a smaller host group, or one host), or raise report_max_objects in thruk_local.conf.`,
      );
    }
    throw e;
  }
}

export async function hostExists(ctx: ToolContext, host: string, backends: string[] | undefined): Promise<boolean> {
  return (
    (
      await getRows(
        ctx,
        '/hosts',
        [
          ['name', host],
          ['columns', 'name'],
        ],
        backends,
      )
    ).length > 0
  );
}

export async function serviceExists(ctx: ToolContext, host: string, service: string, backends: string[] | undefined): Promise<boolean> {
  return (
    (
      await getRows(
        ctx,
        '/services',
        [
          ['host_name', host],
          ['description', service],
          ['columns', 'description'],
        ],
        backends,
      )
    ).length > 0
  );
}

/** The not-found error with a did-you-mean: the service on its host if the host exists, else the host. */
export async function objectMissing(
  ctx: ToolContext,
  host: string,
  service: string | undefined,
  backends: string[] | undefined,
): Promise<ToolInputError> {
  if (service !== undefined) {
    const svcs = await getRows(
      ctx,
      '/services',
      [
        ['host_name', host],
        ['columns', 'description'],
      ],
      backends,
    );
    if (svcs.length > 0) {
      const near = closest(
        service,
        svcs.map((r) => String(r.description)),
        3,
      );
      return notFound(`service on host '${host}'`, service, near, `thruk_list_services with filter {"field":"host","value":"${host}"}`);
    }
  }
  return notFound('host', host, await hostSuggestions(ctx, host, backends), 'thruk_list_hosts');
}

export function unaddressable(what: string, name: string): ToolInputError {
  return new ToolInputError(
    `The ${what} '${name}' exists but cannot be addressed in a Thruk REST path ('.' and '..' are path segments), so Thruk cannot report its availability.`,
  );
}

export interface GroupInfo {
  readonly members: string[];
}

/** The host group (members included), or a not-found error with the nearest group names. */
export async function hostgroupInfo(ctx: ToolContext, group: string, backends: string[] | undefined): Promise<GroupInfo> {
  const rows = await getRows(
    ctx,
    '/hostgroups',
    [
      ['name', group],
      ['columns', 'name,members'],
    ],
    backends,
  );
  if (rows.length === 0) {
    const all = await getRows(ctx, '/hostgroups', [['columns', 'name']], backends);
    throw notFound(
      'host group',
      group,
      closest(
        group,
        all.map((r) => String(r.name)),
        3,
      ),
      'thruk_list_hostgroups',
    );
  }
  const members = new Set<string>();
  for (const r of rows) if (Array.isArray(r.members)) for (const m of r.members) members.add(String(m));
  return { members: [...members] };
}

/** Thruk answers a list for groups, an object for one host or service; anything else means no data. */
export function asRows(res: unknown): Row[] {
  if (Array.isArray(res)) return res.filter((r): r is Row => r !== null && typeof r === 'object' && !Array.isArray(r));
  if (res !== null && typeof res === 'object') return [res as Row];
  return [];
}
