/** The problems board (thruk_problems): unhandled first, worst state and oldest first; handled folded. */
import { age, arr, h, num, obj, startView, str, type Json, type ViewContext } from './common.js';

/** Worst first: a host down hides its services, then the service states by severity. */
const RANK: Record<string, number> = { DOWN: 0, UNREACHABLE: 1, CRITICAL: 2, UNKNOWN: 3, WARNING: 4 };
const rank = (state: string): number => RANK[state] ?? 5;

export function sortProblems(rows: readonly Json[]): Json[] {
  return [...rows].sort(
    (a, b) => rank(str(a.state) ?? '') - rank(str(b.state) ?? '') || (num(b.duration_s) ?? 0) - (num(a.duration_s) ?? 0),
  );
}

function objectName(r: Json): string {
  const service = str(r.service);
  return service !== undefined ? `${str(r.host) ?? ''} / ${service}` : (str(r.host) ?? '');
}

function question(r: Json): string {
  const what = str(r.service) !== undefined ? `service "${str(r.service)}" on host "${str(r.host)}"` : `host "${str(r.host)}"`;
  const since = str(r.since) !== undefined ? ` since ${str(r.since)}` : '';
  return `Why is ${what} ${str(r.state) ?? 'in a problem state'}${since}, and what should I do about it?`;
}

function table(rows: readonly Json[], caption: string, view: ViewContext, status: HTMLElement): HTMLElement {
  const body = h('tbody');
  for (const r of rows) {
    const state = str(r.state) ?? '?';
    const handled = Array.isArray(r.handled) ? (r.handled as unknown[]).filter((x): x is string => typeof x === 'string').join(', ') : '';
    const name = objectName(r);
    const btn = h('button', { type: 'button', class: 'ask', 'aria-label': `Ask about ${name} (${state})` }, name);
    btn.addEventListener('click', () => {
      status.textContent = `Asking about ${name}…`;
      void view.ask(question(r)).then((ok) => {
        status.textContent = ok ? `Asked about ${name}.` : `The host did not take the question about ${name}.`;
      });
    });
    const dur = num(r.duration_s);
    body.append(
      h(
        'tr',
        { 'data-state': state },
        h(
          'td',
          {},
          h('span', { class: `badge s-${state.toLowerCase()}` }, state),
          r.hard === false ? h('span', { class: 'soft' }, ' soft') : undefined,
        ),
        h('th', { scope: 'row' }, btn),
        h('td', { class: 'num', title: str(r.since) }, `${age(dur)}${r.duration_at_least === true ? '+' : ''}`),
        h('td', { class: 'out' }, str(r.output) ?? '', handled !== '' ? h('span', { class: 'why' }, ` (${handled})`) : undefined),
      ),
    );
  }
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'State'),
        h('th', { scope: 'col' }, 'Object'),
        h('th', { scope: 'col' }, 'Age'),
        h('th', { scope: 'col' }, 'Output'),
      ),
    ),
    body,
  );
}

function countList(label: string, counts: Json): HTMLElement {
  const items = Object.entries(counts).filter(([, v]) => typeof v === 'number');
  return h('li', {}, h('strong', {}, `${label}: `), items.length === 0 ? 'none' : items.map(([k, v]) => `${String(v)} ${k}`).join(', '));
}

export function renderProblems(data: Json, view: ViewContext): Node {
  const rows = arr(data.rows);
  const isHandled = (r: Json) => Array.isArray(r.handled) && r.handled.length > 0;
  const open = sortProblems(rows.filter((r) => !isHandled(r)));
  const handled = sortProblems(rows.filter(isHandled));
  const counts = obj(data.counts);
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const total = num(data.total) ?? rows.length;
  const main = h(
    'main',
    { 'aria-labelledby': 'title' },
    h('h1', { id: 'title' }, 'Problems'),
    h(
      'ul',
      { class: 'counts', 'aria-label': 'Problem counts' },
      countList('Hosts', obj(counts.hosts)),
      countList('Services', obj(counts.services)),
    ),
    h(
      'p',
      { class: 'summary', 'data-testid': 'summary' },
      `${open.length} unhandled, ${handled.length} handled shown of ${total}.${data.truncated === true || num(data.next_offset) !== undefined ? ' More rows: see the text answer for the next offset.' : ''} Select a row to ask about it.`,
    ),
    open.length > 0 ? table(open, `Unhandled problems (${open.length})`, view, status) : h('p', { class: 'ok' }, 'No unhandled problems.'),
  );
  if (handled.length > 0) {
    main.append(
      h(
        'details',
        { class: 'handled' },
        h('summary', {}, `Handled problems (${handled.length}): acknowledged, in downtime or behind a host problem`),
        table(handled, `Handled problems (${handled.length})`, view, status),
      ),
    );
  }
  main.append(status);
  return main;
}

startView('problems', renderProblems);
