/**
 * Reach (issue 15): which tools a caller has, which it can get with one call of the discovery
 * tool, and hints that only name what the caller can use. Pure functions over tool metadata plus
 * the per-connection toolset control the server hands to thruk_enable_toolset.
 */
import type { Config } from '../../config/config.js';
import { TOOLSETS, type Toolset, type ToolsetControl, type ToolsetState } from './define.js';
import {
  ENABLE_TOOL,
  exclusionOf,
  HIDDEN_ALIASES,
  listedTools,
  reachableTools,
  selectTools,
  type SelectionConfig,
  type ToolMeta,
} from './selection.js';

/** The URL parameter and header a stateless HTTP client sets to choose its toolsets. */
export const TOOLSETS_QUERY = 'toolsets';
export const TOOLSETS_HEADER = 'X-MCP-Toolsets';

export interface ViewSelection {
  /** What tools/list shows. */
  readonly listed: readonly ToolMeta[];
  /** What tools/call accepts: the listed tools and the hidden aliases of listed ones. */
  readonly callable: readonly ToolMeta[];
  /** Tools not callable now that one enable call adds, with their toolset. */
  readonly reachable: ReadonlyMap<string, Toolset>;
}

export function viewSelection(metas: readonly ToolMeta[], config: SelectionConfig): ViewSelection {
  const offered = selectTools(metas, config);
  const listed = listedTools(offered);
  const listedNames = new Set(listed.map((t) => t.name));
  const aliases = metas.filter((t) => {
    const target = HIDDEN_ALIASES.get(t.name);
    return (
      target !== undefined &&
      listedNames.has(target) &&
      !listedNames.has(t.name) &&
      exclusionOf(t, { ...config, toolsets: ['all'] }) === undefined
    );
  });
  const callable = [...listed, ...aliases];
  const callableNames = new Set(callable.map((t) => t.name));
  const reachable = new Map<string, Toolset>();
  if (listedNames.has(ENABLE_TOOL)) {
    for (const t of reachableTools(metas, config)) if (!callableNames.has(t.name)) reachable.set(t.name, t.toolset);
  }
  return { listed, callable, reachable };
}

/** Toolset names a stateless HTTP request asks for (URL `?toolsets=` or the X-MCP-Toolsets header); unknown names are ignored. */
export function requestedToolsets(req: Request): string[] {
  let fromUrl: string | null = null;
  try {
    fromUrl = new URL(req.url).searchParams.get(TOOLSETS_QUERY);
  } catch {
    fromUrl = null;
  }
  const raw = [fromUrl ?? '', req.headers.get(TOOLSETS_HEADER) ?? ''].join(',');
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const known = Object.keys(TOOLSETS);
  const out = names.includes('all') ? known : names.filter((n) => known.includes(n));
  return [...new Set(out)].sort();
}

const TOOL_NAME = /\bthruk_[a-z0-9_]+\b/g;

/**
 * A note for a text that names tools the caller does not have: which one enable call adds them,
 * or that they are not available here. Undefined when every named tool is callable.
 */
export function reachNote(
  text: string,
  callable: ReadonlySet<string>,
  reachable: ReadonlyMap<string, Toolset>,
  known: ReadonlySet<string>,
): string | undefined {
  const named = [...new Set(text.match(TOOL_NAME) ?? [])].filter((n) => known.has(n) && !callable.has(n));
  if (named.length === 0) return undefined;
  const bySet = new Map<string, string[]>();
  const missing: string[] = [];
  for (const n of named) {
    const ts = reachable.get(n);
    if (ts === undefined) missing.push(n);
    else bySet.set(ts, [...(bySet.get(ts) ?? []), n]);
  }
  const parts: string[] = [];
  if (bySet.size > 0) {
    const sets = [...bySet.keys()];
    parts.push(
      `${[...bySet.values()].flat().join(', ')} ${[...bySet.values()].flat().length > 1 ? 'are' : 'is'} not in your tool list yet: call ${ENABLE_TOOL} {"toolset":"${sets.join(',')}"} to add ${sets.length > 1 ? 'them' : `the ${sets[0]} toolset`}.`,
    );
  }
  if (missing.length > 0) parts.push(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not available on this server.`);
  return `Note: ${parts.join(' ')}`;
}

/** The discovery tool's view of one connection, over the server's mutable per-connection state. */
export function sessionControl(o: {
  mode: ToolsetControl['mode'];
  metas: readonly ToolMeta[];
  base: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets' | 'dynamicToolsets'>;
  current: () => { extra: readonly string[]; view: { readonly config: SelectionConfig; readonly offeredNames: ReadonlySet<string> } };
  enable: (toolsets: readonly string[]) => Promise<readonly string[]>;
}): ToolsetControl {
  return {
    mode: o.mode,
    get selection() {
      return [...o.base.toolsets, ...o.current().extra];
    },
    toolsets: (): ToolsetState[] => {
      const { view } = o.current();
      // What the caller could ever get: its view's read-only mode and the allowlist, any toolset.
      const allowed = selectTools(o.metas, { ...view.config, toolsets: ['all'] }).filter(
        (t) => t.name !== ENABLE_TOOL && !HIDDEN_ALIASES.has(t.name),
      );
      return (Object.keys(TOOLSETS) as Toolset[]).map((name) => {
        const tools = allowed.filter((t) => t.toolset === name).map((t) => t.name);
        return { name, tools, offered: tools.filter((t) => view.offeredNames.has(t)).length };
      });
    },
    enable: (toolsets) => (o.mode === 'session' ? o.enable(toolsets) : Promise.resolve([])),
  };
}
