import { z } from 'zod';
import { defineTool, TOOLSETS, ToolInputError, type Toolset, type ToolsetControl, type ToolsetState } from '../core/define.js';
import { closest } from '../lib/closest.js';
// The URL/header names live in reach.ts, which the server loads at start-up (tool modules load on the first call).
import { TOOLSETS_HEADER, TOOLSETS_QUERY } from '../core/reach.js';

/** The questions each toolset answers, in the words a person asks them (what the model matches on). */
export const TOOLSET_ANSWERS: Readonly<Record<Toolset, string>> = {
  state: 'host groups, service groups, contacts, detailed state counters',
  history: '"what happened?": alerts, notifications, recent events, state at a time, what changed between two times',
  trends:
    '"which checks are noisy or flapping, what should we tune?": noisy hosts/services, flapping, heatmaps, recurring problems, MTTR/MTBF',
  availability: '"what was our availability / SLA last month?": hosts, services, host groups, planned vs unplanned downtime',
  perfdata: '"which disks fill up soonest?": measured values with units and thresholds, metrics near their thresholds',
  triage:
    '"are checks stale, is a backend lagging, why is it alerting?": stale checks, backend health, oldest and unacknowledged problems, stale acks, concurrent failures, thresholds behind an alert',
  hygiene:
    '"what did the shift leave behind?": upcoming downtimes, downtimes ending on failing objects, old acks, never-OK services, orphaned downtime comments',
  downtimes: 'one downtime by id, comments',
  discovery: 'the REST endpoints and columns (explains unknown columns for thruk_query)',
  actions: 'more writes: group and propagated downtimes, comments, check and notification switches, passive results, removing acks',
  escape: '"run this Thruk query": any REST read (writes gated), long paged reads in the background',
};

const stateRow = z.object({ name: z.string(), answers: z.string(), tools: z.array(z.string()), on: z.boolean() });

/** Names from the argument: comma-separated toolsets, `all` for every one. Unknown names are an input error. */
export function parseToolsets(raw: string): Toolset[] {
  const names = raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  if (names.includes('all')) return Object.keys(TOOLSETS) as Toolset[];
  const known = Object.keys(TOOLSETS);
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length > 0) {
    const hints = bad.map((b) => {
      const near = closest(b, known, 1);
      return `'${b.slice(0, 40)}'${near.length > 0 ? ` (did you mean ${near[0]}?)` : ''}`;
    });
    throw new ToolInputError(`Unknown toolset ${hints.join(', ')}. Toolsets: ${known.join(', ')}, or all.`);
  }
  return [...new Set(names)] as Toolset[];
}

function line(t: ToolsetState): string {
  const on = t.tools.length > 0 && t.offered >= t.tools.length;
  const state = t.tools.length === 0 ? 'not available here' : on ? 'on' : t.offered > 0 ? `${t.offered} of ${t.tools.length} on` : 'off';
  return `${t.name} (${t.tools.length} tools, ${state}): ${TOOLSET_ANSWERS[t.name as Toolset] ?? ''}`;
}

/** The advice for a client that keeps no session: the selection goes into its server configuration. */
export function statelessAdvice(selection: readonly string[], add: readonly string[]): string {
  const want = [...new Set([...(selection.length > 0 ? selection : ['default']), ...add])].join(',');
  return `This HTTP connection keeps no session, so tools cannot be added mid-conversation. Ask the user to add the toolsets to the client's server configuration, then reconnect: the URL …/mcp?${TOOLSETS_QUERY}=${want} or the header ${TOOLSETS_HEADER}: ${want}.`;
}

export const enableToolset = defineTool({
  name: 'thruk_enable_toolset',
  title: 'More tools: list or enable toolsets',
  toolset: 'discovery',
  access: 'read',
  description:
    'More tools: lists the toolsets (SLA/availability, noisy/flapping, disks/perf data, stale checks, history, raw queries) and what each answers; toolset=NAME adds them.',
  input: z
    .object({
      toolset: z.string().max(200).optional().describe('Toolset(s) to turn on, comma-separated, or all; omit to list them'),
    })
    .strict(),
  output: z.object({
    mode: z
      .enum(['session', 'request', 'fixed', 'cli'])
      .describe('session: enabling works here; request: set the URL/header; fixed: the operator forbids it'),
    toolsets: z.array(stateRow),
    enabled: z.array(z.string()).optional().describe('Toolsets turned on by this call'),
    added_tools: z.array(z.string()).optional(),
    advice: z.string().optional(),
  }),
  run: async (ctx, args) => {
    const control: ToolsetControl | undefined = ctx.toolsets;
    const mode: ToolsetControl['mode'] | 'cli' = control?.mode ?? 'cli';
    const wanted = args.toolset !== undefined && args.toolset.trim() !== '' ? parseToolsets(args.toolset) : undefined;
    const before = control?.toolsets() ?? [];
    const rows = (states: readonly ToolsetState[]) =>
      states.map((t) => ({
        name: t.name,
        answers: TOOLSET_ANSWERS[t.name as Toolset] ?? '',
        tools: [...t.tools],
        on: t.tools.length > 0 && t.offered >= t.tools.length,
      }));
    if (wanted === undefined) {
      const text = [
        mode === 'fixed'
          ? 'The operator fixed the tool selection on this server (THRUK_DYNAMIC_TOOLSETS=false); these toolsets exist:'
          : `Toolsets; turn one on with thruk_enable_toolset {"toolset":"NAME"} (several: "a,b"):`,
        ...before.map(line),
      ];
      if (mode === 'request') text.push(statelessAdvice(control?.selection ?? [], []));
      if (mode === 'cli') text.push('Enabling applies to an MCP connection; on the command line every tool can be called directly.');
      return { data: { mode, toolsets: rows(before) }, text: text.join('\n') };
    }
    const unavailable = wanted.filter((w) => (before.find((b) => b.name === w)?.tools.length ?? 0) === 0);
    const usable = wanted.filter((w) => !unavailable.includes(w));
    const notes =
      unavailable.length > 0
        ? [`Not available on this server (read-only mode or the operator's allowlist): ${unavailable.join(', ')}.`]
        : [];
    if (mode === 'fixed') {
      const text = [
        `Nothing was enabled: the operator fixed the tool selection on this server (THRUK_DYNAMIC_TOOLSETS=false). Ask them to add ${wanted.join(',')} to THRUK_TOOLSETS.`,
        ...notes,
      ].join('\n');
      return { data: { mode, toolsets: rows(before), enabled: [], advice: text }, text, isError: true };
    }
    if (mode === 'request' || mode === 'cli') {
      const tools = before.filter((b) => usable.includes(b.name as Toolset)).flatMap((b) => b.tools);
      const advice =
        mode === 'request'
          ? statelessAdvice(control?.selection ?? [], usable)
          : 'Enabling applies to an MCP connection; on the command line every tool can be called directly.';
      const text = [
        `Nothing was enabled. ${advice}`,
        tools.length > 0 ? `The toolset${usable.length > 1 ? 's' : ''} ${usable.join(', ')} would add: ${tools.join(', ')}.` : '',
        ...notes,
      ]
        .filter((l) => l !== '')
        .join('\n');
      return { data: { mode, toolsets: rows(before), enabled: [], added_tools: [], advice }, text, isError: mode === 'request' };
    }
    const added = control === undefined ? [] : await control.enable(usable);
    const after = control?.toolsets() ?? before;
    const text = [
      added.length > 0
        ? `Enabled ${usable.join(', ')}: ${added.length} tools added to your list (${added.join(', ')}). The client was told (tools/list_changed); call them now.`
        : usable.length > 0
          ? `${usable.join(', ')} already on; nothing added.`
          : 'Nothing enabled.',
      ...notes,
    ].join('\n');
    return {
      data: { mode, toolsets: rows(after), enabled: usable, added_tools: [...added] },
      text,
      ...(usable.length === 0 ? { isError: true } : {}),
    };
  },
});
