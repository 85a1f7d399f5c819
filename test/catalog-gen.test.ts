/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { catalogTargets, MCPB_SETTINGS, readPackage, SERVER_SCHEMA, staleMessage, stdioEnv, syncCatalogs } from '../scripts/gen-catalog.js';
import { ENV_SPEC, FLAG_SPEC } from '../src/config/config.js';
import { HTTP_ENV_SPEC } from '../src/config/http.js';
import { toMcpTool } from '../src/tools/core/adapter.js';
import { annotationsFor } from '../src/tools/core/define.js';
import { allTools } from '../src/tools/core/registry.js';

const root = new URL('../', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, root), 'utf8');
const pkgJson = read('package.json');
const pkg = JSON.parse(pkgJson);
const generated = new Map(catalogTargets(pkgJson));
const gen = (f: string): any => {
  const text = generated.get(f);
  assert.ok(text !== undefined, `${f} is generated`);
  return f.endsWith('.yaml') ? parse(text) : JSON.parse(text);
};

describe('generated catalogs', () => {
  it('the committed files are exactly what the generator produces (npm run docs)', () => {
    assert.deepEqual([...generated.keys()].sort(), ['catalog/server.yaml', 'catalog/tools.json', 'manifest.json', 'server.json']);
    for (const [file, content] of generated) assert.equal(read(file), content, `${file} is stale: run npm run docs`);
  });

  it('--check reports a stale or missing file and says how to regenerate; a write brings it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    try {
      const url = pathToFileURL(`${dir}/`);
      cpSync(new URL('package.json', root), join(dir, 'package.json'));
      assert.deepEqual(
        syncCatalogs(url, true).sort(),
        ['catalog/server.yaml', 'catalog/tools.json', 'manifest.json', 'server.json'],
        'all missing',
      );
      assert.equal(syncCatalogs(url, false).length, 4);
      assert.deepEqual(syncCatalogs(url, true), [], 'fresh after writing');
      writeFileSync(join(dir, 'server.json'), read('server.json').replace('"0.1', '"9.9'));
      assert.deepEqual(syncCatalogs(url, true), ['server.json']);
      assert.match(staleMessage(['server.json']), /server\.json.*Run: npm run docs/);
      // A version bump in package.json makes every artefact that carries the version stale.
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version: '7.7.7' }));
      assert.deepEqual(syncCatalogs(url, true).sort(), ['manifest.json', 'server.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('required and secret variables come from the config loader and ENV_SPEC, not from a hand list', () => {
    const env = stdioEnv();
    assert.deepEqual(
      env.filter((e) => e.required).map((e) => e.name),
      ['THRUK_BASE_URL', 'THRUK_API_KEY'],
    );
    for (const e of env) assert.equal(e.secret, (ENV_SPEC as Record<string, { secret?: boolean }>)[e.name]?.secret === true, e.name);
    assert.ok(
      env.every((e) => !e.name.startsWith('MCP_')),
      'HTTP-mode settings are not offered to stdio deployments',
    );
    assert.equal(env.find((e) => e.name === 'THRUK_VERIFY_SSL')?.default, 'true');
    assert.equal(env.find((e) => e.name === 'THRUK_TIMEOUT')?.format, 'number');
    assert.deepEqual(env.find((e) => e.name === 'LOG_LEVEL')?.choices, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  });
});

describe('server.json for the official MCP Registry', () => {
  const s = gen('server.json');
  const PACKAGE_KEYS = new Set([
    'registryType',
    'registryBaseUrl',
    'identifier',
    'version',
    'fileSha256',
    'runtimeHint',
    'transport',
    'runtimeArguments',
    'packageArguments',
    'environmentVariables',
  ]);

  it('follows the schema rules the registry enforces', () => {
    assert.equal(s.$schema, SERVER_SCHEMA);
    assert.match(s.name, /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    assert.equal(s.name, pkg.mcpName, 'npm ownership: package.json mcpName must equal the server name');
    assert.ok(s.description.length >= 1 && s.description.length <= 100);
    assert.equal(s.version, pkg.version);
    assert.equal(s.repository.source, 'github');
    for (const p of s.packages) {
      for (const k of Object.keys(p)) assert.ok(PACKAGE_KEYS.has(k), `package key ${k} is not in the schema (additionalProperties: false)`);
      assert.deepEqual(p.transport, { type: 'stdio' });
      assert.notEqual(p.version, 'latest');
    }
  });

  it('lists the npm package and the OCI image, both with every stdio variable', () => {
    const npm = s.packages.find((p: any) => p.registryType === 'npm');
    assert.equal(npm.identifier, pkg.name);
    assert.equal(npm.version, pkg.version);
    assert.equal(npm.registryBaseUrl, 'https://registry.npmjs.org');
    const oci = s.packages.find((p: any) => p.registryType === 'oci');
    assert.equal(oci.identifier, `ghcr.io/thruk-mcp/thruk-mcp:${pkg.version}`);
    for (const p of [npm, oci]) {
      const names = p.environmentVariables.map((e: any) => e.name);
      assert.deepEqual(
        names,
        stdioEnv().map((e) => e.name),
      );
      const key = p.environmentVariables.find((e: any) => e.name === 'THRUK_API_KEY');
      assert.deepEqual([key.isRequired, key.isSecret], [true, true]);
      const url = p.environmentVariables.find((e: any) => e.name === 'THRUK_BASE_URL');
      assert.deepEqual([url.isRequired, url.isSecret], [true, false]);
      for (const e of p.environmentVariables) {
        assert.equal(typeof e.isRequired, 'boolean');
        assert.equal(typeof e.isSecret, 'boolean');
        assert.ok(['string', 'number', 'boolean', 'filepath'].includes(e.format), e.name);
        if (e.default !== undefined) assert.equal(typeof e.default, 'string', 'Input.default is a string');
      }
    }
  });

  it('refuses a package description the registry would reject', () => {
    assert.throws(() => catalogTargets(JSON.stringify({ ...pkg, description: 'x'.repeat(101) })), /101 characters/);
    assert.throws(() => readPackage(JSON.stringify({ ...pkg, repository: undefined })), /repository\.url/);
  });
});

describe('Docker MCP catalog', () => {
  const y = gen('catalog/server.yaml');
  const tools = gen('catalog/tools.json');

  it('server.yaml: secrets for secrets, every env value bound to a declared parameter', () => {
    assert.equal(y.type, 'server');
    assert.equal(y.name, pkg.name);
    assert.equal(y.source.project, readPackage(pkgJson).repoUrl);
    assert.deepEqual(
      y.config.secrets.map((s: any) => s.env),
      ['THRUK_API_KEY'],
    );
    const props = y.config.parameters.properties;
    for (const e of y.config.env) {
      const m = /^\{\{thruk-mcp\.([a-z_]+)\}\}$/.exec(e.value);
      assert.ok(m !== null, `${e.name} binds a parameter`);
      assert.ok(m[1]! in props, `${e.name} → ${m[1]} is declared`);
      assert.notEqual(e.name, 'THRUK_API_KEY', 'the key is a secret, never a plain env');
    }
    for (const r of y.config.parameters.required) assert.ok(r in props);
    assert.deepEqual(y.config.parameters.required, ['base_url']);
    assert.ok(read('catalog/server.yaml').startsWith('# Docker MCP catalog entry'), 'the header says it is generated');
  });

  it('tools.json: one entry per tool, arguments from the input schema, annotations from the access', () => {
    const defs = allTools();
    assert.deepEqual(
      tools.map((t: any) => t.name),
      defs.map((d) => d.name),
    );
    for (const [i, def] of defs.entries()) {
      const t = tools[i];
      const schema = toMcpTool(def).inputSchema as { properties?: Record<string, unknown>; required?: string[] };
      assert.deepEqual(
        t.arguments.map((a: any) => a.name),
        Object.keys(schema.properties ?? {}),
        def.name,
      );
      for (const a of t.arguments) {
        assert.ok(['string', 'integer', 'number', 'boolean', 'object', 'array'].includes(a.type), `${def.name}.${a.name}: ${a.type}`);
        assert.equal(typeof a.desc, 'string');
        if (a.type === 'array') assert.equal(typeof a.items?.type, 'string');
      }
      assert.deepEqual(t.annotations, annotationsFor(def), def.name);
      assert.equal(t.description, def.description);
    }
    const host = tools.find((t: any) => t.name === 'thruk_get_host').arguments.find((a: any) => a.name === 'host');
    assert.equal(host.optional, undefined, 'a required argument is not optional');
    const filter = tools.find((t: any) => t.name === 'thruk_list_hosts').arguments.find((a: any) => a.name === 'filter');
    assert.deepEqual([filter.type, filter.optional], ['object', true]);
  });
});

describe('.mcpb manifest for Claude Desktop', () => {
  const m = gen('manifest.json');

  it('is a 0.3 manifest whose node entry point is the built CLI', () => {
    assert.equal(m.manifest_version, '0.3');
    for (const k of ['name', 'version', 'description', 'author', 'server']) assert.ok(m[k] !== undefined, k);
    assert.equal(m.author.name, pkg.author);
    assert.equal(m.server.type, 'node');
    assert.equal(m.server.entry_point, pkg.bin['thruk-mcp']);
    assert.deepEqual(m.server.mcp_config.args, ['${__dirname}/dist/cli.js']);
    assert.equal(m.compatibility.runtimes.node, pkg.engines.node);
  });

  it('user_config covers URL, key (sensitive), read-only and toolsets, and every placeholder is declared', () => {
    const uc = m.user_config;
    assert.deepEqual(
      Object.keys(uc),
      MCPB_SETTINGS.map((n) => n.replace(/^THRUK_/, '').toLowerCase()),
    );
    assert.deepEqual([uc.api_key.sensitive, uc.api_key.required], [true, true]);
    assert.equal(uc.base_url.required, true);
    assert.deepEqual([uc.read_only.type, uc.read_only.default], ['boolean', false]);
    assert.match(uc.toolsets.description, /state, history/);
    assert.equal(uc.ca_file.type, 'file');
    for (const [name, value] of Object.entries<string>(m.server.mcp_config.env)) {
      const key = /^\$\{user_config\.([a-z_]+)\}$/.exec(value)?.[1];
      assert.ok(key !== undefined && key in uc, `${name} → ${value}`);
      assert.ok(name in ENV_SPEC || name in HTTP_ENV_SPEC, `${name} is a real setting`);
    }
    // mcpb#250: an optional field without a default reaches the server as the literal placeholder.
    for (const [k, v] of Object.entries<any>(uc)) assert.ok(v.required === true || v.default !== undefined, `${k} needs a default`);
  });

  it('lists every tool by name', () => {
    assert.deepEqual(
      m.tools.map((t: any) => t.name),
      allTools().map((d) => d.name),
    );
    assert.ok(m.tools.every((t: any) => typeof t.description === 'string' && t.description.length > 0));
  });
});

describe('README client examples', () => {
  const readme = read('README.md');
  const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
  const settings = new Set([...Object.keys(ENV_SPEC), ...Object.keys(HTTP_ENV_SPEC)]);

  it('every JSON block parses, and every env block names real settings', () => {
    const json = blocks('json');
    assert.ok(json.length >= 3, 'Claude Desktop, VS Code, Cursor examples');
    for (const text of json) {
      const doc = JSON.parse(text);
      const servers = doc.mcpServers ?? doc.servers;
      assert.ok(servers !== undefined, text);
      for (const s of Object.values<any>(servers)) {
        for (const k of Object.keys(s.env ?? {})) assert.ok(settings.has(k), `${k} is a setting`);
        if (s.command === 'npx') assert.deepEqual(s.args, ['-y', pkg.name]);
      }
    }
  });

  it('the YAML block parses and the shell examples use only flags the CLI knows', () => {
    for (const text of blocks('yaml')) {
      const doc = parse(text);
      for (const s of Object.values<any>(doc.mcpServers)) for (const k of Object.keys(s.env ?? {})) assert.ok(settings.has(k), k);
    }
    const flags = [
      ...blocks('sh')
        .join('\n')
        .matchAll(/ (--[a-z][a-z-]*)/g),
    ].map((m) => m[1]!);
    const known = new Set([
      ...Object.keys(FLAG_SPEC).map((f) => `--${f}`),
      '--json',
      '--env',
      '--transport',
      '--header',
      '--scope',
      '--rm',
      '--omit',
      '--silent',
      '--demo',
    ]);
    for (const f of flags) assert.ok(known.has(f), `${f} in a README command is a known flag`);
    assert.ok(flags.includes('--listen') && flags.includes('--demo'));
  });
});
