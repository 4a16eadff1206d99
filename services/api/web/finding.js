import { get, post } from './api.js';
import { card, errorBox, h, json, severityBadge, statusBadge, subjectText, when } from './dom.js';

const can = { viewer: 1, operator: 2, admin: 3 };

/** One finding: what, evidence, the history timeline, notifications and remediation with its dry-run diff. */
export async function findingPage(id, me, rerender) {
  const [detail, rules] = await Promise.all([get(`/api/v1/findings/${encodeURIComponent(id)}`), get('/api/v1/rules')]);
  const f = detail.finding;
  const rule = rules.items.find((r) => r.id === f.ruleId);
  const operator = can[me.role] >= can.operator;
  const admin = can[me.role] >= can.admin;
  const message = h('div', { class: 'flash', hidden: true });

  async function act(path, body) {
    try {
      await post(path, body);
      await rerender();
    } catch (err) {
      message.replaceChildren(errorBox(err));
      message.hidden = false;
    }
  }
  /** A button that asks for a reason inline before it acts. */
  function withReason(label, path, cls) {
    const input = h('input', { placeholder: `why? (required)`, 'aria-label': `${label} reason`, required: true });
    const confirm = h('form', { class: 'reason', hidden: true, onsubmit: (e) => (e.preventDefault(), input.value.trim() && act(path, { reason: input.value.trim() })) }, input, h('button', { class: `btn ${cls}`, type: 'submit' }, `Confirm ${label.toLowerCase()}`));
    const open = h('button', { class: `btn ${cls}`, onclick: () => ((confirm.hidden = false), input.focus()) }, label);
    return [open, confirm];
  }

  const actions = [];
  if (operator) {
    if (f.status === 'open') actions.push(h('button', { class: 'btn primary', 'data-action': 'acknowledge', onclick: () => act(`/api/v1/findings/${f.id}/acknowledge`) }, 'Acknowledge'));
    if (f.status !== 'resolved') actions.push(...withReason('Resolve', `/api/v1/findings/${f.id}/resolve`, 'ok'));
    if (f.status === 'suppressed') actions.push(h('button', { class: 'btn', onclick: () => act(`/api/v1/findings/${f.id}/unsuppress`) }, 'Unsuppress'));
    else if (f.status !== 'resolved') actions.push(...withReason('Suppress', `/api/v1/findings/${f.id}/suppress`, 'ghost'));
  }

  return h(
    'div',
    { class: 'page finding' },
    h('a', { class: 'back', href: '#/findings' }, '← Findings'),
    h('div', { class: 'finding-head' },
      h('div', {}, h('div', { class: 'badges' }, severityBadge(f.severity), statusBadge(f.status), h('code', {}, f.ruleId)), h('h1', {}, f.title), h('p', { class: 'lead' }, f.message)),
      h('div', { class: 'actions' }, actions),
    ),
    message,
    h('dl', { class: 'facts' },
      fact('subject', subjectText(f.subject)), fact('cluster', f.cluster), fact('namespace', f.namespace ?? '—'), fact('area', f.area),
      fact('first seen', when(f.firstSeenAt)), fact('last seen', when(f.lastSeenAt)), fact('occurrences', String(f.occurrences)), fact('reopened', String(f.reopenCount)),
    ),
    h('div', { class: 'cols' },
      card('Evidence', json(f.evidence)),
      card('History', timeline(detail.history)),
    ),
    rule ? card('How to fix it', h('p', {}, rule.remediation.manual), h('p', { class: 'muted small' }, rule.rationale)) : null,
    card('Remediation', remediation(f, rule, detail.remediations, rules.playbooks, { operator, admin, act })),
    card('Notifications', notificationsTable(detail.notifications)),
  );
}

const fact = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));

const kindText = {
  opened: 'opened', observed: 'seen again', resolved: 'resolved', reopened: 'reopened', acknowledged: 'acknowledged', suppressed: 'suppressed', unsuppressed: 'unsuppressed',
  notified: 'notified', notify_failed: 'notification failed', remediation_requested: 'remediation requested', remediation_planned: 'remediation planned',
  remediation_applied: 'remediation applied', remediation_failed: 'remediation failed', remediation_rejected: 'remediation rejected',
};

function timeline(history) {
  return h('ol', { class: 'timeline', 'data-testid': 'timeline' },
    [...history].reverse().map((e) => {
      const note = e.data?.reason ?? e.data?.comment ?? (e.data?.step && e.kind.startsWith('remediation') ? `${e.data.playbook ?? ''} · ${e.data.step}` : null);
      return h('li', { class: `ev ev-${e.kind}`, 'data-kind': e.kind },
        h('span', { class: 'dot' }),
        h('div', {}, h('strong', {}, e.data?.step === 'approved' ? 'remediation approved' : (kindText[e.kind] ?? e.kind)), ' ', h('span', { class: 'muted' }, 'by ', e.actor ?? 'unknown', ' · '), when(e.at), note ? h('div', { class: 'note' }, note) : null),
      );
    }),
  );
}

function remediation(f, rule, rows, playbooks, { operator, admin, act }) {
  const parts = [];
  if (operator && f.status !== 'resolved') {
    const playbook = h('select', { 'aria-label': 'playbook' }, playbooks.map((p) => h('option', { value: p, selected: p === rule?.remediation.playbook }, p)));
    const mode = h('select', { 'aria-label': 'mode' }, h('option', { value: 'approve' }, 'plan, then wait for approval'), h('option', { value: 'dry-run' }, 'dry run only'));
    parts.push(h('form', { class: 'request', onsubmit: (e) => (e.preventDefault(), act(`/api/v1/findings/${f.id}/remediations`, { playbook: playbook.value, mode: mode.value })) }, playbook, mode, h('button', { class: 'btn primary', type: 'submit' }, 'Request remediation')));
  }
  if (!rows.length) parts.push(h('p', { class: 'muted' }, rule?.remediation.playbook ? `No remediation yet. The playbook for this rule is ${rule.remediation.playbook}.` : 'This rule has no playbook; fix it by hand.'));
  for (const r of rows) {
    const decidable = r.status === 'awaiting_approval' || r.status === 'planned';
    parts.push(h('div', { class: 'remediation', 'data-remediation': r.id },
      h('div', { class: 'rem-head' }, h('code', {}, r.playbook), statusBadge(r.status), h('span', { class: 'muted' }, `${r.mode} · requested by ${r.requestedBy} `), when(r.createdAt), r.approvedBy ? h('span', { class: 'muted' }, ` · approved by ${r.approvedBy}`) : null),
      r.diff ? h('div', {}, h('h3', {}, 'Dry-run diff (what server-side apply would change)'), json(r.diff)) : h('p', { class: 'muted small' }, 'Waiting for the remediator to record the dry-run diff.'),
      r.error ? errorBox(r.error) : null,
      admin && decidable && r.diff
        ? h('div', { class: 'actions' }, h('button', { class: 'btn ok', 'data-action': 'approve', onclick: () => act(`/api/v1/remediations/${r.id}/approve`) }, 'Approve and apply'), h('button', { class: 'btn danger', onclick: () => act(`/api/v1/remediations/${r.id}/reject`, {}) }, 'Reject'))
        : null,
    ));
  }
  return parts;
}

function notificationsTable(rows) {
  if (!rows.length) return h('p', { class: 'muted' }, 'No notifications sent for this finding.');
  return h('table', { class: 'grid-table' },
    h('thead', {}, h('tr', {}, ['receiver', 'kind', 'status', 'attempts', 'last error', 'created'].map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((n) => h('tr', {}, h('td', {}, n.receiver), h('td', {}, n.kind), h('td', {}, statusBadge(n.status)), h('td', {}, String(n.attempts)), h('td', { class: 'muted' }, n.lastError ?? ''), h('td', {}, when(n.createdAt))))),
  );
}
