import type { JsonValue } from './types.js';

export interface QueryCtx {
  /** current time in epoch seconds */
  readonly now: number;
}

export type Getter<R> = (row: R, ctx: QueryCtx) => JsonValue;

/** A Livestatus table as Thruk sees it: its fetched column set plus expansion keys. */
export interface TableDef<R> {
  readonly name: string;
  /** the endpoint documentation Thruk appends as `help` to 400 errors */
  readonly help: string;
  readonly columns: ReadonlyMap<string, Getter<R>>;
  /** keys of a row when `columns` is absent, sorted (perf/custom-var keys come from `expand`) */
  readonly defaults: readonly string[];
  /** value of a non-column key (perf label, custom variable, …); undefined when the row lacks it */
  extra?(row: R, key: string, ctx: QueryCtx): JsonValue | undefined;
  /** adds the expansion keys to a full default row */
  expand?(row: R, out: Record<string, JsonValue>, ctx: QueryCtx): void;
  /**
   * A column the row does not carry for Thruk's typo check: Icinga 2's log rows leave host_name
   * null, and a filter on host_name over rows that all lack it is a 400 "possible typo".
   */
  absent?: (row: R, key: string) => boolean;
  /** a default column this row's core does not have (left out of a full row) */
  omit?(row: R, key: string): boolean;
}

export function livestatusHelp(table: string, what = table): string {
  return `lists livestatus ${what}.\nsee https://www.naemon.io/documentation/usersguide/livestatus.html#${table} for details.`;
}

export function makeTable<R>(
  name: string,
  help: string,
  getters: Record<string, Getter<R>>,
  rest: Partial<Pick<TableDef<R>, 'extra' | 'expand' | 'absent' | 'omit'>> & { defaults?: readonly string[] } = {},
): TableDef<R> {
  const columns = new Map(Object.entries(getters));
  return {
    name,
    help,
    columns,
    defaults: rest.defaults ?? [...columns.keys()].sort(),
    ...(rest.extra ? { extra: rest.extra } : {}),
    ...(rest.expand ? { expand: rest.expand } : {}),
    ...(rest.absent ? { absent: rest.absent } : {}),
    ...(rest.omit ? { omit: rest.omit } : {}),
  };
}
