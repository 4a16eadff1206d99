import { get } from './api.js';
import { h, severityBadge } from './dom.js';

export async function rulesPage() {
  const { items } = await get('/api/v1/rules');
  return h(
    'div',
    { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Rule catalogue'), h('span', { class: 'muted' }, `ZTA baseline v1 · ${items.length} rules`)),
    h(
      'table',
      { class: 'grid-table rules' },
      h('thead', {}, h('tr', {}, h('th', {}, 'rule'), h('th', {}, 'severity'), h('th', {}, 'area'), h('th', {}, 'what it checks'), h('th', {}, 'playbook'), h('th', { class: 'r' }, 'open'))),
      h(
        'tbody',
        {},
        items.map((r) =>
          h(
            'tr',
            {},
            h('td', {}, h('code', {}, r.id)),
            h('td', {}, severityBadge(r.severity)),
            h('td', {}, r.area),
            h('td', {}, h('strong', {}, r.title), h('div', { class: 'muted small' }, r.rationale)),
            h('td', {}, r.remediation.playbook ? h('code', {}, r.remediation.playbook) : h('span', { class: 'muted' }, 'manual')),
            h('td', { class: 'r' }, r.openFindings ? h('a', { href: `#/findings?rule=${r.id}&status=open,acknowledged` }, String(r.openFindings)) : '0'),
          ),
        ),
      ),
    ),
  );
}
