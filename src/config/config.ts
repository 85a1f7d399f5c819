import { COMPAT_FLAG_SPEC, resolveCompatFlags, type CompatResult } from './compat.js';
import { parseArgs } from 'node:util';
import { secondsToMs, splitList, type Env } from './parse.js';
import { ENV_SPEC, LOG_LEVELS, parseEnv, readEnv, type EnvValues } from './env.js';
import {
  INSTANCE_NAME,
  loadInstanceFile,
  type InstanceFile,
  type InstanceFileOptions,
  type InstanceSettings,
  type ThrukSettings,
} from './file.js';
import { thrukUserProblem } from '../thruk/auth-user.js';
import { hasHttpAuth, parseHttpAuth, parseHttpOps, type HttpAuthSettings, type HttpOpsSettings } from './http.js';

export type { InstanceSettings, ThrukSettings } from './file.js';
export { ENV_SPEC, parseEnv, type EnvValues, type EnvVarSpec } from './env.js';
export { toolConfigOf, type ToolConfig } from './tool-config.js';

export const FLAG_SPEC = {
  listen: { type: 'string', doc: 'Serve Streamable HTTP on this port (path /mcp) instead of stdio.' },
  host: { type: 'string', doc: 'Bind address for --listen (default 127.0.0.1).' },
  demo: { type: 'boolean', doc: 'Run against the built-in simulated Thruk estate (no Thruk needed).' },
  'demo-hosts': { type: 'string', doc: 'Size of the simulated estate for --demo (default 25 hosts).' },
  'read-only': { type: 'boolean', doc: 'Same as THRUK_READ_ONLY=true.' },
  toolsets: {
    type: 'string',
    doc: 'Toolsets to offer (same as THRUK_TOOLSETS): default when unset, all for every tool, or names, e.g. default,trends.',
  },
  'allow-remote-unauthenticated': { type: 'boolean', doc: 'With MCP_HTTP_ALLOW_UNAUTHENTICATED=true, also allow a non-loopback bind.' },
  'log-level': { type: 'string', doc: 'Same as LOG_LEVEL.' },
  ...COMPAT_FLAG_SPEC,
  help: { type: 'boolean', short: 'h', doc: 'Show help.' },
  version: { type: 'boolean', short: 'v', doc: 'Show the version.' },
} as const;

/**
 * Neither THRUK_TOOLSETS nor THRUK_ENABLED_TOOLS set: the default selection, so that tools/list
 * stays small. An allowlist alone keeps choosing among all tools, as it did in the Python server.
 */
function defaultToolsets(toolsets: string[], enabledTools: readonly string[]): string[] {
  return toolsets.length === 0 && enabledTools.length === 0 ? ['default'] : toolsets;
}

export interface Config {
  readonly mode: 'stdio' | 'http';
  readonly demo: boolean;
  readonly demoHosts: number;
  /** The default instance's settings (what a call without an `instance` argument uses). */
  readonly thruk: ThrukSettings;
  /** Every configured Thruk instance, in declaration order; one ("default") without THRUK_MCP_CONFIG. */
  readonly instances: readonly InstanceSettings[];
  readonly defaultInstance: string;
  readonly proxy: { readonly httpProxy?: string; readonly httpsProxy?: string; readonly noProxy?: string };
  readonly readOnly: boolean;
  /** Why readOnly holds for this view: 'scope' when an HTTP caller's token lacks the write scope. */
  readonly readOnlyReason?: 'config' | 'scope';
  readonly enabledTools: readonly string[];
  readonly toolsets: readonly string[];
  /** The model may turn on more toolsets (per stdio session, per HTTP request URL/header); false pins THRUK_TOOLSETS. */
  readonly dynamicToolsets: boolean;
  readonly auditLog: boolean;
  readonly auditFile: string | undefined;
  /** THRUK_ALLOW_AUTHOR_ARG; undefined: true over stdio, false over HTTP. */
  readonly allowAuthorArg?: boolean | undefined;
  readonly maxBulkTargets: number;
  readonly maxAnswerTokens: number;
  readonly noisyMaxAlerts: number;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly token: string | undefined;
    readonly allowUnauthenticated: boolean;
    readonly allowRemoteUnauthenticated: boolean;
    readonly allowedHosts: readonly string[];
    /** 'json' (--json-response): one JSON body per request instead of an SSE stream. */
    readonly responseMode: 'auto' | 'json';
    /** Static tokens (MCP_HTTP_TOKEN included, with write scope), OAuth and the metrics port. */
    readonly auth: HttpAuthSettings;
    /** Rate/size limits, TLS and proxy policy, shutdown deadline. */
    readonly ops: HttpOpsSettings;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type ConfigResult =
  { ok: true; config: Config; action: 'serve' } | { ok: true; action: 'help' | 'version' } | { ok: false; issues: string[] };

export const DEMO_BASE_URL = 'http://thruk-simulator.invalid/demo/thruk';
export const DEMO_API_KEY = 'demo';
/** The instance the THRUK_* variables describe. */
export const ENV_INSTANCE = 'default';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/** user:password@ in a URL (the WHATWG parser finds it even where a regex would not). */
function hasUrlCredentials(u: string): boolean {
  try {
    const url = new URL(u);
    return url.username !== '' || url.password !== '';
  } catch {
    return /^[a-z]+:\/\/[^/]*@/i.test(u);
  }
}

/** A URL for an error message: never with its credentials. */
function safeBaseUrl(u: string): string {
  return u.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1***@');
}

type Flags = Record<string, string | boolean | undefined>;

function parseFlags(argv: readonly string[]): { flags: Flags } | { issue: string } {
  try {
    const options = Object.fromEntries(
      Object.entries(FLAG_SPEC).map(([k, v]) => [k, 'short' in v ? { type: v.type, short: v.short } : { type: v.type }]),
    );
    return { flags: parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }).values };
  } catch (e) {
    return { issue: `${(e as Error).message}. Run thruk-mcp --help for the options.` };
  }
}

function resolveLogLevel(fromEnv: Config['logLevel'] | undefined, flag: string | undefined, issues: string[]): Config['logLevel'] {
  if (flag === undefined) return fromEnv ?? 'info';
  const r = ENV_SPEC.LOG_LEVEL.schema.safeParse(flag);
  if (r.success && r.data !== undefined) return r.data;
  issues.push(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got '${flag}'`);
  return fromEnv ?? 'info';
}

interface HttpInputs {
  readonly env: Env;
  readonly values: EnvValues;
  readonly flags: Flags;
  readonly compat: CompatResult;
  readonly mode: Config['mode'];
}

/** The HTTP block of the Config (also parsed over stdio: doctor and /readyz report on it). */
function httpSettings({ env, values, flags, compat, mode }: HttpInputs, issues: string[]): Config['http'] {
  const port = compat.listen === undefined ? 0 : parseIntFlag('--listen', compat.listen, 0, 0, 65535, issues);
  const host = typeof flags.host === 'string' ? flags.host : '127.0.0.1';
  const token = values.MCP_HTTP_TOKEN;
  const allowUnauthenticated = values.MCP_HTTP_ALLOW_UNAUTHENTICATED;
  const allowRemoteUnauthenticated = flags['allow-remote-unauthenticated'] === true;
  const auth = parseHttpAuth(env, token, issues, mode);
  const ops = parseHttpOps(env, { http: mode === 'http', host, loopback: isLoopback(host) }, issues);
  if (mode === 'http' && !hasHttpAuth(auth)) {
    if (!allowUnauthenticated) {
      issues.push(
        'MCP_HTTP_TOKEN: HTTP mode needs authentication. Set MCP_HTTP_TOKEN (or MCP_HTTP_TOKENS, or MCP_OAUTH_JWKS_URL + MCP_OAUTH_ISSUER, or MCP_THRUK_AUTH=caller), or MCP_HTTP_ALLOW_UNAUTHENTICATED=true for a loopback-only test setup.',
      );
    } else if (!isLoopback(host) && !allowRemoteUnauthenticated) {
      issues.push(
        `MCP_HTTP_ALLOW_UNAUTHENTICATED: refusing to serve without a token on non-loopback address ${host}. Set MCP_HTTP_TOKEN, bind 127.0.0.1, or pass --allow-remote-unauthenticated if you really mean it.`,
      );
    }
  }
  const allowedHosts = values.MCP_HTTP_ALLOWED_HOSTS;
  return {
    port,
    host,
    token,
    allowUnauthenticated,
    allowRemoteUnauthenticated,
    allowedHosts,
    responseMode: compat.responseMode,
    auth,
    ops,
  };
}

/** What an instance of the instances file leaves out comes from these THRUK_* variables. */
function instanceDefaults(values: EnvValues): InstanceFileOptions['defaults'] {
  return {
    verifySsl: values.THRUK_VERIFY_SSL,
    caFile: values.THRUK_CA_FILE,
    timeoutMs: secondsToMs(values.THRUK_TIMEOUT),
    defaultBackends: values.THRUK_DEFAULT_BACKENDS,
    maxConcurrent: values.THRUK_MAX_CONCURRENT,
    cacheTtlMs: secondsToMs(values.THRUK_CACHE_TTL),
  };
}

interface ThrukInputs {
  readonly values: EnvValues;
  readonly defaults: InstanceFileOptions['defaults'];
  readonly file: InstanceFile | undefined;
  readonly demo: boolean;
  readonly keyOptional: boolean;
  readonly requireThruk: boolean;
}

/** Checks THRUK_BASE_URL / THRUK_API_KEY when they describe an instance. */
function checkEnvThruk(baseUrl: string, apiKey: string, keyOptional: boolean, issues: string[]): void {
  if (baseUrl === '')
    issues.push('THRUK_BASE_URL: not set. Set it to your Thruk root, e.g. https://mon.example.com/mysite/thruk (or run with --demo).');
  else if (!/^https?:\/\/[^/]/i.test(baseUrl))
    issues.push(`THRUK_BASE_URL: must start with http:// or https://, got '${safeBaseUrl(baseUrl)}'`);
  else if (hasUrlCredentials(baseUrl))
    issues.push(
      'THRUK_BASE_URL: must not carry credentials (user:password@…); they would be dropped, not used. thruk-mcp signs in with a Thruk API key: put it in THRUK_API_KEY (and THRUK_AUTH_USER to act as another Thruk user), and remove user:password@ from the URL.',
    );
  if (apiKey === '' && !keyOptional)
    issues.push('THRUK_API_KEY: not set. Create one in Thruk (user profile → API keys) and pass it in THRUK_API_KEY (or run with --demo).');
}

/** The instance the THRUK_* variables describe, and whether they describe one at all. */
function envInstance(
  { values, defaults, file, demo, keyOptional, requireThruk }: ThrukInputs,
  issues: string[],
): { settings: InstanceSettings; declared: boolean } {
  let baseUrl = values.THRUK_BASE_URL ?? '';
  let apiKey = values.THRUK_API_KEY ?? '';
  // With a config file, the THRUK_* variables only add an instance when they name a Thruk.
  const declared = file === undefined || (baseUrl !== '' && !demo);
  if (demo) {
    baseUrl = DEMO_BASE_URL;
    apiKey = DEMO_API_KEY;
  } else if (requireThruk && declared) checkEnvThruk(baseUrl, apiKey, keyOptional, issues);
  if (!demo && apiKey !== '' && !/^[A-Za-z0-9_]+$/.test(apiKey))
    issues.push('THRUK_API_KEY: Thruk keys contain only letters, digits and _; check for quotes or spaces around the value.');
  if (file !== undefined && !declared && !demo && apiKey !== '')
    issues.push(
      'THRUK_API_KEY: has no effect without THRUK_BASE_URL when THRUK_MCP_CONFIG declares the instances; set both to add the instance "default", or neither.',
    );
  baseUrl = baseUrl.replace(/\/+$/, '');
  if (baseUrl.endsWith('/r')) baseUrl = baseUrl.slice(0, -2);
  const commentAuthor = values.THRUK_COMMENT_AUTHOR;
  const settings: InstanceSettings = {
    name: ENV_INSTANCE,
    baseUrl,
    apiKey,
    authUser: values.THRUK_AUTH_USER,
    ...(commentAuthor !== undefined ? { commentAuthor } : {}),
    ...defaults,
  };
  return { settings, declared };
}

/** A user Thruk would read as "nobody" turns impersonation into its superuser: refuse it here. */
function checkAuthUsers(rawUser: string | undefined, env: InstanceSettings, file: InstanceFile | undefined, issues: string[]): void {
  if (env.authUser !== undefined && typeof rawUser === 'string') {
    const problem = thrukUserProblem(rawUser);
    if (problem !== undefined)
      issues.push(
        `THRUK_AUTH_USER: the Thruk user name ${problem}. Set the exact user name, or leave it unset to act as the API key's own user.`,
      );
  }
  for (const inst of file?.instances ?? []) {
    const problem = inst.authUser !== undefined ? thrukUserProblem(inst.authUser) : undefined;
    if (problem !== undefined) issues.push(`THRUK_MCP_CONFIG: instances.${inst.name}.auth_user: the Thruk user name ${problem}`);
  }
}

/** The env instance (when declared) then the file's, in order; the default one as the file names it. */
function resolveInstances(
  inputs: ThrukInputs,
  rawUser: string | undefined,
  issues: string[],
): { instances: InstanceSettings[]; thruk: ThrukSettings; defaultInstance: string } {
  const { file, demo } = inputs;
  const env = envInstance(inputs, issues);
  const instances: InstanceSettings[] = env.declared ? [env.settings] : [];
  // Demo mode simulates every declared instance; one declared without a key gets the demo key.
  for (const inst of (file?.instances ?? []).map((i) => (demo && i.apiKey === '' ? { ...i, apiKey: DEMO_API_KEY } : i))) {
    if (instances.some((i) => i.name === inst.name))
      issues.push(`THRUK_MCP_CONFIG: instances.${inst.name}: the name is taken by the instance THRUK_BASE_URL describes; rename it`);
    else instances.push(inst);
  }
  checkAuthUsers(rawUser, env.settings, file, issues);
  const wanted = file?.defaultName ?? instances[0]?.name ?? ENV_INSTANCE;
  const chosen = instances.find((i) => i.name === wanted);
  if (file?.defaultName !== undefined && chosen === undefined && instances.length > 0) {
    issues.push(
      `THRUK_MCP_CONFIG: default: '${INSTANCE_NAME.test(wanted) ? wanted : '…'}' is not a declared instance; use one of ${instances.map((i) => i.name).join(', ')}`,
    );
  }
  return { instances, thruk: settingsOf(chosen ?? env.settings), defaultInstance: chosen?.name ?? ENV_INSTANCE };
}

function proxyOf(values: EnvValues): Config['proxy'] {
  const proxy: { httpProxy?: string; httpsProxy?: string; noProxy?: string } = {};
  if (values.HTTP_PROXY !== undefined) proxy.httpProxy = values.HTTP_PROXY;
  if (values.HTTPS_PROXY !== undefined) proxy.httpsProxy = values.HTTPS_PROXY;
  if (values.NO_PROXY !== undefined) proxy.noProxy = values.NO_PROXY;
  return proxy;
}

/** The tool-selection and limits part of the Config, straight from the parsed variables and flags. */
function toolSettings(values: EnvValues, flags: Flags) {
  const toolsetsFlag = typeof flags.toolsets === 'string' ? splitList(flags.toolsets) : undefined;
  return {
    readOnly: flags['read-only'] === true || values.THRUK_READ_ONLY,
    enabledTools: values.THRUK_ENABLED_TOOLS,
    toolsets: defaultToolsets(toolsetsFlag ?? values.THRUK_TOOLSETS, values.THRUK_ENABLED_TOOLS),
    dynamicToolsets: values.THRUK_DYNAMIC_TOOLSETS,
    auditLog: values.THRUK_AUDIT_LOG,
    auditFile: values.THRUK_AUDIT_FILE,
    allowAuthorArg: values.THRUK_ALLOW_AUTHOR_ARG,
    maxBulkTargets: values.THRUK_MAX_BULK_TARGETS,
    maxAnswerTokens: values.THRUK_MAX_ANSWER_TOKENS,
    noisyMaxAlerts: values.THRUK_NOISY_MAX_ALERTS,
  } satisfies Partial<Config>;
}

/**
 * Parses flags and environment once into a frozen Config. Returns every problem at once, each
 * naming the variable or flag, so a user fixes a broken setup in one round.
 */
export function loadConfig(argv: readonly string[], env: Env, opts: { requireThruk?: boolean } = {}): ConfigResult {
  const parsed = parseFlags(argv);
  if ('issue' in parsed) return { ok: false, issues: [parsed.issue] };
  const { flags } = parsed;
  if (flags.help === true) return { ok: true, action: 'help' };
  if (flags.version === true) return { ok: true, action: 'version' };

  const issues: string[] = [];
  const raw = readEnv(env);
  const values = parseEnv(raw, issues);
  const demo = flags.demo === true;
  const demoHosts = parseIntFlag('--demo-hosts', flags['demo-hosts'], 25, 1, 50_000, issues);
  const compat = resolveCompatFlags(flags, issues);
  const mode = compat.listen === undefined ? 'stdio' : 'http';
  const http = httpSettings({ env, values, flags, compat, mode }, issues);
  const logLevel = resolveLogLevel(values.LOG_LEVEL, compat.logLevel, issues);
  // Callers that bring their own Thruk key need none configured (one still serves /readyz and doctor;
  // over stdio, where no caller brings one, Thruk then refuses every call with a clear message).
  const keyOptional = http.auth.thrukAuth === 'caller';
  const defaults = instanceDefaults(values);
  const filePath = values.THRUK_MCP_CONFIG;
  const file = filePath !== undefined ? loadInstanceFile(filePath, { defaults, env, keyOptional: keyOptional || demo }, issues) : undefined;
  const thruk = resolveInstances(
    { values, defaults, file, demo, keyOptional, requireThruk: opts.requireThruk !== false },
    raw.THRUK_AUTH_USER,
    issues,
  );
  if (issues.length > 0) return { ok: false, issues };

  const config: Config = { mode, demo, demoHosts, ...thruk, proxy: proxyOf(values), ...toolSettings(values, flags), http, logLevel };
  return { ok: true, action: 'serve', config: deepFreeze(config) };
}

function settingsOf(i: InstanceSettings): ThrukSettings {
  const { name: _name, ...rest } = i;
  return rest;
}

function parseIntFlag(name: string, v: string | boolean | undefined, fallback: number, min: number, max: number, issues: string[]): number {
  if (typeof v !== 'string') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    issues.push(`${name}: expected a whole number between ${min} and ${max}, got '${v}'`);
    return fallback;
  }
  return n;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** The process environment, read here and only here (lint-enforced). */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
