/* global document, Node */
// Small DOM helpers. Text always goes in through textContent, never innerHTML, so data cannot become markup.

/** h('div', { class: 'x', onclick: fn }, child, 'text', [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through CSSOM: the Content-Security-Policy refuses style attributes.
    else if (key === 'style') for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const svgNs = 'http://www.w3.org/2000/svg';
/** An SVG element with attributes. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNs, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(key, String(value));
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export const severities = ['critical', 'high', 'medium', 'low', 'info'];

export function severityBadge(severity) {
  return h('span', { class: `badge sev-${severity}` }, severity);
}

export function statusBadge(status) {
  return h('span', { class: `status st-${status}` }, status.replace('_', ' '));
}

export function ago(iso) {
  if (!iso) return '—';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}

export function when(iso) {
  return iso ? h('time', { datetime: iso, title: new Date(iso).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' }, ago(iso)) : '—';
}

export function duration(seconds) {
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86400).toFixed(1)}d`;
}

export function subjectText(subject = {}) {
  if (subject.spiffeId) return subject.spiffeId;
  if (subject.node) return `node/${subject.node}`;
  if (subject.origin) return subject.origin;
  if (subject.kind === 'Namespace') return `namespace/${subject.name}`;
  return [subject.namespace, subject.kind && subject.name ? `${subject.kind}/${subject.name}` : subject.name].filter(Boolean).join(' · ');
}

export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function card(title, ...body) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
}

export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err));
}
