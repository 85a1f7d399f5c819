/**
 * The oracle's own model of Icinga 2's Livestatus log index (issue 12), from the simulated site's
 * log-file boundaries only: Icinga 2 writes a compat log file per rotation period (aligned to the
 * epoch) and a new one when the core starts; a query reads only the files that began inside its
 * window, so the rows of the file that began before the window start never come back.
 */
import assert from 'node:assert/strict';
import type { SiteState } from '../../src/sim/types.js';

/** The first second of [since, …] a site's log table really answers for a window starting at `since`. */
export function refReadFrom(site: SiteState, since: number): number {
  if (site.core !== 'icinga2') return since;
  // Log files begin at every rotation and at the core's start; the first one at or after `since` is read.
  const starts = [Math.ceil(since / site.logRotation) * site.logRotation];
  if (site.program.programStart >= since) starts.push(site.program.programStart);
  return Math.min(...starts);
}

/** Whether a site's log row at `time` is answered for a window starting at `since`. */
export const refAnswered = (site: SiteState, since: number, time: number): boolean => time >= refReadFrom(site, since);

/** Rows of any kind in [since, until] the site's log index hides (so the answer must say so). */
export function refHiddenRows(
  sites: readonly SiteState[],
  since: number,
  until: number,
  keep: (e: SiteState['logs'][number]) => boolean = () => true,
): number {
  let n = 0;
  for (const site of sites)
    for (const e of site.logs) if (e.time >= since && e.time <= until && !refAnswered(site, since, e.time) && keep(e)) n++;
  return n;
}

/** The warning an answer carries when its core's log index skipped the file holding the window start. */
export const HIDDEN_WARNING = /log index skips the log file that began before the window start/;

/**
 * The answer says part of the window may be missing when the core hid rows the tool counts, and
 * says nothing of it when the core hid no row at all (the tool may count a wider row set than `keep`).
 */
export function assertHiddenWarning(
  sites: readonly SiteState[],
  text: string,
  since: number,
  until: number,
  keep: (e: SiteState['logs'][number]) => boolean,
  what: string,
): void {
  if (refHiddenRows(sites, since, until, keep) > 0)
    assert.match(text, HIDDEN_WARNING, `${what}: the core hid rows of the window, the answer must say so`);
  if (refHiddenRows(sites, since, until) === 0)
    assert.doesNotMatch(text, HIDDEN_WARNING, `${what}: no row was hidden, yet the answer warns of it`);
}
