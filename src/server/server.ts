import {
  acceptedContent,
  inputResponse,
  McpServer,
  type AuthInfo,
  type McpRequestContext,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { Config } from '../config/config.js';
import type { Logger } from './log.js';
import type { NameCache } from './names.js';
import { promptDefinitions, registerPrompts } from './prompts.js';
import { registerResources, type InstanceResources } from './resources.js';
import type { Instance } from './runtime.js';
import { Scopes, type CallScope } from './scope.js';
import type { ThrukClient } from '../thruk/client.js';
import { createInvoker, toolContextOf } from '../tools/core/invoke.js';
import { errorResult, type CallResult, type McpToolEntry } from '../tools/core/adapter.js';
import { thrukCallerOf, type ThrukCaller } from '../transports/caller.js';
import { rpcMethodOf } from '../transports/request.js';
import type { CallerIdentity, Interaction, ToolContext, ToolDef, Toolset } from '../tools/core/define.js';
import { toolSourceOf, type ToolSource } from '../tools/core/published.js';
// Never registry.js here: it imports every tool module, which a start-up must not pay for.
import { ENABLE_TOOL, exclusionOf, refusalText, scopeRefusalText, type ToolMeta } from '../tools/core/selection.js';
import { reachNote, requestedToolsets, sessionControl, TOOLSETS_HEADER, viewSelection } from '../tools/core/reach.js';
import { clientCapabilitiesOf, registerViews, VIEW_EXTENSION_CAPABILITY, withViewLinks } from '../views/register.js';

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
  /** Every configured Thruk instance (the runtime's); default: `thruk` as the only one. */
  readonly instances?: ReadonlyMap<string, Instance>;
}

interface View {
  readonly config: Config;
  readonly offered: readonly ToolMeta[];
  /** Everything callable in this view: the listed tools and their hidden aliases. */
  readonly offeredNames: ReadonlySet<string>;
  readonly listing: readonly McpToolEntry[];
  readonly outputSchemas: ReadonlyMap<string, McpToolEntry['outputSchema']>;
  /** The prompts, built once: they only suggest tools of this view. */
  readonly prompts: ReturnType<typeof promptDefinitions>;
  readonly instructions: string;
  /** Tools one enable call adds, with their toolset (for hints that name them). */
  readonly reachable: ReadonlyMap<string, Toolset>;
}

/**
 * With several instances every tool takes an optional `instance`, added here once for all tools
 * (their own schemas stay strict and never see it: the server strips it before the tool's parse).
 * The entry is copied, never changed: a source shares its entries between the views.
 */
function withInstanceArg(entry: McpToolEntry, scopes: Scopes): McpToolEntry {
  if (!scopes.multi) return entry;
  const props = (entry.inputSchema['properties'] ?? {}) as Record<string, unknown>;
  const instance = { type: 'string', enum: [...scopes.names], description: `Thruk instance to ask (default ${scopes.defaultInstance}).` };
  return { ...entry, inputSchema: { ...entry.inputSchema, properties: { ...props, instance } } };
}

function viewOf(source: ToolSource, config: Config, names: NameCache, scopes: Scopes): View {
  const sel = viewSelection(source.metas, config);
  const listing = sel.listed.map((t) => withInstanceArg(source.entry(t.name, config.readOnly), scopes));
  const offeredNames = new Set(sel.callable.map((t) => t.name));
  return {
    config,
    offered: sel.listed,
    offeredNames,
    listing,
    outputSchemas: new Map(sel.callable.map((t) => [t.name, source.entry(t.name, config.readOnly).outputSchema])),
    prompts: promptDefinitions({ names, offered: offeredNames, reachable: sel.reachable }),
    instructions: instructionsFor(sel.listed, source.metas, config),
    reachable: sel.reachable,
  };
}

/** Appends the reach note to a result whose text names tools this caller does not have. */
function withReachNote(result: CallResult, view: View, known: ReadonlySet<string>): CallResult {
  const first = result.content[0];
  if (first === undefined) return result;
  const note = reachNote(result.content.map((c) => c.text).join('\n'), view.offeredNames, view.reachable, known);
  if (note === undefined) return result;
  return { ...result, content: [{ ...first, text: `${first.text}\n${note}` }, ...result.content.slice(1)] };
}

/** Splits the server-level `instance` off a call's arguments. */
function splitInstance(raw: unknown): { instance: unknown; args: unknown } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !('instance' in raw)) return { instance: undefined, args: raw };
  const { instance, ...args } = raw as Record<string, unknown>;
  return { instance, args };
}

function unknownInstanceText(given: unknown, scopes: Scopes): string {
  const shown = typeof given === 'string' ? `'${given.slice(0, 64)}'` : (JSON.stringify(given)?.slice(0, 64) ?? String(given));
  return `Unknown Thruk instance ${shown}. Use one of: ${scopes.names.join(', ')} (default ${scopes.defaultInstance}).`;
}

const NO_IDENTITY = 'This server acts on Thruk as each caller, and this request carries no verified Thruk identity; nothing was done.';

function defaultInstances(deps: ServerDeps): ReadonlyMap<string, Instance> {
  const name = deps.config.defaultInstance;
  return new Map([[name, { name, settings: { ...deps.config.thruk, name }, thruk: deps.thruk }]]);
}

const INSTRUCTIONS =
  'Thruk monitoring (Naemon/Nagios/Icinga). Start with thruk_problems for what is broken, thruk_totals for the overall picture, thruk_get_host for one host in depth. ' +
  'List answers are compact tables; page with offset. Times are UTC; time arguments take -24h, today 06:00, ISO-8601 or epoch seconds. ' +
  '`backends` (any tool) limits a call to comma-separated site names from thruk_sites. ' +
  'Write tools preview with dry_run=true and ask before touching several objects or deleting. A preview carries a plan_id: after the user agreed, call again with the same arguments and that plan_id, which runs exactly the previewed plan (confirm=true alone only runs single-object writes).';

/**
 * The server instructions, plus — when this server offers only part of the catalog — which tools
 * are left out and how the operator adds them (tools/list cannot say what it does not list).
 */
export function instructionsFor(
  offered: readonly ToolMeta[],
  all: readonly ToolMeta[],
  config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'> & { readonly dynamicToolsets?: boolean },
): string {
  // Only what the toolset choice leaves out: read-only and the allowlist are deliberate limits.
  const missing = all.filter((t) => exclusionOf(t, config) === 'toolset');
  if (missing.length === 0) return INSTRUCTIONS;
  const sets = [...new Set(missing.map((t) => t.toolset))].join(', ');
  if (config.dynamicToolsets !== false) {
    return `${INSTRUCTIONS} This server lists ${offered.length} of ${all.length} tools; ${missing.length} more (toolsets ${sets}: SLA/availability, trends, perf data, stale checks, history, raw queries) are one thruk_enable_toolset call away.`;
  }
  return `${INSTRUCTIONS} This server offers ${offered.length} of ${all.length} tools; ${missing.length} more (toolsets ${sets}) are enabled by the operator with THRUK_TOOLSETS (e.g. default,trends or all).`;
}

/**
 * Whether a request may reach the resources, prompts or completions: the HTTP layer records the
 * JSON-RPC method of each single request it parsed. tools/list, tools/call, initialize,
 * server/discover and notifications never do, so their per-request server skips registering
 * them (the capabilities still say they exist). Unknown (stdio, a batch): everything.
 */
export function needsCatalog(method: string | undefined): boolean {
  return method === undefined || method.startsWith('resources/') || method.startsWith('prompts/') || method.startsWith('completion/');
}

/** Only a request that names toolsets pays for parsing its URL (the common request names none). */
function toolsetsOf(req: Request): string[] {
  return req.url.includes('?') || req.headers.has(TOOLSETS_HEADER) ? requestedToolsets(req) : [];
}

const CACHE_PUBLIC = { 'tools/list': { ttlMs: 300_000, cacheScope: 'public' } } as const;
const CACHE_PRIVATE = { 'tools/list': { ttlMs: 300_000, cacheScope: 'private' } } as const;

/**
 * Builds the per-request (HTTP) / per-connection (stdio) McpServer factory. Everything costly —
 * the tool selection and the JSON Schemas of tools/list — is computed once here, so the factory
 * itself only wires two handlers.
 */
export function createServerFactory(deps: ServerDeps): (ctx?: McpRequestContext) => McpServer {
  const source = 'defs' in deps.tools ? deps.tools : toolSourceOf(deps.tools);
  const tools = source.metas;
  const now = deps.now ?? Date.now;
  const scopes = new Scopes(
    deps.instances ?? defaultInstances(deps),
    deps.config.defaultInstance,
    deps.config.http.auth.thrukAuth ?? 'service',
    now,
  );
  const serviceScope = scopes.resolve(undefined, undefined) as CallScope;
  const names = serviceScope.names;
  // Views per (read-only, extra toolsets): computed once each, shared by every request and session.
  const views = new Map<string, View>();
  const viewFor = (readOnly: boolean, extra: readonly string[]): View => {
    const key = `${readOnly ? 'ro' : 'rw'}:${extra.join(',')}`;
    let v = views.get(key);
    if (v === undefined) {
      const config = extra.length === 0 ? deps.config : { ...deps.config, toolsets: [...deps.config.toolsets, ...extra] };
      // Read-only forced by a token without the write scope: refusals say so, not "this server is read-only".
      v = viewOf(source, readOnly === deps.config.readOnly ? config : { ...config, readOnly, readOnlyReason: 'scope' }, names, scopes);
      views.set(key, v);
    }
    return v;
  };
  const knownNames = new Set(tools.map((t) => t.name));
  const writeScope = deps.config.http.auth.writeScope;
  const invoker = createInvoker({ config: deps.config, log: deps.log, now });
  const signalOf = (ctx: ServerContext, http?: Request): AbortSignal =>
    // A stateless 2025 HTTP client cancels by dropping the connection (its notifications/cancelled
    // reaches another instance), so the HTTP request's own signal must stop the call too.
    http?.signal !== undefined ? AbortSignal.any([ctx.mcpReq.signal, http.signal]) : ctx.mcpReq.signal;
  const toolCtx = (
    config: Config,
    scope: CallScope,
    server: McpServer,
    ctx: ServerContext,
    identity: CallerIdentity,
    http?: Request,
  ): ToolContext =>
    toolContextOf(
      {
        config,
        scope,
        identity,
        signal: signalOf(ctx, http),
        progress: progressReporter(ctx, undefined),
        interaction: interactionOf(server, ctx),
      },
      { log: deps.log, now },
      {},
    );

  return (factoryCtx?: McpRequestContext) => {
    const httpRequest = factoryCtx?.requestInfo;
    const authInfo = factoryCtx?.authInfo;
    const caller: ThrukCaller | undefined = thrukCallerOf(authInfo);
    // Fail closed: in modes 3 and 4 an HTTP request without a verified Thruk identity acts as nobody.
    const unverified = scopes.needsCaller && httpRequest !== undefined && caller === undefined;
    // An HTTP caller without the write scope gets exactly the read-only mode's view of the tools.
    const writer = authInfo === undefined || authInfo.scopes.includes(writeScope);
    // stdio pins one instance per connection: its toolsets live as long as the session. An HTTP
    // request carries its own selection (URL or header) and nothing outlives the request.
    const sessionful = httpRequest === undefined && deps.config.dynamicToolsets;
    let extra: readonly string[] = httpRequest !== undefined && deps.config.dynamicToolsets ? toolsetsOf(httpRequest) : [];
    let view = viewFor(writer ? deps.config.readOnly : true, extra);
    const identity = identityOf(httpRequest !== undefined, authInfo, caller);
    const server = new McpServer(
      { name: 'thruk-mcp', version: deps.version, title: 'Thruk' },
      // The tool list depends on the caller's scopes once callers authenticate, and on a selection
      // the request chose: no shared caching then.
      {
        capabilities: {
          tools: { listChanged: sessionful },
          resources: {},
          prompts: {},
          completions: {},
          extensions: VIEW_EXTENSION_CAPABILITY,
        },
        instructions: view.instructions,
        cacheHints: authInfo === undefined && extra.length === 0 ? CACHE_PUBLIC : CACHE_PRIVATE,
      },
    );
    const low = server.server;
    const control = sessionControl({
      mode: !deps.config.dynamicToolsets ? 'fixed' : sessionful ? 'session' : 'request',
      metas: tools,
      base: deps.config,
      current: () => ({ extra, view }),
      enable: async (more) => {
        const next = [...new Set([...extra, ...more])].sort();
        const was = view.offeredNames;
        extra = next;
        view = viewFor(writer ? deps.config.readOnly : true, extra);
        const added = view.offered.map((t) => t.name).filter((n) => !was.has(n));
        if (added.length > 0)
          await low.sendToolListChanged().catch((err: unknown) => deps.log.warn({ err }, 'tools/list_changed not sent'));
        return added;
      },
    });
    // MCP Apps: the view links only for a client that declared the extension (a shared cache that
    // hands them to another client is harmless: a client without Apps ignores _meta.ui).
    low.setRequestHandler('tools/list', (_req, ctx) => ({ tools: [...withViewLinks(view.listing, clientCapabilitiesOf(low, ctx))] }));
    low.setRequestHandler('tools/call', async (request, ctx: ServerContext) => {
      const name = request.params.name;
      const requestId = httpRequest?.headers.get('x-request-id') ?? undefined;
      if (!view.offeredNames.has(name)) {
        deps.onToolCall?.(tools.some((t) => t.name === name) ? name : '(unknown)')('refused');
        deps.log.info(
          {
            requestId,
            rpcId: ctx.mcpReq.id,
            tool: name.slice(0, 100),
            outcome: 'refused',
            ...(authInfo !== undefined ? { caller: authInfo.clientId } : {}),
          },
          'tool call',
        );
        if (!writer && viewFor(deps.config.readOnly, extra).offeredNames.has(name)) return errorResult(scopeRefusalText(name, writeScope));
        return errorResult(refusalText(name, tools, view.offered, view.config));
      }
      const { instance, args } = splitInstance(request.params.arguments);
      const scope = unverified || (instance !== undefined && typeof instance !== 'string') ? undefined : scopes.resolve(instance, caller);
      const metric = deps.onToolCall?.(name);
      const started = Date.now();
      // One line per tool call, joined to the HTTP request line (and the audit line) by requestId.
      const done = (outcome: Parameters<NonNullable<typeof metric>>[0]) => {
        metric?.(outcome);
        deps.log.info(
          {
            requestId,
            rpcId: ctx.mcpReq.id,
            tool: name,
            outcome,
            ms: Date.now() - started,
            ...(authInfo !== undefined ? { caller: authInfo.clientId } : {}),
          },
          'tool call',
        );
      };
      if (scope === undefined) {
        done('refused');
        return errorResult(unverified ? NO_IDENTITY : unknownInstanceText(instance, scopes));
      }
      try {
        // Offered names come from the same source, so the definition is there once the code is loaded.
        const def = (await source.defs()).get(name) as ToolDef;
        // The view this call was made under (enabling a toolset during the call changes `view`).
        const callView = view;
        const result = await invoker.run({
          def,
          args,
          scope,
          config: callView.config,
          identity,
          signal: signalOf(ctx, httpRequest),
          progress: progressReporter(ctx, request.params._meta?.progressToken),
          interaction: interactionOf(server, ctx),
          multiInstance: scopes.multi,
          requestId,
          toolsets: control,
        });
        if (result.resultType === 'input_required') {
          done('input_required');
          return result;
        }
        done(result.isError === true ? 'error' : 'ok');
        // Hints name only tools the caller has, or say how to get them (the enable step).
        return low.projectCallToolResult(
          name === ENABLE_TOOL ? result : withReachNote(result, callView, knownNames),
          callView.outputSchemas.get(name),
        );
      } catch (err) {
        done('exception');
        throw err;
      }
    });
    // The rest (resources, prompts) only for a request that can reach them: a tools/call does not.
    if (!needsCatalog(rpcMethodOf(httpRequest))) return server;
    const home = unverified ? undefined : scopes.resolve(undefined, caller);
    if (home !== undefined) {
      const multi: InstanceResources | undefined = scopes.multi
        ? {
            names: scopes.names,
            resolve: (n) => {
              const s = scopes.resolve(n, caller);
              return s === undefined ? undefined : { names: s.names, toolCtx: (ctx) => toolCtx(view.config, s, server, ctx, identity) };
            },
          }
        : undefined;
      registerResources(server, home.names, (ctx) => toolCtx(view.config, home, server, ctx, identity), multi);
    }
    registerViews(server);
    // Completions in the prompts must list what this caller may see: per-caller prompts then.
    registerPrompts(
      server,
      home === undefined || home.names === names
        ? view.prompts
        : promptDefinitions({ names: home.names, offered: view.offeredNames, reachable: view.reachable }),
    );
    return server;
  };
}

/** Who is calling, as the transport and the HTTP gate verified it. */
function identityOf(http: boolean, authInfo: AuthInfo | undefined, caller: ThrukCaller | undefined): CallerIdentity {
  const extra = authInfo?.extra ?? {};
  const claimed = [extra['email'], extra['sub']].find((v): v is string => typeof v === 'string' && v !== '');
  const person = caller?.user ?? claimed;
  return {
    via: http ? 'http' : 'stdio',
    ...(authInfo !== undefined ? { client: authInfo.clientId } : {}),
    ...(person !== undefined ? { person } : {}),
    ...(caller !== undefined ? { actsAsThrukUser: true } : {}),
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
  const declared = (envelope?.['io.modelcontextprotocol/clientCapabilities'] ?? server.server.getClientCapabilities()) as
    { elicitation?: unknown } | undefined;
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
