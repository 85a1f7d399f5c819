/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * There is no Docker engine on the build machines, so the Dockerfile and compose.yml are checked
 * statically (non-root, nothing secret baked in, sources that exist and are not ignored, flags the
 * CLI knows, ports that agree), and compose's entrypoint wrapper is run for real with /bin/sh.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ENV_SPEC, FLAG_SPEC, loadConfig } from '../src/config/config.js';
import { HTTP_ENV_SPEC } from '../src/config/http.js';
import { manifestMemory } from '../bench/lib/k8s.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const pkg = JSON.parse(read('package.json'));
const SECRET_VARS = [...Object.entries(ENV_SPEC), ...Object.entries(HTTP_ENV_SPEC)]
  .filter(([, v]) => (v as { secret?: boolean }).secret === true)
  .map(([k]) => k);
const KNOWN_VARS = new Set([...Object.keys(ENV_SPEC), ...Object.keys(HTTP_ENV_SPEC)]);

interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** Dockerfile → instructions (continuations joined, comments dropped), each tagged with its stage. */
function dockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  const joined = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of joined) {
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const op = m[1]!.toUpperCase();
    if (op === 'FROM') stage++;
    out.push({ op, args: m[2]!.trim(), stage });
  }
  return out;
}

/** .dockerignore semantics as far as we use them: last matching pattern wins, `!` re-includes. */
function ignored(patterns: readonly string[], path: string): boolean {
  let out = false;
  for (const raw of patterns) {
    const neg = raw.startsWith('!');
    const p = (neg ? raw.slice(1) : raw).replace(/\/$/, '');
    if (p === '*' || path === p || path.startsWith(`${p}/`)) out = !neg;
  }
  return out;
}

const instr = dockerfile(read('Dockerfile'));
const finalStage = Math.max(...instr.map((i) => i.stage));
const final = instr.filter((i) => i.stage === finalStage);
const ignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const compose = parse(read('compose.yml'));
const listenPort = (cmd: string[]) => cmd[cmd.indexOf('--listen') + 1];

describe('Dockerfile', () => {
  it('runs as a non-root user with the CLI as entrypoint and stdio as the default', () => {
    const user = final.filter((i) => i.op === 'USER').at(-1)?.args;
    assert.ok(user !== undefined && !['root', '0', '0:0'].includes(user), `final USER is ${user}`);
    const entry = final.find((i) => i.op === 'ENTRYPOINT');
    assert.deepEqual(JSON.parse(entry!.args), ['node', pkg.bin['thruk-mcp']]);
    assert.equal(
      final.find((i) => i.op === 'CMD'),
      undefined,
      'no CMD: without arguments the server speaks stdio',
    );
    assert.equal(
      instr.find((i) => i.op === 'HEALTHCHECK'),
      undefined,
      'no HEALTHCHECK in the image: stdio has no port to probe',
    );
  });

  it('bakes in no secret: no ENV/ARG for a secret variable, no key-like literal, no secret files copied', () => {
    for (const i of instr.filter((x) => x.op === 'ENV' || x.op === 'ARG')) {
      for (const s of SECRET_VARS) assert.ok(!i.args.includes(s), `${i.op} ${i.args} sets ${s}`);
      assert.doesNotMatch(i.args, /(KEY|TOKEN|PASSWORD|SECRET)\s*=/i);
    }
    for (const f of [
      '.env',
      '.env.local',
      'secrets/thruk_api_key',
      'secrets/mcp_http_token',
      'node_modules/x',
      'dist/cli.js',
      'test/fixtures/thruk/x.json',
      '.git/config',
      'thruk-mcp-0.1.0.tgz',
    ]) {
      assert.ok(ignored(ignore, f), `${f} is kept out of the build context`);
    }
  });

  it('copies only files that exist in the repository and are not ignored', () => {
    const copies = instr.filter((i) => (i.op === 'COPY' || i.op === 'ADD') && !i.args.includes('--from='));
    assert.ok(copies.length >= 4);
    for (const c of copies) {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        assert.ok(existsSync(join(root, src)), `COPY ${src}: missing`);
        assert.ok(!ignored(ignore, src.replace(/\/$/, '')), `COPY ${src}: excluded by .dockerignore`);
      }
    }
    assert.equal(instr.filter((i) => i.op === 'ADD').length, 0, 'COPY, not ADD (no remote fetches)');
  });

  it('builds with the lockfile and the package scripts, into the directory the bin points at', () => {
    const runs = instr.filter((i) => i.op === 'RUN').map((i) => i.args);
    for (const r of runs) {
      assert.match(r, /^npm (ci|run) /, `RUN ${r}`);
      const script = /^npm run (\S+)/.exec(r)?.[1];
      if (script !== undefined) assert.ok(script in pkg.scripts, `npm run ${script} exists`);
    }
    assert.ok(runs.includes('npm run build'));
    assert.ok(
      runs.some((r) => r.startsWith('npm ci --omit=dev')),
      'the runtime stage gets production dependencies only',
    );
    const outDir = JSON.parse(read('tsconfig.json')).compilerOptions.outDir;
    assert.ok(pkg.bin['thruk-mcp'].startsWith(`${outDir}/`));
    assert.ok(
      final.some((i) => i.op === 'COPY' && i.args.includes(`/app/${outDir}`)),
      'the final stage gets the build output',
    );
    assert.ok(
      final.some((i) => i.op === 'COPY' && /\bpackage\.json\b/.test(i.args)),
      'package.json is there for --version',
    );
  });

  it('caps the Node heap like deploy/k8s.yaml (one figure, proven by bench/k8s-memory.ts)', () => {
    const env = final
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    const image = /NODE_OPTIONS=\S*--max-old-space-size=(\d+)/.exec(env)?.[1];
    const { heapMib } = manifestMemory(read('deploy/k8s.yaml'));
    assert.ok(image !== undefined, 'the final stage sets NODE_OPTIONS=--max-old-space-size=N');
    assert.equal(Number(image), heapMib);
  });

  it('labels the image for the MCP Registry and exposes the port the HTTP examples use', () => {
    const labels = final
      .filter((i) => i.op === 'LABEL')
      .map((i) => i.args)
      .join(' ');
    assert.match(labels, new RegExp(`io\\.modelcontextprotocol\\.server\\.name="${pkg.mcpName.replace(/\./g, '\\.')}"`));
    const expose = final.find((i) => i.op === 'EXPOSE')?.args;
    assert.equal(expose, listenPort(compose.services['thruk-mcp'].command));
  });
});

describe('compose.yml', () => {
  const svc = compose.services['thruk-mcp'];
  const demo = compose.services.demo;

  it('the HTTP service: flags the CLI accepts, port, healthcheck and probe path agree', () => {
    const cmd: string[] = svc.command;
    for (const a of cmd.filter((x) => x.startsWith('--'))) assert.ok(a.slice(2) in FLAG_SPEC, `${a} is a CLI flag`);
    const port = listenPort(cmd);
    assert.deepEqual(
      cmd.slice(cmd.indexOf('--host'), cmd.indexOf('--host') + 2),
      ['--host', '0.0.0.0'],
      'reachable through the published port',
    );
    assert.ok(
      svc.ports.some((p: string) => p === `127.0.0.1:${port}:${port}`),
      'published on the host loopback by default',
    );
    const probe = svc.healthcheck.test.join(' ');
    assert.match(probe, new RegExp(`http://127\\.0\\.0\\.1:${port}/healthz`));
    assert.ok(svc.read_only === true && svc.cap_drop.includes('ALL'));
    // The environment block's own defaults (${VAR:-default}) as compose resolves them with nothing set.
    const defaults = Object.fromEntries(
      Object.entries<string>(svc.environment).map(([k, v]) => [k, String(v).replace(/^\$\{[A-Z_]+:-([^}]*)\}$/, '$1')]),
    );
    const cfg = loadConfig(cmd, { ...defaults, THRUK_BASE_URL: 'https://mon.example.com/thruk', THRUK_API_KEY: 'k', MCP_HTTP_TOKEN: 't' });
    assert.ok(cfg.ok && cfg.action === 'serve' && cfg.config.mode === 'http', JSON.stringify(cfg));
  });

  it('secrets come from files, never from the environment block; every variable is a real setting', () => {
    for (const [k, v] of Object.entries<string>(svc.environment)) {
      assert.ok(KNOWN_VARS.has(k), `${k} is a setting`);
      assert.ok(!SECRET_VARS.includes(k), `${k} is secret and must come from a secret file`);
      assert.match(String(v), /^\$\{[A-Z_]+:-[^}]*\}$|^"?true"?$/, `${k} takes its value from the caller's environment`);
    }
    assert.deepEqual(svc.secrets.sort(), Object.keys(compose.secrets).sort());
    for (const s of Object.values<{ file: string }>(compose.secrets)) assert.match(s.file, /^\.\/secrets\//);
    const wrapper: string = svc.entrypoint[2];
    for (const name of Object.keys(compose.secrets)) assert.ok(wrapper.includes(`/run/secrets/${name}`), `${name} is read by the wrapper`);
  });

  it('the demo service needs no Thruk and no token, and is only published on loopback', () => {
    const cmd: string[] = demo.command;
    assert.ok(cmd.includes('--demo'));
    for (const a of cmd.filter((x) => x.startsWith('--'))) assert.ok(a.slice(2) in FLAG_SPEC, `${a} is a CLI flag`);
    const cfg = loadConfig(cmd, demo.environment);
    assert.ok(cfg.ok && cfg.action === 'serve' && cfg.config.demo, JSON.stringify(cfg));
    assert.ok(demo.ports.every((p: string) => p.startsWith('127.0.0.1:')));
    assert.deepEqual(demo.profiles, ['demo'], 'docker compose up starts only the real service');
  });
});

describe('compose entrypoint wrapper, run for real', () => {
  let dir = '';
  const procs: ChildProcess[] = [];
  const KEY = 'wrapper_key_4711';
  const TOKEN = 'wrapper-token-0815';

  function started(p: ChildProcess, pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`no start line within 20 s: ${err}`)), 20_000);
      p.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = pattern.exec(err);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      p.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
  }

  before(() => {
    if (!existsSync(join(root, 'dist/cli.js'))) assert.equal(spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root }).status, 0);
    dir = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
    // Files as `openssl rand` and `echo` write them: with a trailing newline the wrapper must drop.
    writeFileSync(join(dir, 'thruk_api_key'), `${KEY}\n`);
    writeFileSync(join(dir, 'mcp_http_token'), `${TOKEN}\n`);
  });

  after(() => {
    for (const p of procs) p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports both secrets to the server: /readyz reaches Thruk with the key, /mcp wants the token', async () => {
    const sim = spawn(process.execPath, ['dist/sim/serve.js', '--port', '0', '--key', KEY], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    procs.push(sim);
    const thruk = await started(sim, /(http:\/\/\S+\/thruk)\n/);
    const svc = compose.services['thruk-mcp'];
    const script: string = svc.entrypoint[2].replace(/\$\$/g, '$').replaceAll('/run/secrets/', `${dir}/`);
    assert.ok(script.includes('exec node dist/cli.js'), 'runs the same CLI as the image');
    // The compose command, with a free port and the test's loopback instead of 8080 on 0.0.0.0.
    const cmd = (svc.command as string[]).map((a, i, all) => (all[i - 1] === '--listen' ? '0' : all[i - 1] === '--host' ? '127.0.0.1' : a));
    const server = spawn('/bin/sh', ['-c', script, 'thruk-mcp', ...cmd], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', THRUK_BASE_URL: thruk },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    procs.push(server);
    const url = await started(server, /listening on (http:\/\/\S+\/mcp)/);
    const base = url.replace(/\/mcp$/, '');

    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200, `Thruk accepted the key from the secret file: ${await ready.text()}`);

    const init = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    };
    const post = (auth?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(auth ? { authorization: auth } : {}),
        },
        body: JSON.stringify(init),
      });
    assert.equal((await post()).status, 401);
    assert.equal((await post('Bearer wrong')).status, 401);
    const ok = await post(`Bearer ${TOKEN}`);
    assert.equal(ok.status, 200, await ok.text());

    // The compose healthcheck command itself, pointed at this server's port.
    const port = new URL(base).port;
    const hc = (svc.healthcheck.test as string[]).slice(1).map((a) => a.replace('127.0.0.1:8080', `127.0.0.1:${port}`));
    assert.equal(spawnSync(hc[0] === 'node' ? process.execPath : hc[0]!, hc.slice(1), { timeout: 10_000 }).status, 0, 'healthcheck passes');
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await gone;
    assert.equal(spawnSync(process.execPath, hc.slice(1), { timeout: 10_000 }).status === 0, false, 'and fails once the server is gone');
  });
});
