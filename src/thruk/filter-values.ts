/**
 * Conversion of leaf values into the text Thruk compares: numbers, 0/1 flags, epochs, state names.
 */
import type { FieldDef } from './filter-fields.js';
import { FilterError, type FilterOp, type FilterScalar } from './filter-schema.js';

export const MAX_IN_VALUES = 1000;
export const MAX_VALUE_LENGTH = 4096;

/** What the converters need to know about the leaf, for conversion and for error messages. */
export interface ValueEnv {
  readonly field: string;
  readonly def: FieldDef;
  readonly op: FilterOp;
  readonly resolveTime: (value: string | number) => number;
}

export function defaultResolveTime(value: string | number): number {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  throw new Error(`"${value}" is not a Unix timestamp in seconds (e.g. 1717171717)`);
}

export function plainText(v: FilterScalar | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

export function numberText(env: ValueEnv, v: FilterScalar | boolean): string {
  let n: number;
  if (typeof v === 'boolean') n = v ? 1 : 0;
  else if (typeof v === 'number') n = v;
  else if (/^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/.test(v)) n = Number(v);
  else n = Number.NaN;
  const text = String(n);
  if (!Number.isFinite(n) || /e/i.test(text)) {
    throw new FilterError(`Filter field "${env.field}" with op "${env.op}" needs a plain number, got ${JSON.stringify(v)}.`, env.field);
  }
  return text;
}

export function flagText(env: ValueEnv, v: FilterScalar | boolean): string {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : v;
  if (s === true || s === 1 || s === '1' || s === 'true' || s === 'yes') return '1';
  if (s === false || s === 0 || s === '0' || s === 'false' || s === 'no') return '0';
  throw new FilterError(`Filter field "${env.field}" is a 0/1 flag; use true/false or 1/0, got ${JSON.stringify(v)}.`, env.field);
}

export function timeText(env: ValueEnv, v: FilterScalar | boolean): string {
  if (typeof v === 'boolean') throw new FilterError(`Filter field "${env.field}" needs a time, got ${String(v)}.`, env.field);
  let epoch: number;
  try {
    epoch = env.resolveTime(v);
  } catch (err) {
    if (err instanceof FilterError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new FilterError(`Filter field "${env.field}" needs a time: ${reason}.`, env.field);
  }
  if (!Number.isFinite(epoch))
    throw new FilterError(`Filter field "${env.field}": time ${JSON.stringify(v)} did not resolve to a date.`, env.field);
  return numberText(env, Math.round(epoch));
}

/** State-like value: a name (case-insensitive), a number in range, or "pending" where supported. */
export function enumValue(env: ValueEnv, v: FilterScalar | boolean): number | 'pending' {
  const t = env.def.type;
  if (t.kind !== 'enum') throw new Error('enumValue on a non-enum field');
  if (typeof v === 'string') {
    const name = v.trim().toLowerCase();
    if (name === 'pending' && t.pendingColumn !== undefined) return 'pending';
    if (Object.hasOwn(t.names, name)) return t.names[name] ?? 0;
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isInteger(n) && n >= t.min && n <= t.max) return n;
  const names = [...Object.keys(t.names), ...(t.pendingColumn === undefined ? [] : ['pending'])].join(', ');
  throw new FilterError(
    `Unknown value ${JSON.stringify(v)} for filter field "${env.field}". Valid: ${names} (case-insensitive) or ${t.min}-${t.max}.`,
    env.field,
  );
}

/** Values of the leaf as a non-empty, de-duplicated list (scalars become a one-element list). */
export function valueList(env: ValueEnv, value: unknown): Array<FilterScalar | boolean> {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  const scalars = list.filter((v): v is FilterScalar | boolean => ['string', 'number', 'boolean'].includes(typeof v));
  if (scalars.length !== list.length) {
    throw new FilterError(`Filter field "${env.field}" takes strings or numbers, not ${JSON.stringify(value)}.`, env.field);
  }
  if (scalars.length === 0) {
    throw new FilterError(`Filter field "${env.field}" with op "${env.op}" needs a non-empty list of values.`, env.field);
  }
  if (scalars.length > MAX_IN_VALUES) {
    throw new FilterError(`Filter field "${env.field}" has ${scalars.length} values; the limit is ${MAX_IN_VALUES}.`, env.field);
  }
  if (list.length > 1 && env.op !== 'in' && env.op !== 'not_in') {
    throw new FilterError(`Filter field "${env.field}" got a list of values; use op "in" or "not_in" for lists.`, env.field);
  }
  const long = scalars.find((v) => typeof v === 'string' && v.length > MAX_VALUE_LENGTH);
  if (typeof long === 'string') {
    throw new FilterError(
      `Filter value for "${env.field}" is ${long.length} characters long; the limit is ${MAX_VALUE_LENGTH}.`,
      env.field,
    );
  }
  return [...new Set(scalars)];
}
