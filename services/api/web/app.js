/* global document, window, location, URLSearchParams */
import { get, token } from './api.js';
import { errorBox, h } from './dom.js';
import { findingPage } from './finding.js';
import { findingsPage } from './findings.js';
import { overviewPage } from './overview.js';
import { rulesPage } from './rules.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let me = null;

function signIn(reason) {
  nav.hidden = true;
  who.hidden = true;
  const input = h('input', { type: 'password', name: 'token', placeholder: 'ztv_…', autocomplete: 'off', required: true, 'aria-label': 'API token' });
  const problem = h('div', { class: 'flash' }, reason ? errorBox(reason) : null);
  const form = h(
    'form',
    {
      class: 'signin card',
      onsubmit: async (e) => {
        e.preventDefault();
        token.set(input.value.trim());
        try {
          me = await get('/api/v1/me');
          // Back to the page that was asked for (a finding link from Slack or PagerDuty), the overview otherwise.
          if (location.hash.startsWith('#/signin')) location.hash = '#/';
          else await route();
        } catch {
          token.clear();
          problem.replaceChildren(errorBox('That token is not valid (unknown or revoked).'));
        }
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste an API token. Create one with ', h('code', {}, 'ztv token create --role viewer --name you'), '. It is kept for this tab only.'),
    input,
    problem,
    h('button', { class: 'btn primary', type: 'submit' }, 'Sign in'),
  );
  main.replaceChildren(form);
  input.focus();
}

function chrome(active) {
  nav.hidden = false;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.nav === active);
  who.hidden = false;
  who.replaceChildren(
    h('span', { class: 'role' }, me.role),
    h('span', {}, me.name),
    h('button', { class: 'btn ghost small', onclick: () => (token.clear(), (me = null), signIn()) }, 'Sign out'),
  );
}

async function route() {
  if (!token.get()) return signIn();
  if (!me) {
    try {
      me = await get('/api/v1/me');
    } catch {
      token.clear();
      return signIn('Your token is no longer valid; sign in again.');
    }
  }
  const [path, qs] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(qs ?? '');
  const parts = (path || '/').split('/').filter(Boolean);
  const rerender = () => route();
  main.replaceChildren(h('div', { class: 'loading' }, 'Loading…'));
  try {
    if (parts[0] === 'signin') return signIn();
    const section = parts[0] === 'findings' || parts[0] === 'rules' ? parts[0] : 'overview';
    chrome(section);
    let page;
    if (section === 'findings' && parts[1]) page = await findingPage(decodeURIComponent(parts[1]), me, rerender);
    else if (section === 'findings') page = await findingsPage(params);
    else if (section === 'rules') page = await rulesPage();
    else page = await overviewPage();
    main.replaceChildren(page);
  } catch (err) {
    if (err.status === 401) {
      token.clear();
      me = null;
      return signIn('Your token is no longer valid; sign in again.');
    }
    main.replaceChildren(errorBox(err));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
