/**
 * THRUK_MCP_CONFIG: a JSON or YAML file declaring several named Thruk instances. Parsed once at
 * start-up into plain settings; every problem is collected (never thrown) and no message ever
 * shows a key, a key file's content or a line of the file (a parser's code frame could).
 */
import { readFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { presentText, secondsToMs, splitList, yamlBool, yamlNumber, type Env } from './parse.js';

/** How to reach and authenticate against one Thruk (the env variables describe the default one). */
export interface ThrukSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly authUser: string | undefined;
  readonly verifySsl: boolean;
  readonly caFile: string | undefined;
  readonly timeoutMs: number;
  readonly defaultBackends: readonly string[];
  readonly maxConcurrent: number;
  readonly cacheTtlMs: number;
  /** THRUK_COMMENT_AUTHOR / comment_author: who comments, acks and downtimes name over stdio. */
  readonly commentAuthor?: string | undefined;
}

export interface InstanceSettings extends ThrukSettings {
  readonly name: string;
}

export interface InstanceFile {
  readonly instances: InstanceSettings[];
  /** The `default:` entry, when the file names one. */
  readonly defaultName: string | undefined;
}

export interface InstanceFileOptions {
  /** Settings the file leaves out come from the environment (THRUK_TIMEOUT…). */
  readonly defaults: Omit<ThrukSettings, 'baseUrl' | 'apiKey' | 'authUser'>;
  readonly env: Env;
  /** Demo mode, or callers bringing their own Thruk keys: an instance may come without a key. */
  readonly keyOptional: boolean;
  /** Reads a key file (replaced in tests). */
  readonly readText?: (path: string) => string;
}

export const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const API_KEY = /^[A-Za-z0-9_]+$/;

const INSTANCE_KEYS = [
  'url',
  'api_key',
  'api_key_file',
  'api_key_env',
  'auth_user',
  'verify_ssl',
  'ca_file',
  'timeout',
  'default_backends',
  'max_concurrent',
  'cache_ttl',
  'comment_author',
] as const;
const TOP_KEYS = ['instances', 'default'] as const;

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unreadable';
}

/** Reads and parses the file named by THRUK_MCP_CONFIG, appending every problem to `issues`. */
export function loadInstanceFile(path: string, opts: InstanceFileOptions, issues: string[]): InstanceFile {
  const where = `THRUK_MCP_CONFIG (${path})`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    issues.push(`${where}: cannot read the file (${errnoOf(e)})`);
    return { instances: [], defaultName: undefined };
  }
  return parseInstanceFile(text, where, opts, issues);
}

/** YAML 1.2 is a superset of JSON, so one parser serves both formats. */
export function parseInstanceFile(text: string, where: string, opts: InstanceFileOptions, issues: string[]): InstanceFile {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      // Our own words: the parser's message can quote the offending line, which may hold a key.
      issues.push(
        `${where}: not valid JSON or YAML (${e.code.toLowerCase().replace(/_/g, ' ')}${pos !== undefined ? ` at line ${pos.line}, column ${pos.col}` : ''})`,
      );
    }
    return { instances: [], defaultName: undefined };
  }
  if (!isMap(doc.contents)) {
    issues.push(`${where}: expected a mapping with an 'instances' entry, e.g. instances: { prod: { url: …, api_key_file: … } }`);
    return { instances: [], defaultName: undefined };
  }
  const root = doc.toJS() as Record<string, unknown>;
  for (const k of Object.keys(root)) {
    if (!(TOP_KEYS as readonly string[]).includes(k))
      issues.push(`${where}: unknown top-level entry '${k}' (known: ${TOP_KEYS.join(', ')})`);
  }
  const defaultName = root['default'];
  if (defaultName !== undefined && (typeof defaultName !== 'string' || defaultName === ''))
    issues.push(`${where}: default: must be an instance name`);
  const list = root['instances'];
  if (list === null || typeof list !== 'object' || Array.isArray(list) || Object.keys(list).length === 0) {
    issues.push(`${where}: instances: must map at least one instance name to its settings`);
    return { instances: [], defaultName: typeof defaultName === 'string' ? defaultName : undefined };
  }
  const instances: InstanceSettings[] = [];
  for (const [name, raw] of Object.entries(list as Record<string, unknown>)) {
    const inst = parseInstance(name, raw, `${where}: instances.${name}`, opts, issues);
    if (inst !== undefined) instances.push(inst);
  }
  return { instances, defaultName: typeof defaultName === 'string' && defaultName !== '' ? defaultName : undefined };
}

function parseInstance(name: string, raw: unknown, at: string, opts: InstanceFileOptions, issues: string[]): InstanceSettings | undefined {
  const before = issues.length;
  if (!INSTANCE_NAME.test(name))
    issues.push(`${at}: an instance name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push(`${at}: expected the instance's settings (url, api_key_file, …)`);
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(INSTANCE_KEYS as readonly string[]).includes(k))
      issues.push(`${at}: unknown setting '${k}' (known: ${INSTANCE_KEYS.join(', ')})`);
  }
  const baseUrl = urlOf(o['url'], `${at}.url`, issues);
  const apiKey = keyOf(o, at, opts, issues);
  const authUser = textOf(o['auth_user'], `${at}.auth_user`, issues);
  const commentAuthor = textOf(o['comment_author'], `${at}.comment_author`, issues);
  const verifySsl = boolOf(o['verify_ssl'], `${at}.verify_ssl`, issues) ?? opts.defaults.verifySsl;
  const caFile = textOf(o['ca_file'], `${at}.ca_file`, issues) ?? opts.defaults.caFile;
  const timeout = numOf(o['timeout'], `${at}.timeout`, 1, 600, 'seconds', issues);
  const maxConcurrent = numOf(o['max_concurrent'], `${at}.max_concurrent`, 0, 1000, 'a count', issues);
  const cacheTtl = numOf(o['cache_ttl'], `${at}.cache_ttl`, 0, 3600, 'seconds', issues);
  const backends = listOf(o['default_backends'], `${at}.default_backends`, issues);
  if (issues.length > before) return undefined;
  return {
    name,
    baseUrl: baseUrl ?? '',
    apiKey: apiKey ?? '',
    authUser,
    verifySsl,
    caFile,
    timeoutMs: timeout !== undefined ? secondsToMs(timeout) : opts.defaults.timeoutMs,
    defaultBackends: backends ?? opts.defaults.defaultBackends,
    maxConcurrent: maxConcurrent ?? opts.defaults.maxConcurrent,
    cacheTtlMs: cacheTtl !== undefined ? secondsToMs(cacheTtl) : opts.defaults.cacheTtlMs,
    ...(commentAuthor !== undefined ? { commentAuthor } : {}),
  };
}

function urlOf(v: unknown, at: string, issues: string[]): string | undefined {
  if (v === undefined || v === null || v === '') {
    issues.push(`${at}: required: the Thruk root URL, e.g. https://mon.example.com/mysite/thruk`);
    return undefined;
  }
  let u: URL | undefined;
  try {
    u = typeof v === 'string' ? new URL(v.trim()) : undefined;
  } catch {
    u = undefined;
  }
  // Never echo the value: a pasted URL may carry credentials.
  if (u === undefined || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    issues.push(`${at}: must be an http:// or https:// URL`);
    return undefined;
  }
  if (u.username !== '' || u.password !== '') {
    issues.push(`${at}: must not carry credentials; put the key in api_key_file or api_key_env`);
    return undefined;
  }
  const s = (v as string).trim().replace(/\/+$/, '');
  return s.endsWith('/r') ? s.slice(0, -2) : s;
}

function keyOf(o: Record<string, unknown>, at: string, opts: InstanceFileOptions, issues: string[]): string | undefined {
  const given = (['api_key', 'api_key_file', 'api_key_env'] as const).filter((k) => o[k] !== undefined && o[k] !== null);
  if (given.length > 1) {
    issues.push(`${at}: give only one of api_key, api_key_file and api_key_env`);
    return undefined;
  }
  const which = given[0];
  if (which === undefined) {
    if (!opts.keyOptional)
      issues.push(
        `${at}: needs a Thruk API key: api_key_file (a file holding the key), api_key_env (the name of a variable holding it) or api_key`,
      );
    return undefined;
  }
  const v = o[which];
  if (typeof v !== 'string' || v.trim() === '') {
    issues.push(`${at}.${which}: must be a non-empty string`);
    return undefined;
  }
  let key: string;
  if (which === 'api_key') key = v.trim();
  else if (which === 'api_key_env') {
    const raw = presentText(opts.env[v.trim()]);
    if (raw === undefined) {
      issues.push(`${at}.api_key_env: the variable ${v.trim()} is not set`);
      return undefined;
    }
    key = raw;
  } else {
    try {
      key = (opts.readText ?? ((p: string) => readFileSync(p, 'utf8')))(v.trim()).trim();
    } catch (e) {
      issues.push(`${at}.api_key_file: cannot read ${v.trim()} (${errnoOf(e)})`);
      return undefined;
    }
  }
  if (!API_KEY.test(key)) {
    issues.push(`${at}.${which}: Thruk keys contain only letters, digits and _; check for quotes, spaces or a second line`);
    return undefined;
  }
  return key;
}

function textOf(v: unknown, at: string, issues: string[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    issues.push(`${at}: must be a string`);
    return undefined;
  }
  return v.trim() === '' ? undefined : v.trim();
}

function boolOf(v: unknown, at: string, issues: string[]): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  const b = yamlBool(v);
  if (b === undefined) issues.push(`${at}: expected true or false`);
  return b;
}

function numOf(v: unknown, at: string, min: number, max: number, what: string, issues: string[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = yamlNumber(v, min, max);
  if (n === undefined) issues.push(`${at}: expected ${what} between ${min} and ${max}`);
  return n;
}

function listOf(v: unknown, at: string, issues: string[]): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
  if (items === undefined || items.some((x) => typeof x !== 'string')) {
    issues.push(`${at}: expected a list of backend names`);
    return undefined;
  }
  return typeof v === 'string' ? splitList(v) : (items as string[]).map((s) => s.trim()).filter((s) => s !== '');
}
