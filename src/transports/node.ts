import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Logger } from '../server/log.js';
import type { ConnInfo } from './proxy.js';

export type ConnFetch = (req: Request, conn: ConnInfo) => Promise<Response>;

/** Requests whose response has not finished yet: what a graceful shutdown waits for. */
export interface InFlight {
  readonly count: number;
  /** Resolves true once nothing is in flight, false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean>;
}

export function createInFlight(onChange?: (n: number) => void): InFlight & { enter(): () => void } {
  let count = 0;
  let waiters: Array<() => void> = [];
  return {
    get count() {
      return count;
    },
    enter: () => {
      count++;
      onChange?.(count);
      let left = false;
      return () => {
        if (left) return;
        left = true;
        count--;
        onChange?.(count);
        if (count === 0) {
          const w = waiters;
          waiters = [];
          for (const f of w) f();
        }
      };
    },
    idle: (timeoutMs) =>
      count === 0
        ? Promise.resolve(true)
        : new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            waiters.push(() => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
  };
}

/**
 * IncomingMessage → web Request with the body still a stream: the app decides (host, auth, rate
 * limit) before a single body byte is read, and then reads it with a size cap. The SDK's own
 * adapter buffers the whole body first, so it is not used here.
 */
export function toWebRequest(req: IncomingMessage, signal: AbortSignal, scheme: 'http' | 'https'): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = (req.method ?? 'GET').toUpperCase();
  // Concatenated, not resolved: a request target like //evil.example/mcp must not become the host.
  const target = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : `/${req.url ?? ''}`;
  let url: URL;
  try {
    url = new URL(`${scheme}://${req.headers.host ?? 'localhost'}${target}`);
  } catch {
    // An unparsable Host: keep the request answerable; the Host check refuses it.
    url = new URL(`${scheme}://invalid.invalid${target}`);
  }
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req), duplex: 'half' } : {}),
  });
}

/** Writes a web Response to `res`, honouring backpressure for long SSE streams. */
async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse, aborted: AbortSignal): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  // A refusal (401, 413, 429…) may leave the body unread: the connection cannot carry another
  // request after it, so close it instead of stalling the client's next request behind it.
  if (!req.complete) headers.connection = 'close';
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      if (aborted.aborted) break;
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            aborted.removeEventListener('abort', go);
            resolve();
          };
          res.on('drain', go);
          aborted.addEventListener('abort', go, { once: true });
        });
      }
    }
  } finally {
    if (aborted.aborted) await reader.cancel().catch(() => undefined);
    res.end();
  }
}

/** The node:http request listener around a fetch-style app, counting what is in flight. */
export function nodeListener(
  fetch: ConnFetch,
  log: Logger,
  inFlight: ReturnType<typeof createInFlight>,
  scheme: 'http' | 'https' = 'http',
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const leave = inFlight.enter();
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
      leave();
    });
    const conn: ConnInfo = { remoteAddress: req.socket.remoteAddress, encrypted: scheme === 'https' };
    void (async () => {
      const response = await fetch(toWebRequest(req, abort.signal, scheme), conn);
      await writeResponse(response, req, res, abort.signal);
    })().catch((err: unknown) => {
      log.error({ err }, 'http handler failed');
      if (!res.headersSent)
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }));
      else res.destroy();
    });
  };
}
