import type { Config } from '../config.js';
import { TOOLSETS, type ToolDef, type Toolset } from './define.js';
import { actionsTools } from './actions/index.js';
import { availabilityTools } from './availability/index.js';
import { discoveryTools } from './discovery/index.js';
import { downtimesTools } from './downtimes/index.js';
import { escapeTools } from './escape/index.js';
import { historyTools } from './history/index.js';
import { perfdataTools } from './perfdata/index.js';
import { stateTools } from './state/index.js';
import { trendsTools } from './trends/index.js';
import { triageTools } from './triage/index.js';
import { closest } from './closest.js';

export { closest, levenshtein } from './closest.js';

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

/** Every tool, in the order tools/list shows them (stable, so clients can cache prompts). */
export function allTools(): readonly ToolDef[] {
  return [...stateTools, ...downtimesTools, ...historyTools, ...triageTools, ...trendsTools, ...availabilityTools, ...perfdataTools, ...discoveryTools, ...actionsTools, ...escapeTools];
}

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
export function exclusionOf(def: ToolDef, config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): Exclusion | undefined {
  if (config.readOnly && def.access !== 'read' && def.readOnlyFallback !== true) return 'read-only';
  if (!inToolsets(def, config.toolsets)) return 'toolset';
  if (config.enabledTools.length > 0 && !config.enabledTools.some((p) => globToRegExp(p).test(def.name))) return 'not-enabled';
  return undefined;
}

/** An empty list puts no toolset restriction (THRUK_ENABLED_TOOLS alone decides then). */
function inToolsets(def: ToolDef, toolsets: readonly string[]): boolean {
  if (toolsets.length === 0 || toolsets.includes('all') || toolsets.includes(def.toolset)) return true;
  return toolsets.includes('default') && DEFAULT_TOOLS.has(def.name);
}

export function selectTools(tools: readonly ToolDef[], config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): ToolDef[] {
  return tools.filter((t) => exclusionOf(t, config) === undefined);
}

export function unknownToolsets(config: Pick<Config, 'toolsets'>): string[] {
  return config.toolsets.filter((t) => !(PSEUDO_TOOLSETS as readonly string[]).includes(t) && !(t in TOOLSETS));
}

export function isToolset(name: string): name is Toolset {
  return name in TOOLSETS;
}

/** The isError text for a tool that is not offered: say why, and what to use instead. */
export function refusalText(name: string, tools: readonly ToolDef[], offered: readonly ToolDef[], config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): string {
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
