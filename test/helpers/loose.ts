/* eslint-disable @typescript-eslint/no-explicit-any -- this shim is the one place the untyped answers remain */
/**
 * Migration shim (issue 16): the harness with structuredContent and REST answers as `any`, for
 * test files not yet reading them typed. A file moves to harness.ts (typed from each tool's
 * output schema) by changing its import; delete this file when no test imports it.
 */
import * as typed from './harness.js';

export * from './harness.js';

export interface CallResult extends Omit<typed.CallResult, 'structured'> {
  structured: any;
}

export interface Harness extends Omit<typed.Harness, 'call'> {
  call(name: string, args?: Record<string, unknown>, opts?: typed.CallOptions): Promise<CallResult>;
}

export const connect: (opts?: typed.ConnectOptions) => Promise<Harness> = typed.connect;
export const toolCaller: (client: typed.Harness['client']) => Harness['call'] = typed.toolCaller;
export const rest: (h: Pick<Harness, 'sim' | 'config'>, path: string, params?: Record<string, string>) => Promise<any> = typed.rest;
export const confirmCall: (h: { call: Harness['call'] }, name: string, args: Record<string, unknown>) => Promise<CallResult> =
  typed.confirmCall;
