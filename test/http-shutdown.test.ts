/**
 * Graceful shutdown of the HTTP mode: the built binary, a slow Thruk (the simulator with injected
 * latency, served on loopback), SIGTERM while a tool call is in flight.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createLogger } from '../src/server/log.js';
import { createSimulator, type Simulator } from '../src/sim/index.js';
import { createHttpApp, startHttp } from '../src/transports/http.js';
import { demoConfig } from './helpers/config.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const KEY = 'Shutdown_Key_7';
const TOKEN = 'shutdown-tok-1';

interface SimServer {
  readonly sim: Simulator;
  readonly baseUrl: string;
  /** Requests received so far. */
  received(): number;
  close(): Promise<void>;
}

/** The simulator over a loopback socket, so a spawned server can use it as its Thruk. */
async function serveSim(): Promise<SimServer> {
  const sim = createSimulator({ apiKey: KEY });
  let received = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    received++;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const method = req.method ?? 'GET';
    const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
      method,
      headers,
      signal: abort.signal,
      ...(method !== 'GET' && method !== 'HEAD' ? { body: Buffer.concat(chunks) } : {}),
    });
    const response = await sim.fetch(request);
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => (out[k] = v));
    res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()));
  };
  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    sim,
    baseUrl: `http://127.0.0.1:${port}/thruk`,
    received: () => received,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  readonly metricsUrl: string;
  stderr(): string;
  exited: Promise<number | null>;
}

function startBinary(env: Record<string, string>): Promise<Spawned> {
  const child = spawn(process.execPath, [cli, '--listen', '0'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line; stderr: ${err}`)), 20_000);
    child.stderr.on('data', (d: string) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      const mm = /metrics on (http:\/\/\S+)/.exec(err);
      if (m?.[1] !== undefined && mm?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: m[1], metricsUrl: mm[1], stderr: () => err, exited });
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

async function connectClient(url: string): Promise<Client> {
  const client = new Client({ name: 'shutdown-test', version: '1' }, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
  return client;
}

/** Whether a new TCP connection to `url`'s port is refused. */
function refused(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = netConnect({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

const problemCounts = (c: Client) => c.callTool({ name: 'thruk_problem_counts', arguments: {} });

describe('graceful shutdown of the built binary (SIGTERM)', () => {
  let thruk: SimServer;
  before(async () => {
    thruk = await serveSim();
  });
  after(() => thruk.close());
  const env = (over: Record<string, string>) => ({
    THRUK_BASE_URL: thruk.baseUrl,
    THRUK_API_KEY: KEY,
    THRUK_CACHE_TTL: '0',
    MCP_HTTP_TOKEN: TOKEN,
    MCP_METRICS_PORT: '0',
    ...over,
  });

  it('lets the in-flight call finish, turns /readyz 503 at once, refuses new connections, exits 0', async () => {
    const server = await startBinary(env({ MCP_SHUTDOWN_TIMEOUT: '20' }));
    const client = await connectClient(server.url);
    let clear = () => undefined as void;
    try {
      assert.equal((await problemCounts(client)).isError, undefined);
      assert.equal((await fetch(server.metricsUrl.replace('/metrics', '/readyz'))).status, 200);
      clear = thruk.sim.injectFault({ latencyMs: 2500 });
      const seen = thruk.received();
      const t0 = Date.now();
      const slow = problemCounts(client);
      await until('the slow call reached Thruk', () => thruk.received() > seen);
      assert.match(await (await fetch(server.metricsUrl)).text(), /^thruk_mcp_http_requests_in_flight 1$/m);
      server.child.kill('SIGTERM');
      await until(
        'readyz 503 on the ops port',
        async () => (await fetch(server.metricsUrl.replace('/metrics', '/readyz'))).status === 503,
        1500,
      );
      const ready = await fetch(server.metricsUrl.replace('/metrics', '/readyz'));
      assert.deepEqual(await ready.json(), { status: 'not ready', reason: 'shutting down' });
      await until('new connections refused on the MCP port', () => refused(server.url), 1500);
      const r = await slow;
      assert.equal(r.isError, undefined, JSON.stringify(r));
      assert.ok((r.structuredContent as { hosts: { down: number } }).hosts.down >= 1);
      assert.ok(Date.now() - t0 >= 2000, 'the call really was slow');
      assert.equal(await server.exited, 0);
      assert.match(server.stderr(), /"msg":"shutting down"/);
      assert.match(server.stderr(), /"msg":"in-flight requests finished"/);
      assert.doesNotMatch(server.stderr(), /shutdown deadline reached/);
    } finally {
      clear();
      await client.close().catch(() => undefined);
      server.child.kill('SIGKILL');
    }
  });

  it('cuts off what is still running at MCP_SHUTDOWN_TIMEOUT and still exits 0', async () => {
    const server = await startBinary(env({ MCP_SHUTDOWN_TIMEOUT: '1' }));
    const client = await connectClient(server.url);
    const clear = thruk.sim.injectFault({ latencyMs: 15_000 });
    try {
      const seen = thruk.received();
      const slow = problemCounts(client).then(
        () => 'answered',
        () => 'cut off',
      );
      await until('the slow call reached Thruk', () => thruk.received() > seen);
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 0);
      const took = Date.now() - t0;
      assert.ok(took >= 900 && took < 5000, `exited after ${took} ms`);
      assert.equal(await slow, 'cut off');
      assert.match(server.stderr(), /"cut":1,"timeoutS":1,"msg":"shutdown deadline reached: in-flight requests cut off"/);
    } finally {
      clear();
      await client.close().catch(() => undefined);
      server.child.kill('SIGKILL');
    }
  });
});

describe('draining, in process', () => {
  it('answers 503 to new /mcp requests and /readyz with Connection: close while in-flight ones finish', async () => {
    const log = createLogger('silent');
    const app = createHttpApp(
      () => {
        throw new Error('no MCP request expected');
      },
      { token: undefined, allowedHosts: ['localhost'] },
      log,
    );
    app.drain();
    const ready = await app.fetch(new Request('http://localhost/readyz'));
    assert.equal(ready.status, 503);
    assert.equal(ready.headers.get('connection'), 'close');
    const mcp = await app.fetch(new Request('http://localhost/mcp', { method: 'POST', body: '{}' }));
    assert.equal(mcp.status, 503);
    assert.equal(mcp.headers.get('retry-after'), '1');
    assert.match(((await mcp.json()) as { error: { message: string } }).error.message, /shutting down; retry/);
    assert.equal((await app.fetch(new Request('http://localhost/healthz'))).status, 200, 'still alive while draining');
    await app.close();
  });

  it('shutdown() waits for the in-flight response, then resolves with nothing cut off', async () => {
    const log = createLogger('silent');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slowApp = {
      fetch: async (req: Request) => {
        if (new URL(req.url).pathname === '/slow') await gate;
        return new Response('done');
      },
      drain: () => undefined,
      close: () => Promise.resolve(),
    };
    const l = await startHttp(slowApp, { ...demoConfig(), http: { ...demoConfig().http, host: '127.0.0.1' } }, log, 0, '/');
    const base = l.url.replace(/\/$/, '');
    const pending = fetch(`${base}/slow`).then((r) => r.text());
    await until('request in flight', () => l.inFlight.count === 1);
    const down = l.shutdown(5000);
    await until('listener closed', () => refused(base));
    release();
    assert.equal(await pending, 'done');
    assert.equal(await down, 0);
  });
});
