import { ThrukError } from './errors.js';
import type { JsonValue } from './types.js';

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
  for (const [k, v] of new URLSearchParams(body)) out.push([k, v]);
  return { params: out, jsonWithWrongType: false };
}
