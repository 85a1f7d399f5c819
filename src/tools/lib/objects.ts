import { z } from 'zod';
import { ToolInputError, type ToolContext } from '../core/define.js';
import { closest } from './closest.js';
import { getRows } from './list.js';

/** Object names go into filters and command lines; a line break there would inject a Livestatus header. */
export const objectName = (what: string) =>
  z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[^\x00-\x1f\x7f]+$/, 'must not contain line breaks or control characters')
    .describe(what);

export const hostNameArg = objectName('Host name');

/** On a miss, suggests near names so the model can correct itself in one step. */
export async function hostSuggestions(ctx: ToolContext, name: string, backends: string[] | undefined): Promise<string[]> {
  const rows = await getRows(ctx, '/hosts', [['columns', 'name']], backends);
  return closest(
    name,
    rows.map((r) => String(r.name)),
    3,
  );
}

export function notFound(kind: string, name: string, near: readonly string[], listTool: string): ToolInputError {
  const hint = near.length > 0 ? ` Did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : '';
  return new ToolInputError(`No ${kind} named '${name}'.${hint} Use ${listTool} to see the names (names are case-sensitive).`);
}

/** The filter fields of /services that the service listings accept. */
export const SERVICE_FILTER_FIELDS = [
  'host',
  'description',
  'state',
  'hostgroup',
  'servicegroup',
  'custom_var',
  'host_custom_var',
  'host_state',
  'acknowledged',
  'scheduled_downtime_depth',
  'plugin_output',
  'has_been_checked',
  'state_type',
  'notifications_enabled',
  'is_flapping',
  'peer_name',
] as const;
