/**
 * Child process: the simulator served on loopback, recording what each request asked for and how
 * many rows it got back (so the bench can count rows our server pulls from "Thruk"). Started by
 * sim.ts with an IPC channel: it sends {type:'ready', url} and answers {type:'log'} with the
 * records since the last {type:'reset'}.
 *
 *   node --import tsx bench/lib/sim-server.ts --hosts N [--key K] [--seed N]
 */
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { createSimulator } from '../../src/sim/index.js';

export interface SimRecord {
  readonly method: string;
  /** Path after /thruk/r (and /v1), e.g. /hosts. */
  readonly path: string;
  readonly params: ReadonlyArray<readonly [string, string]>;
  readonly status: number;
  /** Rows in the answer: array length, 1 for an object. */
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
}

const MAX_RECORDS = 10_000;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function countRows(text: string): number {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.length : v !== null && typeof v === 'object' ? 1 : 0;
  } catch {
    return 0;
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '50' },
      key: { type: 'string', default: 'bench' },
      seed: { type: 'string', default: '1' },
    },
  });
  const hosts = Number(values.hosts);
  const started = performance.now();
  const sim = createSimulator({ hosts, seed: Number(values.seed), apiKey: values.key ?? 'bench' });
  const buildMs = performance.now() - started;
  const site = sim.state.sites[0];
  const estate = { hosts: site?.hosts.length ?? 0, services: site?.services.length ?? 0, hostProblems: 0, serviceProblems: 0 };
  for (const s of sim.state.sites) {
    for (const h of s.hosts) if (h.state !== 0) estate.hostProblems++;
    for (const v of s.services) if (v.state !== 0) estate.serviceProblems++;
  }
  let log: SimRecord[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const t0 = performance.now();
      const method = req.method ?? 'GET';
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const response = await sim.fetch(new Request(url, { method, headers, ...(body ? { body } : {}) }));
      const text = await response.text();
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => {
        out[k] = v;
      });
      res.writeHead(response.status, out);
      res.end(text);
      const path = url.pathname.replace(/^.*?\/thruk\/r(?:\/v1)?(?=\/|$)/, '') || '/';
      const params: Array<[string, string]> = [...url.searchParams];
      if (body !== undefined && body.length > 0) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.push([k, v]);
      if (log.length < MAX_RECORDS)
        log.push({
          method,
          path,
          params,
          status: response.status,
          rows: countRows(text),
          bytes: Buffer.byteLength(text),
          ms: performance.now() - t0,
        });
    })().catch((err: unknown) => {
      process.stderr.write(`bench sim: ${String(err)}\n`);
      res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/thruk`, buildMs, estate });
  });
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'reset') {
      log = [];
      process.send?.({ type: 'reset-done' });
    } else if (m.type === 'log') process.send?.({ type: 'log', records: log });
  });
  // The parent going away ends us too.
  process.on('disconnect', () => process.exit(0));
}

main();
