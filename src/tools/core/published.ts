import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toMcpTool, type McpToolEntry } from './adapter.js';
import type { ToolDef } from './define.js';
import type { ToolMeta } from './selection.js';

/**
 * What the server needs of the tools: their metadata and published tools/list entries right away,
 * their code only when a tool is called. Serving tools/list from a manifest built with dist/ spares
 * every start-up the zod → JSON Schema conversion of all tools (~150 ms, ~20 MB) and the import of
 * every tool module (~130 ms, ~10 MB).
 */
export interface ToolSource {
  /** Every known tool, in tools/list order. */
  readonly metas: readonly ToolMeta[];
  /** The tools/list entry, exactly as toMcpTool publishes it. */
  entry(name: string, readOnly: boolean): McpToolEntry;
  /** The tools' code, loaded once, on first use. */
  defs(): Promise<ReadonlyMap<string, ToolDef>>;
}

/** The manifest's file name, next to this module (dist/tools/core/ after a build). */
export const MANIFEST_FILE = 'tools-manifest.json';
const FORMAT = 1;

interface ManifestTool {
  readonly meta: ToolMeta;
  readonly entry: McpToolEntry;
  /** Only when read-only mode publishes the tool differently (e.g. a write tool's fallback annotations). */
  readonly readOnlyEntry?: McpToolEntry;
}

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly tools: readonly ManifestTool[];
}

export function metaOf(def: ToolDef): ToolMeta {
  return {
    name: def.name,
    title: def.title,
    toolset: def.toolset,
    access: def.access,
    ...(def.idempotent !== undefined ? { idempotent: def.idempotent } : {}),
    ...(def.readOnlyFallback !== undefined ? { readOnlyFallback: def.readOnlyFallback } : {}),
  };
}

/** A source over tool definitions already in memory; entries are converted on first use, once. */
export function toolSourceOf(tools: readonly ToolDef[]): ToolSource {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const entries = new Map<string, McpToolEntry>();
  return {
    metas: tools,
    entry: (name, readOnly) => {
      const key = `${readOnly ? 'ro' : 'rw'}:${name}`;
      let e = entries.get(key);
      if (e === undefined) {
        const def = byName.get(name);
        if (def === undefined) throw new Error(`unknown tool ${name}`);
        e = toMcpTool(def, readOnly);
        entries.set(key, e);
      }
      return e;
    },
    defs: () => Promise.resolve(byName),
  };
}

/** Calls toMcpTool for both modes, so the manifest is what the live conversion would publish. */
export function buildManifest(tools: readonly ToolDef[]): Manifest {
  return {
    format: FORMAT,
    tools: tools.map((t) => {
      const entry = toMcpTool(t, false);
      const ro = toMcpTool(t, true);
      return { meta: metaOf(t), entry, ...(JSON.stringify(ro) !== JSON.stringify(entry) ? { readOnlyEntry: ro } : {}) };
    }),
  };
}

/** A source over a manifest; `load` brings the tool code on the first tools/call. */
export function manifestSource(manifest: Manifest, load: () => Promise<readonly ToolDef[]>): ToolSource {
  const byName = new Map(manifest.tools.map((t) => [t.meta.name, t]));
  let defs: Promise<ReadonlyMap<string, ToolDef>> | undefined;
  return {
    metas: manifest.tools.map((t) => t.meta),
    entry: (name, readOnly) => {
      const t = byName.get(name);
      if (t === undefined) throw new Error(`unknown tool ${name}`);
      return readOnly ? (t.readOnlyEntry ?? t.entry) : t.entry;
    },
    defs: () =>
      (defs ??= load().then((tools) => {
        const names = tools.map((t) => t.name);
        if (names.length !== byName.size || names.some((n) => !byName.has(n))) {
          throw new Error(`the prebuilt ${MANIFEST_FILE} does not match the tool code; rebuild with npm run build`);
        }
        return new Map(tools.map((t) => [t.name, t]));
      })),
  };
}

function isManifest(x: unknown): x is Manifest {
  const m = x as { format?: unknown; tools?: unknown } | null;
  if (m === null || typeof m !== 'object' || m.format !== FORMAT || !Array.isArray(m.tools)) return false;
  return (m.tools as Array<Partial<ManifestTool> | null>).every(
    (t) => typeof t?.meta?.name === 'string' && typeof t.entry?.name === 'string',
  );
}

/**
 * The manifest next to `self` (this module's compiled file), when it is at least as new as
 * `self`: tsc rewrites every output, so a bare `tsc` after the manifest was built leaves it older
 * and it is ignored rather than served stale. Missing (running from src/) or unreadable: undefined.
 */
export function readManifest(file: string, self: string): Manifest | undefined {
  try {
    if (statSync(file).mtimeMs < statSync(self).mtimeMs) return undefined;
    const m: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isManifest(m) ? m : undefined;
  } catch {
    return undefined;
  }
}

async function loadAllTools(): Promise<readonly ToolDef[]> {
  return (await import('./registry.js')).allTools();
}

/** The manifest built with dist/ when it is there and current, otherwise the live registry. */
export async function defaultToolSource(): Promise<ToolSource> {
  const manifest = readManifest(fileURLToPath(new URL(`./${MANIFEST_FILE}`, import.meta.url)), fileURLToPath(import.meta.url));
  return manifest !== undefined ? manifestSource(manifest, loadAllTools) : toolSourceOf(await loadAllTools());
}
