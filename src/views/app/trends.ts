/**
 * Trends (thruk_alert_heatmap, thruk_flap_summary, thruk_top_noisy_hosts/services): an hour × day
 * heatmap of alerts, or a ranking of the flapping / noisiest objects. The shape of the tool
 * result says which.
 */
import { arr, h, num, startView, str, type Json, type ViewContext } from './common.js';

export interface Grid {
  readonly days: string[];
  readonly hours: number[];
  readonly cells: Map<string, number>;
  readonly max: number;
}

/** Buckets (ISO UTC starts) → day × hour-of-day; sub-hour buckets add up into their hour. */
export function grid(results: readonly Json[]): Grid {
  const cells = new Map<string, number>();
  const days = new Set<string>();
  const hours = new Set<number>();
  for (const r of results) {
    const start = str(r.bucket_start);
    if (start === undefined) continue;
    const day = start.slice(0, 10);
    const hour = Number(start.slice(11, 13));
    days.add(day);
    hours.add(hour);
    cells.set(`${day} ${hour}`, (cells.get(`${day} ${hour}`) ?? 0) + (num(r.count) ?? 0));
  }
  return { days: [...days].sort(), hours: [...hours].sort((a, b) => a - b), cells, max: Math.max(0, ...cells.values()) };
}

/** Arrow keys move between cells (one tab stop for the whole grid). */
function roving(table: HTMLElement): void {
  table.addEventListener('keydown', (e) => {
    const cell = (e.target as HTMLElement).closest('td');
    if (cell === null) return;
    const row = cell.parentElement as HTMLTableRowElement;
    const x = cell.cellIndex,
      y = row.rowIndex;
    const moves: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    const m = moves[e.key];
    if (m === undefined) return;
    const t = table as HTMLTableElement;
    const next = t.rows[y + m[1]]?.cells[x + m[0]];
    if (next === undefined || next.tagName !== 'TD') return;
    e.preventDefault();
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
}

function heatmap(data: Json): HTMLElement {
  const g = grid(arr(data.results));
  const total = num(data.total_alerts) ?? num(data.total_notifications) ?? 0;
  const t = h(
    'table',
    { class: 'heat' },
    h(
      'caption',
      {},
      `Alerts per hour (UTC) and day: ${total} in all${data.peak !== undefined ? `, peak ${String(num((data.peak as Json).count) ?? 0)} at ${str((data.peak as Json).bucket_start) ?? ''}` : ''}`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Day'),
        ...g.hours.map((hr) => h('th', { scope: 'col', abbr: `${hr}:00` }, String(hr).padStart(2, '0'))),
      ),
    ),
  );
  const body = h('tbody');
  let first = true;
  for (const day of g.days) {
    const tr = h('tr', {}, h('th', { scope: 'row' }, day));
    for (const hr of g.hours) {
      const c = g.cells.get(`${day} ${hr}`);
      const level = c === undefined ? 'none' : c === 0 ? '0' : String(Math.min(4, Math.ceil((c / Math.max(1, g.max)) * 4)));
      const td = h(
        'td',
        {
          class: `l${level}`,
          'aria-label': c === undefined ? `${day} ${hr}:00 outside the window` : `${day} ${hr}:00 UTC: ${c} alert${c === 1 ? '' : 's'}`,
          tabindex: first && c !== undefined ? '0' : '-1',
        },
        c === undefined || c === 0 ? '' : String(c),
      );
      if (c !== undefined) first = false;
      tr.append(td);
    }
    body.append(tr);
  }
  t.append(body);
  roving(t);
  return h('section', { 'aria-label': 'Alert heatmap' }, t);
}

function ranking(data: Json, view: ViewContext): HTMLElement {
  const flap = Array.isArray(data.flapping_alerts);
  const rows = arr(data.results);
  const value = (r: Json) => num(flap ? r.transition_count : r.alert_count) ?? 0;
  const max = Math.max(1, ...rows.map(value));
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('ol', {
    class: 'rank',
    'aria-label': flap ? 'Flapping objects, most state changes first' : 'Noisiest objects, most alerts first',
  });
  for (const r of rows) {
    const name = [str(r.host) ?? str(r.hostgroup) ?? str(r.servicegroup), str(r.service)].filter((x) => x !== undefined).join(' / ');
    const v = value(r);
    const unit = flap ? 'state changes' : 'alerts';
    const btn = h('button', { type: 'button', class: 'ask', 'aria-label': `Ask about ${name}: ${v} ${unit}` }, name);
    btn.addEventListener('click', () => {
      status.textContent = `Asking about ${name}…`;
      void view.ask(`Why is ${name} so noisy (${v} ${unit} in the window), and how do I calm it down?`).then((ok) => {
        status.textContent = ok ? `Asked about ${name}.` : `The host did not take the question about ${name}.`;
      });
    });
    const fill = h('span', { class: 'fill' });
    fill.style.width = `${(v / max) * 100}%`;
    list.append(
      h(
        'li',
        {},
        btn,
        h('span', { class: 'track', 'aria-hidden': 'true' }, fill),
        h('span', { class: 'count' }, `${v} ${unit}`),
        str(r.last_state) !== undefined ? h('span', { class: 'last' }, ` last ${str(r.last_state) ?? ''}`) : undefined,
      ),
    );
  }
  const total = num(data.total) ?? rows.length;
  return h(
    'section',
    { 'aria-label': flap ? 'Flapping ranking' : 'Noise ranking' },
    h(
      'p',
      { class: 'summary', 'data-testid': 'summary' },
      `${rows.length} of ${total} ${flap ? 'flapping objects' : 'objects'} shown${num(data.next_offset) !== undefined ? '; more: see the text answer for the next offset' : ''}. Select one to ask about it.`,
    ),
    rows.length === 0 ? h('p', { class: 'ok' }, flap ? 'Nothing flapped in the window.' : 'No alerts in the window.') : list,
    status,
  );
}

export function renderTrends(data: Json, view: ViewContext): Node {
  const isHeatmap = arr(data.results).some((r) => str(r.bucket_start) !== undefined) || data.bucket !== undefined;
  const title = isHeatmap ? 'Alert heatmap' : Array.isArray(data.flapping_alerts) ? 'Flapping' : 'Noisiest objects';
  const since = str(data.since),
    until = str(data.until);
  return h(
    'main',
    { 'aria-labelledby': 'title' },
    h('h1', { id: 'title' }, title),
    since !== undefined ? h('p', { class: 'window' }, `${since} – ${until ?? 'now'}`) : undefined,
    isHeatmap ? heatmap(data) : ranking(data, view),
  );
}

startView('trends', renderTrends);
