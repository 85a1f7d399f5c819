import type { JsonObject, JsonValue } from './types.js';

export class ThrukError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: { description?: string; help?: JsonValue; failed?: boolean; details?: string } = {},
  ) {
    super(message);
  }

  body(): JsonObject {
    const out: JsonObject = { code: this.code, message: this.message };
    if (this.extra.description !== undefined) out['description'] = this.extra.description;
    if (this.extra.details !== undefined) out['details'] = this.extra.details;
    if (this.extra.help !== undefined) out['help'] = this.extra.help;
    // Thruk only adds `failed` by itself for codes above 400; some 400s set it explicitly.
    if (this.extra.failed ?? this.code > 400) out['failed'] = true;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** A Perl `die` inside a REST handler: 500 "error during request" with the Perl location appended. */
export function perlDie(text: string, where = 'lib/Thruk/Utils/Status.pm line 2830'): ThrukError {
  return new ThrukError(500, 'error during request', { description: `${text} at ${where}.\n` });
}

export function badRequest(message: string, description?: string, help?: JsonValue): ThrukError {
  return new ThrukError(400, message, {
    ...(description !== undefined ? { description } : {}),
    ...(help !== undefined ? { help } : {}),
  });
}

export function typoError(keys: readonly string[], help: string, aliases?: ReadonlyMap<string, string>): ThrukError {
  // rest_v1.pm _apply_filter: a missing key that is also a requested column's name (its alias; a
  // plain column is its own alias) answers this instead (real Thruk 3.20.2 on Icinga 2, fixture
  // logs_host_alert_stats_q_host_name_icinga_400.json: "use 'host_name' instead of 'host_name'").
  const alias = [...keys].find((k) => aliases?.has(k) === true);
  if (alias !== undefined) {
    return new ThrukError(400, 'alias column name used in filter', {
      description: `alias column names cannot be used in filter, use '${aliases?.get(alias) ?? alias}' instead of '${alias}'`,
      failed: true,
      help,
    });
  }
  return new ThrukError(400, 'possible typo in filter', {
    description: `no datarow has attribute(s) named: ${[...keys].sort().join(', ')}`,
    failed: true,
    help,
  });
}
