/**
 * The one way to run a tool, for every entry point: stdio and HTTP (server.ts) and the
 * `thruk-mcp call` command (subcommands.ts). Same context, same audit sinks (stderr and
 * THRUK_AUDIT_FILE), same write gate: what differs between them is only who the caller is and how
 * progress and questions reach them.
 */
import { createAuditSink } from '../../server/audit.js';
import { toolConfigOf, type Config } from '../../config/config.js';
import type { Logger } from '../../server/log.js';
import type { CallScope } from '../../server/scope.js';
import { callTool, type AuditSink, type CallResult } from './adapter.js';
import type { CallerIdentity, Interaction, ToolContext, ToolDef, ToolsetControl } from './define.js';

export interface InvokeRequest {
  readonly def: ToolDef;
  /** The tool's arguments (the server-level `instance` already taken off). */
  readonly args: unknown;
  readonly scope: CallScope;
  /** The configuration this caller's view of the tools was selected with. */
  readonly config: Config;
  readonly identity: CallerIdentity;
  readonly signal: AbortSignal;
  readonly progress: ToolContext['progress'];
  readonly interaction: Interaction;
  /** Names this instance in the audit record (several instances configured). */
  readonly multiInstance?: boolean;
  readonly requestId?: string | undefined;
  /** This connection's toolsets (MCP only). */
  readonly toolsets?: ToolsetControl;
}

export interface Invoker {
  readonly audit: AuditSink | undefined;
  run(req: InvokeRequest): Promise<CallResult>;
}

/** The context a tool runs with; the call's audit facts collect into `details`. */
export function toolContextOf(
  req: Omit<InvokeRequest, 'def' | 'args' | 'requestId' | 'multiInstance'>,
  deps: { log: Logger; now: () => number },
  details: Record<string, unknown>,
): ToolContext {
  const { config, scope } = req;
  return {
    thruk: scope.thruk,
    // The tools read the instance's settings from config.thruk; with several instances or callers
    // those are this call's (its instance, its Thruk user, its secret to keep out of answers).
    config: toolConfigOf(config, scope.settings),
    signal: req.signal,
    log: deps.log,
    now: deps.now,
    progress: req.progress,
    interaction: req.interaction,
    audit: (d) => Object.assign(details, d),
    identity: req.identity,
    ...(req.toolsets !== undefined ? { toolsets: req.toolsets } : {}),
  };
}

export function createInvoker(deps: { config: Config; log: Logger; now?: () => number }): Invoker {
  const audit = createAuditSink(deps.config, deps.log);
  const now = deps.now ?? Date.now;
  return {
    audit,
    run: (req) => {
      // Who asked goes into the audit record of a write (a token label or the client, never a secret).
      const details: Record<string, unknown> = {
        via: req.identity.via,
        ...(req.identity.client !== undefined ? { caller: req.identity.client } : {}),
        ...(req.identity.person !== undefined ? { caller_user: req.identity.person } : {}),
        ...(req.multiInstance === true ? { instance: req.scope.instance } : {}),
        ...(req.requestId !== undefined ? { request_id: req.requestId } : {}),
      };
      return callTool(req.def, req.args, { ctx: toolContextOf(req, { log: deps.log, now }, details), audit, details });
    },
  };
}
