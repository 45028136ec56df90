// 评分: rate yourself, a colleague (peer), someone in another department (cross) or a direct report (manager),
// once per period, person and kind; ratings about me only in aggregate, never who rated what.
import { ApiError, call, get, problemText } from '../api.js';
import { clear, el, table } from '../dom.js';
import { pick, t } from '../i18n.js';
import { num } from '../format.js';

const KINDS = ['self', 'peer', 'cross', 'manager'];
const SCORES = [5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1];

async function summary(box, periodId) {
  const s = await get(`/pay/ratings/summary?period_id=${periodId}`);
  const mean = (k) => (k.shown ? num(k.mean, 2) : el('span', { class: 'muted' }, k.count ? t('ratings.hidden', { n: s.min_raters }) : '—'));
  clear(box).append(
    table([t('ratings.kind'), t('ratings.count'), t('ratings.mean')],
      s.kinds.map((k) => [t('ratings.kind.' + k.kind), num(k.count, 0), mean(k)]), { numeric: [1, 2], stack: true }),
    el('p', { class: 'muted' }, t('ratings.anonymous', { n: s.min_raters })));
}

function form(ctx, { periodId, ratees, deptName, onSaved }) {
  const me = ctx.me.employee_id;
  const kindSel = el('select', { id: 'r-kind', name: 'kind' },
    KINDS.filter((k) => ratees.some((r) => r.kinds.includes(k))).map((k) => el('option', { value: k }, t('ratings.kind.' + k))));
  const who = el('select', { id: 'r-ratee', name: 'ratee', required: true });
  const hint = el('p', { class: 'muted', id: 'r-hint' });
  const fill = () => {
    const kind = kindSel.value;
    const fit = ratees.filter((r) => r.kinds.includes(kind));
    const groups = new Map();
    for (const r of fit) {
      if (!groups.has(r.department_id)) groups.set(r.department_id, []);
      groups.get(r.department_id).push(r);
    }
    clear(who).append(...[...groups].map(([d, rs]) => el('optgroup', { label: deptName(d) },
      rs.map((r) => el('option', { value: r.id, selected: r.id === me }, pick(r, 'name'))))));
    hint.textContent = t('ratings.rule.' + kind);
  };
  kindSel.addEventListener('change', fill);
  fill();
  const score = el('select', { id: 'r-score', name: 'score' }, SCORES.map((v) => el('option', { value: v, selected: v === 4 }, `${num(v, 1)} · ${t('ratings.scale.' + Math.round(v))}`)));
  const msg = el('div', { 'aria-live': 'polite', id: 'rating-msg' });
  const submit = el('button', { type: 'submit', id: 'r-submit' }, t('ratings.submit'));
  const f = el('form', { class: 'card', id: 'rating-form', onsubmit: async (ev) => {
    ev.preventDefault();
    clear(msg);
    submit.disabled = true;
    const body = { period_id: Number(periodId()), ratee_id: Number(who.value), kind: kindSel.value, score: Number(score.value) };
    try {
      await call('/pay/ratings', { method: 'POST', json: body });
      const name = who.selectedOptions[0]?.textContent || '';
      msg.append(el('p', { class: 'ok', role: 'status' }, t('ratings.saved', { kind: t('ratings.kind.' + body.kind), name, score: num(body.score, 1) })));
      await onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const lead = e instanceof ApiError && e.status === 409 ? t('ratings.duplicate') : t('ratings.refused');
      msg.append(el('p', { class: 'error', role: 'alert' }, lead, ' ', el('span', { class: 'api-detail' }, problemText(e))));
    } finally { submit.disabled = false; }
  } },
  el('h2', {}, t('ratings.give')),
  el('div', { class: 'row' },
    el('div', { class: 'field' }, el('label', { for: 'r-kind' }, t('ratings.kind')), kindSel),
    el('div', { class: 'field' }, el('label', { for: 'r-ratee' }, t('ratings.whom')), who),
    el('div', { class: 'field' }, el('label', { for: 'r-score' }, t('ratings.score')), score)),
  hint, submit, msg);
  return f;
}

export async function render(ctx) {
  const { me, params } = ctx;
  if (!me.employee_id) return el('section', {}, el('h1', {}, t('ratings.title')), el('p', { class: 'notice' }, t('ratings.unlinked')));
  const [periods, ratees, depts, plan] = await Promise.all([get('/periods?limit=200'), get('/pay/ratees'), get('/departments?limit=200'),
    get('/me/plan').catch(() => null)]);
  const deptName = (id) => pick(depts.data.find((d) => d.id === id), 'name') || `#${id}`;
  // Periods that have started (the server's calendar, not this device's), newest first.
  const lastStart = plan?.current_period?.start_date || '9999-12-31';
  const chosen = Number(params.get('period')) || plan?.review_period?.id || plan?.current_period?.id || periods.data[0]?.id;
  const sel = el('select', { id: 'r-period', onchange: (e) => { location.hash = `#/ratings?period=${e.target.value}`; } },
    periods.data.filter((p) => ((p.kind === 'month' || p.kind === 'campaign') && p.start_date <= lastStart) || p.id === chosen).slice(0, 24)
      .map((p) => el('option', { value: p.id, selected: p.id === chosen }, pick(p, 'name'))));
  const box = el('div', { id: 'rating-summary' });
  await summary(box, chosen);
  return el('section', {}, el('h1', {}, t('ratings.title')),
    el('p', {}, el('label', { for: 'r-period' }, t('col.period'), ' '), sel),
    el('h2', {}, t('ratings.aboutMe')), box,
    form(ctx, { periodId: () => sel.value, ratees, deptName, onSaved: () => summary(box, sel.value) }));
}
