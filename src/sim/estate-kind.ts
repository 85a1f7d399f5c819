import { KINDS } from './estate-data.js';

export function kindOutput(kind: string, state: number): readonly [string, string, string] {
  const out = KINDS[kind]?.[state];
  if (out) return [out[0], out[1], out[2] ?? ''];
  const label = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'][state] ?? 'UNKNOWN';
  return [state === 3 ? 'UNKNOWN - No data received from host' : `${label} - ${kind} check returned ${label}`, '', ''];
}
