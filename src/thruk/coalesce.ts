/**
 * In-flight request coalescing: callers with the same key share one underlying job.
 *
 * A caller aborting its own signal stops waiting without cancelling the job for the others; only
 * when every waiter has gone is the job's signal aborted (and the key freed at once, so a newcomer
 * never joins a job that is being cancelled).
 */

import { abortReason } from './semaphore.js';

interface Job<V> {
  promise: Promise<V>;
  controller: AbortController;
  waiters: number;
}

export class Coalescer<V> {
  readonly #jobs = new Map<string, Job<V>>();

  get inFlight(): number {
    return this.#jobs.size;
  }

  run(key: string, start: (signal: AbortSignal) => Promise<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    let job = this.#jobs.get(key);
    if (job === undefined) {
      const controller = new AbortController();
      const created: Job<V> = { promise: start(controller.signal), controller, waiters: 0 };
      const forget = (): void => {
        if (this.#jobs.get(key) === created) this.#jobs.delete(key);
      };
      created.promise.then(forget, forget);
      this.#jobs.set(key, created);
      job = created;
    }
    return this.#wait(key, job, signal);
  }

  /** New callers start fresh jobs; running jobs finish for their current waiters. */
  clear(): void {
    this.#jobs.clear();
  }

  #wait(key: string, job: Job<V>, signal: AbortSignal | undefined): Promise<V> {
    job.waiters++;
    if (signal === undefined) return job.promise;
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        reject(abortReason(signal));
        job.waiters--;
        if (job.waiters === 0) {
          if (this.#jobs.get(key) === job) this.#jobs.delete(key);
          job.controller.abort(abortReason(signal));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      job.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
