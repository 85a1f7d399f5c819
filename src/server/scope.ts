/**
 * Which Thruk a call talks to and as whom: the instance it names (only configured names, never a
 * URL from the request) and the caller's Thruk identity from the auth gate (modes 3 and 4).
 */
import { LRUCache } from 'lru-cache';
import type { ThrukSettings } from '../config/config.js';
import type { ThrukAuthMode } from '../config/http.js';
import { NameCache } from './names.js';
import type { Instance } from './runtime.js';
import type { ThrukClient, ThrukCredential } from '../thruk/client.js';
import type { ThrukCaller } from '../transports/caller.js';

export interface CallScope {
  readonly instance: string;
  readonly thruk: ThrukClient;
  /** What the tools see as config.thruk: the instance, with the caller's user (and secret, for redaction). */
  readonly settings: ThrukSettings;
  /** Completion names as this caller sees them on this instance. */
  readonly names: NameCache;
}

/** Completion caches of callers with their own identity, kept across their requests. */
const CALLER_NAME_CACHES = 256;

export class Scopes {
  readonly names: readonly string[];
  readonly defaultInstance: string;
  readonly #instances: ReadonlyMap<string, Instance>;
  readonly #mode: ThrukAuthMode;
  readonly #now: () => number;
  readonly #service = new Map<string, NameCache>();
  readonly #callers = new LRUCache<string, NameCache>({ max: CALLER_NAME_CACHES });

  constructor(instances: ReadonlyMap<string, Instance>, defaultInstance: string, mode: ThrukAuthMode, now: () => number) {
    this.#instances = instances;
    this.names = [...instances.keys()];
    this.defaultInstance = instances.has(defaultInstance) ? defaultInstance : (this.names[0] ?? defaultInstance);
    this.#mode = mode;
    this.#now = now;
  }

  get multi(): boolean {
    return this.#instances.size > 1;
  }

  /** Whether an HTTP caller must carry a verified Thruk identity (modes 3 and 4). */
  get needsCaller(): boolean {
    return this.#mode !== 'service';
  }

  /** The scope of one call, or undefined for a name that is not configured. */
  resolve(name: string | undefined, caller: ThrukCaller | undefined): CallScope | undefined {
    const inst = this.#instances.get(name ?? this.defaultInstance);
    if (inst === undefined) return undefined;
    const { name: instance, ...base } = inst.settings;
    if (caller === undefined || this.#mode === 'service') {
      return { instance, thruk: inst.thruk, settings: base, names: this.#serviceNames(inst) };
    }
    let cred: ThrukCredential;
    let settings: ThrukSettings;
    if (this.#mode === 'caller' && caller.credential !== undefined) {
      cred = caller.credential.open();
      settings = { ...base, apiKey: cred.kind === 'key' ? cred.key : cred.password, authUser: caller.user };
    } else {
      // Impersonation: this instance's own (superuser) key, acting as the verified user.
      cred = { kind: 'key', key: base.apiKey, authUser: caller.user };
      settings = { ...base, authUser: caller.user };
    }
    // Pinned to the user the gate verified: every request first checks that Thruk still applies it
    // (a caller's key may belong to another user on this instance; impersonation may be ignored).
    const thruk = inst.thruk.withCredential(cred, { expectUser: caller.user });
    return { instance, thruk, settings, names: this.#callerNames(instance, thruk) };
  }

  #serviceNames(inst: Instance): NameCache {
    let c = this.#service.get(inst.name);
    if (c === undefined) {
      c = new NameCache(inst.thruk, this.#now);
      this.#service.set(inst.name, c);
    }
    return c;
  }

  #callerNames(instance: string, thruk: ThrukClient): NameCache {
    const key = `${instance}\0${thruk.identityKey}`;
    let c = this.#callers.get(key);
    if (c === undefined) {
      c = new NameCache(thruk, this.#now);
      this.#callers.set(key, c);
    }
    return c;
  }
}
