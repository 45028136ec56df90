// 奖金池: HR's bonus pools. List them, create one for a period (the allocation is proposed at once by the
// documented formula), and open one to check, edit and approve its allocation (pool-allocation.js).
import { ApiError, call, get, getAll, problemText } from '../api.js';
import { clear, el, table } from '../dom.js';
import { pick, t } from '../i18n.js';
import { toFen, yuan } from '../format.js';
import { showAllocation } from './pool-allocation.js';

const CAMPAIGNS = ['', 'double11', 'double12', '618', 'nianhuo', '38', '99'];

function creator(periods) {
  const period = el('select', { id: 'pool-period', required: true },
    periods.filter((p) => p.kind === 'month' || p.kind === 'campaign' || p.kind === 'quarter').map((p) => el('option', { value: p.id }, pick(p, 'name'))));
  const amount = el('input', { id: 'pool-amount', inputmode: 'decimal', required: true, size: 16, placeholder: '100000.00' });
  const campaign = el('select', { id: 'pool-campaign' }, CAMPAIGNS.map((c) => el('option', { value: c }, t('campaign.' + (c || 'none')))));
  const msg = el('div', { 'aria-live': 'polite', id: 'pool-msg' });
  return el('details', { class: 'card' }, el('summary', {}, t('pools.new')),
    el('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      clear(msg);
      const fen = toFen(amount.value);
      if (fen === null) { msg.append(el('p', { class: 'error', role: 'alert' }, t('pools.badAmount'))); return; }
      try {
        const { data } = await call('/pay/pools', { method: 'POST', json: { period_id: Number(period.value), amount_fen: fen, campaign: campaign.value, base: 'headcount' } });
        location.hash = `#/pools?id=${data.pool.id}`;
      } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, problemText(e))); }
    } },
    el('p', { class: 'muted' }, t('pools.newNote')),
    el('div', { class: 'row' },
      el('div', { class: 'field' }, el('label', { for: 'pool-period' }, t('col.period')), period),
      el('div', { class: 'field' }, el('label', { for: 'pool-amount' }, t('pools.amountYuan')), amount),
      el('div', { class: 'field' }, el('label', { for: 'pool-campaign' }, t('pos.campaign')), campaign)),
    el('button', { type: 'submit', id: 'pool-create' }, t('pools.create')), msg));
}

export async function render(ctx) {
  const [pools, periods, depts, people] = await Promise.all([get('/pay/pools?limit=100'), getAll('/periods'), get('/departments?limit=200'), getAll('/employees')]);
  ctx.periodName = (id) => pick(periods.find((p) => p.id === id), 'name') || `#${id}`;
  ctx.deptName = (code) => pick(depts.data.find((d) => d.code === code || String(d.id) === String(code)), 'name') || code;
  const names = new Map(people.map((p) => [p.id, p]));
  ctx.person = (id) => (names.has(id) ? pick(names.get(id), 'name') : `#${id}`); // names, not codes (issue 27)
  const chosen = Number(ctx.params.get('id')) || pools.data[0]?.id;
  const box = el('div', { id: 'allocation', tabindex: '-1' });
  const rows = pools.data.map((p) => [`#${p.id}`, ctx.periodName(p.period_id), p.campaign ? t('campaign.' + p.campaign) : '—', yuan(p.amount_fen), p.created_by_name === 'system' ? t('audit.system') : p.created_by_name,
    el('a', { href: `#/pools?id=${p.id}`, 'data-pool': p.id, 'aria-current': p.id === chosen ? 'true' : null }, t('open'))]);
  if (chosen) await showAllocation(box, chosen, ctx);
  return el('section', {}, el('h1', {}, t('pools.title')),
    el('p', { class: 'muted' }, t('pools.intro')),
    rows.length ? table(['#', t('col.period'), t('pos.campaign'), t('pools.pool'), t('weights.by'), ''], rows, { numeric: [3], stack: true })
      : el('p', { class: 'muted' }, t('pools.none')),
    creator(periods), box);
}
