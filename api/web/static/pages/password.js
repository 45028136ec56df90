// 修改密码: every user changes their own password here; a one-time password from an import must be changed first.
import { call, logout, problemText } from '../api.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';

export async function render({ me }) {
  const err = el('p', { class: 'error', role: 'alert', id: 'pw-error' });
  const input = (id, label, auto) => el('div', { class: 'field' }, el('label', { for: id }, label),
    el('input', { id, name: id, type: 'password', autocomplete: auto, required: true }));
  const form = el('form', { class: 'card', id: 'pw-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    if (v['pw-new'] !== v['pw-again']) { err.textContent = t('pw.mismatch'); return; }
    try {
      await call('/me/password', { method: 'POST', json: { current_password: v['pw-current'], new_password: v['pw-new'] } });
      await logout(); // the change ended every session of this login, this one too
      location.hash = '#/login';
      location.reload();
    } catch (e) { err.textContent = problemText(e); }
  } },
  input('pw-current', t('pw.current'), 'current-password'), input('pw-new', t('pw.new'), 'new-password'),
  input('pw-again', t('pw.again'), 'new-password'), el('button', { type: 'submit', id: 'pw-submit' }, t('pw.submit')), err);
  return el('section', {}, el('h1', {}, t('nav.password')),
    me.must_change_password ? el('p', { class: 'notice', role: 'alert', id: 'pw-first' }, t('pw.first')) : null,
    el('p', { class: 'muted' }, t('pw.rules')), form);
}
