import type { z } from 'zod';
import type { ToolConfig } from '../../config/config.js';
import type { Logger } from '../../server/log.js';
import type { ThrukClient } from '../../thruk/client.js';

export type Access = 'read' | 'write' | 'destructive';

/** Toolsets group tools for --toolsets; the description is shown in the docs. */
export const TOOLSETS = {
  state: 'Live state: hosts, services, groups, problems, counts, sites, contacts.',
  history: 'The core log: logs, alerts, notifications, recent events, incident timelines, state at a time and between two times.',
  trends: 'Analytics over the log: noisy hosts and services, flapping, heatmaps, recurring problems, reliability (MTTR/MTBF).',
  availability: "SLA numbers from Thruk's availability reports: hosts, services, host groups and group roll-ups.",
  perfdata: 'Performance data parsed from check output: values, units, thresholds, metrics near their thresholds.',
  triage: 'Incident helpers: oldest and unacknowledged problems, stale acks and checks, root cause by topology, backend health.',
  downtimes: 'Read downtimes and comments.',
  hygiene: 'Forgotten planned work: downtimes starting or ending, stale acks, never-OK services, orphaned comments.',
  discovery: 'What Thruk offers: endpoints and columns, for building correct queries.',
  actions:
    'Writes: downtimes, acknowledgements, rechecks, comments, check and notification switches, passive results. Previews, confirmation, caps, audit.',
  escape: 'Raw access: any Thruk REST read (and gated writes) with thruk_query, long paged reads with thruk_run_background_query.',
} as const;
export type Toolset = keyof typeof TOOLSETS;

export interface ToolContext {
  readonly thruk: ThrukClient;
  /** The narrow view of the configuration a tool may read (limits, read-only, its instance's identity). */
  readonly config: ToolConfig;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Wall clock in epoch milliseconds (injected so tests and the simulator agree). */
  readonly now: () => number;
  /** Reports progress of long calls; a no-op when the client did not ask for progress. */
  readonly progress: (done: number, total?: number, message?: string) => Promise<void>;
  /** What the client can answer mid-call, and what it answered on a retried call. */
  readonly interaction: Interaction;
  /** Adds facts (targets, outcome per target…) to this call's audit line. */
  readonly audit: (details: Record<string, unknown>) => void;
  /**
   * Writes an audit record at once, synchronously (the write gate calls it right before sending);
   * throws when the audit sink fails, so a write that cannot be accounted for is not sent.
   */
  readonly auditNow?: (facts: Record<string, unknown>) => void;
  /** The wall clock, when `now` is pinned to the clock of the preview being confirmed. */
  readonly wallNow?: () => number;
  /** Who is asking, as far as the entry point verified it (authors and audit records). */
  readonly identity?: CallerIdentity;
  /** This connection's toolsets (MCP only; the CLI has none): what is on, and turning more on. */
  readonly toolsets?: ToolsetControl;
}

/** The caller of one tool call, as the entry point knows it. */
export interface CallerIdentity {
  /** stdio, HTTP or the `thruk-mcp call` command. */
  readonly via: 'stdio' | 'http' | 'cli';
  /** What identifies the caller in logs: a token label, the OAuth client, `thruk:<user>`. */
  readonly client?: string;
  /** The verified person: the Thruk user of `caller`/`impersonate` mode, or the OAuth token's email/sub. */
  readonly person?: string;
  /** The person is the Thruk user every request acts as (modes caller and impersonate). */
  readonly actsAsThrukUser?: boolean;
}

/** One toolset as the discovery tool shows it. */
export interface ToolsetState {
  readonly name: string;
  /** Tools of the toolset the caller may get (read-only mode and the allowlist permit). */
  readonly tools: readonly string[];
  /** How many of them are in the caller's tool list now. */
  readonly offered: number;
}

/**
 * The toolsets of one connection. `session`: enabling adds tools to this connection and the client
 * is told (notifications/tools/list_changed); `request`: nothing persists between requests
 * (stateless HTTP), the selection travels in the URL or a header; `fixed`: the operator forbids it.
 */
export interface ToolsetControl {
  readonly mode: 'session' | 'request' | 'fixed';
  /** The selection in force, as THRUK_TOOLSETS names (for the URL/header advice). */
  readonly selection: readonly string[];
  readonly toolsets: () => readonly ToolsetState[];
  /** Turns the toolsets on (session mode only); resolves to the tool names added. */
  readonly enable: (toolsets: readonly string[]) => Promise<readonly string[]>;
}

export interface Interaction {
  /** The client can answer an elicitation now (2026 input_required, or a 2025 session that declared it). */
  readonly canElicit: boolean;
  /** The accepted content of an answered elicitation, or undefined (not asked, declined, cancelled). */
  readonly accepted: (key: string) => Record<string, unknown> | undefined;
  /** The elicitation for `key` was answered with decline or cancel. */
  readonly refused: (key: string) => boolean;
  /** The opaque state we attached to the elicitation, echoed back by the client (untrusted). */
  readonly requestState: () => string | undefined;
}

export const NO_INTERACTION: Interaction = {
  canElicit: false,
  accepted: () => undefined,
  refused: () => false,
  requestState: () => undefined,
};

/** What a tool returns: exact data for structuredContent and a compact text rendering of it. */
export interface ToolAnswer<O> {
  readonly data: O;
  readonly text: string;
  /** Ask the user before going on (MCP elicitation / input_required); data and text are the fallback. */
  readonly ask?: { readonly key: string; readonly message: string; readonly state: string };
  /** A result that reports a failure with details (e.g. some targets of a write failed). */
  readonly isError?: boolean;
}

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O = unknown> {
  readonly name: string;
  readonly title: string;
  readonly toolset: Toolset;
  readonly access: Access;
  /** Repeating the call with the same arguments has no further effect (writes only; reads always are). */
  readonly idempotent?: boolean;
  /**
   * In read-only mode keep this write tool as a read tool instead of removing it; its `run` must
   * then refuse every write itself (ctx.config.readOnly). For escape hatches whose reads stay useful.
   */
  readonly readOnlyFallback?: boolean;
  readonly description: string;
  readonly input: I;
  readonly output: z.ZodType<O>;
  readonly run: (ctx: ToolContext, args: z.output<I>) => Promise<ToolAnswer<O>>;
}

/** Identity helper that keeps the input type of `run` tied to the schema. */
export function defineTool<I extends z.ZodObject, O>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

/**
 * A problem with the caller's request that the model can fix (unknown host, bad combination of
 * arguments…). The adapter shows the message as is, with isError.
 */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

/** The MCP annotations follow from `access`: one field decides safety, nothing is hand-kept. */
export function effectiveAccess(def: Pick<ToolDef, 'access' | 'readOnlyFallback'>, readOnly: boolean): Access {
  return readOnly && def.readOnlyFallback === true ? 'read' : def.access;
}

export function annotationsFor(
  def: Pick<ToolDef, 'access' | 'idempotent' | 'title' | 'readOnlyFallback'>,
  readOnly = false,
): {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
} {
  const access = effectiveAccess(def, readOnly);
  return {
    title: def.title,
    readOnlyHint: access === 'read',
    destructiveHint: access === 'destructive',
    idempotentHint: access === 'read' || def.idempotent === true,
    // Thruk is one closed system the operator configured, not the open internet.
    openWorldHint: false,
  };
}
