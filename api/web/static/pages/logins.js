// The admin's logins block on 管理: a login for a person (kpilot picks a one-time password, shown here once),
// a new one-time password, disable / enable, sign out everywhere, the role, and linking a login to its person
// (the first admin made on the command line links itself, so it may import sales and approve like a person).
import { ApiError, call, problemText } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { el, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';

const ROLES = ['employee', 'manager', 'hr', 'admin'];

// A role is a set of rights: changing one names the person, the old and the new role and what the new one may do.
export function confirmRole(name, from, to) {
  return confirmDialog({ title: t('logins.confirmRole', { name, from: t('role.' + from), to: t('role.' + to) }),
    body: t('logins.confirmRoleBody', { rights: t('rights.' + to) }), confirm: t('logins.confirmGo'), danger: to === 'admin' });
}

function shownOnce(box, made) {
  box.replaceChildren(el('div', { class: 'notice', role: 'status', id: 'otp-shown' },
    el('p', {}, t('logins.otpFor', { user: made.username })),
    el('p', {}, el('code', { id: 'otp-value' }, made.one_time_password)),
    el('p', { class: 'muted' }, t('logins.otpOnce'))));
}

function guard(err, fn) {
  return async (...args) => {
    err.textContent = '';
    try { await fn(...args); } catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = problemText(e); }
  };
}

async function patchUser(user, json) {
  const { etag } = await call(`/users/${user.id}`);
  await call(`/users/${user.id}`, { method: 'PATCH', json, etag });
}

function row(u, me, emps, linked, box, err, rerender) {
  const person = emps.find((e) => e.id === u.employee_id);
  // Named by the person when the login has one; a login of its own (admin, a service account) is named by its login,
  // which is data the reader typed, not machine text.
  const role = el('select', { 'aria-label': t('admin.roleOf', { user: person ? pick(person, 'name') : u.username }),
    'data-literal': person ? null : '', 'data-user': u.username,
    onchange: guard(err, async (ev) => {
      const to = ev.target.value;
      if (!(await confirmRole(person ? pick(person, 'name') : u.username, u.role, to))) { ev.target.value = u.role; return; }
      await patchUser(u, { role: to });
      rerender();
    }) },
  ROLES.map((r) => el('option', { value: r, selected: r === u.role }, t('role.' + r))));
  const link = person ? pick(person, 'name') : el('select', { 'aria-label': t('logins.linkOf', { user: u.username }), 'data-link': u.username,
    onchange: guard(err, async (ev) => {
      if (!ev.target.value) return;
      await patchUser(u, { employee_id: Number(ev.target.value) });
      if (u.id === me.user_id) location.reload(); else rerender(); // one's own link changes what the app may show
    }) },
  el('option', { value: '' }, t('logins.notLinked')),
  emps.filter((e) => e.active && !linked.has(e.id)).map((e) => el('option', { value: e.id }, pick(e, 'name'))));
  const status = u.active ? (u.must_change_password ? t('logins.waiting') : t('logins.active')) : t('logins.disabled');
  const btn = (label, attr, fn) => el('button', { type: 'button', class: 'secondary', [attr]: u.username, onclick: guard(err, fn) }, label);
  const actions = u.id === me.user_id ? el('span', { class: 'muted' }, t('logins.you')) : el('span', { class: 'row' },
    btn(t('logins.reset'), 'data-reset', async () => {
      const who = person ? (getLang() === 'zh' ? `${pick(person, 'name')}（${u.username}）` : `${pick(person, 'name')} (${u.username})`) : u.username;
      if (!(await confirmDialog({ title: t('logins.confirmReset', { user: who }), confirm: t('logins.reset') }))) return;
      shownOnce(box, (await call(`/users/${u.id}/one-time-password`, { method: 'POST' })).data);
    }),
    btn(u.active ? t('logins.disable') : t('logins.enable'), 'data-toggle', async () => { await patchUser(u, { active: !u.active }); rerender(); }),
    btn(t('logins.signOut'), 'data-signout', async () => {
      const { data } = await call(`/users/${u.id}/sign-out`, { method: 'POST' });
      box.replaceChildren(el('p', { class: 'notice', role: 'status', id: 'signed-out' }, t('logins.signedOut', { user: u.username, n: data.ended })));
    }));
  return [el('span', { 'data-literal': '' }, u.username), role, link, status, actions];
}

function newLogin(emps, linked, box, err, rerender) {
  const key = crypto.randomUUID(); // one login per form, however often the button is pressed
  const who = el('select', { id: 'login-person', name: 'employee_id', required: true },
    emps.filter((e) => e.active && !linked.has(e.id)).map((e) => el('option', { value: e.id }, pick(e, 'name'))));
  const role = el('select', { id: 'login-role', name: 'role' }, ROLES.map((r) => el('option', { value: r }, t('role.' + r))));
  const form = el('form', { class: 'card row', id: 'login-form', onsubmit: guard(err, async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const json = { employee_id: Number(v.employee_id), role: v.role };
    const person = emps.find((e) => e.id === json.employee_id);
    if (json.role !== 'employee' && !(await confirmDialog({ title: t('logins.confirmNew', { name: pick(person, 'name'), role: t('role.' + json.role) }),
      body: t('logins.confirmRoleBody', { rights: t('rights.' + json.role) }), confirm: t('logins.confirmNewGo'), danger: json.role === 'admin' }))) return;
    if (v.username) json.username = v.username;
    const { data } = await call('/logins', { method: 'POST', json, headers: { 'Idempotency-Key': key } });
    await rerender();
    const again = document.getElementById('otp-box');
    if (again && data.one_time_password) shownOnce(again, data);
  }) },
  el('div', { class: 'field' }, el('label', { for: 'login-person' }, t('col.person')), who),
  el('div', { class: 'field' }, el('label', { for: 'login-username' }, t('logins.username')),
    el('input', { id: 'login-username', name: 'username', placeholder: t('logins.usernameHint'), autocomplete: 'off' })),
  el('div', { class: 'field' }, el('label', { for: 'login-role' }, t('admin.role')), role),
  el('button', { type: 'submit', id: 'login-submit-new' }, t('logins.create')));
  return form;
}

export function loginsBlock(me, users, emps, rerender) {
  const err = el('p', { class: 'error', role: 'alert', id: 'logins-error' });
  const box = el('div', { id: 'otp-box', 'aria-live': 'polite' });
  const linked = new Set(users.map((u) => u.employee_id).filter(Boolean));
  return el('div', { id: 'logins' }, el('p', { class: 'muted' }, t('logins.note')), box, err,
    table([t('admin.username'), t('admin.role'), t('admin.employee'), t('col.status'), ''],
      users.map((u) => row(u, me, emps, linked, box, err, rerender)), { stack: true }),
    el('h3', {}, t('logins.new')), newLogin(emps, linked, box, err, rerender));
}
