import { KINDS } from './estate-data.js';

/** `{date+12d}` in an output → that day relative to `atSec`, as check_http prints it: outputs never go stale. */
export function datedText(text: string, atSec: number): string {
  return text.replace(
    /\{date([+-]\d+)d\}/g,
    (_m, days: string) =>
      `${new Date((Math.floor(atSec / 86400) + Number(days)) * 86400_000 + 12 * 3600_000).toISOString().slice(0, 10)} 12:00 +0000`,
  );
}

/** A kind's plugin output, perfdata and long output for a state, dated relative to `atSec` (when the check ran). */
export function kindOutput(kind: string, state: number, atSec: number): readonly [string, string, string] {
  const out = KINDS[kind]?.[state];
  if (out) return [datedText(out[0], atSec), out[1], datedText(out[2] ?? '', atSec)];
  const label = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][state] ?? 'UNKNOWN';
  return [state === 3 ? 'UNKNOWN - No data received from host' : `${label} - ${kind} check returned ${label}`, '', ''];
}
