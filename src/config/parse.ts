/**
 * The one vocabulary every configuration source parses with: environment variables (ENV_SPEC,
 * the HTTP settings), the instances file (THRUK_MCP_CONFIG) and the Python server's flags. Booleans,
 * the "not set" placeholder, numbers in a range and comma lists mean the same everywhere.
 */
import { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

/** Docker MCP Gateway fills unset secrets with this literal; it must read as "not set". */
export const UNSET_PLACEHOLDER = '<UNKNOWN>';

export const TRUE_WORDS: ReadonlySet<string> = new Set(['1', 'true', 'yes', 'on']);
export const FALSE_WORDS: ReadonlySet<string> = new Set(['0', 'false', 'no', 'off']);
export const BOOL_EXPECTED = 'expected true/false (or 1/0, yes/no, on/off)';

/** The raw value, or undefined when unset, blank or the gateway's placeholder; trimmed. */
export function presentText(v: string | undefined): string | undefined {
  if (v === undefined || v === UNSET_PLACEHOLDER || v.trim() === '') return undefined;
  return v.trim();
}

/** `envText(env, 'X')`: one variable through presentText. */
export function envText(env: Env, name: string): string | undefined {
  return presentText(env[name]);
}

/** A yes/no word (any case, surrounding spaces ignored) → boolean; anything else → undefined. */
export function boolWord(v: string): boolean | undefined {
  const w = v.trim().toLowerCase();
  return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : undefined;
}

/** `a, b,,c` → ['a', 'b', 'c']. */
export function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A number within [min, max] (whole when `integer`), or undefined. */
export function numberIn(v: string | number, min: number, max: number, integer = false): number | undefined {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v.trim());
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) return undefined;
  return n;
}

// The zod parsers of ENV_SPEC: each takes the raw string (or undefined) and gives the typed value,
// so the Config's types follow from the schema (z.infer) rather than from casts.

/** A boolean with a default. */
export const envBool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const b = boolWord(v);
      if (b !== undefined) return b;
      ctx.addIssue({ code: 'custom', message: `${BOOL_EXPECTED}, got '${v}'` });
      return z.NEVER;
    });

/** A boolean whose default depends on something else (undefined when unset). */
export const envMaybeBool = z
  .string()
  .optional()
  .transform((v, ctx): boolean | undefined => {
    if (v === undefined || v.trim() === '') return undefined;
    const b = boolWord(v);
    if (b !== undefined) return b;
    ctx.addIssue({ code: 'custom', message: `${BOOL_EXPECTED}, got '${v.trim().toLowerCase()}'` });
    return z.NEVER;
  });

/** A number in a range with a default; `what` names the unit in the message ("seconds", "a count"). */
export const envNumber = (fallback: number, min: number, max: number, what: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = numberIn(v, min, max);
      if (n !== undefined) return n;
      ctx.addIssue({ code: 'custom', message: `expected ${what} between ${min} and ${max}, got '${v}'` });
      return z.NEVER;
    });

/** Durations are configured in seconds (as in the Python server) and used in milliseconds. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** A comma-separated list (empty when unset). */
export const envList = z
  .string()
  .optional()
  .transform((v) => splitList(v));

/** Free text, trimmed; undefined when unset or blank. */
export const envOptionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** One of a fixed set of words. */
export const envEnum = <const T extends readonly [string, ...string[]]>(words: T) => z.enum(words).optional();

// The instances file: YAML gives real booleans and numbers as well as strings; same words, same ranges.

/** A YAML/JSON boolean, or one of the yes/no words. */
export function yamlBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' || typeof v === 'number' ? boolWord(String(v)) : undefined;
}

/** A YAML/JSON number (or numeric string) within [min, max]. */
export function yamlNumber(v: unknown, min: number, max: number): number | undefined {
  return typeof v === 'number' || typeof v === 'string' ? numberIn(v, min, max) : undefined;
}
