import { randomUUID } from 'node:crypto';

/** Safe to log and echo: no spaces, quotes or control characters (no log or header injection). */
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's X-Request-Id when it is sane (a proxy's or gateway's id joins our logs), else a new one. */
export function requestIdOf(header: string | null): string {
  const v = header?.trim();
  return v !== undefined && SANE_ID.test(v) ? v : randomUUID();
}

export type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly received: number };

/**
 * Reads a request body while counting: over `maxBytes` it stops at once, so an oversized body is
 * never buffered whole (a declared Content-Length is checked before reading anything). The rest
 * is left unread, not cancelled: cancelling would destroy the socket before the 413 is written;
 * the 413 carries Connection: close and node closes the socket after sending it.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<BodyRead> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, received: 0 };
  if (req.body === null) return { ok: true, text: '' };
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      reader.releaseLock();
      return { ok: false, received };
    }
    chunks.push(value);
  }
  return { ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)) };
}

/**
 * The JSON-RPC method of a request the HTTP layer already parsed, keyed by the Request it hands
 * the SDK (which passes that very object to the server factory as `requestInfo`). Weak: nothing
 * outlives the request. The factory uses it to skip what the method cannot reach.
 */
const rpcMethods = new WeakMap<Request, string>();

/** Records `body`'s method for `req` (a single request object only; batches stay unmarked). */
export function markRpcMethod(req: Request, body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const method = (body as { method?: unknown }).method;
  if (typeof method === 'string') rpcMethods.set(req, method);
}

/** The method recorded for this request; undefined when unknown (stdio, a batch, unparsed). */
export function rpcMethodOf(req: Request | undefined): string | undefined {
  return req === undefined ? undefined : rpcMethods.get(req);
}

export interface RpcSummary {
  readonly rpc?: string;
  readonly tool?: string;
  readonly rpcId?: string | number;
}

/** What the log line names: the JSON-RPC method and, for tools/call, the tool (trimmed). */
export function rpcSummary(body: unknown): RpcSummary {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const b = body as { method?: unknown; id?: unknown; params?: { name?: unknown } };
  const out: { rpc?: string; tool?: string; rpcId?: string | number } = {};
  if (typeof b.method === 'string') out.rpc = b.method.slice(0, 100);
  if (b.method === 'tools/call' && typeof b.params?.name === 'string') out.tool = b.params.name.slice(0, 100);
  if (typeof b.id === 'number' || (typeof b.id === 'string' && b.id.length <= 100)) out.rpcId = b.id;
  return out;
}

/** A JSON-RPC-shaped error body, so an MCP client shows the reason instead of a bare status. */
export function rpcError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  id: string | number | null = null,
): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
