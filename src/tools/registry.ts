import type { Config } from '../config.js';
import { TOOLSETS, type ToolDef, type Toolset } from './define.js';
import { availabilityTools } from './availability/index.js';
import { discoveryTools } from './discovery/index.js';
import { downtimesTools } from './downtimes/index.js';
import { historyTools } from './history/index.js';
import { perfdataTools } from './perfdata/index.js';
import { stateTools } from './state/index.js';
import { trendsTools } from './trends/index.js';
import { triageTools } from './triage/index.js';

/** Every tool, in the order tools/list shows them (stable, so clients can cache prompts). */
export function allTools(): readonly ToolDef[] {
  return [...stateTools, ...downtimesTools, ...historyTools, ...triageTools, ...trendsTools, ...availabilityTools, ...perfdataTools, ...discoveryTools];
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
  if (config.readOnly && def.access !== 'read') return 'read-only';
  if (config.toolsets.length > 0 && !config.toolsets.includes('all') && !config.toolsets.includes(def.toolset)) return 'toolset';
  if (config.enabledTools.length > 0 && !config.enabledTools.some((p) => globToRegExp(p).test(def.name))) return 'not-enabled';
  return undefined;
}

export function selectTools(tools: readonly ToolDef[], config: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>): ToolDef[] {
  return tools.filter((t) => exclusionOf(t, config) === undefined);
}

export function unknownToolsets(config: Pick<Config, 'toolsets'>): string[] {
  return config.toolsets.filter((t) => t !== 'all' && !(t in TOOLSETS));
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
        return `${name} belongs to the '${def.toolset}' toolset, which is not enabled (THRUK_TOOLSETS / --toolsets).`;
      case 'not-enabled':
        return `${name} is not in THRUK_ENABLED_TOOLS on this server.`;
      case undefined:
        break;
    }
  }
  const near = closest(name, offered.map((t) => t.name), 3);
  return `Unknown tool '${name}'.${near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ''} Call tools/list to see the available tools.`;
}

export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] as number;
      prev[j] = Math.min((prev[j] as number) + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] as number;
}

/** The candidates nearest to `name` (substring matches first, then edit distance), at most `n`. */
export function closest(name: string, candidates: readonly string[], n: number): string[] {
  const lower = name.toLowerCase();
  const scored = candidates.map((c) => {
    const cl = c.toLowerCase();
    // A containing name is the best guess; among those, the closest in length.
    const d = cl.includes(lower) || lower.includes(cl) ? Math.abs(cl.length - lower.length) / 100 : levenshtein(lower, cl);
    return { c, d };
  });
  const limit = Math.max(2, Math.floor(name.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((s) => s.c);
}
