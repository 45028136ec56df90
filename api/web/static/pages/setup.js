// 公司设置: the first admin's set-up (company, shops), the org import with its dry-run preview and every bad row,
// and the sales import with the suggested column mapping to confirm or correct. The checklist says what is missing.
import { ApiError, call, get, problemText, rowMessage } from '../api.js';
import { clear, el, spinner, table } from '../dom.js';
import { dateTime } from '../format.js';
import { getLang, pick, t } from '../i18n.js';
import { followJob } from './jobs.js';

const FIELDS = { daily: ['shop', 'ds', 'sales', 'orders', 'visitors', 'refunds'], orders: ['shop', 'order_id', 'paid_at', 'amount', 'status', 'refund'] };
const CHANNELS = ['tmall', 'taobao', 'jd', 'douyin', 'pdd', 'other'];

export async function checklistBlock() {
  const items = await get('/setup/checklist');
  return el('div', { class: 'card', id: 'checklist' }, el('h2', {}, t('setup.checklist')),
    el('ol', {}, items.map((i) => el('li', { 'data-step': i.step, 'data-done': i.done ? 'yes' : 'no' },
      `${i.done ? '✔' : '✘'} ${t('setup.step.' + i.step)}`, i.done ? ` (${i.count})` : el('span', { class: 'muted' }, ' — ' + t('setup.todo.' + i.step))))));
}

// After an import the page stays as it is (one-time passwords are shown only once); only the checklist refreshes.
async function refreshChecklist() {
  const old = document.getElementById('checklist');
  if (old) old.replaceWith(await checklistBlock());
}

const field = (id, label, input) => el('div', { class: 'field' }, el('label', { for: id }, label), input);
const errorRows = (e) => ((e.problem && e.problem.errors) || []);
const where = (r) => r.line ?? (r.row !== undefined ? `${r.sheet ?? ''} ${r.row}` : (r.loc || []).join('.'));
const problemsTable = (rows) => (rows.length ? table([t('imp.line'), t('imp.column'), t('imp.problem')], rows.map((r) => [where(r),
  r.column ? el('span', { 'data-literal': '' }, String(r.column)) : '', rowMessage(r, getLang())])) : null);

function companyForm(rerender) {
  const err = el('p', { class: 'error', role: 'alert', id: 'company-error' });
  const input = (id, attrs = {}) => el('input', { id, name: id, required: true, ...attrs });
  const stage = el('select', { id: 'stage', name: 'stage' }, ['startup', 'expansion', 'mature', 'transformation'].map((s) => el('option', { value: s, selected: s === 'mature' }, t('setup.stage.' + s))));
  const form = el('form', { class: 'card', id: 'company-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    v.fiscal_year_start_month = Number(v.fiscal_year_start_month);
    try { await call('/company', { method: 'POST', json: v }); rerender(); } catch (e) { err.textContent = problemText(e); }
  } },
  field('name_zh', t('admin.nameZh'), input('name_zh')), field('name_en', t('admin.nameEn'), input('name_en')),
  field('timezone', t('setup.timezone'), input('timezone', { value: 'Asia/Shanghai' })),
  field('fiscal_year_start_month', t('setup.fiscal'), input('fiscal_year_start_month', { type: 'number', min: 1, max: 12, value: 1 })),
  field('stage', t('setup.stage'), stage), el('button', { type: 'submit', id: 'company-submit' }, t('setup.createCompany')), err);
  return form;
}

function shopsBlock(shops, rerender) {
  const err = el('p', { class: 'error', role: 'alert', id: 'shop-error' });
  const channel = el('select', { id: 'shop-channel', name: 'channel' }, CHANNELS.map((c) => el('option', { value: c }, t('platform.' + c))));
  const form = el('form', { class: 'card row', id: 'shop-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    if (!v.opened_on) delete v.opened_on;
    try { await call('/shops', { method: 'POST', json: v }); rerender(); } catch (e) { err.textContent = problemText(e); }
  } },
  field('shop-code', t('admin.code'), el('input', { id: 'shop-code', name: 'code', required: true })), field('shop-channel', t('setup.channel'), channel),
  field('shop-name-zh', t('admin.nameZh'), el('input', { id: 'shop-name-zh', name: 'name_zh', required: true })),
  field('shop-name-en', t('admin.nameEn'), el('input', { id: 'shop-name-en', name: 'name_en', required: true })),
  field('shop-opened', t('setup.opened'), el('input', { id: 'shop-opened', name: 'opened_on', type: 'date' })),
  el('button', { type: 'submit', id: 'shop-submit' }, t('setup.addShop')));
  const close = (s) => (s.active ? el('button', { class: 'secondary', type: 'button', 'data-close': s.code, onclick: async () => {
    try { await call(`/shops/${s.id}`, { method: 'PATCH', json: { active: false }, etag: `"${s.version}"` }); rerender(); } catch (e) { err.textContent = problemText(e); }
  } }, t('setup.closeShop')) : t('setup.closed'));
  return el('div', {}, table([t('admin.code'), t('setup.channel'), t('admin.name'), t('setup.opened'), ''],
    shops.map((s) => [s.code, t('platform.' + s.channel), el('span', { 'data-name': '' }, getLang() === 'zh' ? s.name_zh : s.name_en), s.opened_on ? dateTime(`${s.opened_on}T00:00:00`, { time: false }) : '—', close(s)])), form, err);
}

async function upload(path, file, extra = {}) {
  const fd = new FormData();
  fd.append('file', file);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') fd.append(k, v);
  return (await call(path, { method: 'POST', form: fd })).data;
}

function importCard(id, title, hint, preview, commit) {
  const file = el('input', { id: `${id}-file`, type: 'file', accept: '.csv,.xlsx' });
  const out = el('div', { id: `${id}-result`, 'aria-live': 'polite' });
  const run = async (fn) => {
    if (!file.files.length) return;
    clear(out).append(spinner(t('imp.working')));
    try { clear(out).append(...await fn(file.files[0], out)); } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      clear(out).append(el('p', { class: 'error', role: 'alert' }, e.problem?.detail_zh && getLang() === 'zh' ? e.problem.detail_zh : e.message), problemsTable(errorRows(e)));
    }
  };
  return el('div', { class: 'card', id }, el('h2', {}, title), el('p', { class: 'muted' }, hint), file,
    el('button', { type: 'button', class: 'secondary', id: `${id}-preview`, onclick: () => run(preview) }, t('setup.preview')),
    el('button', { type: 'button', id: `${id}-commit`, onclick: () => run(commit) }, t('setup.import')), out);
}

function orgCard() {
  const summary = (r) => el('p', { role: 'status', class: r.errors.length ? 'error' : 'ok' }, t('setup.orgSummary', { c: r.created, u: r.updated, s: r.unchanged, a: r.absent.length, e: r.errors.length }));
  const rowsTable = (r) => table([t('imp.line'), '工号', t('col.status')], r.rows.map((x) => [where(x), x.code, t('setup.action.' + x.action)]));
  return importCard('org-import', t('setup.orgTitle'), t('setup.orgHint'),
    async (f, out) => { const r = await followJob(await upload('/imports/org?dry_run=true', f), out); return [summary(r), problemsTable(r.errors), rowsTable(r)]; },
    async (f, out) => {
      const r = await followJob(await upload('/imports/org', f), out);
      await refreshChecklist();
      return [summary(r), r.logins.length ? table([t('admin.username'), t('admin.role'), t('setup.otp')], r.logins.map((l) => [l.username, t('role.' + l.role), l.one_time_password])) : null];
    });
}

function salesCard(shops) {
  const shop = el('select', { id: 'sales-shop' }, el('option', { value: '' }, t('setup.shopColumn')), shops.map((s) => el('option', { value: s.code }, s.code)));
  const state = { mapping: null };
  const mappingEditor = (r) => {
    state.mapping = { ...r.mapping };
    const byHeader = (h) => el('select', { 'data-header': h, 'aria-label': h, onchange: (ev) => {
      if (ev.target.value) state.mapping[h] = ev.target.value; else delete state.mapping[h];
    } }, el('option', { value: '' }, t('setup.ignore')), FIELDS[r.kind].map((f) => el('option', { value: f, selected: r.mapping[h] === f }, t('setup.field.' + f))));
    return el('div', { id: 'sales-mapping' }, el('p', {}, t('setup.mappingFrom.' + r.mapping_source)), table([t('setup.header'), t('setup.meaning')], r.columns.map((h) => [h, byHeader(h)])));
  };
  const summary = (r) => [el('p', { role: 'status', class: r.errors.length ? 'error' : 'ok' }, t('setup.salesSummary', { d: r.days, s: (r.shops || []).join(', '), total: r.total_sales, from: r.first_day || '—', to: r.last_day || '—' })),
    el('p', { class: 'muted', id: 'sales-rule' }, r.rule[getLang()] || r.rule.zh), problemsTable(r.errors)];
  const extra = () => ({ shop: shop.value, mapping: state.mapping ? JSON.stringify(state.mapping) : undefined });
  const card = importCard('sales-import', t('setup.salesTitle'), t('setup.salesHint'),
    async (f) => {
      try {
        const r = await upload('/imports/sales?dry_run=true', f, extra());
        return [...summary(r), mappingEditor(r)];
      } catch (e) {  // no column recognised as a date or an amount: let the user say which is which
        const hint = errorRows(e)[0];
        if (!(e instanceof ApiError) || e.problem.code !== 'import.sales_columns' || !hint) throw e;
        return [el('p', { class: 'error', role: 'alert' }, getLang() === 'zh' ? e.problem.detail_zh : e.message),
          mappingEditor({ kind: hint.kind, mapping: hint.suggested, mapping_source: 'suggested', columns: hint.columns })];
      }
    },
    async (f, out) => {
      const r = await followJob(await upload('/imports/sales', f, extra()), out);
      await refreshChecklist();
      return [el('p', { class: 'ok', role: 'status', id: 'sales-done' }, t('imp.done', { n: r.imported, file: r.file })), ...summary(r)];
    });
  card.insertBefore(field('sales-shop', t('setup.shop'), shop), card.querySelector('input[type=file]'));
  return card;
}

// A time zone as the reader names it ("中国标准时间" / "China Standard Time"), the IANA name when the browser has none.
function zoneName(zone) {
  try {
    const part = new Intl.DateTimeFormat(getLang() === 'zh' ? 'zh-CN' : 'en-US', { timeZone: zone, timeZoneName: 'long' })
      .formatToParts(new Date()).find((x) => x.type === 'timeZoneName');
    return part ? part.value : zone;
  } catch { return zone; }
}

async function promotionsCard(shops) {
  const year = new Date().getFullYear();
  const out = el('div', { id: 'promo-list' });
  const err = el('p', { class: 'error', role: 'alert', id: 'promo-error' });
  const shopName = (id) => { if (!id) return t('setup.allShops'); const x = shops.find((y) => y.id === id); return x ? pick(x, 'name') || x.code : '—'; };
  const dateInput = (v, label) => el('input', { type: 'date', value: v, 'aria-label': label, 'data-name': '' }); // labelled by the campaign's name
  const save = async (p, start, end) => {
    const dates = { start_date: start.value, end_date: end.value };
    if (p.id === null) await call('/promotions', { method: 'POST', json: { name: p.name, builtin_key: p.builtin_key, ...dates } });
    else await call(`/promotions/${p.id}`, { method: 'PATCH', json: dates, etag: `"${p.version}"` });
  };
  const load = async (y) => {
    const rows = await get(`/promotions?year=${y}&lang=${getLang()}`);
    clear(out).append(table([t('setup.promoName'), t('setup.promoKind'), t('col.shop'), t('admin.start'), t('admin.end'), t('setup.discount'), ''], rows.map((p) => {
      const start = dateInput(p.start_date, `${p.name} ${t('admin.start')}`);
      const end = dateInput(p.end_date, `${p.name} ${t('admin.end')}`);
      const act = el('button', { type: 'button', class: 'secondary', 'data-promo': p.builtin_key || p.name, onclick: async () => {
        try { await save(p, start, end); err.textContent = ''; await load(y); } catch (e) { err.textContent = problemText(e); }
      } }, p.id === null ? t('setup.correct') : t('drafts.save'));
      return [el('span', { 'data-name': '' }, p.name), t('setup.kind.' + p.kind), shopName(p.shop_id), start, end, p.discount === null || p.discount === undefined ? '—' : `${Math.round(p.discount * 100)}%`, act];
    })));
  };
  const years = el('select', { id: 'promo-year', onchange: (ev) => load(ev.target.value) }, [year - 1, year, year + 1].map((y) => el('option', { value: y, selected: y === year }, String(y))));
  const kind = el('select', { id: 'promo-kind', name: 'kind' }, ['shop', 'live', 'launch', 'platform'].map((k) => el('option', { value: k }, t('setup.kind.' + k))));
  const shop = el('select', { id: 'promo-shop', name: 'shop_id' }, el('option', { value: '' }, t('setup.allShops')), shops.map((x) => el('option', { value: x.id }, pick(x, 'name') || x.code)));
  const form = el('form', { class: 'row', id: 'promo-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const v = Object.fromEntries(new FormData(form));
    const body = { name: v.name, kind: v.kind, start_date: v.start_date, end_date: v.end_date, shop_id: v.shop_id ? Number(v.shop_id) : null };
    if (v.discount) body.discount = Number(v.discount) / 100;
    try { await call('/promotions', { method: 'POST', json: body }); err.textContent = ''; await load(years.value); await refreshChecklist(); } catch (e) { err.textContent = problemText(e); }
  } },
  field('promo-name', t('setup.promoName'), el('input', { id: 'promo-name', name: 'name', required: true })), field('promo-kind', t('setup.promoKind'), kind),
  field('promo-shop', t('col.shop'), shop), field('promo-start', t('admin.start'), el('input', { id: 'promo-start', name: 'start_date', type: 'date', required: true })),
  field('promo-end', t('admin.end'), el('input', { id: 'promo-end', name: 'end_date', type: 'date', required: true })),
  field('promo-discount', t('setup.discount') + ' %', el('input', { id: 'promo-discount', name: 'discount', type: 'number', min: 0, max: 100 })),
  el('button', { type: 'submit', id: 'promo-submit' }, t('setup.addPromo')));
  await load(year);
  return el('div', { class: 'card', id: 'promotions' }, el('h2', {}, t('setup.promoTitle')), el('p', { class: 'muted' }, t('setup.promoHint')),
    field('promo-year', t('setup.year'), years), out, form, err);
}

// The first admin is made on the command line as a login, not a person; the sales import needs a person.
function unlinkedNotice(me) {
  if (me.employee_id) return null;
  return el('div', { class: 'notice', role: 'note', id: 'unlinked' }, el('p', {}, t('setup.unlinked')),
    me.role === 'admin' ? el('p', {}, el('a', { href: '#/admin' }, t('setup.linkOnAdmin'))) : null);
}

export async function render({ me, rerender }) {
  let company = null;
  try { company = await get('/company'); } catch (e) { if (!(e instanceof ApiError && e.status === 404)) throw e; }
  const head = [el('h1', {}, t('setup.title')), await checklistBlock()];
  if (!company) return el('section', {}, ...head, el('h2', {}, t('setup.company')), companyForm(rerender));
  const shops = (await get('/shops?limit=200')).data;
  return el('section', {}, ...head,
    el('h2', {}, t('setup.company')), el('p', { id: 'company-name' }, el('span', { 'data-name': '' }, pick(company, 'name')), ` · ${zoneName(company.timezone)} · ${t('currency.' + company.currency)} · ${t('setup.stage.' + company.stage)}`),
    el('h2', {}, t('setup.shops')), shopsBlock(shops, rerender), orgCard(), unlinkedNotice(me), salesCard(shops), await promotionsCard(shops));
}
