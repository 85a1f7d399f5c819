/**
 * What every view shares: the connection to the host through the MCP Apps SDK (`App`), the host's
 * theme and style variables, and small DOM helpers. Runs in the host's sandboxed iframe: no network
 * (the CSP forbids it), no innerHTML (every string from Thruk is text, never markup).
 */
import { App, applyDocumentTheme, applyHostStyleVariables, type McpUiHostContext } from '@modelcontextprotocol/ext-apps';
import { config } from 'zod/v4';

// zod (inside the SDK) would probe `new Function` for its fast path; the view's CSP has no
// 'unsafe-eval', and the probe would log a CSP violation. The slow path is plenty for a few messages.
config({ jitless: true });

export type Json = Record<string, unknown>;

export interface ViewContext {
  /** Ask the model in the user's name (ui/message); resolves false when the host refused. */
  readonly ask: (text: string) => Promise<boolean>;
}

type Child = Node | string | undefined | false;

/** An element with attributes (strings; `true` for a bare boolean attribute) and children as text or nodes. */
export function h(tag: string, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : []);
export const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** 3d 4h, 25m, 40s: the age of a problem at a glance (the text answer has the exact seconds). */
export function age(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400),
    hh = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${hh}h`;
  if (hh > 0) return `${hh}h ${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

function applyContext(ctx: McpUiHostContext | undefined): void {
  if (ctx === undefined) return;
  if (ctx.theme !== undefined) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables !== undefined) applyHostStyleVariables(ctx.styles.variables);
}

/**
 * Connects to the host and renders every tool result it sends into #root. The tool's text answer
 * stays the complete answer; a result without structured content shows that text as is.
 */
export function startView(name: string, render: (data: Json, view: ViewContext) => Node): void {
  const root = document.getElementById('root');
  if (root === null) return;
  const app = new App({ name: `thruk-mcp ${name}`, version: '1' }, {}, { autoResize: true });
  const view: ViewContext = {
    ask: async (text) => {
      try {
        const r = await app.sendMessage({ role: 'user', content: [{ type: 'text', text }] });
        return r.isError !== true;
      } catch {
        return false;
      }
    },
  };
  app.ontoolresult = (result) => {
    const data = result.structuredContent;
    if (data !== undefined && data !== null && typeof data === 'object' && !Array.isArray(data) && result.isError !== true) {
      root.replaceChildren(render(data as Json, view));
    } else {
      const text = (result.content ?? []).map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      root.replaceChildren(h('pre', { class: 'fallback', role: result.isError === true ? 'alert' : undefined }, text));
    }
    root.setAttribute('aria-busy', 'false');
  };
  app.onhostcontextchanged = (ctx) => applyContext(ctx);
  app
    .connect()
    .then(() => applyContext(app.getHostContext()))
    .catch(() => {
      root.replaceChildren(h('p', { role: 'alert' }, 'Not connected to a host: this view shows a tool result inside an MCP Apps host.'));
    });
}
