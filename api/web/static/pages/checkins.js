// 周进展 (过程跟踪): weekly check-ins, newest first. A manager (and HR) reads their reports' check-ins and answers each
// with a comment (If-Match on the check-in's version); everyone sees their own check-ins with the manager's reply.
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { dateTime } from '../format.js';

function said(e) {
  return getLang() === 'zh' && e.problem && e.problem.detail_zh ? e.problem.detail_zh : problemText(e);
}

function heading(c, ctx, withPerson) {
  return el('h3', {}, withPerson ? [ctx.person(c.employee_id), ' · '] : null, ctx.kpiName(c.indicator_id),
    el('span', { class: 'muted' }, ` · ${ctx.periodName(c.period_id)} · ${t('ck.week', { week: c.week_start })}`));
}

function body(c) {
  return [el('p', { 'data-note': c.id }, c.note, ' ', el('span', { class: 'badge' }, `${t('cy.confidence')} ${c.confidence}/5`)),
    c.blocker ? el('p', { class: 'muted' }, t('cy.blocker'), t('pay.colon'), c.blocker) : null];
}

function reply(c) {
  return c.manager_comment
    ? el('p', { class: 'ok', id: `ck-reply-${c.id}` }, t('cy.mgrComment'), t('pay.colon'), c.manager_comment,
      el('span', { class: 'muted' }, ` · ${c.commented_by_name || ''} · ${dateTime(c.commented_at)}`))
    : el('p', { class: 'muted', id: `ck-reply-${c.id}` }, t('ck.noReply'));
}

// A report's check-in with the comment box (a new comment replaces the earlier one; the version guards it).
function theirs(c, ctx, reload) {
  const msg = el('div', { 'aria-live': 'polite', id: `ck-msg-${c.id}` });
  const box = el('textarea', { id: `ck-c-${c.id}`, rows: 2, maxlength: 2000 }, c.manager_comment || '');
  const send = async (ev) => {
    ev.preventDefault();
    clear(msg);
    if (!box.value.trim()) { msg.append(el('p', { class: 'error', role: 'alert' }, t('ck.needComment'))); return; }
    try {
      await call(`/check-ins/${c.id}/comment`, { method: 'POST', json: { comment: box.value.trim() }, etag: `"${c.version}"` });
      reload(t('ck.commented'));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, said(e))); }
  };
  return el('form', { class: 'card', 'data-checkin': c.id, onsubmit: send }, heading(c, ctx, true), body(c), reply(c),
    el('div', { class: 'field' }, el('label', { for: `ck-c-${c.id}` }, c.manager_comment ? t('ck.changeComment') : t('ck.comment')), box),
    el('button', { type: 'submit', id: `ck-send-${c.id}` }, t('ck.send')), msg);
}

function mine(c, ctx) {
  return el('article', { class: 'card', 'data-checkin': c.id }, heading(c, ctx, false), body(c), reply(c));
}

export async function render(ctx) {
  const [me, checks, people, indicators, periods] = await Promise.all([get('/me'), get('/check-ins?limit=200'),
    getAll('/employees'), getAll('/indicators'), getAll('/periods')]);
  const names = new Map(people.map((p) => [p.id, p]));
  const inds = new Map(indicators.map((i) => [i.id, i]));
  const pers = new Map(periods.map((p) => [p.id, p]));
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : t('cy.someone'));
  ctx.kpiName = (id) => (inds.has(id) ? pick(inds.get(id), 'name') : t('ck.kpi'));
  ctx.periodName = (id) => (pers.has(id) ? pick(pers.get(id), 'name') : '');
  const reload = (text) => { location.hash = `#/checkins?saved=${encodeURIComponent(text)}&who=${who.value}&t=${Date.now()}`; };
  const root = el('section', { id: 'checkins-page' }, el('h1', {}, t('ck.title')), el('p', { class: 'muted' }, t('ck.intro')));
  if (ctx.params.get('saved')) root.append(el('p', { class: 'ok', role: 'status', id: 'flash' }, ctx.params.get('saved')));
  const others = checks.data.filter((c) => c.employee_id !== me.employee_id);
  const own = checks.data.filter((c) => c.employee_id === me.employee_id);
  const ids = [...new Set(others.map((c) => c.employee_id))];
  const who = el('select', { id: 'ck-who' }, el('option', { value: '' }, t('ck.everyone')),
    ids.map((id) => el('option', { value: id, selected: String(id) === ctx.params.get('who') }, ctx.person(id))));
  const list = el('div', { id: 'ck-team' });
  const draw = () => {
    const shown = others.filter((c) => !who.value || c.employee_id === Number(who.value));
    clear(list).append(...(shown.length ? shown.map((c) => theirs(c, ctx, reload)) : [el('p', { class: 'muted' }, t('ck.none'))]));
  };
  who.addEventListener('change', draw);
  if (me.role !== 'employee') {
    draw();
    root.append(el('h2', {}, t('ck.team', { n: others.length })));
    if (ids.length > 1) root.append(el('div', { class: 'field' }, el('label', { for: 'ck-who' }, t('ck.who')), who));
    root.append(list);
  }
  if (me.employee_id !== null) {
    root.append(el('h2', {}, t('ck.mine')), el('div', { id: 'ck-mine' }, own.length ? own.map((c) => mine(c, ctx)) : el('p', { class: 'muted' }, t('ck.noneMine'))),
      el('p', {}, el('a', { href: '#/review' }, t('ck.post'))));
  }
  return root;
}
