/* global location, URLSearchParams */
import { get } from './api.js';
import { h, severities, severityBadge, statusBadge, subjectText, when } from './dom.js';

const statuses = ['open', 'acknowledged', 'suppressed', 'resolved'];
const filterKeys = ['status', 'severity', 'area', 'rule', 'namespace', 'cluster'];

/** The findings table: filters live in the URL hash (#/findings?severity=high), so a view can be linked. */
export async function findingsPage(params) {
  const query = new URLSearchParams();
  for (const k of filterKeys) if (params.get(k)) query.set(k, params.get(k));
  query.set('limit', '50');
  const rules = await get('/api/v1/rules');
  const tbody = h('tbody', {});
  const more = h('button', { class: 'btn ghost', hidden: true }, 'Load more');
  const count = h('span', { class: 'muted', 'data-testid': 'count' });
  let shown = 0;
  let cursor = null;

  async function load() {
    if (cursor) query.set('cursor', cursor);
    const page = await get(`/api/v1/findings?${query}`);
    for (const f of page.items) tbody.append(row(f));
    shown += page.items.length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    count.textContent = `${shown}${cursor ? '+' : ''} finding${shown === 1 ? '' : 's'}`;
    if (shown === 0) tbody.append(h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No findings match these filters.')));
  }
  more.addEventListener('click', () => void load());

  const select = (name, options, label) =>
    h('label', {}, label, h('select', { name, onchange: apply }, h('option', { value: '' }, 'any'), options.map((o) => h('option', { value: o, selected: params.get(name) === o }, o))));
  const text = (name, label, placeholder) => h('label', {}, label, h('input', { name, value: params.get(name) ?? '', placeholder, onchange: apply }));
  const form = h(
    'form',
    { class: 'filters', onsubmit: (e) => (e.preventDefault(), apply()) },
    select('status', [...statuses, 'open,acknowledged'], 'status'),
    select('severity', severities, 'severity'),
    select('area', [...new Set(rules.items.map((r) => r.area))].sort(), 'area'),
    select('rule', rules.items.map((r) => r.id).sort(), 'rule'),
    text('namespace', 'namespace', 'e.g. payments'),
    text('cluster', 'cluster', 'any'),
    h('a', { class: 'btn ghost', href: '#/findings' }, 'Clear'),
  );
  function apply() {
    const next = new URLSearchParams();
    for (const el of form.querySelectorAll('select, input')) if (el.value) next.set(el.name, el.value);
    location.hash = `#/findings${next.size ? `?${next}` : ''}`;
  }

  await load();
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Findings'), count),
    form,
    h('table', { class: 'grid-table findings', 'data-testid': 'findings-table' }, h('thead', {}, h('tr', {}, ['severity', 'status', 'rule', 'subject', 'cluster', 'message', 'last seen'].map((c) => h('th', {}, c)))), tbody),
    more,
  );
}

function row(f) {
  const href = `#/findings/${f.id}`;
  return h(
    'tr',
    { class: 'clickable', 'data-finding': f.id, onclick: () => (location.hash = href) },
    h('td', {}, severityBadge(f.severity)),
    h('td', {}, statusBadge(f.status)),
    h('td', {}, h('a', { href, onclick: (e) => e.stopPropagation() }, f.ruleId)),
    h('td', {}, subjectText(f.subject)),
    h('td', {}, f.cluster),
    h('td', { class: 'msg' }, f.message),
    h('td', {}, when(f.lastSeenAt)),
  );
}
