/**
 * Alert and notification counts per time bucket. One count(*), then one Thruk-side group-by on
 * `time` (one row per distinct second, bucketed here); only a very busy window falls back to one
 * count per bucket, a few at a time. Never one query per bucket all at once.
 */
import { z } from 'zod';
import { filterSchema, type FilterLeaf, type FilterNode } from '../../thruk/filter.js';
import { defineTool, ToolInputError, type ToolContext, type ToolDef } from '../core/define.js';
import { iso, num } from '../lib/format.js';
import { aggregateLogs, countLogs, failingCoreNote, failingLogCores, noteHiddenRows } from '../lib/logquery.js';
import { backendsArg, parseBackends } from '../lib/list.js';
import {
  ALL_ALERTS,
  boundedMap,
  NOTIFICATION_LOG_FIELDS,
  NOTIFICATIONS,
  OBJECT_LOG_FIELDS,
  prepare,
  resolveWindow,
  sinceArg,
  untilArg,
  windowData,
  windowOutput,
  windowText,
  withNotes,
  noteLines,
  type LogWindow,
} from '../lib/logwindow.js';

export const BUCKETS = { '15m': 900, '30m': 1800, '1h': 3600, '6h': 21600, '1d': 86400 } as const;
export const MAX_BUCKETS = 500;
/** Above this many rows the per-second group-by answer gets large; count per bucket instead. */
export const GROUP_BY_TIME_MAX = 100_000;
/** Concurrent count requests in that fallback. */
const FAN_OUT = 4;

export interface Buckets {
  readonly starts: number[];
  readonly counts: number[];
  readonly requests: number;
}

/** UTC-aligned buckets covering [since, until]; the first and last may be partial. */
export function bucketStarts(since: number, until: number, size: number): number[] {
  const first = Math.floor(since / size) * size;
  const n = Math.floor(until / size) - Math.floor(since / size) + 1;
  if (n > MAX_BUCKETS) {
    const wider = Object.entries(BUCKETS).find(([, s]) => Math.floor(until / s) - Math.floor(since / s) + 1 <= MAX_BUCKETS)?.[0];
    const label = Object.entries(BUCKETS).find(([, s]) => s === size)?.[0] ?? `${size}s`;
    throw new ToolInputError(
      `The window spans ${n} buckets of ${label} (at most ${MAX_BUCKETS}); ${wider !== undefined ? `use bucket="${wider}" or ` : ''}shorten the window.`,
    );
  }
  return Array.from({ length: n }, (_, i) => first + i * size);
}

export async function countBuckets(
  ctx: ToolContext,
  extra: readonly FilterLeaf[],
  w: LogWindow,
  size: number,
  backends: string[] | undefined,
  groupByMax = GROUP_BY_TIME_MAX,
): Promise<Buckets> {
  const starts = bucketStarts(w.since, w.until, size);
  const counts = starts.map(() => 0);
  const p = await prepare(ctx, w, extra, backends);
  // Each bucket is its own query; the first starts at `since`, where Icinga 2 may skip a log file: say so.
  const [total] = await Promise.all([
    countLogs(ctx, p, w.since, w.until, backends),
    noteHiddenRows(ctx, p, w.since, w.until, backends, w.notes),
  ]);
  const first = starts[0] ?? 0;
  if (total === 0) return { starts, counts, requests: 1 };
  if (total <= groupByMax) {
    const rows = await aggregateLogs(ctx, p, { since: w.since, until: w.until, groupBy: ['time'], backends });
    for (const r of rows) {
      const i = Math.floor((num(r.time) - first) / size);
      if (i >= 0 && i < counts.length) counts[i] = (counts[i] ?? 0) + num(r.count);
    }
    return { starts, counts, requests: 2 };
  }
  const exact = await boundedMap(starts, FAN_OUT, (b) =>
    countLogs(ctx, p, Math.max(b, w.since), Math.min(b + size - 1, w.until), backends),
  );
  return { starts, counts: exact, requests: 1 + starts.length };
}

const heatmapOutput = (totalKey: 'total_alerts' | 'total_notifications') =>
  z.object({
    ...windowOutput,
    bucket: z.string(),
    bucket_seconds: z.number(),
    [totalKey]: z.number(),
    peak: z.object({ bucket_start: z.string(), count: z.number() }).optional().describe('The busiest bucket'),
    results: z
      .array(z.object({ bucket_start: z.string().describe('ISO-8601 UTC start of the bucket'), count: z.number() }))
      .describe('Every bucket in order, empty ones included'),
    notes: z.array(z.string()).optional(),
  });

function usesHostScope(node: FilterNode | undefined): boolean {
  if (node === undefined) return false;
  if ('conditions' in node) return node.conditions.some(usesHostScope);
  return node.field === 'host' || node.field === 'hostgroup' || node.field === 'custom_var';
}

/** One line per non-empty bucket; runs of empty buckets collapse to one line. */
function bucketLines(starts: readonly number[], counts: readonly number[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    if ((counts[i] ?? 0) > 0) {
      out.push(`${iso(starts[i])} | ${counts[i]}`);
      continue;
    }
    let j = i;
    while (j + 1 < starts.length && (counts[j + 1] ?? 0) === 0) j++;
    out.push(j === i ? `${iso(starts[i])} | 0` : `${iso(starts[i])} to ${iso((starts[j] ?? 0) + size)} | 0 (${j - i + 1} buckets)`);
    i = j;
  }
  return out;
}

function heatmapTool(kind: 'alert' | 'notification'): ToolDef {
  const totalKey = kind === 'alert' ? 'total_alerts' : 'total_notifications';
  const output = heatmapOutput(totalKey);
  return defineTool({
    name: `thruk_${kind}_heatmap`,
    title: kind === 'alert' ? 'Alert heatmap' : 'Notification heatmap',
    toolset: 'trends',
    access: 'read',
    description:
      kind === 'alert'
        ? 'Alert heatmap: alert counts per time bucket: storms and daily patterns.'
        : 'Notification heatmap: counts per time bucket over a window.',
    input: z
      .object({
        since: sinceArg('-24h'),
        until: untilArg,
        bucket: z
          .enum(['15m', '30m', '1h', '6h', '1d'])
          .default('1h')
          .describe(`Bucket width, UTC-aligned (default 1h; at most ${MAX_BUCKETS} buckets)`),
        filter: filterSchema(kind === 'alert' ? OBJECT_LOG_FIELDS : NOTIFICATION_LOG_FIELDS).optional(),
        backends: backendsArg,
      })
      .strict(),
    output,
    run: async (ctx, args) => {
      const backends = parseBackends(args.backends);
      const size = BUCKETS[args.bucket];
      const w = resolveWindow(ctx, args, '-24h');
      if (kind === 'notification' && usesHostScope(w.filter)) {
        w.notes.push(
          'Icinga 2 logs host notifications without a host name; on Icinga 2 a host, hostgroup or custom_var filter leaves them out.',
        );
      }
      const [b, failing] = await Promise.all([
        countBuckets(ctx, kind === 'alert' ? ALL_ALERTS : NOTIFICATIONS, w, size, backends),
        failingLogCores(ctx, backends),
      ]);
      w.notes.unshift(
        ...failing.map((f) => failingCoreNote(f, `its ${kind === 'alert' ? 'alerts' : 'notifications'} are not counted in these buckets`)),
      );
      const total = b.counts.reduce((a, c) => a + c, 0);
      const results = b.starts.map((s, i) => ({ bucket_start: iso(s), count: b.counts[i] ?? 0 }));
      const peak = results.reduce<{ bucket_start: string; count: number } | undefined>(
        (best, r) => (r.count > (best?.count ?? 0) ? r : best),
        undefined,
      );
      const what = kind === 'alert' ? 'alerts' : 'notifications';
      const head = `${kind === 'alert' ? 'Alert' : 'Notification'} heatmap ${windowText(w)}, ${args.bucket} buckets (UTC): ${total} ${what}${peak !== undefined ? `; peak ${peak.count} at ${peak.bucket_start}` : ''}.`;
      const text = [head, ...(total > 0 ? ['bucket start | count', ...bucketLines(b.starts, b.counts, size)] : []), ...noteLines(w.notes)];
      const data = withNotes(
        {
          ...windowData(w),
          bucket: args.bucket,
          bucket_seconds: size,
          [totalKey]: total,
          ...(peak !== undefined ? { peak } : {}),
          results,
        },
        w.notes,
      );
      return { data: data, text: text.join('\n') };
    },
  });
}

export const alertHeatmap = heatmapTool('alert');
export const notificationHeatmap = heatmapTool('notification');
