/**
 * The MCP Apps views (extension io.modelcontextprotocol/ui): which `ui://` resource shows which
 * tools' results. Pure data, shared by the server (resources, tool links) and scripts/gen-views.ts.
 */

export const UI_EXTENSION = 'io.modelcontextprotocol/ui';
export const UI_MIME_TYPE = 'text/html;profile=mcp-app';

/**
 * Size budget per generated view. The extension's App SDK brings the MCP client protocol and zod
 * (~400 kB minified even with zod's translations left out); the view's own code and CSS stay small.
 */
export const VIEW_SIZE_BUDGET = { total: 450_000, own: 60_000 } as const;

export interface ViewSpec {
  /** File stem (src/views/app/<entry>, src/views/generated/<name>.ts) and the resource's name. */
  readonly name: 'problems' | 'availability' | 'trends';
  readonly entry: string;
  readonly uri: string;
  readonly title: string;
  readonly description: string;
  /** The tools whose results this view renders (linked through the tool's _meta.ui.resourceUri). */
  readonly tools: readonly string[];
}

export const VIEWS: readonly ViewSpec[] = [
  {
    name: 'problems',
    entry: 'problems.ts',
    uri: 'ui://thruk-mcp/problems.html',
    title: 'Problems board',
    description: 'Interactive board of thruk_problems: unhandled first by state and age, handled folded; select a row to ask about it.',
    tools: ['thruk_problems'],
  },
  {
    name: 'availability',
    entry: 'availability.ts',
    uri: 'ui://thruk-mcp/availability.html',
    title: 'Availability',
    description: 'Availability bars per object (up, down, unreachable, downtime, no data) and the percentage against the SLA target.',
    tools: [
      'thruk_host_availability',
      'thruk_service_availability',
      'thruk_hostgroup_availability',
      'thruk_hostgroup_availability_summary',
    ],
  },
  {
    name: 'trends',
    entry: 'trends.ts',
    uri: 'ui://thruk-mcp/trends.html',
    title: 'Alert trends',
    description: 'Alert heatmap (hour × day) and the flapping / noisiest objects ranking.',
    tools: ['thruk_alert_heatmap', 'thruk_flap_summary', 'thruk_top_noisy_hosts', 'thruk_top_noisy_services'],
  },
];

/** tool name → view resource URI. */
export const VIEW_OF_TOOL: ReadonlyMap<string, string> = new Map(VIEWS.flatMap((v) => v.tools.map((t) => [t, v.uri] as const)));
