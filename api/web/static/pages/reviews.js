// 二次复核: scores questioned by a flag (a department all high while its results are low, pools always paid in
// full, a manager rating far above everyone else). HR, or the questioned manager's manager, reads the evidence and
// confirms the scores or adjusts them, always with a reason (If-Match, audited). Open items hold up pool approval.
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el, table } from '../dom.js';
import { pick, t } from '../i18n.js';
import { dateTime, num } from '../format.js';

const STATUSES = ['open', 'confirmed', 'adjusted', 'all'];

function evidence(ev) {
  return table([t('an.evidence'), t('an.value')], Object.entries(ev).map(([k, v]) => {
    const label = t('ev.' + k) === 'ev.' + k ? k : t('ev.' + k);
    return [label, typeof v === 'number' ? num(v, k === 'p_value' ? 6 : 3) : Array.isArray(v) ? v.join(', ') : String(v)];
  }), { numeric: [1], stack: true });
}

function decisionForm(item, ctx, reload) {
  const id = item.id;
  const kind = (v) => el('label', {}, el('input', { type: 'radio', name: `rv-${id}-decision`, value: v, id: `rv-${id}-${v}`, checked: v === 'confirm',
    onchange: () => { adj.hidden = v !== 'adjust'; } }), ' ', t('review.' + v));
  const people = item.related.length ? item.related : item.subject_employee_id ? [item.subject_employee_id] : [];
  const adj = el('div', { hidden: true, id: `rv-${id}-adjust` }, el('p', { class: 'muted' }, t('review.adjustHow')),
    people.length ? table([t('col.person'), t('review.newScore')], people.map((p) => [ctx.person(p),
      el('input', { type: 'number', min: 0, max: 200, step: 0.1, id: `rv-${id}-adj-${p}`, 'data-employee': p, 'aria-label': t('review.newScoreOf', { name: ctx.person(p) }) })]))
      : el('p', { class: 'muted' }, t('review.nobody')));
  const reason = el('textarea', { id: `rv-${id}-reason`, rows: 2, cols: 40, maxlength: 2000, required: true, minlength: 2 });
  const msg = el('div', { 'aria-live': 'polite', id: `rv-${id}-msg` });
  return el('form', { class: 'decide', onsubmit: async (ev) => {
    ev.preventDefault();
    clear(msg);
    const decision = ev.target.querySelector(`input[name="rv-${id}-decision"]:checked`).value;
    const adjustments = decision === 'adjust' ? [...adj.querySelectorAll('input[data-employee]')].filter((i) => i.value !== '')
      .map((i) => ({ employee_id: Number(i.dataset.employee), score: Number(i.value) })) : [];
    if (reason.value.trim().length < 2) { msg.append(el('p', { class: 'error', role: 'alert' }, t('review.needReason'))); return; }
    if (decision === 'adjust' && !adjustments.length) { msg.append(el('p', { class: 'error', role: 'alert' }, t('review.needScore'))); return; }
    try {
      const { etag } = await call(`/pay/reviews/${id}`);
      await call(`/pay/reviews/${id}/decide`, { method: 'POST', json: { decision, reason: reason.value.trim(), adjustments }, etag });
      await reload(id, el('p', { class: 'ok', role: 'status' }, t('review.decided')));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && (e.status === 412 || e.status === 409)) { await reload(id, el('p', { class: 'error', role: 'alert' }, t('pay.conflict'), ' ', problemText(e))); return; }
      msg.append(el('p', { class: 'error', role: 'alert' }, problemText(e)));
    }
  } },
  el('fieldset', {}, el('legend', {}, t('weights.decide')), kind('confirm'), ' ', kind('adjust')),
  adj,
  el('div', { class: 'field' }, el('label', { for: `rv-${id}-reason` }, t('review.reason')), reason),
  el('button', { type: 'submit', id: `rv-${id}-decide` }, t('review.submit')), msg);
}

function card(item, ctx, reload, flash) {
  const decided = item.status !== 'open';
  const when = item.decided_at ? dateTime(item.decided_at) : '';
  const adjusted = item.adjustments ? Object.entries(item.adjustments).map(([emp, s]) => `${ctx.person(Number(emp))}: ${num(s, 2)}`).join(t('pay.sep')) : '';
  return el('article', { class: 'card flag', 'data-review': item.id, id: `review-${item.id}`, tabindex: '-1' },
    el('h3', {}, `#${item.id} · ${t('review.code.' + item.code)} · `, item.subject_employee_id ? ctx.person(item.subject_employee_id) : item.subject, ' ',
      el('span', { class: `badge ${decided ? 'ok' : 'warn'}`, id: `rv-${item.id}-status` }, t('review.status.' + item.status))),
    el('p', { class: 'muted' }, ctx.periodName(item.period_id), item.pool_id ? ` · ${t('review.pool', { id: item.pool_id })}` : ''),
    el('p', {}, pick(item, 'explanation')),
    evidence(item.evidence),
    item.related.length ? el('p', {}, t('review.related'), t('pay.colon'), item.related.map((p) => ctx.person(p)).join(t('pay.sep'))) : el('p', { class: 'muted' }, t('review.wholePool')),
    flash || null,
    decided ? el('p', { id: `rv-${item.id}-decision` }, t('review.decidedBy', { name: item.decided_by_name || '—', at: when }), ' · ', item.reason, adjusted ? ` · ${adjusted}` : '')
      : decisionForm(item, ctx, reload));
}

export async function render(ctx) {
  const status = STATUSES.includes(ctx.params.get('status')) ? ctx.params.get('status') : 'open';
  const focus = Number(ctx.params.get('id')) || null;
  const q = status === 'all' ? '' : `&status=${status}`;
  const [list, periods, people] = await Promise.all([get(`/pay/reviews?limit=100${q}`), getAll('/periods'), getAll('/employees')]);
  ctx.periodName = (id) => pick(periods.find((p) => p.id === id), 'name') || `#${id}`;
  const names = new Map(people.map((p) => [p.id, p]));
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : `#${id}`);
  const items = list.data;
  if (focus && !items.some((i) => i.id === focus)) items.unshift(await get(`/pay/reviews/${focus}`));
  const box = el('div', { id: 'reviews' });
  const reload = async (id, flash) => {
    const fresh = await get(`/pay/reviews/${id}`);
    const old = document.getElementById(`review-${id}`);
    const node = card(fresh, ctx, reload, flash);
    if (old) old.replaceWith(node);
    node.focus();
  };
  box.append(...items.map((i) => card(i, ctx, reload)));
  if (focus) setTimeout(() => document.getElementById(`review-${focus}`)?.focus(), 0);
  const sel = el('select', { id: 'rv-status', onchange: (e) => { location.hash = `#/reviews?status=${e.target.value}`; } },
    STATUSES.map((s) => el('option', { value: s, selected: s === status }, t('review.status.' + s))));
  return el('section', {}, el('h1', {}, t('review.title')),
    el('p', { class: 'muted' }, t('review.intro')),
    el('p', {}, el('label', { for: 'rv-status' }, t('col.status'), ' '), sel),
    items.length ? box : el('p', { class: 'ok', id: 'no-reviews' }, t('review.none')));
}
