import { acceptedContent, inputResponse, McpServer, type McpRequestContext, type ServerContext } from '@modelcontextprotocol/server';
import { createAuditSink } from './audit.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { NameCache } from './names.js';
import { promptDefinitions, registerPrompts } from './prompts.js';
import { registerResources } from './resources.js';
import type { ThrukClient } from './thruk/client.js';
import { callTool, errorResult, type McpToolEntry } from './tools/adapter.js';
import type { Interaction, ToolContext, ToolDef } from './tools/define.js';
import { toolSourceOf, type ToolSource } from './tools/published.js';
import { refusalText, scopeRefusalText, selectTools, type ToolMeta } from './tools/selection.js';

export interface ServerDeps {
  readonly config: Config;
  readonly thruk: ThrukClient;
  readonly log: Logger;
  readonly version: string;
  readonly now?: () => number;
  /**
   * The tools: definitions in memory (tests: allTools(), plus extra tools), or a source that
   * publishes a prebuilt tools/list and loads the tool code on the first call (the CLI).
   */
  readonly tools: readonly ToolDef[] | ToolSource;
  /** Metrics seam: called as a tools/call starts; the returned function gets its outcome. */
  readonly onToolCall?: (tool: string) => (outcome: 'ok' | 'error' | 'refused' | 'input_required' | 'exception') => void;
}

interface View {
  readonly config: Config;
  readonly offered: readonly ToolMeta[];
  readonly offeredNames: ReadonlySet<string>;
  readonly listing: readonly McpToolEntry[];
  readonly outputSchemas: ReadonlyMap<string, McpToolEntry['outputSchema']>;
  /** The prompts, built once: they only suggest tools of this view. */
  readonly prompts: ReturnType<typeof promptDefinitions>;
}

function viewOf(source: ToolSource, config: Config, names: NameCache): View {
  const offered = selectTools(source.metas, config);
  const listing = offered.map((t) => source.entry(t.name, config.readOnly));
  const offeredNames = new Set(offered.map((t) => t.name));
  return {
    config,
    offered,
    offeredNames,
    listing,
    outputSchemas: new Map(listing.map((t) => [t.name, t.outputSchema])),
    prompts: promptDefinitions({ names, offered: offeredNames }),
  };
}

const INSTRUCTIONS =
  'Thruk monitoring (Naemon/Nagios/Icinga). Start with thruk_problems for what is broken, thruk_totals for the overall picture, thruk_get_host for one host in depth. List answers are compact tables; page with offset. Times are UTC.';

/**
 * Builds the per-request (HTTP) / per-connection (stdio) McpServer factory. Everything costly —
 * the tool selection and the JSON Schemas of tools/list — is computed once here, so the factory
 * itself only wires two handlers.
 */
export function createServerFactory(deps: ServerDeps): (ctx?: McpRequestContext) => McpServer {
  const source = 'defs' in deps.tools ? deps.tools : toolSourceOf(deps.tools);
  const tools = source.metas;
  const names = new NameCache(deps.thruk, deps.now ?? Date.now);
  const full = viewOf(source, deps.config, names);
  // An HTTP caller without the write scope gets exactly the read-only mode's view of the tools.
  const limited = deps.config.readOnly ? full : viewOf(source, { ...deps.config, readOnly: true }, names);
  const writeScope = deps.config.http.auth.writeScope;
  const audit = createAuditSink(deps.config, deps.log);
  const now = deps.now ?? Date.now;
  const toolCtx = (config: Config, server: McpServer, ctx: ServerContext, details: Record<string, unknown>, progressToken?: string | number, http?: Request): ToolContext => ({
    thruk: deps.thruk,
    config,
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
    const authInfo = factoryCtx?.authInfo;
    const view = authInfo === undefined || authInfo.scopes.includes(writeScope) ? full : limited;
    const server = new McpServer(
      { name: 'thruk-mcp', version: deps.version, title: 'Thruk' },
      // The tool list depends on the caller's scopes once callers authenticate: no shared caching.
      { capabilities: { tools: { listChanged: false }, resources: {}, prompts: {}, completions: {} }, instructions: INSTRUCTIONS, cacheHints: { 'tools/list': { ttlMs: 300_000, cacheScope: authInfo === undefined ? 'public' : 'private' } } },
    );
    const low = server.server;
    low.setRequestHandler('tools/list', () => ({ tools: [...view.listing] }));
    low.setRequestHandler('tools/call', async (request, ctx: ServerContext) => {
      const name = request.params.name;
      if (!view.offeredNames.has(name)) {
        deps.onToolCall?.(tools.some((t) => t.name === name) ? name : '(unknown)')('refused');
        if (view !== full && full.offeredNames.has(name)) return errorResult(scopeRefusalText(name, writeScope));
        return errorResult(refusalText(name, tools, view.offered, view.config));
      }
      const done = deps.onToolCall?.(name);
      // Who asked goes into the audit line of a write (a token label or the JWT's client, never the token).
      const details: Record<string, unknown> = authInfo !== undefined ? { caller: authInfo.clientId } : {};
      try {
        // Offered names come from the same source, so the definition is there once the code is loaded.
        const def = (await source.defs()).get(name) as ToolDef;
        const result = await callTool(def, request.params.arguments, { ctx: toolCtx(view.config, server, ctx, details, request.params._meta?.progressToken, httpRequest), audit, details });
        if (result.resultType === 'input_required') {
          done?.('input_required');
          return result;
        }
        done?.(result.isError === true ? 'error' : 'ok');
        return low.projectCallToolResult(result, view.outputSchemas.get(name));
      } catch (err) {
        done?.('exception');
        throw err;
      }
    });
    registerResources(server, names, (ctx) => toolCtx(view.config, server, ctx, {}));
    registerPrompts(server, view.prompts);
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
