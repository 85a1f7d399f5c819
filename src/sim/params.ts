import { ThrukError } from './errors.js';
import type { JsonValue } from './types.js';

/**
 * Thruk::Request::_decode_parameters skips every query/form parameter whose name holds another
 * character, silently: `name[~]=^web`, `name[!=]=x` or `groups[>=]=x` filter nothing and the
 * answer is unfiltered (real Thruk 3.20.2: fixtures hosts_name_tilde_filter_ignored.json,
 * logs_type_tilde_filter_ignored.json). Only the word operators (ne, regex, gte, notin…) get through.
 */
const THRUK_PARAM_NAME = /^[a-zA-Z0-9/.:,;+\-_[\](){}]+$/;

export function thrukKeepsParam([name]: readonly [string, string]): boolean {
  return THRUK_PARAM_NAME.test(name);
}

/** Request parameters: query string and form/JSON body merged into one multimap, in order. */
export class Params {
  constructor(readonly list: Array<[string, string]>) {}

  get(name: string): string | undefined {
    for (const [k, v] of this.list) if (k === name) return v;
    return undefined;
  }

  all(name: string): string[] {
    return this.list.filter(([k]) => k === name).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.list.some(([k]) => k === name);
  }

  without(...names: string[]): Params {
    return new Params(this.list.filter(([k]) => !names.includes(k)));
  }
}

function jsonToParams(obj: Record<string, JsonValue>, out: Array<[string, string]>): void {
  for (const [k, v] of Object.entries(obj)) {
    const values = Array.isArray(v) ? v : [v];
    for (const item of values) {
      if (item === null) out.push([k, '']);
      else if (typeof item === 'object') out.push([k, JSON.stringify(item)]);
      else out.push([k, String(item)]);
    }
  }
}

export interface ParsedBody {
  params: Array<[string, string]>;
  /** set when a JSON-looking body came with another content type (Thruk rejects that) */
  jsonWithWrongType: boolean;
}

export function parseBody(body: string, contentType: string): ParsedBody {
  const out: Array<[string, string]> = [];
  const trimmed = body.trim();
  if (trimmed === '') return { params: out, jsonWithWrongType: false };
  const isJson = /application\/json/i.test(contentType);
  if (isJson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ThrukError(400, 'failed to parse json data', { description: 'request body is not valid json' });
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) jsonToParams(parsed as Record<string, JsonValue>, out);
    return { params: out, jsonWithWrongType: false };
  }
  if (trimmed.startsWith('{')) return { params: out, jsonWithWrongType: true };
  for (const [k, v] of new URLSearchParams(body)) if (thrukKeepsParam([k, v])) out.push([k, v]);
  return { params: out, jsonWithWrongType: false };
}
