import type { Config } from '../config.js';
import { closest } from './closest.js';
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
  'thruk_problems', 'thruk_totals', 'thruk_problem_counts', 'thruk_list_hosts', 'thruk_get_host', 'thruk_list_services', 'thruk_get_service', 'thruk_sites',
  'thruk_list_logs', 'thruk_incident_timeline', 'thruk_root_cause',
  'thruk_list_downtimes', 'thruk_schedule_downtime', 'thruk_delete_downtime', 'thruk_delete_downtimes_by_filter',
  'thruk_acknowledge', 'thruk_bulk_acknowledge', 'thruk_recheck',
]);

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

export type Exclusion = 'read-only' | 'not-enabled' | 'toolset';

/** Why a known tool is not offered, or undefined when it is. Read-only always wins. */
export function exclusionOf(def: ToolMeta, config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): Exclusion | undefined {
  if (config.readOnly && def.access !== 'read' && def.readOnlyFallback !== true) return 'read-only';
  if (!inToolsets(def, config.toolsets)) return 'toolset';
  if (config.enabledTools.length > 0 && !config.enabledTools.some((p) => globToRegExp(p).test(def.name))) return 'not-enabled';
  return undefined;
}

/** An empty list puts no toolset restriction (THRUK_ENABLED_TOOLS alone decides then). */
function inToolsets(def: ToolMeta, toolsets: readonly string[]): boolean {
  if (toolsets.length === 0 || toolsets.includes('all') || toolsets.includes(def.toolset)) return true;
  return toolsets.includes('default') && DEFAULT_TOOLS.has(def.name);
}

export function selectTools<T extends ToolMeta>(tools: readonly T[], config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): T[] {
  return tools.filter((t) => exclusionOf(t, config) === undefined);
}

export function unknownToolsets(config: Pick<Config, 'toolsets'>): string[] {
  return config.toolsets.filter((t) => !(PSEUDO_TOOLSETS as readonly string[]).includes(t) && !(t in TOOLSETS));
}

export function isToolset(name: string): name is Toolset {
  return name in TOOLSETS;
}

/** The isError text for a tool that is not offered: say why, and what to use instead. */
export function refusalText(name: string, tools: readonly ToolMeta[], offered: readonly ToolMeta[], config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): string {
  const def = tools.find((t) => t.name === name);
  if (def !== undefined) {
    switch (exclusionOf(def, config)) {
      case 'read-only':
        return `${name} changes monitoring state, and this server runs read-only (THRUK_READ_ONLY / --read-only). Nothing was done.`;
      case 'toolset':
        return `${name} belongs to the '${def.toolset}' toolset, which is not enabled on this server (THRUK_TOOLSETS=${config.toolsets.join(',')}). Nothing was done. The operator can add it: THRUK_TOOLSETS=${[...config.toolsets, def.toolset].join(',')} (or all).`;
      case 'not-enabled':
        return `${name} is not in THRUK_ENABLED_TOOLS on this server.`;
      case undefined:
        break;
    }
  }
  const near = closest(name, offered.map((t) => t.name), 3);
  return `Unknown tool '${name}'.${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''} Call tools/list to see the available tools.`;
}

/** The isError text for a write tool called by an HTTP caller whose credentials lack the write scope. */
export function scopeRefusalText(name: string, writeScope: string): string {
  return `${name} changes monitoring state and needs the '${writeScope}' scope, which this caller's credentials do not carry. Nothing was done.`;
}
