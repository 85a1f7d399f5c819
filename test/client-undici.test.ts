/** Real sockets, loopback only: undiciSend against node:http / node:https servers started here. */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ThrukClient, undiciSend } from '../src/thruk/client.js';
import type { HttpSend } from '../src/thruk/client.js';
import { ThrukNetworkError, ThrukTimeoutError } from '../src/thruk/errors.js';
import { selfSignedCert } from './helpers/netfaults.js';

const KEY = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90_1';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

function handler(): { handle: Handler; hits: Map<string, number> } {
  const hits = new Map<string, number>();
  const handle: Handler = (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const send = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    switch (path) {
      case '/thruk/r/thruk':
        send(200, {
          thruk_version: '3.20.2',
          key_ok: req.headers['x-thruk-auth-key'] === KEY,
          user: req.headers['x-thruk-auth-user'] ?? null,
        });
        return;
      case '/thruk/r/thruk/whoami': {
        // As Thruk: the impersonated user when the header is Perl-true, else its internal user.
        const u = req.headers['x-thruk-auth-user'];
        send(200, { id: typeof u === 'string' && u !== '' && u !== '0' ? u : '(api)' });
        return;
      }
      case '/thruk/r/hosts':
        send(200, [{ name: 'web-01', query: req.url?.split('?')[1] ?? '' }]);
        return;
      case '/thruk/r/busy':
        if (n === 1) send(503, { code: 503, message: 'No backend available' }, { 'retry-after': '0' });
        else send(200, { ok: true, hits: n });
        return;
      case '/thruk/r/reset':
        req.socket.destroy();
        return;
      case '/thruk/r/slow':
        return; // never answers
      case '/thruk/r/hosts/h/cmd/x':
        send(200, { method: req.method, type: req.headers['content-type'], body });
        return;
      default:
        send(404, { code: 404, message: `unknown rest path: ${path}` });
    }
  };
  return { handle, hits };
}

function serve(server: Server, handle: Handler): Promise<number> {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => handle(req, res, body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function client(base: string, send: HttpSend, extra: Partial<ConstructorParameters<typeof ThrukClient>[0]> = {}): ThrukClient {
  return new ThrukClient({ baseUrl: base, apiKey: KEY, send, sleep: () => Promise.resolve(), ...extra });
}

void describe('undiciSend over loopback HTTP', () => {
  const server = createServer();
  const { handle, hits } = handler();
  let base = '';
  const transport = undiciSend({ timeoutMs: 2_000, maxConnections: 4 });

  before(async () => {
    base = `http://127.0.0.1:${await serve(server, handle)}/thruk`;
  });
  after(async () => {
    await transport.close();
    await closeServer(server);
  });

  void it('gets JSON with the auth headers', async () => {
    const c = client(base, transport.send, { authUser: 'alice' });
    assert.deepEqual(await c.get('/thruk'), { thruk_version: '3.20.2', key_ok: true, user: 'alice' });
    assert.deepEqual(
      await c.get('/hosts', {
        query: [
          ['name', 'web-01'],
          ['sort', 'a'],
          ['sort', 'b'],
        ],
      }),
      [{ name: 'web-01', query: 'name=web-01&sort=a&sort=b' }],
    );
  });

  void it('posts a form body', async () => {
    const c = client(base, transport.send);
    assert.deepEqual(await c.post('/hosts/h/cmd/x', { comment_data: 'a b', sticky: true }), {
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: 'comment_data=a+b&sticky=1',
    });
  });

  void it('retries a 503 with Retry-After', async () => {
    const delays: number[] = [];
    const c = client(base, transport.send, { sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    assert.deepEqual(await c.get('/busy'), { ok: true, hits: 2 });
    assert.deepEqual(delays, [0]);
  });

  void it('maps a connection reset to a retried ThrukNetworkError', async () => {
    const c = client(base, transport.send, { retries: 1 });
    const e = await c.get('/reset').then(
      () => assert.fail('expected a failure'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof ThrukNetworkError, String(e));
    assert.ok(['ECONNRESET', 'UND_ERR_SOCKET'].includes(e.code ?? ''), e.code);
    assert.match(e.message, /^Thruk GET \/reset failed: .*\(2 attempts\)$/);
    assert.equal(hits.get('/thruk/r/reset'), 2);
  });

  void it('maps a header timeout to ThrukTimeoutError inside the transport', async () => {
    const t = undiciSend({ timeoutMs: 150 });
    try {
      const e = await t.send({ method: 'GET', url: `${base}/r/slow`, headers: {}, signal: new AbortController().signal }).then(
        () => assert.fail('expected a timeout'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof ThrukTimeoutError, String(e));
    } finally {
      await t.close();
    }
  });

  void it('reports ECONNREFUSED on a closed port', async () => {
    const probe = createServer();
    const port = await serve(probe, () => undefined);
    await closeServer(probe);
    const c = client(`http://127.0.0.1:${port}/thruk`, transport.send, { retries: 1 });
    const e = await c.get('/thruk').then(
      () => assert.fail('expected a failure'),
      (err: unknown) => err,
    );
    assert.ok(e instanceof ThrukNetworkError, String(e));
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.message, 'Thruk GET /thruk failed: connection refused (ECONNREFUSED) (2 attempts)');
  });

  void it('goes through an explicit HTTP proxy and honours noProxy', async () => {
    let tunnels = 0;
    const proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    const proxyPort = await serve(proxy, (_req, res) => res.writeHead(400).end());
    const viaProxy = undiciSend({ timeoutMs: 2_000, proxy: { httpProxy: `http://127.0.0.1:${proxyPort}` } });
    const bypass = undiciSend({ timeoutMs: 2_000, proxy: { httpProxy: `http://127.0.0.1:${proxyPort}`, noProxy: '127.0.0.1' } });
    try {
      assert.deepEqual(await client(base, viaProxy.send).get('/thruk'), { thruk_version: '3.20.2', key_ok: true, user: null });
      assert.equal(tunnels, 1);
      await client(base, bypass.send).get('/thruk');
      assert.equal(tunnels, 1);
    } finally {
      await viaProxy.close();
      await bypass.close();
      await closeServer(proxy);
    }
  });
});

void describe('undiciSend over loopback HTTPS', () => {
  const cert = selfSignedCert();
  const haveCert = cert !== undefined;
  const dir = cert === undefined ? '' : dirname(cert.certFile);
  const { handle } = handler();
  let server: Server | undefined;
  let base = '';

  before(async () => {
    if (!haveCert) return;
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
    base = `https://127.0.0.1:${await serve(server, handle)}/thruk`;
  });
  after(async () => {
    if (server !== undefined) await closeServer(server);
    cert?.remove();
  });

  void it(
    'refuses a self-signed certificate without a CA, and does not retry',
    { skip: !haveCert && 'openssl not available' },
    async () => {
      const t = undiciSend({ timeoutMs: 2_000 });
      try {
        const e = await client(base, t.send)
          .get('/thruk')
          .then(
            () => assert.fail('expected a TLS failure'),
            (err: unknown) => err,
          );
        assert.ok(e instanceof ThrukNetworkError, String(e));
        assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
        assert.equal(e.attempts, 1);
        assert.match(e.message, /TLS certificate not trusted/);
      } finally {
        await t.close();
      }
    },
  );

  void it('trusts the certificate from caFile, or with insecure', { skip: !haveCert && 'openssl not available' }, async () => {
    const withCa = undiciSend({ timeoutMs: 2_000, caFile: join(dir, 'cert.pem') });
    const insecure = undiciSend({ timeoutMs: 2_000, insecure: true });
    try {
      assert.equal((await client(base, withCa.send).get<{ key_ok: boolean }>('/thruk')).key_ok, true);
      assert.equal((await client(base, insecure.send).get<{ key_ok: boolean }>('/thruk')).key_ok, true);
    } finally {
      await withCa.close();
      await insecure.close();
    }
  });
});

void describe('undiciSend construction', () => {
  void it('names an unreadable CA file', () => {
    assert.throws(
      () => undiciSend({ timeoutMs: 1000, caFile: '/nonexistent/ca.pem' }),
      /Cannot read the TLS CA file \/nonexistent\/ca\.pem: ENOENT/,
    );
  });
});
