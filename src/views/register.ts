/**
 * MCP Apps (extension io.modelcontextprotocol/ui, spec 2026-01-26): the views as `ui://`
 * resources, and the link from each feeding tool (`_meta.ui.resourceUri`) for clients that
 * declared the extension. The views are static HTML (no Thruk data in them): the data reaches a
 * view as the tool's result, through the host, and the tool's text answer stays complete for
 * every client without Apps.
 */
import { CLIENT_CAPABILITIES_META_KEY, type ClientCapabilities, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import type { McpToolEntry } from '../tools/core/adapter.js';
import { UI_EXTENSION, UI_MIME_TYPE, VIEW_OF_TOOL, VIEWS, type ViewSpec } from './catalog.js';

/**
 * No domain at all: the host's CSP then allows no connection and no remote resource (the spec's
 * "restrictive default"); stated explicitly so a host that logs CSP configurations shows it.
 */
const UI_RESOURCE_META = {
  ui: { csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] }, prefersBorder: true },
};

/** The generated HTML loads with the first read: start-up never pays for ~400 kB per view. */
async function htmlOf(view: ViewSpec): Promise<string> {
  switch (view.name) {
    case 'problems':
      return (await import('./generated/problems.js')).problemsHtml;
    case 'availability':
      return (await import('./generated/availability.js')).availabilityHtml;
    case 'trends':
      return (await import('./generated/trends.js')).trendsHtml;
  }
}

export function registerViews(server: McpServer): void {
  for (const v of VIEWS) {
    server.registerResource(
      `view-${v.name}`,
      v.uri,
      { title: v.title, description: v.description, mimeType: UI_MIME_TYPE, _meta: UI_RESOURCE_META },
      async (uri) => ({
        contents: [{ uri: uri.href, mimeType: UI_MIME_TYPE, text: await htmlOf(v), _meta: UI_RESOURCE_META }],
      }),
    );
  }
}

/**
 * The client declared the extension with the HTML profile (its `mimeTypes` is required by the
 * spec). Unknown capabilities count as support: a stateless 2025-era HTTP request reaches a fresh
 * server that never saw the client's initialize, and a host that cannot render the view ignores
 * `_meta.ui` (the spec's text fallback), while withholding the link would hide the views from
 * every 2025 HTTP host. A client whose capabilities are known and lack the extension gets no link.
 */
export function supportsViews(caps: ClientCapabilities | undefined): boolean {
  if (caps === undefined) return true;
  const ext = (caps as { extensions?: Record<string, unknown> } | undefined)?.extensions?.[UI_EXTENSION];
  if (typeof ext !== 'object' || ext === null) return false;
  const types = (ext as { mimeTypes?: unknown }).mimeTypes;
  return Array.isArray(types) && types.includes(UI_MIME_TYPE);
}

const linked = new WeakMap<readonly McpToolEntry[], McpToolEntry[]>();

/**
 * The listing with `_meta.ui.resourceUri` on the tools a view renders. Servers SHOULD link only
 * for clients that declared the extension; for the others the listing stays byte-identical. The
 * entries are copied (a listing is shared by every request) and the copy is kept per listing.
 */
export function withViewLinks(listing: readonly McpToolEntry[], caps: ClientCapabilities | undefined): readonly McpToolEntry[] {
  if (!supportsViews(caps)) return listing;
  let out = linked.get(listing);
  if (out === undefined) {
    out = listing.map((t) => {
      const uri = VIEW_OF_TOOL.get(t.name);
      return uri === undefined ? t : { ...t, _meta: { ui: { resourceUri: uri } } };
    });
    linked.set(listing, out);
  }
  return out;
}

/** Declared in the server's capabilities (SEP-1724 extensions), whatever the client supports. */
export const VIEW_EXTENSION_CAPABILITY = { [UI_EXTENSION]: { mimeTypes: [UI_MIME_TYPE] } };

/** What the client declared: per request on 2026-07-28 (the `_meta` envelope), at initialize on 2025 connections. */
export function clientCapabilitiesOf(low: McpServer['server'], ctx: ServerContext): ClientCapabilities | undefined {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const declared = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  if (typeof declared === 'object' && declared !== null) return declared;
  return low.getClientCapabilities();
}
