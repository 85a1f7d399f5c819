import type { JsonValue } from './types.js';

/** Pretty output puts every scalar on its own line, so a float literal always ends a line. */
const LONG_FLOAT = /(-?\d+\.\d{16,}(?:e[+-]?\d+)?|-?\d(?:\.\d+)?e[+-]?\d+)(,?)$/gm;

/** JSON as Thruk's JSON::XS prints it: pretty, 3-space indent, `"key" : value`, trailing newline. */
export function perlJson(value: JsonValue): string {
  const text = JSON.stringify(value, null, 3)
    .replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1 : ')
    // Perl prints floats with 15 significant digits (0.1 + 0.2 is 0.3 there).
    .replace(LONG_FLOAT, (_m, num: string, comma: string) => `${String(Number(Number(num).toPrecision(15)))}${comma}`);
  return `${text}\n`;
}
