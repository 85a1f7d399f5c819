import { ThrukHttpError, ThrukNetworkError, ThrukResponseError, ThrukTimeoutError } from '../thruk/errors.js';

export interface ReadyState {
  readonly ready: boolean;
  /** Why not, in words safe for any caller: no URL, no key, no Thruk data. */
  readonly reason?: string;
}

export interface Readiness {
  check(): Promise<ReadyState>;
}

export interface ReadinessOptions {
  /** How long an answer is reused: probes from many replicas/load balancers must not hammer Thruk. */
  readonly ttlMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export function describeFailure(err: unknown): string {
  if (err instanceof ThrukHttpError) {
    if (err.status === 401 || err.status === 403) return `Thruk refused the configured API key (HTTP ${err.status})`;
    return `Thruk answered HTTP ${err.status}`;
  }
  if (err instanceof ThrukTimeoutError) return 'Thruk did not answer in time';
  if (err instanceof ThrukNetworkError) return 'Thruk is unreachable';
  if (err instanceof ThrukResponseError) return "Thruk's answer was not its REST API";
  if (err instanceof Error && err.name === 'TimeoutError') return 'Thruk did not answer in time';
  return 'the Thruk check failed';
}

/** Readiness = `probe` (a cheap GET /thruk with the configured key) succeeded recently. */
export function createReadiness(probe: (signal: AbortSignal) => Promise<unknown>, opts: ReadinessOptions = {}): Readiness {
  const ttlMs = opts.ttlMs ?? 5000;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const now = opts.now ?? Date.now;
  let last: { at: number; state: ReadyState } | undefined;
  let running: Promise<ReadyState> | undefined;
  const run = async (): Promise<ReadyState> => {
    try {
      await probe(AbortSignal.timeout(timeoutMs));
      return { ready: true };
    } catch (err) {
      return { ready: false, reason: describeFailure(err) };
    }
  };
  return {
    check: () => {
      if (last !== undefined && now() - last.at < ttlMs) return Promise.resolve(last.state);
      running ??= run().then((state) => {
        last = { at: now(), state };
        running = undefined;
        return state;
      });
      return running;
    },
  };
}
