/**
 * Serves the simulator on loopback: `npm run sim -- --port N [--host 127.0.0.1] [--hosts N] [--seed N] [--key K] [--sites a,b] [--latency MS] [--jitter MS]`.
 * `--latency` holds every answer back that many milliseconds (± `--jitter`), as a far Thruk would.
 * A site may carry its core flavour: `--sites icinga:icinga2,naemon:naemon` (icinga2, naemon, nagios4).
 * The key may also come from THRUK_SIM_KEY. Prints the base URL (`http://127.0.0.1:PORT/thruk`) to stderr on one line.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createSimulator } from './index.js';
import type { CoreFlavour, Simulator, SiteSpec } from './index.js';

function intArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${value}`);
  return n;
}

const CORES: readonly CoreFlavour[] = ['icinga2', 'naemon', 'nagios4'];

/** `name` (historic site) or `name:core`. */
function siteArg(s: string): string | SiteSpec {
  const [key = '', core] = s.split(':');
  if (core === undefined) return key;
  if (!CORES.includes(core as CoreFlavour)) throw new Error(`--sites: core of ${key} must be one of ${CORES.join(', ')}, got ${core}`);
  return { key, core: core as CoreFlavour };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function isReset(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  return err instanceof TypeError && cause?.code === 'ECONNRESET';
}

async function handle(sim: Simulator, base: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  const request = new Request(new URL(req.url ?? '/', base), { method, headers, signal: abort.signal, ...(body ? { body } : {}) });
  try {
    const response = await sim.fetch(request);
    const out: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      const prev = out[key];
      out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    });
    const text = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, out);
    res.end(text);
  } catch (err) {
    if (isReset(err) || abort.signal.aborted) {
      req.socket.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ code: 500, message: 'simulator error', description: String(err) }));
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      hosts: { type: 'string' },
      seed: { type: 'string' },
      key: { type: 'string' },
      sites: { type: 'string' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
    },
    allowPositionals: false,
  });
  const port = intArg(values.port, 'port', 0);
  const host = values.host ?? '127.0.0.1';
  const sim = createSimulator({
    hosts: intArg(values.hosts, 'hosts', 25),
    seed: intArg(values.seed, 'seed', 1),
    apiKey: values.key ?? process.env['THRUK_SIM_KEY'] ?? 'demo',
    latencyMs: intArg(values.latency, 'latency', 0),
    jitterMs: intArg(values.jitter, 'jitter', 0),
    ...(values.sites
      ? {
          sites: values.sites
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .map(siteArg),
        }
      : {}),
  });
  const server = createServer((req, res) => {
    const base = `http://${req.headers.host ?? `${host}:${port}`}`;
    handle(sim, base, req, res).catch((err: unknown) => {
      process.stderr.write(`thruk-sim: ${String(err)}\n`);
      req.socket.destroy();
    });
  });
  server.listen(port, host, () => {
    const addr = server.address();
    const actual = typeof addr === 'object' && addr ? addr.port : port;
    const shown = host.includes(':') ? `[${host}]` : host;
    process.stderr.write(`http://${shown}:${actual}/thruk\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
