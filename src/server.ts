import { acceptedContent, inputResponse, McpServer, type McpRequestContext, type ServerContext } from '@modelcontextprotocol/server';
import { createAuditSink } from './audit.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { NameCache } from './names.js';
import { registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import type { ThrukClient } from './thruk/client.js';
import { callTool, errorResult, toMcpTool, type McpToolEntry } from './tools/adapter.js';
import type { Interaction, ToolContext, ToolDef } from './tools/define.js';
import { allTools, refusalText, selectTools } from './tools/registry.js';

export interface ServerDeps {
  readonly config: Config;
  readonly thruk: ThrukClient;
  readonly log: Logger;
  readonly version: string;
  readonly now?: () => number;
  /** Overrides the registry (tests register extra tools, e.g. a write tool for audit checks). */
  readonly tools?: readonly ToolDef[];
}

const INSTRUCTIONS =
  'Thruk monitoring (Naemon/Nagios/Icinga). Start with thruk_problems for what is broken, thruk_totals for the overall picture, thruk_get_host for one host in depth. List answers are compact tables; page with offset. Times are UTC.';

/**
 * Builds the per-request (HTTP) / per-connection (stdio) McpServer factory. Everything costly —
 * the tool selection and the JSON Schemas of tools/list — is computed once here, so the factory
 * itself only wires two handlers.
 */
export function createServerFactory(deps: ServerDeps): (ctx?: McpRequestContext) => McpServer {
  const tools = deps.tools ?? allTools();
  const offered = selectTools(tools, deps.config);
  const byName = new Map(offered.map((t) => [t.name, t]));
  const listing: McpToolEntry[] = offered.map((t) => toMcpTool(t, deps.config.readOnly));
  const outputSchemas = new Map(listing.map((t) => [t.name, t.outputSchema]));
  const audit = createAuditSink(deps.config, deps.log);
  const now = deps.now ?? Date.now;
  const names = new NameCache(deps.thruk, now);
  const offeredNames = new Set(offered.map((t) => t.name));
  const toolCtx = (server: McpServer, ctx: ServerContext, details: Record<string, unknown>, progressToken?: string | number, http?: Request): ToolContext => ({
    thruk: deps.thruk,
    config: deps.config,
    // A stateless 2025 HTTP client cancels by dropping the connection (its notifications/cancelled
    // reaches another instance), so the HTTP request's own signal must stop the call too.
    signal: http?.signal !== undefined ? AbortSignal.any([ctx.mcpReq.signal, http.signal]) : ctx.mcpReq.signal,
    log: deps.log,
    now,
    progress: progressReporter(ctx, progressToken),
    interaction: interactionOf(server, ctx),
    audit: (d) => Object.assign(details, d),
  });

  return (factoryCtx?: McpRequestContext) => {
    const httpRequest = factoryCtx?.requestInfo;
    const server = new McpServer(
      { name: 'thruk-mcp', version: deps.version, title: 'Thruk' },
      { capabilities: { tools: { listChanged: false }, resources: {}, prompts: {}, completions: {} }, instructions: INSTRUCTIONS, cacheHints: { 'tools/list': { ttlMs: 300_000, cacheScope: 'public' } } },
    );
    const low = server.server;
    low.setRequestHandler('tools/list', () => ({ tools: listing }));
    low.setRequestHandler('tools/call', async (request, ctx: ServerContext) => {
      const name = request.params.name;
      const def = byName.get(name);
      if (def === undefined) return errorResult(refusalText(name, tools, offered, deps.config));
      const details: Record<string, unknown> = {};
      const result = await callTool(def, request.params.arguments, { ctx: toolCtx(server, ctx, details, request.params._meta?.progressToken, httpRequest), audit, details });
      if (result.resultType === 'input_required') return result;
      return low.projectCallToolResult(result, outputSchemas.get(name));
    });
    registerResources(server, names, (ctx) => toolCtx(server, ctx, {}));
    registerPrompts(server, { names, offered: offeredNames });
    return server;
  };
}

function progressReporter(ctx: ServerContext, token: string | number | undefined): ToolContext['progress'] {
  if (token === undefined) return () => Promise.resolve();
  return async (progress, total, message) => {
    await ctx.mcpReq.notify({
      method: 'notifications/progress',
      params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message } : {}) },
    });
  };
}

/**
 * Whether the client can answer an elicitation in this call: a 2026 request declares it in its
 * envelope; a 2025 client declared it at initialize (only a stateful session, e.g. stdio, knows).
 */
function interactionOf(server: McpServer, ctx: ServerContext): Interaction {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const declared = (envelope?.['io.modelcontextprotocol/clientCapabilities'] ?? server.server.getClientCapabilities()) as { elicitation?: unknown } | undefined;
  const responses = ctx.mcpReq.inputResponses;
  return {
    canElicit: declared?.elicitation !== undefined,
    accepted: (key) => acceptedContent(responses, key),
    refused: (key) => {
      const r = inputResponse(responses, key);
      return r.kind === 'elicit' && r.action !== 'accept';
    },
    requestState: () => {
      const s: unknown = ctx.mcpReq.requestState();
      return typeof s === 'string' ? s : undefined;
    },
  };
}
