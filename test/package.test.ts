/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * Packed size bounds: today ~0.75 MB packed / ~2.4 MB unpacked (69 KB of it the prebuilt tools
 * manifest; ~1.25 MB unpacked / ~0.43 MB packed the three MCP Apps views, each carrying its own
 * copy of the App SDK — sharing one copy between them is the known way down); room for growth,
 * not for bloat.
 */
const MAX_PACKED = 850_000;
const MAX_UNPACKED = 2_900_000;

interface PackResult {
  size: number;
  unpackedSize: number;
  files: Array<{ path: string; size: number }>;
}

let packed: PackResult;
let paths: Set<string>;

describe('npm package', () => {
  before(() => {
    // The build script, not a bare tsc: it also writes the tools manifest the server lists from.
    if (
      !existsSync(new URL('../dist/cli.js', import.meta.url)) ||
      !existsSync(new URL('../dist/tools/core/tools-manifest.json', import.meta.url))
    ) {
      assert.equal(spawnSync('npm', ['run', 'build', '--silent'], { cwd: root }).status, 0, 'build failed');
    }
    // --ignore-scripts: measure what is on disk, never rebuild or run lifecycle scripts here.
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    packed = (JSON.parse(r.stdout) as PackResult[])[0]!;
    paths = new Set(packed.files.map((f) => f.path));
  });

  it('is publishable: bin, engines, ESM, mcpName, repository, files', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.bin['thruk-mcp'], 'dist/cli.js');
    assert.match(pkg.engines.node, /^>=\d+/);
    assert.match(pkg.mcpName, /^io\.github\.[^/]+\/[^/]+$/);
    assert.match(pkg.repository.url, /github\.com\//);
    assert.ok(Array.isArray(pkg.files) && pkg.files.includes('dist'));
    assert.ok(
      readFileSync(new URL('../dist/cli.js', import.meta.url), 'utf8').startsWith('#!/usr/bin/env node\n'),
      'the bin has a node shebang',
    );
  });

  it('contains the CLI, the simulator (--demo needs it), the tools manifest and the user docs', () => {
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/cli.js',
      'dist/server/server.js',
      'dist/sim/index.js',
      'dist/tools/core/registry.js',
      'dist/tools/core/tools-manifest.json',
    ]) {
      assert.ok(paths.has(f), `${f} is in the package`);
    }
    for (const f of ['SECURITY.md', 'UPGRADING.md'])
      if (existsSync(new URL(`../${f}`, import.meta.url))) assert.ok(paths.has(f), `${f} is in the package`);
  });

  it('carries no tests, fixtures, sources, source maps, benchmarks, scripts or secrets', () => {
    const bad = [...paths].filter(
      (p) =>
        /^(test|src|bench|scripts|catalog|docs|node_modules|\.ci|coverage)\//.test(p) ||
        /fixtures?\//.test(p) ||
        /\.(map|tsbuildinfo)$/.test(p) ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')) ||
        /(^|\/)\.env/.test(p) ||
        /\.(tgz|pem|key)$/.test(p),
    );
    assert.deepEqual(bad, []);
    assert.ok(
      [...paths].every(
        (p) => p.startsWith('dist/') || ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'SECURITY.md', 'UPGRADING.md'].includes(p),
      ),
      [...paths].filter((p) => !p.startsWith('dist/')).join(', '),
    );
  });

  it(`stays small: ≤ ${MAX_PACKED} bytes packed, ≤ ${MAX_UNPACKED} unpacked`, () => {
    assert.ok(packed.size <= MAX_PACKED, `packed ${packed.size} bytes`);
    assert.ok(packed.unpackedSize <= MAX_UNPACKED, `unpacked ${packed.unpackedSize} bytes`);
  });

  it('every import in the packed code resolves: relative ones to a packed file, bare ones to a runtime dependency', () => {
    const deps = new Set(Object.keys(pkg.dependencies ?? {}));
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    let relative = 0;
    for (const file of paths) {
      if (!file.endsWith('.js')) continue;
      const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
      const specs = [
        ...code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1] ?? m[2]!);
      for (const spec of specs) {
        if (spec.startsWith('.')) {
          relative++;
          const target = posix.normalize(posix.join(posix.dirname(file), spec));
          if (!paths.has(target)) problems.push(`${file} imports ${spec}, which is not packed`);
        } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!deps.has(name)) problems.push(`${file} imports ${spec}, which is not a runtime dependency`);
        }
      }
    }
    assert.ok(relative > 100, `the scan saw the imports (${relative})`);
    assert.deepEqual(problems, []);
  });
});

/**
 * What `npm publish` would ship, run as a user would: a tree with only the tracked files (no dist/,
 * no node_modules) is packed with its lifecycle scripts (prepack builds), the tarball is
 * installed into an empty folder from the npm cache, and its bin must serve MCP over stdio with
 * nothing but JSON on stdout, pass doctor and answer a call.
 */
describe('the packed package, from a clean tree into an empty folder', () => {
  let work = '';
  let bin = '';
  let tarball = '';
  let tree = '';

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'thruk-mcp-pack-'));
    tree = join(work, 'tree');
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
    assert.equal(files.status, 0, files.stderr);
    for (const f of files.stdout.split('\0').filter((f) => f !== '' && existsSync(join(root, f)))) {
      mkdirSync(dirname(join(tree, f)), { recursive: true });
      copyFileSync(join(root, f), join(tree, f));
    }
    assert.ok(!existsSync(join(tree, 'dist')), 'the clean tree has no build output');
    // The compiler comes from the checkout's dev dependencies; the packed package gets none of them.
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: tree, encoding: 'utf8', timeout: 180_000 });
    assert.equal(pack.status, 0, `npm pack failed: ${pack.stderr}`);
    const name = /"filename":\s*"([^"]+)"/.exec(pack.stdout)?.[1];
    assert.ok(name !== undefined, `npm pack named no tarball: ${pack.stdout.slice(-500)}`);
    tarball = join(work, name);
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"empty","version":"1.0.0","private":true}\n');
    const inst = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], {
      cwd: app,
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(inst.status, 0, `npm install of the tarball failed: ${inst.stderr}`);
    bin = join(app, 'node_modules', '.bin', 'thruk-mcp');
  });

  after(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  const run = (args: string[], input?: string) =>
    spawnSync(bin, args, {
      cwd: dirname(dirname(dirname(bin))),
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
      ...(input !== undefined ? { input } : {}),
    });

  it('prepack built it: the tarball holds the CLI and the tools manifest', () => {
    const list = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    for (const f of ['package/dist/cli.js', 'package/dist/tools/core/tools-manifest.json', 'package/dist/sim/index.js'])
      assert.ok(list.stdout.split('\n').includes(f), `${f} is packed`);
  });

  it('serves MCP over stdio with only JSON-RPC on stdout', () => {
    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pack-test', version: '1' } },
    };
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const r = run(
      ['--demo'],
      [init, { jsonrpc: '2.0', method: 'notifications/initialized' }, list].map((m) => JSON.stringify(m)).join('\n') + '\n',
    );
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    const msgs = lines.map((l) => JSON.parse(l) as { id?: number; result?: { tools?: unknown[]; serverInfo?: { name: string } } });
    assert.equal(msgs.find((m) => m.id === 1)?.result?.serverInfo?.name, 'thruk-mcp');
    assert.ok((msgs.find((m) => m.id === 2)?.result?.tools?.length ?? 0) > 10, 'tools/list answered');
  });

  it('the README starts the server only in ways that keep stdout for MCP JSON, and npm start --silent does', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const sh = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const starts = [...sh.matchAll(/^.*\bnpm start\b.*$/gm)].map((m) => m[0]);
    assert.ok(starts.length > 0, 'the README shows npm start');
    // Bare `npm start` prints "> thruk-mcp@… start" on stdout, the MCP channel.
    for (const l of starts) assert.match(l, /npm start --silent\b/, l);
    // Run it where a build cannot disturb other tests: the packed clean tree.
    const r = spawnSync('npm', ['start', '--silent', '--', '--demo'], {
      cwd: tree,
      encoding: 'utf8',
      timeout: 120_000,
      input: `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'readme', version: '1' } } })}\n`,
    });
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.ok(lines.length > 0, r.stderr);
    for (const l of lines) assert.equal((JSON.parse(l) as { jsonrpc?: string }).jsonrpc, '2.0', l);
  });

  it('doctor passes against the demo estate', () => {
    const r = run(['doctor', '--demo']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /All good\./);
  });

  it('call answers a tool', () => {
    const r = run(['call', 'thruk_totals', '--demo', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const data = JSON.parse(r.stdout) as { hosts?: unknown };
    assert.ok(data.hosts !== undefined, r.stdout);
  });
});
