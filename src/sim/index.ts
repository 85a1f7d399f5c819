import { buildSite } from './estate.js';
import { buildNaemonSite } from './estate-naemon.js';
import type { FaultSpec } from './faults.js';
import { delay, FaultRegistry, malformedResponse, resetError, statusResponse } from './faults.js';
import { handle, restPathOf } from './handle.js';
import { parseBody } from './params.js';
import { seedJob, sha256 } from './thruk.js';
import { latencySource } from './rounds.js';
import { SimState, type SimUser } from './state.js';
import type { CoreFlavour, LogQuirks } from './types.js';

export type { FaultSpec } from './faults.js';
export type { ApiKeyRecord, JobRecord, SimUser } from './state.js';
export type { Comment, CoreFlavour, Downtime, HostRecord, LogEntry, LogQuirks, ServiceRecord, SiteState } from './types.js';
export { SimState } from './state.js';
export { countRounds, roundsOf, type RequestTiming } from './rounds.js';

export interface SimulatorOptions {
  /** default 1; same seed → same estate */
  seed?: number;
  /** estate size per site; default 25 hosts (~150 services); scales by repeating the pattern */
  hosts?: number;
  /**
   * Backends: a name (historic Icinga 2 shaped site with the default estate) or a SiteSpec with
   * its core flavour; default ['icinga2']. Several sites may hold the same host name.
   */
  sites?: ReadonlyArray<string | SiteSpec>;
  /** accepted X-Thruk-Auth-Key; default 'demo' */
  apiKey?: string;
  /** clock in epoch milliseconds; default Date.now */
  now?: () => number;
  /** More Thruk users with their own keys or passwords and, optionally, restricted visibility. */
  users?: readonly SimUser[];
  /** Thruk's default_user_name (what an impersonation header Perl reads as false falls back to). */
  defaultUserName?: string;
  /** Thruk's make_auth_user_lowercase. */
  makeAuthUserLowercase?: boolean;
  /** How log rows are parsed; 'icinga2' reproduces the recorded Icinga 2 Livestatus quirks. Default 'naemon'. */
  logQuirks?: LogQuirks;
  /**
   * Milliseconds every request is held before it is answered, as a far Thruk would (issue 18);
   * default 0 (answered at once). With a latency above 0 the request log's start/end order counts
   * sequential rounds exactly (rounds.ts).
   */
  latencyMs?: number;
  /** Uniform jitter in ± milliseconds around latencyMs (seeded by `seed`); default 0. */
  jitterMs?: number;
}

/** One Livestatus peer with its core flavour. */
export interface SiteSpec {
  /** peer key and name, e.g. 'icinga' */
  readonly key: string;
  readonly core: CoreFlavour;
  /**
   * 'default': the default estate (scaled by `hosts`); 'naemon': the nine-host Naemon estate of
   * the recorded two-core Thruk. Default: 'naemon' for a Naemon/Nagios core, else 'default'.
   */
  readonly estate?: 'default' | 'naemon';
  /** Icinga 2 compat log rotation in seconds (default 3600, its `rotation_method` HOURLY). */
  readonly logRotation?: number;
}

/** The two-core estate of `--demo`: the default estate on Icinga 2 and the Naemon estate. */
export const TWO_CORES: readonly SiteSpec[] = [
  { key: 'icinga', core: 'icinga2' },
  { key: 'naemon', core: 'naemon' },
];

/**
 * What `--demo` serves: two cores behind one Thruk (Icinga 2 with the default estate, Naemon with
 * its own, both holding a host web-01), so every user meets the differences between cores. The
 * end-to-end tests build their ground truth with the same options.
 */
export function demoSimulatorOptions(o: { hosts: number; apiKey: string; seed: number }): SimulatorOptions {
  return { hosts: o.hosts, apiKey: o.apiKey, seed: o.seed, sites: TWO_CORES };
}

export interface RecordedRequest {
  method: string;
  /** the path after `/thruk/r` (and `/v1`), e.g. `/hosts/web-01` */
  path: string;
  /** query string parameters followed by form/JSON body parameters */
  params: Array<[string, string]>;
  headers: Record<string, string>;
  body: string;
  /** arrival and answer, in one event sequence (see rounds.ts); endSeq/endMs unset while pending */
  startSeq: number;
  endSeq?: number | undefined;
  startMs: number;
  endMs?: number | undefined;
}

export interface Simulator {
  fetch(request: Request): Promise<Response>;
  readonly requests: RecordedRequest[];
  injectFault(spec: FaultSpec): () => void;
  clearFaults(): void;
  readonly state: SimState;
  /** Changes the injected per-request latency and jitter (ms) from the next request on. */
  setLatency(latencyMs: number, jitterMs?: number): void;
}

const MAX_RECORDED = 1000;

function bodyParams(body: string, contentType: string): Array<[string, string]> {
  try {
    return parseBody(body, contentType).params;
  } catch {
    return [];
  }
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? 'demo';
  const clock = options.now ?? Date.now;
  const nowSec = Math.floor(clock() / 1000);
  const specs = options.sites && options.sites.length > 0 ? options.sites : ['icinga2'];
  const sites = specs.map((spec, i) => {
    if (typeof spec === 'string') {
      const site = buildSite(i, spec, { seed, hosts: options.hosts ?? 25, nowSec });
      site.logQuirks = options.logQuirks ?? 'naemon';
      return site;
    }
    const estate = spec.estate ?? (spec.core === 'icinga2' ? 'default' : 'naemon');
    const site =
      estate === 'naemon'
        ? buildNaemonSite(i, spec.key, { seed, nowSec, core: spec.core })
        : buildSite(i, spec.key, { seed, hosts: options.hosts ?? 25, nowSec, core: spec.core });
    if (spec.logRotation !== undefined) site.logRotation = spec.logRotation;
    return site;
  });
  const state = new SimState(sites);
  state.defaultUserName = options.defaultUserName;
  state.lowercaseUsers = options.makeAuthUserLowercase === true;
  state.apiKeys.push({
    hashedKey: sha256(apiKey),
    privateKey: apiKey,
    user: null,
    comment: 'simulator superuser key',
    created: nowSec - 3600,
    superuser: true,
    lastUsed: 0,
    lastFrom: '',
  });
  for (const u of options.users ?? []) {
    state.users.push(u);
    if (u.key !== undefined) {
      state.apiKeys.push({
        hashedKey: sha256(u.key),
        privateKey: u.key,
        user: u.name,
        comment: `key of ${u.name}`,
        created: nowSec - 3600,
        superuser: false,
        lastUsed: 0,
        lastFrom: '',
      });
    }
  }
  seedJob(state, nowSec);
  const requests: RecordedRequest[] = [];
  const faults = new FaultRegistry();
  let seq = 0;
  let latency = latencySource(options.latencyMs ?? 0, options.jitterMs ?? 0, seed);
  let latencyOn = (options.latencyMs ?? 0) > 0 || (options.jitterMs ?? 0) > 0;

  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const body = method === 'GET' || method === 'HEAD' ? '' : await request.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const rest = (restPathOf(url.pathname) ?? url.pathname).replace(/^\/v1(?=\/|$)/, '');
    const record: RecordedRequest = {
      method,
      path: rest,
      params: [...url.searchParams, ...bodyParams(body, headers['content-type'] ?? '')],
      headers,
      body,
      startSeq: seq++,
      startMs: performance.now(),
    };
    requests.push(record);
    if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
    try {
      if (latencyOn) await delay(latency(), request.signal);
      return await answer(request, url, method, body, rest);
    } finally {
      record.endSeq = seq++;
      record.endMs = performance.now();
    }
  }

  async function answer(request: Request, url: URL, method: string, body: string, rest: string): Promise<Response> {
    const fault = faults.take(rest);
    if (fault) {
      if (fault.latencyMs) await delay(fault.latencyMs, request.signal);
      if (fault.reset) throw resetError();
      if (fault.status !== undefined) return statusResponse(fault);
      if (fault.malformedJson) return malformedResponse();
    }
    if (request.signal.aborted)
      throw request.signal.reason instanceof Error ? request.signal.reason : new DOMException('This operation was aborted', 'AbortError');
    const response = handle({
      method,
      pathname: url.pathname,
      search: url.search,
      headers: request.headers,
      body,
      state,
      apiKey,
      nowMs: clock(),
      seed,
    });
    if (fault?.truncated) {
      const text = await response.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), { status: 200, headers: response.headers });
    }
    return response;
  }

  return {
    fetch: fetchHandler,
    requests,
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    state,
    setLatency: (ms, jitter = 0) => {
      latency = latencySource(ms, jitter, seed);
      latencyOn = ms > 0 || jitter > 0;
    },
  };
}
