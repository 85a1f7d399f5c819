import { perlJson } from './json.js';

export interface FaultSpec {
  match?: string | RegExp;
  times?: number;
  latencyMs?: number;
  status?: number;
  retryAfter?: number;
  malformedJson?: boolean;
  truncated?: boolean;
  reset?: boolean;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'login required',
  403: 'not authorized',
  404: 'not found',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'No backend available',
  504: 'gateway timeout',
};

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): () => void {
    const fault: ActiveFault = { spec, remaining: spec.times ?? Infinity };
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  clear(): void {
    this.faults = [];
  }

  take(path: string): FaultSpec | undefined {
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      const m = f.spec.match;
      const hit = m === undefined || (typeof m === 'string' ? path.startsWith(m) : m.test(path));
      if (!hit) continue;
      f.remaining--;
      if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      return f.spec;
    }
    return undefined;
  }
}

export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Mimics undici when the peer resets the connection. */
export function resetError(): TypeError {
  const cause = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
  return new TypeError('fetch failed', { cause });
}

export function statusResponse(spec: FaultSpec): Response {
  const code = spec.status ?? 500;
  const headers = new Headers({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  if (spec.retryAfter !== undefined) headers.set('Retry-After', String(spec.retryAfter));
  const body: Record<string, string | number | boolean> = { code, message: STATUS_TEXT[code] ?? 'error', description: 'injected fault' };
  if (code > 400) body['failed'] = true;
  return new Response(perlJson(body), { status: code, headers });
}

export function malformedResponse(): Response {
  return new Response('{\n   "code" : 200,\n   "message" : "half a doc', {
    status: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}
