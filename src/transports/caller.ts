/**
 * The caller's Thruk identity as the HTTP gate verified it (modes 3 and 4), apart from auth.ts:
 * the server reads it on every call, and must not load jose (the JWT verifier) to do so.
 */
import { inspect } from 'node:util';
import type { AuthInfo } from '@modelcontextprotocol/server';
import type { ThrukCredential } from '../thruk/client.js';

/**
 * A secret that stays one when an object holding it is logged or serialised by accident: pino,
 * JSON.stringify and util.inspect all see '[redacted]'.
 */
export class Sealed<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  open(): T {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** As whom this caller's Thruk requests run (modes 3 and 4), as verified at the gate. */
export interface ThrukCaller {
  /** Mode 3: the caller's own Thruk credential. */
  readonly credential?: Sealed<ThrukCredential>;
  /** The Thruk user the calls act as: Thruk's whoami (mode 3) or the verified claim (mode 4). */
  readonly user: string;
}

export const CALLER = 'thrukCaller';

/** The Thruk identity the gate put on this request, if any. */
export function thrukCallerOf(info: AuthInfo | undefined): ThrukCaller | undefined {
  const c = info?.extra?.[CALLER];
  return c !== null && typeof c === 'object' && typeof (c as ThrukCaller).user === 'string' ? (c as ThrukCaller) : undefined;
}
