import type { McpServer } from '@modelcontextprotocol/server';
import { ResourceNotFoundError, ResourceTemplate, type ReadResourceResult, type ServerContext } from '@modelcontextprotocol/server';
import { complete, matchNames, type NameCache } from './names.js';
import { ToolInputError, type ToolContext, type ToolDef } from '../tools/core/define.js';

const JSON_TYPE = 'application/json';

/** URI template variables arrive percent-encoded ("disk%20%2F"); names are the decoded form. */
export function decodeVar(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join('/') : (v ?? '');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function json(uri: URL, data: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(data) }] };
}

/** The tool code loads with the first read: start-up (and tools/list) never imports a tool module. */
const stateTools = async () => {
  const [hosts, problems, overview, services, common] = await Promise.all([
    import('../tools/state/hosts.js'),
    import('../tools/state/problems.js'),
    import('../tools/state/overview.js'),
    import('../tools/state/services.js'),
    import('../tools/lib/list.js'),
  ]);
  return {
    getHost: hosts.getHost,
    problems: problems.problems,
    stats: overview.stats,
    getService: services.getService,
    getRows: common.getRows,
  };
};

async function runTool(def: ToolDef, ctx: ToolContext, args: Record<string, unknown>, uri: URL): Promise<unknown> {
  const parsed = def.input.safeParse(args);
  if (!parsed.success) throw new ResourceNotFoundError(uri.href, `Invalid resource URI ${uri.href}.`);
  try {
    return (await def.run(ctx, parsed.data)).data;
  } catch (err) {
    // An unknown object is "resource not found" at the protocol level; the tool's hint goes with it.
    if (err instanceof ToolInputError) throw new ResourceNotFoundError(uri.href, err.message);
    throw err;
  }
}

/** One configured Thruk instance as the resources see it (names and tool context of this caller). */
export interface InstanceScope {
  readonly names: NameCache;
  readonly toolCtx: (ctx: ServerContext) => ToolContext;
}

/** Several Thruk instances: the resources are also offered under thruk://instances/{instance}/…. */
export interface InstanceResources {
  readonly names: readonly string[];
  /** undefined for a name that is not configured (the URI never selects anything else). */
  readonly resolve: (instance: string) => InstanceScope | undefined;
}

/**
 * The Python thruk-mcp's resources, answered by the same code as the tools (one truth), with
 * completions of host, service and group names; with several instances, also per instance.
 */
export function registerResources(
  server: McpServer,
  names: NameCache,
  toolCtx: (ctx: ServerContext) => ToolContext,
  instances?: InstanceResources,
): void {
  registerDefaultResources(server, names, toolCtx);
  if (instances !== undefined && instances.names.length > 1) registerInstanceResources(server, instances);
}

function registerDefaultResources(server: McpServer, names: NameCache, toolCtx: (ctx: ServerContext) => ToolContext): void {
  server.registerResource(
    'problems',
    'thruk://problems',
    { title: 'Current problems', description: 'Unhandled and handled problems with counts, worst and newest first.', mimeType: JSON_TYPE },
    async (uri, ctx) => json(uri, await runTool((await stateTools()).problems, toolCtx(ctx), { include_handled: true, limit: 500 }, uri)),
  );
  server.registerResource(
    'stats',
    'thruk://stats',
    {
      title: 'State counters',
      description: 'Host and service counters computed by Thruk: per state, acknowledged, in downtime, unhandled, flapping.',
      mimeType: JSON_TYPE,
    },
    async (uri, ctx) => json(uri, await runTool((await stateTools()).stats, toolCtx(ctx), {}, uri)),
  );

  server.registerResource(
    'host',
    new ResourceTemplate('thruk://hosts/{name}', { list: undefined, complete: { name: (v) => complete(names, 'hosts', v) } }),
    { title: 'Host', description: 'One host in depth with its services and parents.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => json(uri, await runTool((await stateTools()).getHost, toolCtx(ctx), { host: decodeVar(vars.name) }, uri)),
  );

  server.registerResource(
    'service',
    new ResourceTemplate('thruk://services/{host}/{service}', {
      list: undefined,
      complete: {
        host: (v) => complete(names, 'hosts', v),
        service: (v, c) => complete(names, 'services', v, c?.arguments?.host),
      },
    }),
    { title: 'Service', description: 'One service in depth; percent-encode a / in the service name as %2F.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) =>
      json(
        uri,
        await runTool((await stateTools()).getService, toolCtx(ctx), { host: decodeVar(vars.host), service: decodeVar(vars.service) }, uri),
      ),
  );

  server.registerResource(
    'hostgroup',
    new ResourceTemplate('thruk://hostgroups/{name}', { list: undefined, complete: { name: (v) => complete(names, 'hostgroups', v) } }),
    { title: 'Host group', description: 'One host group with members and state counts.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => hostgroup(uri, toolCtx(ctx), decodeVar(vars.name)),
  );
}

async function hostgroup(uri: URL, ctx: ToolContext, name: string): Promise<ReadResourceResult> {
  const rows = await (await stateTools()).getRows(ctx, '/hostgroups', [['name', name]], undefined);
  if (rows.length === 0)
    throw new ResourceNotFoundError(
      uri.href,
      `No host group named '${name}'. Names complete on thruk://hostgroups/{name} (completion/complete).`,
    );
  return json(uri, rows.length === 1 ? rows[0] : rows);
}

const PREFIX = 'thruk://instances/{instance}';

/** The same resources, one template each, with the instance as the first variable (completed too). */
function registerInstanceResources(server: McpServer, inst: InstanceResources): void {
  const scope = (uri: URL, v: string | string[] | undefined): InstanceScope => {
    const name = decodeVar(v);
    const s = inst.resolve(name);
    if (s === undefined)
      throw new ResourceNotFoundError(
        uri.href,
        `No Thruk instance named '${name.slice(0, 64)}'. Configured instances: ${inst.names.join(', ')}.`,
      );
    return s;
  };
  const instance = (v: string) => Promise.resolve(matchNames(inst.names, v));
  const namesOf = (c: { arguments?: Record<string, string> } | undefined) => inst.resolve(c?.arguments?.['instance'] ?? '')?.names;
  const completeIn = (kind: 'hosts' | 'hostgroups') => (v: string, c?: { arguments?: Record<string, string> }) => {
    const n = namesOf(c);
    return n === undefined ? Promise.resolve([]) : complete(n, kind, v);
  };
  const each = (tail: string, title: string) => () => ({
    resources: inst.names.map((n) => ({
      uri: `thruk://instances/${encodeURIComponent(n)}/${tail}`,
      name: `${tail}@${n}`,
      title: `${title} (${n})`,
      mimeType: JSON_TYPE,
    })),
  });

  server.registerResource(
    'instance-problems',
    new ResourceTemplate(`${PREFIX}/problems`, { list: each('problems', 'Current problems'), complete: { instance } }),
    { title: 'Current problems of one instance', description: 'As thruk://problems, on the named Thruk instance.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) =>
      json(
        uri,
        await runTool((await stateTools()).problems, scope(uri, vars.instance).toolCtx(ctx), { include_handled: true, limit: 500 }, uri),
      ),
  );
  server.registerResource(
    'instance-stats',
    new ResourceTemplate(`${PREFIX}/stats`, { list: each('stats', 'State counters'), complete: { instance } }),
    { title: 'State counters of one instance', description: 'As thruk://stats, on the named Thruk instance.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => json(uri, await runTool((await stateTools()).stats, scope(uri, vars.instance).toolCtx(ctx), {}, uri)),
  );
  server.registerResource(
    'instance-host',
    new ResourceTemplate(`${PREFIX}/hosts/{name}`, { list: undefined, complete: { instance, name: completeIn('hosts') } }),
    { title: 'Host on one instance', description: 'As thruk://hosts/{name}, on the named Thruk instance.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) =>
      json(uri, await runTool((await stateTools()).getHost, scope(uri, vars.instance).toolCtx(ctx), { host: decodeVar(vars.name) }, uri)),
  );
  server.registerResource(
    'instance-service',
    new ResourceTemplate(`${PREFIX}/services/{host}/{service}`, {
      list: undefined,
      complete: {
        instance,
        host: completeIn('hosts'),
        service: (v, c) => {
          const n = namesOf(c);
          return n === undefined ? Promise.resolve([]) : complete(n, 'services', v, c?.arguments?.['host']);
        },
      },
    }),
    {
      title: 'Service on one instance',
      description: 'As thruk://services/{host}/{service}, on the named Thruk instance.',
      mimeType: JSON_TYPE,
    },
    async (uri, vars, ctx) =>
      json(
        uri,
        await runTool(
          (await stateTools()).getService,
          scope(uri, vars.instance).toolCtx(ctx),
          { host: decodeVar(vars.host), service: decodeVar(vars.service) },
          uri,
        ),
      ),
  );
  server.registerResource(
    'instance-hostgroup',
    new ResourceTemplate(`${PREFIX}/hostgroups/{name}`, { list: undefined, complete: { instance, name: completeIn('hostgroups') } }),
    { title: 'Host group on one instance', description: 'As thruk://hostgroups/{name}, on the named Thruk instance.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => hostgroup(uri, scope(uri, vars.instance).toolCtx(ctx), decodeVar(vars.name)),
  );
}
