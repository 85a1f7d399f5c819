/**
 * Generates the directory and packaging artefacts from the tool registry, the config schema and
 * package.json, so none of them is hand-kept:
 *
 * - server.json for the official MCP Registry (schema 2025-12-11, the latest dated one in
 *   modelcontextprotocol/registry docs/reference/server-json/CHANGELOG.md; field rules from its
 *   server.schema.json and package-types.mdx: description ≤ 100 chars, npm ownership via
 *   package.json mcpName, OCI ownership via the io.modelcontextprotocol.server.name image label).
 * - catalog/server.yaml and catalog/tools.json for the Docker MCP catalog (docker/mcp-registry
 *   CONTRIBUTING.md; tool entries as docker/mcp-gateway pkg/catalog/types.go Tool/ToolArgument/
 *   ToolAnnotations: name, description, arguments[{name,type,items?,desc,optional?}], annotations).
 * - manifest.json for an .mcpb bundle (Claude Desktop), manifest_version 0.3
 *   (modelcontextprotocol/mcpb MANIFEST.md: server.mcp_config with ${__dirname} and
 *   ${user_config.KEY}, user_config with sensitive secrets, tools as {name, description}).
 *
 * `--check` fails (exit 1) when a committed file differs from what would be generated.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { ENV_SPEC, loadConfig } from '../src/config/config.js';
import { toMcpTool } from '../src/tools/core/adapter.js';
import { annotationsFor, TOOLSETS, type ToolDef } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';

const root = new URL('../', import.meta.url);

export const SERVER_SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
export const MCPB_MANIFEST_VERSION = '0.3';
/** The registry's limit on server.json `description` (server.schema.json, maxLength 100). */
const MAX_REGISTRY_DESCRIPTION = 100;

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly mcpName: string;
  readonly license: string;
  readonly author: string;
  readonly keywords: readonly string[];
  readonly nodeRange: string;
  /** https://github.com/OWNER/REPO, without .git. */
  readonly repoUrl: string;
  readonly homepage: string;
}

export function readPackage(json: string): PackageInfo {
  const p = JSON.parse(json) as Record<string, unknown>;
  const str = (k: string): string => {
    const v = p[k];
    if (typeof v !== 'string' || v === '') throw new Error(`package.json: "${k}" must be a non-empty string`);
    return v;
  };
  const repo = p.repository as { url?: unknown } | undefined;
  const rawRepo = typeof repo?.url === 'string' ? repo.url : '';
  const repoUrl = rawRepo.replace(/^git\+/, '').replace(/\.git$/, '');
  if (!/^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(repoUrl))
    throw new Error(`package.json: repository.url must be a GitHub https URL, got '${rawRepo}'`);
  const engines = p.engines as { node?: unknown } | undefined;
  const author = p.author;
  return {
    name: str('name'),
    version: str('version'),
    description: str('description'),
    mcpName: str('mcpName'),
    license: str('license'),
    author:
      typeof author === 'string'
        ? author
        : typeof (author as { name?: unknown } | undefined)?.name === 'string'
          ? (author as { name: string }).name
          : str('author'),
    keywords: Array.isArray(p.keywords) ? p.keywords.filter((k): k is string => typeof k === 'string') : [],
    nodeRange: typeof engines?.node === 'string' ? engines.node : '>=20',
    repoUrl,
    homepage: typeof p.homepage === 'string' ? p.homepage : repoUrl,
  };
}

/** ghcr.io/OWNER/REPO:VERSION, the image the release workflow pushes (lower-case, as OCI wants). */
export function ociImage(pkg: PackageInfo): string {
  const [, owner, repo] = new URL(pkg.repoUrl).pathname.split('/');
  return `ghcr.io/${(owner ?? '').toLowerCase()}/${(repo ?? '').toLowerCase()}:${pkg.version}`;
}

export interface EnvVar {
  readonly name: string;
  readonly doc: string;
  readonly required: boolean;
  readonly secret: boolean;
  readonly format: 'string' | 'number' | 'boolean' | 'filepath';
  readonly default?: string;
  readonly choices?: readonly string[];
}

type EnvName = keyof typeof ENV_SPEC;

/** What an unset variable parses to: its default, and through it its type. */
function unsetValue(name: EnvName): unknown {
  const r = ENV_SPEC[name].schema.safeParse(undefined);
  return r.success ? r.data : undefined;
}

function enumChoices(name: EnvName): string[] | undefined {
  const s = ENV_SPEC[name].schema as unknown as { unwrap?: () => { options?: unknown } };
  const options = typeof s.unwrap === 'function' ? s.unwrap().options : undefined;
  return Array.isArray(options) ? options.map(String) : undefined;
}

/**
 * The variables a stdio deployment (npm, Docker image, desktop bundle) can set: ENV_SPEC without
 * the HTTP-mode ones (MCP_*), which only matter behind `--listen`. "Required" is what the config
 * loader itself refuses to start without, so it cannot drift from the code.
 */
export function stdioEnv(): EnvVar[] {
  const missing = loadConfig([], {});
  const required = new Set(missing.ok ? [] : missing.issues.map((i) => i.slice(0, i.indexOf(':'))));
  return (Object.keys(ENV_SPEC) as EnvName[])
    .filter((name) => !name.startsWith('MCP_'))
    .map((name) => {
      const spec = ENV_SPEC[name] as { doc: string; secret?: boolean };
      const unset = unsetValue(name);
      const choices = enumChoices(name);
      const format =
        typeof unset === 'boolean' ? 'boolean' : typeof unset === 'number' ? 'number' : name.endsWith('_FILE') ? 'filepath' : 'string';
      return {
        name,
        doc: spec.doc,
        required: required.has(name),
        secret: spec.secret === true,
        format,
        ...(typeof unset === 'boolean' || typeof unset === 'number' ? { default: String(unset) } : {}),
        ...(choices !== undefined ? { choices } : {}),
      } satisfies EnvVar;
    });
}

// ---------------------------------------------------------------- server.json (MCP Registry)

export function serverJson(pkg: PackageInfo, env: readonly EnvVar[]): Record<string, unknown> {
  if (pkg.description.length > MAX_REGISTRY_DESCRIPTION) {
    throw new Error(
      `package.json description is ${pkg.description.length} characters; the MCP Registry allows ${MAX_REGISTRY_DESCRIPTION}`,
    );
  }
  const environmentVariables = env.map((e) => ({
    name: e.name,
    description: e.doc,
    isRequired: e.required,
    isSecret: e.secret,
    format: e.format,
    ...(e.default !== undefined ? { default: e.default } : {}),
    ...(e.choices !== undefined ? { choices: e.choices } : {}),
  }));
  return {
    $schema: SERVER_SCHEMA,
    name: pkg.mcpName,
    title: 'Thruk',
    description: pkg.description,
    version: pkg.version,
    repository: { url: pkg.repoUrl, source: 'github' },
    websiteUrl: pkg.homepage,
    packages: [
      {
        registryType: 'npm',
        registryBaseUrl: 'https://registry.npmjs.org',
        identifier: pkg.name,
        version: pkg.version,
        transport: { type: 'stdio' },
        environmentVariables,
      },
      { registryType: 'oci', identifier: ociImage(pkg), transport: { type: 'stdio' }, environmentVariables },
    ],
  };
}

// ---------------------------------------------------------------- Docker MCP catalog

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  $ref?: string;
  items?: JsonSchema;
  properties?: unknown;
};

/** The catalog's argument types are flat JSON types; unions collapse to the widest one a client can send. */
function catalogType(s: JsonSchema): { type: string; items?: { type: string } } {
  if (s.$ref !== undefined || s.properties !== undefined) return { type: 'object' };
  if (s.anyOf !== undefined) {
    const types = s.anyOf.map((a) => catalogType(a).type);
    return { type: types.includes('string') ? 'string' : (types[0] ?? 'string') };
  }
  const t = Array.isArray(s.type) ? (s.type.find((x) => x !== 'null') ?? 'string') : (s.type ?? 'string');
  return t === 'array' ? { type: 'array', items: { type: catalogType(s.items ?? {}).type } } : { type: t };
}

export function dockerTools(tools: readonly ToolDef[]): Array<Record<string, unknown>> {
  return tools.map((def) => {
    const mcp = toMcpTool(def);
    const schema = mcp.inputSchema as { properties?: Record<string, JsonSchema>; required?: string[] };
    const required = new Set(schema.required ?? []);
    const args = Object.entries(schema.properties ?? {}).map(([name, p]) => {
      const text = (p.description ?? '').trim();
      const enumText =
        p.enum !== undefined ? `${text === '' || /[.!?]$/.test(text) ? '' : '.'} One of: ${p.enum.map(String).join(', ')}.` : '';
      const optional = !required.has(name) || p.default !== undefined;
      return { name, ...catalogType(p), desc: `${text}${enumText}`.trim(), ...(optional ? { optional: true } : {}) };
    });
    // The catalog spells every hint out for people reading a directory; tools/list publishes the
    // lean form (hints that follow from readOnlyHint are left to the spec's defaults).
    return { name: def.name, description: def.description, arguments: args, annotations: annotationsFor(def) };
  });
}

/** Docker catalog parameter names: the variable without its THRUK_ prefix, lower-case. */
function paramName(envName: string): string {
  return envName.replace(/^THRUK_/, '').toLowerCase();
}

export function dockerServerYaml(pkg: PackageInfo, env: readonly EnvVar[]): string {
  const server = pkg.name;
  const plain = env.filter((e) => !e.secret);
  const properties = Object.fromEntries(
    plain.map((e) => [
      paramName(e.name),
      {
        type: e.format === 'boolean' ? 'boolean' : e.format === 'number' ? 'number' : 'string',
        description: e.doc,
        ...(e.choices !== undefined ? { enum: e.choices } : {}),
      },
    ]),
  );
  const doc = {
    name: server,
    image: `mcp/${server}`,
    type: 'server',
    meta: {
      category: 'monitoring',
      tags: ['monitoring', ...pkg.keywords.filter((k) => !['mcp', 'model-context-protocol', 'monitoring'].includes(k))],
    },
    about: {
      title: 'Thruk',
      description: `${pkg.description}: hosts, services, problems, history, SLA reports and safe, confirmed writes (downtimes, acknowledgements, rechecks).`,
      icon: 'https://www.google.com/s2/favicons?domain=thruk.org&sz=64',
    },
    source: { project: pkg.repoUrl },
    config: {
      description: "Connect to your Thruk REST API (an API key from Thruk's user menu → API keys).",
      secrets: env.filter((e) => e.secret).map((e) => ({ name: `${server}.${paramName(e.name)}`, env: e.name, example: `<${e.name}>` })),
      env: plain.map((e) => ({ name: e.name, example: e.default ?? exampleFor(e), value: `{{${server}.${paramName(e.name)}}}` })),
      parameters: { type: 'object', properties, required: plain.filter((e) => e.required).map((e) => paramName(e.name)) },
    },
  };
  const header = [
    '# Docker MCP catalog entry (docker/mcp-registry servers/thruk-mcp/server.yaml).',
    '# Generated by scripts/gen-catalog.ts from the config schema. Do not edit; run `npm run docs`.',
    '# When submitting, add source.commit (the commit the Docker build should pin).',
  ];
  return `${header.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

function exampleFor(e: EnvVar): string {
  if (e.name === 'THRUK_BASE_URL') return 'https://mon.example.com/mysite/thruk';
  if (e.choices !== undefined) return e.choices.join('|');
  if (e.format === 'filepath') return '/path/to/file';
  return '';
}

// ---------------------------------------------------------------- .mcpb manifest (Claude Desktop)

/** The settings a desktop user sees when installing the bundle; the rest keep their defaults. */
export const MCPB_SETTINGS = [
  'THRUK_BASE_URL',
  'THRUK_API_KEY',
  'THRUK_READ_ONLY',
  'THRUK_TOOLSETS',
  'THRUK_VERIFY_SSL',
  'THRUK_CA_FILE',
] as const;

const ACRONYMS = new Set(['URL', 'API', 'SSL', 'CA']);

function titleOf(envName: string): string {
  return paramName(envName)
    .split('_')
    .map((w) => (ACRONYMS.has(w.toUpperCase()) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

export function mcpbManifest(pkg: PackageInfo, env: readonly EnvVar[], tools: readonly ToolDef[]): Record<string, unknown> {
  const byName = new Map(env.map((e) => [e.name, e]));
  const userConfig: Record<string, unknown> = {};
  const envMap: Record<string, string> = {};
  for (const name of MCPB_SETTINGS) {
    const e = byName.get(name);
    if (e === undefined) throw new Error(`MCPB_SETTINGS names ${name}, which ENV_SPEC no longer has`);
    const key = paramName(name);
    const extra = name === 'THRUK_TOOLSETS' ? ` Toolsets: ${Object.keys(TOOLSETS).join(', ')}.` : '';
    userConfig[key] = {
      type: e.format === 'filepath' ? 'file' : e.format,
      title: titleOf(name),
      description: `${e.doc}${extra}`,
      required: e.required,
      ...(e.secret ? { sensitive: true } : {}),
      // Claude Desktop passes an unfilled optional field through as the literal "${user_config.x}"
      // (modelcontextprotocol/mcpb#250); an explicit "" default makes it arrive empty, i.e. unset.
      ...(e.default !== undefined
        ? { default: e.format === 'boolean' ? e.default === 'true' : e.format === 'number' ? Number(e.default) : e.default }
        : e.required
          ? {}
          : { default: '' }),
    };
    envMap[name] = `\${user_config.${key}}`;
  }
  return {
    manifest_version: MCPB_MANIFEST_VERSION,
    name: pkg.name,
    display_name: 'Thruk',
    version: pkg.version,
    description: pkg.description,
    long_description:
      'See and act on a Naemon / Nagios / Icinga estate through Thruk: current problems, hosts and services, history, trends, SLA reports, performance data, and writes (downtimes, acknowledgements, rechecks) that preview first and ask for confirmation. Enable read-only mode to remove every write tool.',
    author: { name: pkg.author },
    repository: { type: 'git', url: `${pkg.repoUrl}.git` },
    homepage: pkg.homepage,
    documentation: `${pkg.repoUrl}#readme`,
    support: `${pkg.repoUrl}/issues`,
    license: pkg.license,
    keywords: pkg.keywords,
    server: {
      type: 'node',
      entry_point: 'dist/cli.js',
      mcp_config: { command: 'node', args: ['${__dirname}/dist/cli.js'], env: envMap },
    },
    tools: tools.map((t) => ({ name: t.name, description: t.description })),
    tools_generated: false,
    // The eight prompts are built per server from the tools it offers; their text is not static.
    prompts_generated: true,
    compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: pkg.nodeRange } },
    user_config: userConfig,
  };
}

// ---------------------------------------------------------------- files

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Every generated file with its content, relative to the repository root. */
export function catalogTargets(packageJson: string, tools: readonly ToolDef[] = allTools()): Array<[string, string]> {
  const pkg = readPackage(packageJson);
  const env = stdioEnv();
  return [
    ['server.json', json(serverJson(pkg, env))],
    ['catalog/server.yaml', dockerServerYaml(pkg, env)],
    ['catalog/tools.json', json(dockerTools(tools))],
    ['manifest.json', json(mcpbManifest(pkg, env, tools))],
  ];
}

function readOrEmpty(dir: URL, file: string): string {
  try {
    return readFileSync(new URL(file, dir), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Brings the generated files under `dir` (a directory URL ending in /) up to date, or with
 * `check` only reports which ones differ. Returns the stale (or rewritten) files.
 */
export function syncCatalogs(dir: URL, check: boolean): string[] {
  const changed: string[] = [];
  for (const [file, content] of catalogTargets(readFileSync(new URL('package.json', dir), 'utf8'))) {
    if (readOrEmpty(dir, file) === content) continue;
    changed.push(file);
    if (!check) {
      const target = fileURLToPath(new URL(file, dir));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  return changed;
}

export function staleMessage(files: readonly string[]): string {
  return `Generated catalogs are stale: ${files.join(', ')}. Run: npm run docs\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const changed = syncCatalogs(root, check);
  if (check && changed.length > 0) {
    process.stderr.write(staleMessage(changed));
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
