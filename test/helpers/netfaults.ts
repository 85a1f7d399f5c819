/**
 * Real-socket faults on loopback for the fault-injection suite: a port nobody listens on, a
 * listener that never answers (blackhole), and the simulator behind HTTPS with a self-signed
 * certificate (TLS failures). Nothing leaves 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toNodeHandler, type NodeIncomingMessageLike } from '@modelcontextprotocol/node';
import type { Simulator } from '../../src/sim/index.js';

function portOf(srv: { address(): ReturnType<Server['address']> }): number {
  const addr = srv.address();
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = portOf(srv);
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

/** A loopback server that accepts connections and never answers (a blackhole). */
export async function blackhole(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const srv: Server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  return {
    port: portOf(srv),
    accepted: () => accepted,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => srv.close(() => res()));
    },
  };
}

/**
 * A self-signed certificate for CN/SAN 127.0.0.1 (openssl, 2 days), or undefined when openssl is
 * missing. `remove()` deletes the directory.
 */
export function selfSignedCert(): { certFile: string; keyFile: string; remove: () => void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'thruk-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore', timeout: 20_000 },
    );
    return { certFile, keyFile, remove };
  } catch {
    remove();
    return undefined;
  }
}

export interface TlsSimulator {
  port: number;
  /** TLS handshakes completed and HTTP requests served (a failed handshake counts in neither). */
  handshakes: () => number;
  requests: () => number;
  close: () => Promise<void>;
}

/** The simulator served over HTTPS on 127.0.0.1 with the given certificate. */
export async function tlsSimulator(sim: Simulator, cert: { certFile: string; keyFile: string }): Promise<TlsSimulator> {
  let handshakes = 0;
  let requests = 0;
  const node = toNodeHandler({ fetch: (req: Request) => sim.fetch(req) });
  const srv = createHttpsServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (req, res) => {
    requests++;
    node(req as unknown as NodeIncomingMessageLike, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  srv.on('secureConnection', () => {
    handshakes++;
  });
  srv.on('tlsClientError', () => undefined);
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  return {
    port: portOf(srv),
    handshakes: () => handshakes,
    requests: () => requests,
    close: async () => {
      srv.closeAllConnections();
      await new Promise<void>((res) => srv.close(() => res()));
    },
  };
}
