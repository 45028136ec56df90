// 预测: start a forecast of a period's target range, watch its status, read each range with its fan chart.
import { ApiError, call, get } from '../api.js';
import { clear, el, explain, fmt, spinner, table, zoomable } from '../dom.js';
import { dateTime, withUnit } from '../format.js';
import { pick, t } from '../i18n.js';

const POLL_MS = 1500;

function ranges(job, shops, lang) {
  if (!job.ranges.length) return el('p', { class: 'muted' }, job.status === 'failed' ? pick(job, 'message') : t('fc.noRanges'));
  const name = (id) => { const s = shops.find((x) => x.id === id); return s ? pick(s, 'name') || s.code : `#${id}`; };
  return el('div', {}, table([t('col.shop'), t('fc.conservative'), t('fc.base'), t('fc.stretch'), explain(t('fc.mase'), t('jargon.mase')), explain(t('fc.coverage'), t('jargon.coverage'))],
    job.ranges.map((r) => [name(r.shop_id), withUnit(r.conservative, 'CNY', 0), withUnit(r.base, 'CNY', 0), withUnit(r.stretch, 'CNY', 0), fmt(r.backtest_mase, 3),
      r.backtest_total_coverage === null ? '—' : `${fmt(r.backtest_total_coverage * 100, 0)}%`]), { numeric: [1, 2, 3, 4, 5] }),
  eventsUsed(job, name),
  el('div', { class: 'cards' }, job.ranges.map((r) => el('figure', { class: 'card' },
    zoomable(el('img', { src: `/api/v1/forecasts/${job.id}/chart.png?shop_id=${r.shop_id}&lang=${lang}`, alt: t('fc.chartAlt', { shop: name(r.shop_id) }), class: 'chart', loading: 'lazy', width: 480 }), t('chart.open')),
    el('figcaption', {}, name(r.shop_id))))));
}

// The promotion events the forecast used: the company's calendar over the horizon (as corrected), per shop.
function eventsUsed(job, name) {
  const day = (iso) => dateTime(`${iso}T00:00:00`, { time: false });
  const events = job.events || [];
  return el('div', { id: 'fc-events' }, el('h3', {}, t('fc.events')),
    events.length ? table([t('col.shop'), t('fc.event'), t('admin.start'), t('admin.end')],
      events.map((e) => [name(e.shop_id), pick(e, 'name'), day(e.start_date), day(e.end_date)]), { stack: true })
      : el('p', { class: 'muted' }, t('fc.noEvents')));
}

// Shows a job and polls it until it is done or failed (long work shows progress).
export async function watch(box, jobId, shops, lang) {
  for (;;) {
    const job = await get(`/forecasts/${jobId}`);
    const head = el('p', { id: 'job-status' }, `${t('fc.job')} #${job.id}: `, el('strong', {}, t('status.' + job.status)), pick(job, 'message') ? ` — ${pick(job, 'message')}` : '');
    if (job.status === 'queued' || job.status === 'running') {
      clear(box).append(head, spinner(t('fc.running')));
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (!box.isConnected) return;
      continue;
    }
    clear(box).append(head, ranges(job, shops, lang));
    return;
  }
}

export async function render({ lang }) {
  const [periods, jobs, shops, defaults] = await Promise.all([get('/periods?limit=24'), get('/forecasts?limit=20'), get('/shops?limit=200'), get('/periods/defaults')]);
  const preset = defaults.running_month ?? defaults.running; // opens on the month running today
  const box = el('div', { id: 'forecast', tabindex: '-1' });
  const err = el('p', { class: 'error', role: 'alert' });
  const periodSel = el('select', { id: 'fc-period' }, periods.data.map((p) => el('option', { value: p.id, selected: p.id === preset }, pick(p, 'name'))));
  const shopSel = el('select', { id: 'fc-shop' }, el('option', { value: '' }, t('fc.allShops')),
    shops.data.map((s) => el('option', { value: s.id }, pick(s, 'name') || s.code)));
  const form = el('form', { class: 'card row', onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = '';
    try {
      const body = { period_id: Number(periodSel.value), shop_id: shopSel.value ? Number(shopSel.value) : null };
      const { data } = await call('/forecasts', { method: 'POST', json: body });
      await watch(box, data.id, shops.data, lang);
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) err.textContent = e.message; }
  } },
  el('div', { class: 'field' }, el('label', { for: 'fc-period' }, t('col.period')), periodSel),
  el('div', { class: 'field' }, el('label', { for: 'fc-shop' }, t('col.shop')), shopSel),
  el('button', { type: 'submit', id: 'fc-start' }, t('fc.start')));
  const list = jobs.data.length ? table([t('fc.job'), t('col.period'), t('col.status'), t('fc.by'), ''],
    jobs.data.map((j) => [`#${j.id}`, pick(periods.data.find((p) => p.id === j.period_id), 'name') || j.period_id,
      t('status.' + j.status), j.requested_by_name,
      el('button', { class: 'secondary', type: 'button', onclick: () => watch(box, j.id, shops.data, lang) }, t('open'))]))
    : el('p', { class: 'muted' }, t('fc.none'));
  return el('section', {}, el('h1', {}, t('fc.title')), form, err, box, el('h2', {}, t('fc.recent')), list);
}
