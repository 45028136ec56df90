// 管理: logins (the admin hands them out and manages them; HR reads), the org structure, and periods (HR/admin add them).
import { ApiError, call, get, getAll } from '../api.js';
import { el, table } from '../dom.js';
import { pick, t } from '../i18n.js';
import { dateTime } from '../format.js';
import { confirmRole, loginsBlock } from './logins.js';
import { checklistBlock } from './setup.js';

const ROLES = ['employee', 'manager', 'hr', 'admin'];
const PERIOD_KINDS = ['month', 'quarter', 'year', 'campaign'];

function roleSelect(user, rerender, canWrite, name) {
  if (!canWrite) return t('role.' + user.role);
  return el('select', { 'aria-label': t('admin.roleOf', { user: name || user.username }), 'data-literal': name ? null : '',
    'data-user': user.username, onchange: async (ev) => {
    if (!(await confirmRole(name || user.username, user.role, ev.target.value))) { ev.target.value = user.role; return; }
    const { etag } = await call(`/users/${user.id}`);
    try { await call(`/users/${user.id}`, { method: 'PATCH', json: { role: ev.target.value }, etag }); } catch (e) { if (!(e instanceof ApiError && e.status === 401)) alert(e.message); }
    rerender();
  } }, ROLES.map((r) => el('option', { value: r, selected: r === user.role }, t('role.' + r))));
}

function deptTree(depts, emps) {
  const kids = (pid) => depts.filter((d) => d.parent_id === pid);
  const node = (d) => el('li', {}, el('strong', {}, pick(d, 'name')), ` · ${t('admin.headcount', { n: emps.filter((e) => e.department_id === d.id && e.active).length })}`,
    kids(d.id).length ? el('ul', {}, kids(d.id).map(node)) : null);
  return el('div', { class: 'tree' }, el('ul', {}, kids(null).map(node)));
}

function periodForm(rerender) {
  const f = (id, label, attrs = {}) => el('div', { class: 'field' }, el('label', { for: id }, label), el('input', { id, name: id, required: true, ...attrs }));
  const err = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'card row', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    try { await call('/periods', { method: 'POST', json: v }); rerender(); } catch (e) { err.textContent = e.message; }
  } },
  f('code', t('admin.code')),
  el('div', { class: 'field' }, el('label', { for: 'kind' }, t('admin.kind')), el('select', { id: 'kind', name: 'kind' }, PERIOD_KINDS.map((k) => el('option', { value: k }, t('period.kind.' + k))))),
  f('start_date', t('admin.start'), { type: 'date' }), f('end_date', t('admin.end'), { type: 'date' }),
  f('name_zh', t('admin.nameZh')), f('name_en', t('admin.nameEn')),
  el('button', { type: 'submit' }, t('admin.addPeriod')));
  return el('div', {}, form, err);
}

export async function render({ me, rerender }) {
  const [users, depts, emps, periods] = await Promise.all([
    getAll('/users'), get('/departments?limit=200'), getAll('/employees'), get('/periods?limit=36')]);
  const canWrite = me.role === 'admin';
  const logins = canWrite ? loginsBlock(me, users, emps, rerender)
    : table([t('admin.username'), t('admin.role'), t('admin.employee'), t('admin.active')], users.map((u) => [
      el('span', { 'data-literal': '' }, u.username), roleSelect(u, rerender, canWrite, pick(emps.find((e) => e.id === u.employee_id), 'name')), pick(emps.find((e) => e.id === u.employee_id), 'name') || '—', u.active ? '✔' : '✘']), { stack: true });
  return el('section', {}, el('h1', {}, t('admin.title')), await checklistBlock(),
    el('h2', {}, t('admin.users')), logins,
    el('h2', {}, t('admin.org')), el('p', {}, el('a', { href: '#/people', id: 'to-people' }, t('org.edit'))), deptTree(depts.data, emps),
    el('h2', {}, t('admin.periods')),
    table([t('admin.name'), t('admin.kind'), t('admin.start'), t('admin.end')],
      periods.data.map((p) => [el('span', { 'data-name': '' }, pick(p, 'name')), t('period.kind.' + p.kind),
        dateTime(p.start_date, { time: false }), dateTime(p.end_date, { time: false })])),
    periodForm(rerender));
}
