/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * MCP Apps (io.modelcontextprotocol/ui) on the server side, through the protocol in both eras:
 * the views are ui:// resources with the extension's MIME type, a strict CSP (in _meta and as a
 * meta tag) and within the size budget; the feeding tools carry _meta.ui.resourceUri only for a
 * client that declared the extension, and their answers are the same either way.
 * The views themselves are tested in a real browser in test/views-browser.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { connect, ERAS } from './helpers/harness.js';
import { UI_EXTENSION, UI_MIME_TYPE, VIEW_SIZE_BUDGET, VIEWS } from '../src/views/catalog.js';

const UI_CAPS = { extensions: { [UI_EXTENSION]: { mimeTypes: [UI_MIME_TYPE] } } };
const ALL = { toolsets: ['all'] } as const;

for (const era of ERAS) {
  describe(`MCP Apps views (${era})`, () => {
    it('links the feeding tools to their view only for a client that declared the extension', async () => {
      const withUi = await connect({ era, config: ALL, capabilities: UI_CAPS });
      const without = await connect({ era, config: ALL, simulator: withUi.sim });
      const other = await connect({
        era,
        config: ALL,
        simulator: withUi.sim,
        capabilities: { extensions: { [UI_EXTENSION]: { mimeTypes: ['text/uri-list'] } } },
      });
      try {
        const listed = (await withUi.client.listTools()).tools;
        const expected = new Map(VIEWS.flatMap((v) => v.tools.map((t) => [t, v.uri] as const)));
        assert.equal(expected.size, 9);
        for (const [tool, uri] of expected) {
          const t = listed.find((x) => x.name === tool);
          assert.ok(t, `${tool} is listed`);
          assert.deepEqual(t._meta, { ui: { resourceUri: uri } }, tool);
        }
        const unlinked = listed.filter((t) => !expected.has(t.name));
        assert.ok(unlinked.length > 30);
        for (const t of unlinked) assert.equal(t._meta, undefined, t.name);
        for (const client of [without, other]) {
          const plain = (await client.client.listTools()).tools;
          assert.equal(plain.length, listed.length);
          // A stateless 2025 HTTP request never shows the server the client's capabilities:
          // unknown counts as support (see supportsViews); 2026 requests carry them every time.
          const linkedCount = plain.filter((t) => t._meta !== undefined).length;
          assert.equal(linkedCount, era === 'modern' ? 0 : expected.size, `${era}: linked tools for a client without the extension`);
        }
        // Nothing is only in the picture: the same call answers the same text and data either way.
        const a = await withUi.call('thruk_problems', { include_handled: true });
        const b = await without.call('thruk_problems', { include_handled: true });
        assert.equal(a.isError, undefined);
        const strip = (s: any) => ({ ...s, rows: s.rows.map(({ duration_s: _d, ...r }: any) => r) });
        assert.deepEqual(strip(a.structured), strip(b.structured));
        assert.equal(a.text.split('\n')[0], b.text.split('\n')[0]);
        assert.match(a.text, /^Hosts: /);
      } finally {
        await withUi.close();
        await without.close();
        await other.close();
      }
    });

    it('serves each view as a ui:// resource: the MIME type, a strict CSP, self-contained and within budget', async () => {
      const h = await connect({ era, capabilities: UI_CAPS });
      try {
        const listed = (await h.client.listResources()).resources;
        for (const v of VIEWS) {
          const entry = listed.find((r) => r.uri === v.uri);
          assert.ok(entry, `${v.uri} is listed`);
          assert.equal(entry.mimeType, UI_MIME_TYPE);
          const read = await h.client.readResource({ uri: v.uri });
          const c = read.contents[0] as { uri: string; mimeType: string; text: string; _meta?: any };
          assert.equal(c.uri, v.uri);
          assert.equal(c.mimeType, UI_MIME_TYPE);
          assert.deepEqual(c._meta?.ui?.csp, { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] });
          assert.match(c.text, /^<!DOCTYPE html>/);
          const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(c.text)?.[1] ?? '';
          assert.match(csp, /default-src 'none'/);
          assert.match(csp, /connect-src 'none'/);
          assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
          assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
          // No external script, stylesheet, image or font: every src/href in the markup is absent.
          assert.doesNotMatch(c.text.replace(/<script>[\s\S]*<\/script>/, ''), /\s(src|href)=/);
          assert.ok(Buffer.byteLength(c.text) <= VIEW_SIZE_BUDGET.total, `${v.name}: ${Buffer.byteLength(c.text)} bytes`);
        }
      } finally {
        await h.close();
      }
      const sizes = JSON.parse(readFileSync(new URL('../src/views/generated/sizes.json', import.meta.url), 'utf8')) as Record<
        string,
        { total: number; own: number }
      >;
      for (const v of VIEWS) {
        const s = sizes[v.name];
        assert.ok(s !== undefined && s.own > 1000 && s.own <= VIEW_SIZE_BUDGET.own, `${v.name} own code ${s?.own}`);
      }
    });

    it('declares the extension in its capabilities', async () => {
      const h = await connect({ era });
      try {
        const caps = h.client.getServerCapabilities() as { extensions?: Record<string, unknown> } | undefined;
        assert.deepEqual(caps?.extensions?.[UI_EXTENSION], { mimeTypes: [UI_MIME_TYPE] });
      } finally {
        await h.close();
      }
    });
  });
}

describe('supportsViews', () => {
  it('links for the declared HTML profile or unknown capabilities, never for known capabilities without it', async () => {
    const { supportsViews } = await import('../src/views/register.js');
    assert.equal(supportsViews(UI_CAPS as never), true);
    assert.equal(supportsViews(undefined), true, 'a stateless 2025 request: capabilities unknown');
    assert.equal(supportsViews({}), false);
    assert.equal(supportsViews({ extensions: {} }), false);
    assert.equal(supportsViews({ extensions: { [UI_EXTENSION]: {} } }), false, 'mimeTypes is required');
    assert.equal(supportsViews({ extensions: { [UI_EXTENSION]: { mimeTypes: ['text/html'] } } }), false);
    assert.equal(supportsViews({ extensions: { [UI_EXTENSION]: { mimeTypes: 'text/html;profile=mcp-app' } } }), false);
  });
});
