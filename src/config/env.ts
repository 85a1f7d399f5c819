/**
 * Every environment variable of ENV_SPEC with its parser, help text and secret flag; the schema of
 * them all gives the loader its types (z.infer). The HTTP settings' variables are in http.ts.
 */
import { z } from 'zod';
import { envBool, envEnum, envList, envMaybeBool, envNumber, envOptionalText, UNSET_PLACEHOLDER, type Env } from './parse.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every setting with its environment variable. The variable names and meanings are the Python
 * thruk-mcp's, so an existing deployment keeps working; the table is also the source of the docs.
 */
export const ENV_SPEC = {
  THRUK_BASE_URL: { schema: envOptionalText, doc: 'Thruk root URL, e.g. https://mon.example.com/mysite/thruk (required unless --demo).' },
  THRUK_API_KEY: {
    schema: envOptionalText,
    doc: 'Thruk API key, sent as X-Thruk-Auth-Key (required unless --demo or MCP_THRUK_AUTH=caller). Secret.',
    secret: true,
  },
  THRUK_AUTH_USER: { schema: envOptionalText, doc: 'Impersonate this Thruk user (X-Thruk-Auth-User; needs a superuser key).' },
  THRUK_VERIFY_SSL: { schema: envBool(true), doc: "Verify Thruk's TLS certificate (default true). false is logged as a warning." },
  THRUK_CA_FILE: { schema: envOptionalText, doc: "PEM file with extra CA certificates for Thruk's TLS certificate." },
  THRUK_TIMEOUT: { schema: envNumber(30, 1, 600, 'seconds'), doc: 'Timeout of one Thruk request in seconds (default 30).' },
  THRUK_DEFAULT_BACKENDS: { schema: envList, doc: 'Comma-separated Thruk backends (sites) used when a call names none (default: all).' },
  THRUK_MCP_CONFIG: {
    schema: envOptionalText,
    doc: 'JSON or YAML file declaring several named Thruk instances (docs/configuration.md); tools then take an instance argument. THRUK_BASE_URL, if set, adds the instance "default".',
  },
  THRUK_READ_ONLY: { schema: envBool(false), doc: 'Remove every write tool and refuse them by name (default false).' },
  THRUK_ENABLED_TOOLS: {
    schema: envList,
    doc: 'Comma-separated allowlist of tool names; shell wildcards allowed (thruk_list_*). Default: all.',
  },
  THRUK_TOOLSETS: {
    schema: envList,
    doc: 'Comma-separated toolsets to expose: default (the everyday tools; used when unset and THRUK_ENABLED_TOOLS is unset), all, or toolset names from docs/tools.md; combine, e.g. default,trends.',
  },
  THRUK_DYNAMIC_TOOLSETS: {
    schema: envBool(true),
    doc: 'Let the model turn on more toolsets with thruk_enable_toolset (stdio sessions; over HTTP the ?toolsets= URL parameter or X-MCP-Toolsets header). false fixes the set to THRUK_TOOLSETS (default true).',
  },
  THRUK_AUDIT_LOG: { schema: envBool(true), doc: 'One JSON audit line on stderr per write call and preview (default true).' },
  THRUK_AUDIT_FILE: {
    schema: envOptionalText,
    doc: 'Also append the audit records to this file (JSON lines). A write whose record cannot be written is not sent.',
  },
  THRUK_COMMENT_AUTHOR: {
    schema: envOptionalText,
    doc: 'Author of comments, acknowledgements and downtimes over stdio and the call command (default: the Thruk user of the API key, from /thruk/whoami). Over HTTP the verified caller is the author.',
  },
  THRUK_ALLOW_AUTHOR_ARG: {
    schema: envMaybeBool,
    doc: "Whether the write tools' `author` argument is honoured: default true over stdio, false over HTTP; never in MCP_THRUK_AUTH=caller or impersonate mode, where the author is the caller.",
  },
  THRUK_MAX_BULK_TARGETS: {
    schema: envNumber(50, 1, 10000, 'a count'),
    doc: 'Most objects one write call may touch; larger calls are refused with the count (default 50).',
  },
  THRUK_MAX_CONCURRENT: { schema: envNumber(0, 0, 1000, 'a count'), doc: 'Cap on concurrent Thruk requests; 0 = unlimited (default 0).' },
  THRUK_CACHE_TTL: {
    schema: envNumber(15, 0, 3600, 'seconds'),
    doc: 'Cache lifetime in seconds for slow-moving endpoints (stats, totals, sites…); 0 disables (default 15).',
  },
  THRUK_NOISY_MAX_ALERTS: {
    schema: envNumber(10000, 100, 1_000_000, 'a count'),
    doc: 'Most raw log rows an analysis (noise, flapping, reliability, concurrent failures) reads before it narrows the window and says so (default 10000).',
  },
  THRUK_MAX_ANSWER_TOKENS: {
    schema: envNumber(8000, 500, 100000, 'tokens'),
    doc: 'Answer budget per tool result; longer results are cut with a notice (default 8000).',
  },
  MCP_HTTP_TOKEN: { schema: envOptionalText, doc: 'Bearer token required on /mcp in HTTP mode. Secret.', secret: true },
  MCP_HTTP_ALLOW_UNAUTHENTICATED: {
    schema: envBool(false),
    doc: 'Allow HTTP mode without MCP_HTTP_TOKEN (loopback only unless --allow-remote-unauthenticated).',
  },
  MCP_HTTP_ALLOWED_HOSTS: {
    schema: envList,
    doc: 'Host header allowlist in HTTP mode (default: localhost, 127.0.0.1, [::1] and the bind address).',
  },
  LOG_LEVEL: { schema: envEnum(LOG_LEVELS), doc: 'Log level on stderr (default info).' },
  HTTPS_PROXY: { schema: envOptionalText, doc: 'Proxy for https:// Thruk URLs (also https_proxy).' },
  HTTP_PROXY: { schema: envOptionalText, doc: 'Proxy for http:// Thruk URLs (also http_proxy).' },
  NO_PROXY: { schema: envOptionalText, doc: 'Hosts that bypass the proxy (also no_proxy).' },
} as const satisfies Readonly<Record<string, EnvVarSpec>>;

/** One environment variable: its parser (which also gives its type and default), its help text, whether it is secret. */
export interface EnvVarSpec {
  readonly schema: z.ZodType<unknown, string | undefined>;
  readonly doc: string;
  readonly secret?: boolean;
}

export type EnvName = keyof typeof ENV_SPEC;
type EnvShape = { readonly [K in EnvName]: (typeof ENV_SPEC)[K]['schema'] };

/** The schema of all of ENV_SPEC at once; its inferred type is what the loader works with. */
function envSchema() {
  // Object.fromEntries loses the keys' types; the mapped type restores exactly what ENV_SPEC declares.
  const shape = Object.fromEntries(Object.entries(ENV_SPEC).map(([k, v]) => [k, v.schema])) as EnvShape;
  return z.object(shape);
}

/** Every variable of ENV_SPEC, parsed: `values.THRUK_TIMEOUT` is a number, `values.THRUK_TOOLSETS` a string[]. */
export type EnvValues = z.infer<ReturnType<typeof envSchema>>;

/** The raw ENV_SPEC variables; the proxies also under their lower-case names; the placeholder reads as unset. */
export function readEnv(env: Env): Record<EnvName, string | undefined> {
  const out: Partial<Record<EnvName, string | undefined>> = {};
  for (const name of Object.keys(ENV_SPEC) as EnvName[]) {
    const raw = env[name] ?? (name.endsWith('_PROXY') ? env[name.toLowerCase()] : undefined);
    out[name] = raw === UNSET_PLACEHOLDER ? undefined : raw;
  }
  return out as Record<EnvName, string | undefined>;
}

/**
 * Parses every variable through ENV_SPEC, one issue per bad variable (naming it); a bad variable
 * then takes its default so the rest of the checks still run and report in the same round.
 */
export function parseEnv(raw: Readonly<Record<EnvName, string | undefined>>, issues: string[]): EnvValues {
  const schema = envSchema();
  const first = schema.safeParse(raw);
  if (first.success) return first.data;
  const input: Record<string, string | undefined> = { ...raw };
  const byName = new Map<string, string[]>();
  for (const i of first.error.issues) {
    const name = String(i.path[0]);
    byName.set(name, [...(byName.get(name) ?? []), i.message]);
    input[name] = undefined;
  }
  for (const [name, messages] of byName) issues.push(`${name}: ${messages.join('; ')}`);
  return schema.parse(input);
}
