/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-assignment -- answers not read typed yet (issue 16; see test/helpers/harness.ts) */
/**
 * The MCP Apps views in a real browser: headless Chromium (Debian package `chromium`, driven by
 * playwright-core; no browser is ever downloaded) loads each view — the exact HTML of its ui://
 * resource — in a sandboxed iframe of a minimal host built on the extension's own host bridge
 * (test/fixtures/views/host.ts), hands it a tool result recorded from the simulator through our
 * real tools, and checks the rendered DOM against the tool's structuredContent: labels, counts,
 * order, folding, keyboard focus order, the message a selected row sends to the host, contrast
 * (WCAG AA), no console error, no CSP violation and no network request. One screenshot per view
 * and theme goes to test-output/views/.
 *
 * Without chromium on PATH this suite skips with one line, unless THRUK_MCP_REQUIRE_SYSTEM_TESTS=1
 * (set by .ci/run, which installs it) makes that a failure.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { connect, type CallResult } from './helpers/loose.js';
import { missingMessage, systemBinary } from './helpers/system-binary.js';
import { VIEWS } from '../src/views/catalog.js';

const INSTALL = 'install it (Debian/Ubuntu: apt-get install -y chromium)';
const CHROMIUM = systemBinary('chromium', INSTALL);
const OUT = fileURLToPath(new URL('../test-output/views/', import.meta.url));
/** The flags the project runs Chromium with: no sandbox (root in CI), nothing that phones home. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Recorded {
  readonly html: string;
  readonly csp: string;
  readonly result: CallResult;
}

/** The host's CSP from the resource's _meta.ui.csp, built as the spec's host section does. */
function hostCsp(
  csp: { connectDomains?: string[]; resourceDomains?: string[]; frameDomains?: string[]; baseUriDomains?: string[] } | undefined,
): string {
  const res = (csp?.resourceDomains ?? []).join(' ');
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${res}`,
    `style-src 'self' 'unsafe-inline' ${res}`,
    `connect-src 'self' ${(csp?.connectDomains ?? []).join(' ')}`,
    `img-src 'self' data: ${res}`,
    `font-src 'self' ${res}`,
    `media-src 'self' data: ${res}`,
    `frame-src ${(csp?.frameDomains ?? []).join(' ') || "'none'"}`,
    "object-src 'none'",
    `base-uri ${(csp?.baseUriDomains ?? []).join(' ') || "'self'"}`,
  ].join('; ');
}

interface Watch {
  readonly errors: string[];
  readonly requests: string[];
}

async function openView(
  ctx: BrowserContext,
  hostHtml: string,
  rec: Recorded,
  theme: 'light' | 'dark',
): Promise<{ page: Page; frame: Frame; watch: Watch }> {
  const page = await ctx.newPage();
  const watch: Watch = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watch.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(about|data):/.test(r.url())) watch.requests.push(r.url());
  });
  await page.emulateMedia({ colorScheme: theme });
  await page.setViewportSize({ width: 940, height: 800 });
  await page.setContent(hostHtml);
  await page.evaluate(
    ([html, csp, result, th]) =>
      (globalThis as unknown as { loadView: (...a: unknown[]) => Promise<void> }).loadView(html, csp, result, th),
    [rec.html, rec.csp, rec.result.raw, theme] as const,
  );
  const frame = page.frames().find((f) => f !== page.mainFrame());
  assert.ok(frame, 'the view frame');
  await frame.waitForSelector('main h1', { timeout: 15_000 });
  return { page, frame, watch };
}

function clean(watch: Watch): void {
  assert.deepEqual(watch.errors, [], 'no console error or warning');
  assert.deepEqual(watch.requests, [], 'no network request');
}

/**
 * WCAG contrast of every labelled element with its own background, and of the page text. A string,
 * not a function: tsx's transform would add helpers the page does not have.
 */
const CONTRAST_JS = `(() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r = 0, g = 0, b = 0]) => {
    const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const bad = [];
  const pageBg = rgb(getComputedStyle(document.documentElement).backgroundColor);
  const check = (e, bg) => {
    const r = ratio(rgb(getComputedStyle(e).color), bg);
    if (r < 4.5) bad.push((e.className || e.tagName) + ' "' + (e.textContent || '').slice(0, 30) + '": ' + r.toFixed(2));
  };
  check(document.body, pageBg);
  for (const e of document.querySelectorAll('.summary, caption, .why, .last, button.ask, th, .count, .name')) check(e, pageBg);
  for (const e of document.querySelectorAll('.badge, .verdict, .ok, table.heat td')) {
    if ((e.textContent || '').trim() === '') continue;
    check(e, rgb(getComputedStyle(e).backgroundColor));
  }
  return bad;
})()`;

async function lowContrast(frame: Frame): Promise<string[]> {
  return frame.evaluate<string[]>(CONTRAST_JS);
}

async function isDark(frame: Frame): Promise<boolean> {
  const bg = await frame.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
  const [r = 0, g = 0, b = 0] = (bg.match(/[\d.]+/g) ?? []).map(Number);
  return (r + g + b) / 3 < 80;
}

/** The element that has focus inside the view, as a short description. */
/**
 * Waits until the view says it asked the host. Polls with frame.evaluate (the debugging protocol)
 * instead of waitForFunction, whose in-page polling evaluates a string: the views' CSP forbids
 * 'unsafe-eval', so that fails whenever the first check is not already true.
 */
async function untilAsked(frame: Frame, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!(await frame.evaluate<boolean>("document.querySelector('.status')?.textContent?.startsWith('Asked') === true"))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`the view did not say "Asked" within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const focused = (frame: Frame) =>
  frame.evaluate<string>(`(() => {
  const e = document.activeElement;
  return e === null ? '' : e.tagName.toLowerCase() + ':' + (e.getAttribute('aria-label') ?? (e.textContent ?? '').trim().slice(0, 60));
})()`);

describe('MCP Apps views in Chromium', { skip: CHROMIUM.skip, timeout: 240_000 }, () => {
  let ctx: BrowserContext;
  let profile: string;
  let hostHtml: string;
  const rec = new Map<string, Recorded>();

  before(async () => {
    if (CHROMIUM.path === undefined) throw new Error(missingMessage('chromium', INSTALL));
    // Record the tool results through the real server and tools, against the simulator.
    const h = await connect({
      config: { toolsets: ['all'] },
      capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } } },
    });
    try {
      const calls: Array<[string, string, Record<string, unknown>]> = [
        ['problems', 'thruk_problems', { include_handled: true }],
        ['availability', 'thruk_hostgroup_availability_summary', { hostgroup: 'linux-servers', since: '-7d' }],
        ['heatmap', 'thruk_alert_heatmap', { since: '-3d' }],
        ['noisy', 'thruk_top_noisy_services', { since: '-2d' }],
        ['flap', 'thruk_flap_summary', {}],
      ];
      const tools = (await h.client.listTools()).tools;
      for (const [key, tool, args] of calls) {
        const uri = (tools.find((t) => t.name === tool)?._meta as { ui?: { resourceUri?: string } } | undefined)?.ui?.resourceUri;
        assert.ok(uri !== undefined, `${tool} links a view`);
        const read = await h.client.readResource({ uri });
        const content = read.contents[0] as { text: string; _meta?: { ui?: { csp?: Record<string, string[]> } } };
        const result = await h.call(tool, args);
        assert.equal(result.isError, undefined, `${tool}: ${result.text}`);
        rec.set(key, { html: content.text, csp: hostCsp(content._meta?.ui?.csp), result });
      }
    } finally {
      await h.close();
    }
    const host = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/views/host.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    hostHtml = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>test host</title></head><body><script>${host.outputFiles[0]!.text.replaceAll('</script', '<\\/script')}</script></body></html>`;
    mkdirSync(OUT, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'thruk-mcp-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM.path, headless: true, args: ARGS, offline: true });
  });

  after(async () => {
    await ctx?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`problems board (${theme}): unhandled first by state and age, handled folded, a row asks the host`, async () => {
      const r = rec.get('problems')!;
      const data = r.result.structured;
      const { page, frame, watch } = await openView(ctx, hostHtml, r, theme);
      try {
        assert.equal(await isDark(frame), theme === 'dark');
        const isHandled = (x: any) => Array.isArray(x.handled) && x.handled.length > 0;
        const open = data.rows.filter((x: any) => !isHandled(x));
        const handled = data.rows.filter(isHandled);
        assert.ok(open.length > 3 && handled.length > 3, 'the recording has both kinds');
        const tables = frame.locator('table');
        assert.equal(await tables.count(), 2);
        assert.equal(await tables.nth(0).locator('tbody tr').count(), open.length);
        assert.equal(await tables.nth(1).locator('tbody tr').count(), handled.length);
        assert.equal(
          await frame.locator('details.handled').evaluate((d) => (d as unknown as { open: boolean }).open),
          false,
          'handled problems start folded',
        );
        assert.match(
          await frame.locator('[data-testid=summary]').innerText(),
          new RegExp(`^${open.length} unhandled, ${handled.length} handled shown of ${data.total}\\.`),
        );
        // Order: worst state first, then oldest first (independent of the view's code).
        const rank: Record<string, number> = { DOWN: 0, UNREACHABLE: 1, CRITICAL: 2, UNKNOWN: 3, WARNING: 4 };
        const states = await tables
          .nth(0)
          .locator('tbody tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-state') ?? ''));
        const names = await tables.nth(0).locator('tbody th button').allInnerTexts();
        const expected = [...open].sort(
          (a: any, b: any) => (rank[a.state] ?? 5) - (rank[b.state] ?? 5) || (b.duration_s ?? 0) - (a.duration_s ?? 0),
        );
        assert.deepEqual(
          states,
          expected.map((x: any) => x.state),
        );
        assert.deepEqual(
          names,
          expected.map((x: any) => (x.service !== undefined ? `${x.host} / ${x.service}` : x.host)),
        );
        // Counts from the tool's counts, as labels.
        const counts = await frame.locator('.counts').innerText();
        assert.match(counts, new RegExp(`Hosts: .*${data.counts.hosts.down} down`));
        assert.match(counts, new RegExp(`Services: .*${data.counts.services.critical} critical`));
        await page.locator('iframe').screenshot({ path: join(OUT, `problems-${theme}.png`) });
        // Keyboard: Tab walks the unhandled rows in order, then the folded section's summary.
        await frame.locator('h1').evaluate((e) => {
          (e as unknown as { tabIndex: number }).tabIndex = -1;
          (e as unknown as { focus(): void }).focus();
        });
        const order: string[] = [];
        for (let i = 0; i < open.length + 1; i++) {
          await page.keyboard.press('Tab');
          order.push(await focused(frame));
        }
        assert.deepEqual(
          order.slice(0, open.length),
          expected.map((x: any) => `button:Ask about ${x.service !== undefined ? `${x.host} / ${x.service}` : x.host} (${x.state})`),
        );
        assert.match(order[open.length] ?? '', /^summary:Handled problems/);
        // Enter on the summary unfolds; Enter on a row asks the host in the user's name.
        await page.keyboard.press('Enter');
        assert.equal(await frame.locator('details.handled').evaluate((d) => (d as unknown as { open: boolean }).open), true);
        await frame.locator('tbody th button').first().focus();
        await page.keyboard.press('Enter');
        await untilAsked(frame);
        const log = await page.evaluate<{ messages: unknown[] }>('window.hostLog');
        assert.equal(log.messages.length, 1);
        const msg = log.messages[0] as { role: string; content: Array<{ type: string; text: string }> };
        assert.equal(msg.role, 'user');
        assert.ok(
          msg.content[0]?.text.includes(`"${expected[0].host}"`) && msg.content[0].text.includes(expected[0].state),
          msg.content[0]?.text,
        );
        assert.deepEqual(await lowContrast(frame), []);
        clean(watch);
      } finally {
        await page.close();
      }
    });

    it(`availability (${theme}): one bar per host with its shares, the percentage against the target`, async () => {
      const r = rec.get('availability')!;
      const data = r.result.structured;
      const { page, frame, watch } = await openView(ctx, hostHtml, r, theme);
      try {
        assert.equal(await isDark(frame), theme === 'dark');
        const items = frame.locator('ul.avail > li');
        assert.equal(await items.count(), data.rows.length);
        const missed = await frame.locator('.verdict.v-missed').count();
        assert.equal(missed, data.hosts.below_target, 'hosts below target as the tool counts them');
        assert.ok(missed > 0 && missed < data.rows.length);
        assert.match(
          await frame.locator('[data-testid=summary]').innerText(),
          new RegExp(`${data.rows.length} objects, target ${data.target_percent}%, ${data.hosts.below_target} below target`),
        );
        for (let i = 0; i < data.rows.length; i++) {
          const row = data.rows[i];
          const li = items.nth(i);
          assert.equal(await li.locator('.name').innerText(), row.host);
          const verdict = await li.locator('.verdict').innerText();
          assert.ok(verdict.startsWith(`${Math.round(row.availability_percent * 100) / 100}%`), verdict);
          assert.match(verdict, row.availability_percent >= data.target_percent ? /met$/ : /missed$/);
          const label = (await li.locator('.bar').getAttribute('aria-label')) ?? '';
          // Outage during downtime is planned: it shows as downtime, the rest as down.
          const down = (row.percent.down ?? 0) - (row.percent.scheduled_down ?? 0);
          if (down > 0.005) assert.ok(label.includes(`Down / Critical ${Math.round(down * 100) / 100}%`), label);
          const scheduled = Object.entries(row.percent as Record<string, number>)
            .filter(([k]) => k.startsWith('scheduled_'))
            .reduce((a, [, v]) => a + v, 0);
          if (scheduled > 0) assert.ok(label.includes(`Downtime ${Math.round(scheduled * 100) / 100}%`), label);
          const nodata = row.percent.indeterminate_nodata ?? 0;
          if (nodata > 0) assert.ok(label.includes(`No data ${Math.round(nodata * 100) / 100}%`), label);
          // The segments fill the bar in proportion (within a pixel per segment).
          const [track, segs] = await li
            .locator('.bar')
            .evaluate((b) => [b.getBoundingClientRect().width, [...b.children].reduce((a, c) => a + c.getBoundingClientRect().width, 0)]);
          assert.ok(Math.abs((track ?? 0) - 2 - (segs ?? 0)) <= 6, `${row.host}: ${segs} of ${track}`);
        }
        assert.deepEqual(await lowContrast(frame), []);
        await page.locator('iframe').screenshot({ path: join(OUT, `availability-${theme}.png`) });
        clean(watch);
      } finally {
        await page.close();
      }
    });

    it(`alert heatmap (${theme}): hour × day cells that add up to the total, arrow-key navigation`, async () => {
      const r = rec.get('heatmap')!;
      const data = r.result.structured;
      const { page, frame, watch } = await openView(ctx, hostHtml, r, theme);
      try {
        const cells = frame.locator('table.heat td:not(.lnone)');
        assert.equal(await cells.count(), data.results.length, 'one cell per 1h bucket');
        const numbers = (await frame.locator('table.heat td').allInnerTexts()).filter((t) => t !== '').map(Number);
        assert.equal(
          numbers.reduce((a, b) => a + b, 0),
          data.total_alerts,
        );
        assert.equal(Math.max(...numbers), data.peak.count);
        const day = data.peak.bucket_start.slice(0, 10);
        const hour = Number(data.peak.bucket_start.slice(11, 13));
        assert.equal(await frame.locator(`td[aria-label="${day} ${hour}:00 UTC: ${data.peak.count} alerts"]`).count(), 1);
        assert.equal(await frame.locator('table.heat thead th').count(), 25);
        // One tab stop; arrows move within the grid.
        assert.equal(await frame.locator('table.heat td[tabindex="0"]').count(), 1);
        await frame.locator('table.heat td[tabindex="0"]').focus();
        const start = await focused(frame);
        await page.keyboard.press('ArrowRight');
        const right = await focused(frame);
        await page.keyboard.press('ArrowDown');
        const down = await focused(frame);
        assert.notEqual(start, right);
        assert.match(right, /^td:\d{4}-\d\d-\d\d \d+:00/);
        assert.equal(down.slice(3, 13) > right.slice(3, 13), true, `${right} then ${down}`);
        assert.deepEqual(await lowContrast(frame), []);
        await page.locator('iframe').screenshot({ path: join(OUT, `trends-${theme}.png`) });
        clean(watch);
      } finally {
        await page.close();
      }
    });

    it(`noise and flapping ranking (${theme}): one entry per object with its count, a row asks the host`, async () => {
      for (const key of ['noisy', 'flap'] as const) {
        const r = rec.get(key)!;
        const data = r.result.structured;
        const { page, frame, watch } = await openView(ctx, hostHtml, r, theme);
        try {
          const items = frame.locator('ol.rank > li');
          assert.equal(await items.count(), data.results.length);
          assert.ok(data.results.length > 0);
          const counts = await frame.locator('ol.rank .count').allInnerTexts();
          assert.deepEqual(
            counts,
            data.results.map((x: any) => (key === 'flap' ? `${x.transition_count} state changes` : `${x.alert_count} alerts`)),
          );
          await frame.locator('ol.rank button').first().click();
          await untilAsked(frame);
          const log = await page.evaluate<{ messages: unknown[] }>('window.hostLog');
          assert.equal(log.messages.length, 1);
          assert.deepEqual(await lowContrast(frame), []);
          if (key === 'noisy') await page.locator('iframe').screenshot({ path: join(OUT, `ranking-${theme}.png`) });
          clean(watch);
        } finally {
          await page.close();
        }
      }
    });
  }

  it('covers every view', () => {
    assert.deepEqual(
      VIEWS.map((v) => v.name),
      ['problems', 'availability', 'trends'],
    );
  });
});
