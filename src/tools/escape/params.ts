import { z } from 'zod';
import type { QueryParams } from '../../thruk/client.js';
import { ToolInputError } from '../core/define.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const KEY = z.string().min(1).max(200);
const SCALAR = z.union([z.string().max(20_000), z.number()]);

export const paramsArg = z
  .record(KEY, z.union([SCALAR, z.array(SCALAR).min(1).max(200)]))
  .optional()
  .describe('e.g. {"columns":"name,state","state[ne]":0}');

export const dataArg = z
  .record(KEY, z.union([SCALAR, z.boolean()]))
  .optional()
  .describe('Body fields for POST/PUT');

export type ParamsIn = z.output<typeof paramsArg>;
export type DataIn = z.output<typeof dataArg>;

/** The site selection travels in the backends argument, where the preview and the audit show it. */
const RESERVED: ReadonlySet<string> = new Set(['backends', 'backend']);

function checkValue(where: string, key: string, v: string): string {
  // Thruk hands filter values to Livestatus line by line: a line break would add a header.
  if (CONTROL.test(v)) throw new ToolInputError(`${where} '${key}' must not contain line breaks or control characters. Nothing was sent.`);
  return v;
}

function checkKey(where: string, key: string): void {
  if (CONTROL.test(key)) throw new ToolInputError(`${where} names must not contain control characters. Nothing was sent.`);
  if (RESERVED.has(key))
    throw new ToolInputError(
      `Pass backends as the backends argument, not as a ${where === 'param' ? 'query parameter' : 'form field'}. Nothing was sent.`,
    );
}

export function toQuery(params: ParamsIn, refused: Readonly<Record<string, string>> = {}): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(params ?? {})) {
    checkKey('param', k);
    const why = refused[k];
    if (why !== undefined) throw new ToolInputError(`param '${k}' is not accepted here: ${why} Nothing was sent.`);
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, checkValue('param', k, String(x))]);
  }
  return out;
}

export function toForm(data: DataIn, opts: { command: boolean }): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(data ?? {})) {
    checkKey('field', k);
    if (typeof v === 'string') {
      checkValue('field', k, v);
      // Thruk joins command fields with ';' and hands them to the core verbatim.
      if (opts.command && v.includes(';'))
        throw new ToolInputError(`field '${k}' must not contain ';' in a command (Thruk would split the command there). Nothing was sent.`);
    }
    out[k] = v;
  }
  return out;
}

export function queryString(q: QueryParams): string {
  const sp = new URLSearchParams();
  for (const [k, v] of q) sp.append(k, v);
  return sp.toString();
}
