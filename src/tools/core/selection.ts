import type { Config } from '../../config/config.js';
import { closest } from '../lib/closest.js';
import { TOOLSETS, type ToolDef, type Toolset } from './define.js';

/**
 * Which tools a configuration offers, and why not — pure functions over the tools' metadata, kept
 * apart from registry.ts so the server can select and refuse tools without importing every tool
 * module (the published tools/list is prebuilt; tool code loads on the first call).
 */
export type ToolMeta = Pick<ToolDef, 'name' | 'title' | 'toolset' | 'access' | 'idempotent' | 'readOnlyFallback'>;

/**
 * The default selection (THRUK_TOOLSETS unset, or the pseudo-toolset `default`): the everyday
 * tools of the user stories — what is broken, one host or service in depth, its history, one
 * outage or many, maintenance downtimes, acknowledgements, rechecks — within a 5 000-token
 * tools/list. Everything else is one THRUK_TOOLSETS entry away, and calling it says so.
 */
export const DEFAULT_TOOLS: ReadonlySet<string> = new Set([
  'thruk_brief',
  'thruk_enable_toolset',
  'thruk_problems',
  'thruk_totals',
  'thruk_list_hosts',
  'thruk_get_host',
  'thruk_list_services',
  'thruk_get_service',
  'thruk_sites',
  'thruk_list_logs',
  'thruk_incident_timeline',
  'thruk_root_cause',
  'thruk_list_downtimes',
  'thruk_schedule_downtime',
  'thruk_delete_downtime',
  'thruk_delete_downtimes_by_filter',
  'thruk_acknowledge',
  'thruk_bulk_acknowledge',
  'thruk_recheck',
]);

/** The discovery tool: lists the toolsets and turns one on for the session (issue 15). */
export const ENABLE_TOOL = 'thruk_enable_toolset';

/**
 * Names kept callable for drop-in compatibility but not listed: the tool they alias answers the
 * same question (thruk_problem_counts is thruk_totals' problem half), so listing both would only
 * cost tokens and make the model choose. Callable whenever the aliased tool is offered.
 */
export const HIDDEN_ALIASES: ReadonlyMap<string, string> = new Map([['thruk_problem_counts', 'thruk_totals']]);

/** THRUK_TOOLSETS names that are not toolsets: everything, and the default selection. */
export const PSEUDO_TOOLSETS = ['all', 'default'] as const;

/** fnmatch-style pattern (`*`, `?`, `[abc]`) → anchored RegExp, as THRUK_ENABLED_TOOLS had in Python. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end > i + 1) {
        let body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = end;
      } else re += '\\[';
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export type Exclusion = 'read-only' | 'not-enabled' | 'toolset' | 'fixed';

export type SelectionConfig = Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'> & { readonly dynamicToolsets?: boolean };

/**
 * Why a known tool is not offered, or undefined when it is. Read-only always wins. The discovery
 * tool is offered whenever toolsets choose the tools and the operator lets the model enable more
 * (THRUK_DYNAMIC_TOOLSETS, default true); with `all`, or an allowlist alone, there is nothing to add.
 */
export function exclusionOf(def: ToolMeta, config: SelectionConfig): Exclusion | undefined {
  if (config.readOnly && def.access !== 'read' && def.readOnlyFallback !== true) return 'read-only';
  if (def.name === ENABLE_TOOL) {
    if (config.dynamicToolsets === false || config.toolsets.length === 0 || config.toolsets.includes('all')) return 'fixed';
  } else if (!inToolsets(def, config.toolsets)) return 'toolset';
  if (config.enabledTools.length > 0 && !config.enabledTools.some((p) => globToRegExp(p).test(def.name))) return 'not-enabled';
  return undefined;
}

/** An empty list puts no toolset restriction (THRUK_ENABLED_TOOLS alone decides then). */
function inToolsets(def: ToolMeta, toolsets: readonly string[]): boolean {
  if (toolsets.length === 0 || toolsets.includes('all') || toolsets.includes(def.toolset)) return true;
  return toolsets.includes('default') && DEFAULT_TOOLS.has(def.name);
}

export function selectTools<T extends ToolMeta>(tools: readonly T[], config: SelectionConfig): T[] {
  return tools.filter((t) => exclusionOf(t, config) === undefined);
}

/** The tools/list of a selection: hidden aliases are callable (in the selection) but never listed. */
export function listedTools<T extends ToolMeta>(offered: readonly T[]): T[] {
  return offered.filter((t) => !HIDDEN_ALIASES.has(t.name));
}

/**
 * Everything the model could get in this configuration: the selection itself when the operator
 * fixed it, otherwise every tool read-only mode and the allowlist permit, whatever its toolset.
 */
export function reachableTools<T extends ToolMeta>(tools: readonly T[], config: SelectionConfig): T[] {
  if (config.dynamicToolsets === false) return selectTools(tools, config);
  const all = selectTools(tools, { ...config, toolsets: ['all'] });
  return config.toolsets.length === 0 || config.toolsets.includes('all')
    ? all
    : [...all, ...selectTools(tools, config).filter((t) => t.name === ENABLE_TOOL)];
}

/**
 * The configuration's own selection problems, every one of them (issue 15): an unknown toolset,
 * an allowlist pattern that matches no tool, a selection that leaves no tool at all. A server
 * started like that would offer nothing (or less than meant) and look healthy.
 */
export function selectionIssues(tools: readonly ToolMeta[], config: SelectionConfig): string[] {
  const issues: string[] = [];
  const bad = unknownToolsets(config);
  const known = [...PSEUDO_TOOLSETS, ...Object.keys(TOOLSETS)];
  for (const b of bad) {
    const near = closest(b, known, 1);
    issues.push(
      `THRUK_TOOLSETS: unknown toolset '${b.slice(0, 64)}'${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}; known: ${known.join(', ')}`,
    );
  }
  for (const p of config.enabledTools) {
    let re: RegExp;
    try {
      re = globToRegExp(p);
    } catch {
      issues.push(`THRUK_ENABLED_TOOLS: '${p.slice(0, 64)}' is not a valid pattern`);
      continue;
    }
    if (!tools.some((t) => re.test(t.name))) {
      const near = closest(
        p,
        tools.map((t) => t.name),
        1,
      );
      issues.push(
        `THRUK_ENABLED_TOOLS: '${p.slice(0, 64)}' matches no tool${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}; run thruk-mcp tools to list them`,
      );
    }
  }
  if (issues.length === 0 && selectTools(tools, config).length === 0) {
    issues.push(
      `THRUK_TOOLSETS / THRUK_ENABLED_TOOLS: this selection offers no tool at all${config.readOnly ? ' (read-only mode removes every write tool)' : ''}; widen THRUK_TOOLSETS or THRUK_ENABLED_TOOLS`,
    );
  }
  return issues;
}

export function unknownToolsets(config: Pick<Config, 'toolsets'>): string[] {
  return config.toolsets.filter((t) => !(PSEUDO_TOOLSETS as readonly string[]).includes(t) && !(t in TOOLSETS));
}

export function isToolset(name: string): name is Toolset {
  return name in TOOLSETS;
}

/** The isError text for a tool that is not offered: say why, and what to use instead. */
export function refusalText(name: string, tools: readonly ToolMeta[], offered: readonly ToolMeta[], config: SelectionConfig): string {
  const def = tools.find((t) => t.name === name);
  if (def !== undefined) {
    switch (exclusionOf(def, config)) {
      case 'read-only':
        return `${name} changes monitoring state, and this server runs read-only (THRUK_READ_ONLY / --read-only). Nothing was done.`;
      case 'toolset':
        return `${name} belongs to the '${def.toolset}' toolset, which is not enabled yet. Nothing was done. ${enableHint(def.toolset, config)}`;
      case 'fixed':
        return `${name} is not offered: the operator fixed the tool selection (THRUK_DYNAMIC_TOOLSETS=false, or THRUK_TOOLSETS=all / an allowlist that already offers everything allowed).`;
      case 'not-enabled':
        return `${name} is not in THRUK_ENABLED_TOOLS on this server.`;
      case undefined:
        break;
    }
  }
  const near = closest(
    name,
    offered.map((t) => t.name),
    3,
  );
  return `Unknown tool '${name}'.${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''} Call tools/list to see the available tools.`;
}

/**
 * How the caller gets a toolset: one call of the discovery tool, or (when the operator fixed the
 * selection) the operator's setting. Only ever names a tool the caller has.
 */
export function enableHint(toolset: string, config: SelectionConfig): string {
  const allowed = config.enabledTools.length === 0 || config.enabledTools.some((p) => globToRegExp(p).test(ENABLE_TOOL));
  if (config.dynamicToolsets !== false && config.toolsets.length > 0 && allowed)
    return `Call ${ENABLE_TOOL} {"toolset":"${toolset}"} first, then retry.`;
  return `The operator can add it: THRUK_TOOLSETS=${[...config.toolsets.filter((t) => t !== 'all'), toolset].join(',')} (or all).`;
}

/** The isError text for a write tool called by an HTTP caller whose credentials lack the write scope. */
export function scopeRefusalText(name: string, writeScope: string): string {
  return `${name} changes monitoring state and needs the '${writeScope}' scope, which this caller's credentials do not carry. Nothing was done.`;
}
