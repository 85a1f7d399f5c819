import type { McpServer} from '@modelcontextprotocol/server';
import { ResourceNotFoundError, ResourceTemplate, type ReadResourceResult, type ServerContext } from '@modelcontextprotocol/server';
import { complete, type NameCache } from './names.js';
import { ToolInputError, type ToolContext, type ToolDef } from './tools/define.js';

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
    import('./tools/state/hosts.js'), import('./tools/state/problems.js'), import('./tools/state/overview.js'), import('./tools/state/services.js'), import('./tools/state/common.js'),
  ]);
  return { getHost: hosts.getHost, problems: problems.problems, stats: overview.stats, getService: services.getService, getRows: common.getRows };
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

/**
 * The Python thruk-mcp's resources, answered by the same code as the tools (one truth), with
 * completions of host, service and group names.
 */
export function registerResources(server: McpServer, names: NameCache, toolCtx: (ctx: ServerContext) => ToolContext): void {
  server.registerResource('problems', 'thruk://problems', { title: 'Current problems', description: 'Unhandled and handled problems with counts (as thruk_problems with include_handled).', mimeType: JSON_TYPE },
    async (uri, ctx) => json(uri, await runTool((await stateTools()).problems, toolCtx(ctx), { include_handled: true, limit: 500 }, uri)));
  server.registerResource('stats', 'thruk://stats', { title: 'State counters', description: 'Host and service counters computed by Thruk (as thruk_stats).', mimeType: JSON_TYPE },
    async (uri, ctx) => json(uri, await runTool((await stateTools()).stats, toolCtx(ctx), {}, uri)));

  server.registerResource('host', new ResourceTemplate('thruk://hosts/{name}', { list: undefined, complete: { name: (v) => complete(names, 'hosts', v) } }),
    { title: 'Host', description: 'One host in depth with its services and parents (as thruk_get_host).', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => json(uri, await runTool((await stateTools()).getHost, toolCtx(ctx), { host: decodeVar(vars.name) }, uri)));

  server.registerResource('service', new ResourceTemplate('thruk://services/{host}/{service}', {
    list: undefined,
    complete: {
      host: (v) => complete(names, 'hosts', v),
      service: (v, c) => complete(names, 'services', v, c?.arguments?.host),
    },
  }), { title: 'Service', description: 'One service in depth (as thruk_get_service); percent-encode a / in the service name as %2F.', mimeType: JSON_TYPE },
  async (uri, vars, ctx) => json(uri, await runTool((await stateTools()).getService, toolCtx(ctx), { host: decodeVar(vars.host), service: decodeVar(vars.service) }, uri)));

  server.registerResource('hostgroup', new ResourceTemplate('thruk://hostgroups/{name}', { list: undefined, complete: { name: (v) => complete(names, 'hostgroups', v) } }),
    { title: 'Host group', description: 'One host group with members and state counts.', mimeType: JSON_TYPE },
    async (uri, vars, ctx) => {
      const name = decodeVar(vars.name);
      const rows = await (await stateTools()).getRows(toolCtx(ctx), '/hostgroups', [['name', name]], undefined);
      if (rows.length === 0) throw new ResourceNotFoundError(uri.href, `No host group named '${name}'. Use thruk_list_hostgroups to see the names.`);
      return json(uri, rows.length === 1 ? rows[0] : rows);
    });
}
