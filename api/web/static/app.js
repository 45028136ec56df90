// The web app's shell: login state, the role's menu, the language switch and a hash router over page modules.
import { ApiError, get, hasSession, login, logout, whenExpired } from './api.js';
import { clear, el } from './dom.js';
import { getLang, setLang, t } from './i18n.js';

// Every page and the roles whose menu shows it (the API still decides what each call may see).
const PAGES = [
  // What needs me (issue 27): every role starts here.
  { path: 'home', key: 'nav.home', roles: ['employee', 'manager', 'hr', 'admin'], load: () => import('./pages/home.js') },
  { path: 'plan', key: 'nav.plan', roles: ['employee', 'manager'], load: () => import('./pages/plan.js') },
  { path: 'tasks', key: 'nav.tasks', roles: ['employee', 'manager'], load: () => import('./pages/tasks.js') },
  { path: 'team', key: 'nav.team', roles: ['manager', 'hr', 'admin'], load: () => import('./pages/team.js') },
  { path: 'okrs', key: 'nav.okrs', roles: ['hr', 'admin'], load: () => import('./pages/okrs.js') },
  { path: 'drafts', key: 'nav.drafts', roles: ['manager', 'hr', 'admin'], load: () => import('./pages/drafts.js') },
  { path: 'forecasts', key: 'nav.forecasts', roles: ['manager', 'hr', 'admin'], load: () => import('./pages/forecasts.js') },
  { path: 'weights', key: 'nav.weights', roles: ['hr', 'admin'], load: () => import('./pages/weights.js') },
  { path: 'anomalies', key: 'nav.anomalies', roles: ['hr', 'admin'], load: () => import('./pages/anomalies.js') },
  { path: 'grades', key: 'nav.grades', roles: ['hr', 'admin'], load: () => import('./pages/grades.js') },
  { path: 'imports', key: 'nav.imports', roles: ['hr', 'admin'], load: () => import('./pages/imports.js') },
  { path: 'audit', key: 'nav.audit', roles: ['hr', 'admin'], load: () => import('./pages/audit.js') },
  { path: 'password', key: 'nav.password', roles: ['employee', 'manager', 'hr', 'admin'], load: () => import('./pages/password.js') },
  { path: 'setup', key: 'nav.setup', roles: ['admin', 'hr'], load: () => import('./pages/setup.js') },
  { path: 'admin', key: 'nav.admin', roles: ['admin', 'hr'], load: () => import('./pages/admin.js') },
  { path: 'people', key: 'nav.people', roles: ['admin', 'hr'], load: () => import('./pages/people.js') },
  { path: 'channels', key: 'nav.channels', roles: ['admin'], load: () => import('./pages/channels.js') },
  // Pay (issue 16). `direct`: any role may open the address; the API answers (a refusal is shown as such).
  { path: 'bonus', key: 'nav.bonus', roles: ['employee', 'manager', 'hr', 'admin'], direct: true, load: () => import('./pages/bonus.js') },
  { path: 'ratings', key: 'nav.ratings', roles: ['employee', 'manager', 'hr', 'admin'], direct: true, load: () => import('./pages/ratings.js') },
  { path: 'positions', key: 'nav.positions', roles: ['manager', 'hr', 'admin'], direct: true, load: () => import('./pages/positions.js') },
  { path: 'reviews', key: 'nav.reviews', roles: ['manager', 'hr', 'admin'], direct: true, load: () => import('./pages/reviews.js') },
  { path: 'pools', key: 'nav.pools', roles: ['hr', 'admin'], direct: true, load: () => import('./pages/pools.js') },
  { path: 'calibration', key: 'nav.calibration', roles: ['hr', 'admin'], direct: true, load: () => import('./pages/calibration.js') },
  // Review cycles (issue 29): one's own part and the reviews to write; HR's cockpit.
  { path: 'review', key: 'nav.review', roles: ['employee', 'manager', 'hr', 'admin'], load: () => import('./pages/review.js') },
  { path: 'cycles', key: 'nav.cycles', roles: ['hr', 'admin'], load: () => import('./pages/cycles.js') },
  { path: 'rubrics', key: 'nav.rubrics', roles: ['hr', 'admin'], load: () => import('./pages/rubrics.js') },
  { path: 'checkins', key: 'nav.checkins', roles: ['employee', 'manager', 'hr', 'admin'], load: () => import('./pages/checkins.js') },
];
const HOME = { employee: 'home', manager: 'home', hr: 'home', admin: 'home' };

const state = { me: null, expired: false };
const view = () => document.getElementById('view');
const top = () => document.getElementById('top');

function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path, params: new URLSearchParams(query) };
}

export function go(path) { location.hash = '#/' + path; }

whenExpired(() => {
  if (!state.me && !hasSession()) return;
  state.me = null;
  state.expired = true;
  go('login');
});

function header() {
  const bar = clear(top());
  bar.hidden = !state.me;
  if (!state.me) return;
  const current = route().path;
  const links = PAGES.filter((p) => p.roles.includes(state.me.role)).map((p) =>
    el('a', { href: '#/' + p.path, 'aria-current': p.path === current ? 'page' : null, 'data-page': p.path }, t(p.key)));
  bar.append(
    el('a', { class: 'brand', href: '#/' + HOME[state.me.role] }, 'kpilot'),
    el('nav', { 'aria-label': t('nav.label') }, links),
    el('span', { class: 'who' }, `${state.me.username} · ${t('role.' + state.me.role)}`),
    langButton(),
    el('button', { class: 'secondary', type: 'button', id: 'logout', onclick: doLogout }, t('logout')),
  );
}

function langButton() {
  const other = getLang() === 'zh' ? 'en' : 'zh';
  return el('button', { class: 'secondary', type: 'button', id: 'lang', lang: other, 'aria-label': t('lang.switch'),
    onclick: () => { setLang(other); render(); } }, other === 'en' ? 'English' : '中文');
}

async function doLogout() {
  await logout();
  state.me = null;
  state.expired = false;
  go('login');
}

function loginPage(params) {
  const err = el('p', { class: 'error', role: 'alert', id: 'login-error' });
  const user = el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const pass = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      await login(user.value, pass.value);
      state.expired = false;
      state.me = await get('/me');
      go(state.me.must_change_password ? 'password' : HOME[state.me.role]);
    } catch (e) {
      err.textContent = e instanceof ApiError && e.status === 429 ? t('login.throttled') : t('login.failed');
    }
  } },
  el('div', { class: 'field' }, el('label', { for: 'username' }, t('login.username')), user),
  el('div', { class: 'field' }, el('label', { for: 'password' }, t('login.password')), pass),
  el('button', { type: 'submit', id: 'login-submit' }, t('login.submit')));
  const notice = state.expired || params.get('expired') ? el('p', { class: 'notice', role: 'alert', id: 'expired' }, t('login.expired')) : null;
  return el('section', { class: 'login' }, el('div', { class: 'row' }, el('h1', {}, t('login.title')), langButton()),
    notice, form, err, el('p', { class: 'muted' }, t('login.hint')));
}

let moved = false;

async function render() {
  document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  const { path, params } = route();
  const main = view();
  if (!state.me && path !== 'login') {
    try { state.me = await get('/me'); } catch { state.me = null; }
    if (!state.me) { go('login'); return; }
  }
  if (state.me && path === 'login') { go(HOME[state.me.role]); return; }
  header();
  if (path === 'login' || !state.me) {
    document.title = 'kpilot · ' + t('login.title');
    clear(main).append(loginPage(params));
    return;
  }
  if (state.me.must_change_password && path !== 'password') { go('password'); return; } // a one-time password first
  const page = PAGES.find((p) => p.path === path && (p.roles.includes(state.me.role) || p.direct));
  if (!page) { go(HOME[state.me.role]); return; }
  document.title = `kpilot · ${t(page.key)}`;
  clear(main).append(el('p', { class: 'muted' }, t('loading')));
  try {
    const mod = await page.load();
    const node = await mod.render({ me: state.me, params, lang: getLang(), rerender: render });
    if (route().path === path) {
      clear(main).append(node);
      if (moved) main.focus({ preventScroll: true }); // screen readers start at the new page, not the old menu item
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && (e.status === 403 || e.status === 404) && route().path === path) {
      clear(main).append(el('section', {}, el('h1', {}, t(page.key)), el('div', { class: 'notice', role: 'alert', id: 'refused' },
        el('p', {}, t(e.status === 403 ? 'refused.role' : 'refused.missing')), el('p', { class: 'muted' }, e.message))));
      return;
    }
    clear(main).append(el('p', { class: 'error', role: 'alert' }, `${t('error')}: ${e.message}`));
  }
}

window.addEventListener('hashchange', () => { moved = true; render(); });
window.addEventListener('DOMContentLoaded', render);
