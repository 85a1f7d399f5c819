/**
 * What differs between the cores behind one Thruk, as recorded with Icinga 2 2.13 and Naemon 1.5
 * (reference, "two cores"): JSON types of booleans and empty values, sticky acknowledgements, the
 * order of log rows under `limit`, and which log file Icinga 2's Livestatus reads for a window.
 * A site without a flavour (core null) answers like the historic, Icinga 2 shaped simulator.
 */
import type { Checkable, CoreFlavour, JsonValue, SiteState, ServiceRecord } from './types.js';
import { HostRecord } from './types.js';

/** Naemon and Nagios share the Livestatus module lineage: 0/1 integers and empty strings. */
export function nagiosLike(core: CoreFlavour | null): boolean {
  return core === 'naemon' || core === 'nagios4';
}

export function siteOfObject(o: Checkable): SiteState {
  return o instanceof HostRecord ? o.site : (o as ServiceRecord).host.site;
}

/** A boolean column: true/false on Icinga 2, 0/1 on Naemon. */
export function boolOut(site: SiteState, v: boolean): JsonValue {
  return nagiosLike(site.core) ? (v ? 1 : 0) : v;
}

/** An empty text column: null on Icinga 2, "" on Naemon. */
export function emptyOut(site: SiteState, v: string | null): JsonValue {
  if (v === null || v === '') return nagiosLike(site.core) ? '' : null;
  return v;
}

/**
 * The acknowledgement type a core stores for the `sticky` field of ACKNOWLEDGE_*: Naemon and
 * Nagios make any non-zero value sticky, Icinga 2 only 2 (Thruk passes sticky_ack verbatim).
 */
export function ackTypeFor(core: CoreFlavour | null, sticky: string): 1 | 2 {
  const n = Number(sticky);
  if (nagiosLike(core)) return Number.isFinite(n) && n !== 0 ? 2 : 1;
  return n >= 2 ? 2 : 1;
}

/** Icinga 2 answers last_state_change 0 for an object still in the state it had when the core started. */
export function reportedStateChange(o: Checkable): number {
  return o.firstState && siteOfObject(o).core === 'icinga2' ? 0 : o.lastStateChange;
}

/**
 * Under `limit` (without a Perl-side filter) Thruk passes `Limit:` to each core and sorts only the
 * slices it gets: Naemon's log table answers newest rows first, Icinga 2's oldest first.
 */
export function logNewestFirst(site: SiteState): boolean {
  return nagiosLike(site.core);
}

/**
 * Icinga 2's log table reads the compat log files whose start lies inside the query window; the
 * file that began before the window start (and holds its first part) is skipped. Returns the
 * start of the first file it does read, or undefined when nothing is skipped.
 */
export function icinga2FirstReadFile(site: SiteState, from: number): number | undefined {
  if (site.core !== 'icinga2' || !Number.isFinite(from)) return undefined;
  // Files start at every rotation and when the core (re)started.
  const rot = site.logRotation;
  let first = Math.ceil(from / rot) * rot;
  const start = site.program.programStart;
  if (start >= from && start < first) first = start;
  // A window starting exactly at a file start reads that file.
  return first === from ? undefined : first;
}
