import { get } from './api.js';
import { barList, trendChart } from './charts.js';
import { card, duration, h, severities } from './dom.js';

export async function overviewPage() {
  const p = await get('/api/v1/posture?days=30');
  const sev = p.open.bySeverity;
  const tiles = h(
    'div',
    { class: 'tiles' },
    h('a', { class: 'tile total', href: '#/findings?status=open,acknowledged' }, h('span', { class: 'n', 'data-testid': 'open-total' }, String(p.open.total)), h('span', { class: 'l' }, 'open findings')),
    severities.map((s) =>
      h('a', { class: `tile sev-${s}`, href: `#/findings?status=open,acknowledged&severity=${s}`, 'data-testid': `open-${s}` }, h('span', { class: 'n' }, String(sev[s] ?? 0)), h('span', { class: 'l' }, s)),
    ),
  );
  const areas = Object.entries(p.open.byArea).map(([area, n]) => [area, n, `#/findings?status=open,acknowledged&area=${encodeURIComponent(area)}`]);
  const mttr = p.mttr.length
    ? h(
        'table',
        { class: 'grid-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'rule'), h('th', { class: 'r' }, 'resolved'), h('th', { class: 'r' }, 'mean'), h('th', { class: 'r' }, 'median'), h('th', { class: 'r' }, 'p90'))),
        h(
          'tbody',
          {},
          p.mttr.map((m) =>
            h('tr', {}, h('td', {}, h('a', { href: `#/findings?rule=${m.ruleId}` }, m.ruleId)), h('td', { class: 'r' }, String(m.resolved)), h('td', { class: 'r' }, duration(m.avgSeconds)), h('td', { class: 'r' }, duration(m.medianSeconds)), h('td', { class: 'r' }, duration(m.p90Seconds))),
          ),
        ),
      )
    : h('p', { class: 'muted' }, 'Nothing resolved yet.');
  return h(
    'div',
    { class: 'page overview' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Posture'), h('span', { class: 'muted' }, `as of ${new Date(p.generatedAt).toLocaleString()}`)),
    tiles,
    h(
      'div',
      { class: 'cols' },
      card('Opened vs resolved, last 30 days', trendChart(p.trend)),
      card('Open by area', areas.length ? barList(areas, { total: p.open.total }) : h('p', { class: 'muted' }, 'No open findings.')),
    ),
    card('Time to resolve, by rule', mttr),
  );
}
