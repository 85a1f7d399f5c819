/**
 * Start-up loads only what answering tools/list needs: the built binary is run with a module-load
 * hook that records every module the ESM loader loads, then asked for tools/list, then for a tool.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MANIFEST_FILE, readManifest } from '../src/tools/core/published.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const cli = join(root, 'dist', 'cli.js');

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.THRUK_MCP_TEST_LOAD_LOG, url + '\\n');
  return next(url, context);
}
`;

/** Runs the binary over stdio; after each reply, returns the modules loaded so far. */
async function session(dir: string, args: string[], env: Record<string, string>, messages: unknown[]): Promise<string[][]> {
  const log = join(dir, `loads-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, cli, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', THRUK_MCP_TEST_LOAD_LOG: log, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8');
  const snapshots: string[][] = [];
  let buffered = '';
  let next = 0;
  const send = () => {
    // Notifications get no reply: send them along with the next request.
    while (next < messages.length) {
      const m = messages[next++] as { id?: number };
      child.stdin.write(`${JSON.stringify(m)}\n`);
      if (m.id !== undefined) break;
    }
  };
  const expected = messages.filter((m) => (m as { id?: number }).id !== undefined).length;
  const replies = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: string) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        buffered = buffered.slice(nl + 1);
        snapshots.push(
          readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        if (snapshots.length === expected) resolve();
        else send();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} after ${snapshots.length} replies: ${stderr}`)));
    send();
  });
  try {
    await replies;
  } finally {
    clearTimeout(timer);
  }
  child.stdin.end();
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  return snapshots;
}

const INIT = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lazy', version: '1' } },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
];

const loaded = (mods: readonly string[], re: RegExp) => mods.filter((m) => re.test(m));
const TOOL_MODULE = /\/dist\/tools\/(?:state|history|trends|availability|perfdata|triage|downtimes|discovery|actions|escape|write)\//;

void describe('lazy loading of the built binary', () => {
  let dir = '';
  before(() => {
    if (!existsSync(cli))
      assert.equal(spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' }).status, 0, 'build failed');
    // A bare tsc leaves no (or a stale) manifest; the build step writes it.
    if (
      readManifest(join(root, 'dist', 'tools', 'core', MANIFEST_FILE), join(root, 'dist', 'tools', 'core', 'published.js')) === undefined
    ) {
      assert.equal(
        spawnSync(process.execPath, [join(root, 'dist', 'cli', 'build-manifest.js')], { cwd: root, stdio: 'inherit' }).status,
        0,
        'manifest build failed',
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'thruk-mcp-lazy-'));
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('answers tools/list without tool modules, undici, the simulator, prom-client or jose; loads tools and undici on the first call', async () => {
    const [, listed, called] = await session(
      dir,
      [],
      { THRUK_BASE_URL: 'http://127.0.0.1:9/thruk', THRUK_API_KEY: 'lazytest', THRUK_TIMEOUT: '2' },
      [...INIT, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'thruk_totals', arguments: {} } }],
    );
    assert.ok(listed !== undefined && called !== undefined);
    assert.ok(loaded(listed, /\/dist\/server\/server\.js$/).length === 1, 'the hook sees our modules');
    assert.deepEqual(loaded(listed, TOOL_MODULE), [], 'no tool module before the first call');
    assert.deepEqual(loaded(listed, /node_modules\/(?:undici|prom-client|jose)\//), []);
    assert.deepEqual(loaded(listed, /\/dist\/(?:sim|transports\/http|transports\/metrics)/), []);
    assert.ok(loaded(called, TOOL_MODULE).length > 0, 'the tool code loads with the first call');
    assert.ok(loaded(called, /node_modules\/undici\//).length > 0, 'undici loads with the first Thruk request');
  });

  void it('--demo builds the simulated estate with the first call, not at start-up, and never loads undici', async () => {
    const [, listed, called] = await session(dir, ['--demo'], {}, [
      ...INIT,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'thruk_totals', arguments: {} } },
    ]);
    assert.ok(listed !== undefined && called !== undefined);
    assert.deepEqual(loaded(listed, /\/dist\/sim\//), []);
    assert.deepEqual(loaded(listed, TOOL_MODULE), []);
    assert.ok(loaded(called, /\/dist\/sim\//).length > 0);
    assert.ok(loaded(called, TOOL_MODULE).length > 0);
    assert.deepEqual(loaded(called, /node_modules\/(?:undici|prom-client|jose)\//), []);
  });
});
