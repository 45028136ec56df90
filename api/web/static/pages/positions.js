// 关键岗位: the key-position inventory of a quarter (and campaign season). Every position is rated 1-5 on strategic
// relevance, skill scarcity and measurability; the class (A / B / baseline) and what it means under the company
// stage (review cycle, share of result KPIs, bonus multiplier) are computed by the API. HR edits and saves (If-Match).
import { ApiError, call, get, problemText } from '../api.js';
import { append, clear, el } from '../dom.js';
import { pick, t } from '../i18n.js';
import { listing } from '../listing.js';
import { num, who } from '../format.js';
import { classBadge } from '../pay.js';

const STAGES = ['startup', 'expansion', 'mature', 'transformation'];
const CAMPAIGNS = ['', 'double11', 'double12', '618', 'nianhuo', '38', '99'];
const SCORES = ['relevance', 'scarcity', 'measurability'];

const campaignText = (c) => t('campaign.' + (c || 'none'));
const invTitle = (inv) => `${inv.quarter}${inv.campaign ? ' · ' + campaignText(inv.campaign) : ''} · ${t('stage.' + inv.stage)}`;

function scoreInput(item, key, editable, onChange) {
  const v = item[key];
  if (!editable) return num(v, 1);
  return el('input', { type: 'number', min: 1, max: 5, step: 0.5, value: v, id: `pos-${item.position_id}-${key}`, required: true,
    'aria-label': t('pos.scoreOf', { what: t('pos.' + key), name: pick(item, 'title') }), oninput: (e) => onChange(Number(e.target.value)) });
}

function relevanceCell(item, editable, onChange) {
  const boosted = item.effective_relevance !== item.relevance;
  return el('span', {}, scoreInput(item, 'relevance', editable, onChange),
    boosted ? el('span', { class: 'muted' }, ' ', t('pos.boosted', { v: num(item.effective_relevance, 1) })) : null);
}

function legend(items) {
  const byClass = {};
  for (const i of items) byClass[i.key_class] ??= i.policy;
  return el('div', { class: 'cards', id: 'class-legend' }, ['A', 'B', 'C'].filter((c) => byClass[c]).map((c) => {
    const p = byClass[c];
    return el('div', { class: 'card' }, el('h3', {}, classBadge(c), ' ', t('pos.meaning.' + c)),
      el('ul', {},
        el('li', {}, t('pos.cycle'), t('pay.colon'), t('cycle.' + p.review_cycle)),
        el('li', {}, t('pos.resultWeight'), t('pay.colon'), `${num(p.result_kpi_weight, 0)}%`),
        el('li', {}, t('pos.multiplier'), t('pay.colon'), '×', num(p.bonus_multiplier, 2)),
        el('li', {}, t('pos.baseline'), t('pay.colon'), p.baseline.length ? p.baseline.map((b) => t('baseline.' + b)).join(t('pay.sep')) : '—')),
      el('p', { class: 'muted' }, pick(p, 'note')));
  }));
}

async function show(box, id, ctx) {
  const { data: inv, etag } = await call(`/pay/position-inventories/${id}`);
  const editable = ['hr', 'admin'].includes(ctx.me.role);
  const edits = Object.fromEntries(inv.items.map((i) => [i.position_id, Object.fromEntries(SCORES.map((k) => [k, i[k]]))]));
  const stage = el('select', { id: 'inv-stage', disabled: !editable }, STAGES.map((s) => el('option', { value: s, selected: s === inv.stage }, t('stage.' + s))));
  const msg = el('div', { 'aria-live': 'polite', id: 'inv-msg' });
  const rows = inv.items.map((i) => {
    const set = (k) => (v) => { edits[i.position_id][k] = v; };
    return [el('span', { 'data-position': i.position }, pick(i, 'title')), ctx.deptName(i.function),
      relevanceCell(i, editable, set('relevance')), scoreInput(i, 'scarcity', editable, set('scarcity')),
      scoreInput(i, 'measurability', editable, set('measurability')), num(i.key_score, 2), classBadge(i.key_class),
      t('cycle.' + i.policy.review_cycle), `${num(i.policy.result_kpi_weight, 0)}%`, `×${num(i.policy.bonus_multiplier, 2)}`, pick(i, 'reason')];
  });
  const save = async (ev) => {
    ev.preventDefault();
    clear(msg);
    const positions = Object.entries(edits).map(([pid, s]) => ({ position_id: Number(pid), ...s }));
    try {
      await call(`/pay/position-inventories/${id}`, { method: 'PATCH', json: { stage: stage.value, positions }, etag });
      await show(box, id, ctx);
      document.getElementById('inv-msg')?.append(el('p', { class: 'ok', role: 'status' }, t('pos.saved')));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      if (e instanceof ApiError && e.status === 412) {
        await show(box, id, ctx);
        document.getElementById('inv-msg')?.append(el('p', { class: 'error', role: 'alert', id: 'inv-conflict' }, t('pay.conflict')));
        return;
      }
      msg.append(el('p', { class: 'error', role: 'alert' }, problemText(e)));
    }
  };
  clear(box).append(el('form', { onsubmit: save },
    el('h2', { id: 'inv-title' }, invTitle(inv)),
    el('p', { class: 'muted' }, t('pos.rule'), ' · ', t('pos.by', { name: who(inv.created_by_name) })),
    el('div', { class: 'field' }, el('label', { for: 'inv-stage' }, t('pos.stage')), stage),
    el('p', { class: 'muted' }, t('pos.stageNote')),
    legend(inv.items),
    listing([t('pos.position'), t('col.department'), t('pos.relevance'), t('pos.scarcity'), t('pos.measurability'), t('pos.keyScore'),
      t('pos.class'), t('pos.cycle'), t('pos.resultWeight'), t('pos.multiplier'), t('pos.reason')], rows,
    { numeric: [5, 8, 9], stack: true, caption: t('pos.caption'), id: 'positions-list', skip: [10] }),
    editable ? el('button', { type: 'submit', id: 'inv-save' }, t('pos.save')) : el('p', { class: 'muted' }, t('pos.readOnly')),
    msg));
}

function creator(ctx, current) {
  const quarter = el('input', { id: 'new-quarter', required: true, pattern: '\\d{4}-Q[1-4]', placeholder: '2026-Q4', value: current?.quarter || '' });
  const campaign = el('select', { id: 'new-campaign' }, CAMPAIGNS.map((c) => el('option', { value: c }, campaignText(c))));
  const stage = el('select', { id: 'new-stage' }, STAGES.map((s) => el('option', { value: s, selected: s === (current?.stage || 'mature') }, t('stage.' + s))));
  const msg = el('div', { 'aria-live': 'polite' });
  return el('details', { class: 'card' }, el('summary', {}, t('pos.new')),
    el('form', { onsubmit: async (ev) => {
      ev.preventDefault();
      clear(msg);
      const positions = current.items.map((i) => ({ position_id: i.position_id, relevance: i.relevance, scarcity: i.scarcity, measurability: i.measurability }));
      try {
        const { data } = await call('/pay/position-inventories', { method: 'POST', json: { quarter: quarter.value.trim(), campaign: campaign.value, stage: stage.value, positions } });
        location.hash = `#/positions?id=${data.id}`;
      } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, problemText(e))); }
    } },
    el('p', { class: 'muted' }, t('pos.newNote')),
    el('div', { class: 'row' },
      el('div', { class: 'field' }, el('label', { for: 'new-quarter' }, t('pos.quarter')), quarter),
      el('div', { class: 'field' }, el('label', { for: 'new-campaign' }, t('pos.campaign')), campaign),
      el('div', { class: 'field' }, el('label', { for: 'new-stage' }, t('pos.stage')), stage)),
    el('button', { type: 'submit', id: 'new-create' }, t('pos.create')), msg));
}

export async function render(ctx) {
  const [invs, depts] = await Promise.all([get('/pay/position-inventories?limit=50'), get('/departments?limit=200')]);
  ctx.deptName = (code) => pick(depts.data.find((d) => d.code === code), 'name') || code;
  const out = el('section', {}, el('h1', {}, t('pos.title')), el('p', { class: 'muted' }, t('pos.intro')));
  if (!invs.data.length) { out.append(el('p', { class: 'muted' }, t('pos.none'))); return out; }
  const chosen = Number(ctx.params.get('id')) || invs.data[0].id;
  const sel = el('select', { id: 'inv-select', onchange: (e) => { location.hash = `#/positions?id=${e.target.value}`; } },
    invs.data.map((i) => el('option', { value: i.id, selected: i.id === chosen }, invTitle(i))));
  const box = el('div', { id: 'inventory' });
  await show(box, chosen, ctx);
  const current = invs.data.find((i) => i.id === chosen);
  append(out, [el('p', {}, el('label', { for: 'inv-select' }, t('pos.inventory'), ' '), sel), box,
    ['hr', 'admin'].includes(ctx.me.role) && current ? creator(ctx, current) : null]);
  return out;
}
