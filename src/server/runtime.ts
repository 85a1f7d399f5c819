import type { Config, InstanceSettings } from '../config/config.js';
import type { Logger } from './log.js';
import { ThrukClient, undiciSend, type HttpSend, type ThrukRequestInfo } from '../thruk/client.js';

/** One configured Thruk: its settings and the process-wide client (pool, cap, cache) for it. */
export interface Instance {
  readonly name: string;
  readonly settings: InstanceSettings;
  readonly thruk: ThrukClient;
}

export interface Runtime {
  /** The default instance's client. */
  readonly thruk: ThrukClient;
  /** Every configured instance by name, in declaration order. */
  readonly instances: ReadonlyMap<string, Instance>;
  readonly defaultInstance: string;
  close(): Promise<void>;
}

/** The configured instances; the default one reads `config.thruk`, so an override of it wins. */
export function instanceSettings(config: Config): InstanceSettings[] {
  const list = config.instances.length > 0 ? config.instances : [{ name: config.defaultInstance, ...config.thruk }];
  return list.map((i) => (i.name === config.defaultInstance ? { ...config.thruk, name: i.name } : i));
}

export interface RuntimeHooks {
  readonly onThrukRequest?: (info: ThrukRequestInfo) => void;
  /** Replaces the network per instance (demo, tests); wins over `send`. */
  readonly sendFor?: (instance: InstanceSettings) => HttpSend;
}

/**
 * One Thruk client per configured instance and process: connection pool, cache and coalescing are
 * shared by every MCP request (the per-request server factory stays cheap). `send` replaces the
 * network for every instance (demo, tests).
 */
export function createRuntime(config: Config, log: Logger, send?: HttpSend, hooks: RuntimeHooks = {}): Runtime {
  const closers: Array<() => Promise<void>> = [];
  const instances = new Map<string, Instance>();
  const many = config.instances.length > 1;
  for (const settings of instanceSettings(config)) {
    let transport = hooks.sendFor?.(settings) ?? send;
    if (transport === undefined) {
      const u = undiciSend({
        timeoutMs: settings.timeoutMs,
        ...(settings.caFile !== undefined ? { caFile: settings.caFile } : {}),
        insecure: !settings.verifySsl,
        proxy: config.proxy,
      });
      transport = u.send;
      closers.push(() => u.close());
    }
    const thruk = new ThrukClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      ...(settings.authUser !== undefined ? { authUser: settings.authUser } : {}),
      send: transport,
      timeoutMs: settings.timeoutMs,
      maxConcurrent: settings.maxConcurrent,
      cacheTtlMs: settings.cacheTtlMs,
      defaultBackends: [...settings.defaultBackends],
      onRequest: (info) => {
        log.debug(many ? { thruk: info, instance: settings.name } : { thruk: info }, 'thruk request');
        hooks.onThrukRequest?.(info);
      },
    });
    instances.set(settings.name, { name: settings.name, settings, thruk });
  }
  const main = instances.get(config.defaultInstance) ?? [...instances.values()][0];
  if (main === undefined) throw new Error('no Thruk instance configured');
  return {
    thruk: main.thruk,
    instances,
    defaultInstance: main.name,
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
}

/**
 * The /readyz probe: the default instance answers GET /thruk with the configured key. Without a
 * key (callers bring their own), any answer from Thruk, even "not authorized", shows it is up.
 */
export function readinessProbe(runtime: Runtime): (signal: AbortSignal) => Promise<unknown> {
  const main = runtime.instances.get(runtime.defaultInstance);
  const keyless = main !== undefined && main.settings.apiKey === '';
  return async (signal) => {
    try {
      return await runtime.thruk.get('/thruk', { cache: false, signal });
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (keyless && (status === 401 || status === 403)) return undefined;
      throw err;
    }
  };
}
