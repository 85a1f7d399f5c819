import type { Config, ThrukSettings } from './config.js';
import type { HttpAuthSettings } from './http.js';

/**
 * What a tool may read of the configuration: its limits, read-only, the identity settings of the
 * call's Thruk instance, and the authorship rules. Narrower than Config so that a tool cannot
 * come to depend on transport or start-up settings.
 */
export interface ToolConfig {
  readonly mode: Config['mode'];
  readonly readOnly: boolean;
  readonly readOnlyReason?: Config['readOnlyReason'];
  readonly allowAuthorArg?: boolean | undefined;
  readonly maxBulkTargets: number;
  readonly maxAnswerTokens: number;
  readonly noisyMaxAlerts: number;
  /** The call's instance: its Thruk, its user, its key (to keep out of answers). */
  readonly thruk: ThrukSettings;
  readonly http: { readonly auth: Pick<HttpAuthSettings, 'writeScope' | 'thrukAuth'> };
}

const toolConfigs = new WeakMap<Config, WeakMap<ThrukSettings, ToolConfig>>();

/**
 * The ToolConfig of `config` for calls on `thruk`, built once per (view, instance) pair rather than
 * per call: with several instances or per-caller keys each call has its own settings object.
 */
export function toolConfigOf(config: Config, thruk: ThrukSettings = config.thruk): ToolConfig {
  let perInstance = toolConfigs.get(config);
  if (perInstance === undefined) toolConfigs.set(config, (perInstance = new WeakMap()));
  const known = perInstance.get(thruk);
  if (known !== undefined) return known;
  const { mode, readOnly, readOnlyReason, allowAuthorArg, maxBulkTargets, maxAnswerTokens, noisyMaxAlerts } = config;
  const { writeScope, thrukAuth } = config.http.auth;
  const view: ToolConfig = Object.freeze({
    mode,
    readOnly,
    ...(readOnlyReason !== undefined ? { readOnlyReason } : {}),
    allowAuthorArg,
    maxBulkTargets,
    maxAnswerTokens,
    noisyMaxAlerts,
    thruk,
    http: Object.freeze({ auth: Object.freeze({ writeScope, ...(thrukAuth !== undefined ? { thrukAuth } : {}) }) }),
  });
  perInstance.set(thruk, view);
  return view;
}
