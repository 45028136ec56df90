// 导入: upload actuals, daily sales, the company's campaign plan or past periods' scorecards (CSV or Excel .xlsx),
// check it first with a dry run where the import has one, and see every bad row. Large files run as a job.
import { ApiError, call, problemHead, rowMessage } from '../api.js';
import { clear, el, spinner, table } from '../dom.js';
import { getLang, t } from '../i18n.js';
import { followJob } from './jobs.js';

// Each kind: its endpoint, whether it has a dry run, and its empty template (GET /imports/templates/{kind}.xlsx).
const KINDS = {
  actuals: { dry: false, template: null },
  sales: { dry: true, template: 'sales-daily' },
  promotions: { dry: true, template: 'promotions' },
  'kpi-history': { dry: true, template: 'kpi-history' },
};

// How many rows a report speaks of, whatever the import (actuals and sales count rows, the calendar events).
const counted = (data) => data.imported || data.events || data.rows || (Array.isArray(data.days) ? data.days.length : 0) || 0;

// The column headers a file carries, literally (what the user types in the first row).
const HEADERS = { actuals: 'employee_code, period_code, indicator_code, as_of, value', sales: 'shop_code, ds, sales' };

export async function render() {
  const out = el('div', { id: 'import-result', 'aria-live': 'polite' });
  const kind = el('select', { id: 'imp-kind' }, Object.keys(KINDS).map((k) => el('option', { value: k }, t('imp.kind.' + k))));
  const file = el('input', { id: 'imp-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const dry = el('input', { id: 'imp-dry', type: 'checkbox' });
  const dryField = el('div', { class: 'field' }, el('label', { for: 'imp-dry' }, dry, ' ', t('imp.dry')));
  const template = el('a', { id: 'imp-template' });
  const columns = el('p', { class: 'muted', id: 'imp-columns' });
  const show = () => {
    const k = KINDS[kind.value];
    dryField.hidden = !k.dry;
    if (!k.dry) dry.checked = false;
    template.hidden = !k.template;
    if (k.template) {
      template.href = `/api/v1/imports/templates/${k.template}.xlsx?lang=${getLang()}`;
      template.textContent = t('imp.template');
    }
    clear(columns).append(t('imp.columns.' + kind.value), HEADERS[kind.value]
      ? el('span', {}, ' ', t('imp.headers'), ' ', el('code', { 'data-literal': '' }, HEADERS[kind.value])) : '');
  };
  kind.addEventListener('change', show);
  show();
  const go = el('button', { type: 'submit', id: 'imp-submit' }, t('imp.upload'));
  const form = el('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    const fd = new FormData();
    fd.append('file', file.files[0]);
    go.disabled = true;
    clear(out).append(spinner(t('imp.working')));
    try {
      const query = dry.checked ? '?dry_run=true' : '';
      const data = await followJob((await call(`/imports/${kind.value}${query}`, { method: 'POST', form: fd })).data, out);
      const done = data.dry_run ? t('imp.checked', { n: counted(data), file: data.file }) : t('imp.done', { n: counted(data), file: data.file });
      clear(out).append(el('p', { class: 'ok', role: 'status' }, done));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const rows = (e.problem && e.problem.errors) || [];
      const lang = getLang();
      // where (line, or sheet and row), the column as the file names it (data, shown literally), what is wrong
      const at = (r) => r.line ?? (r.row !== undefined ? `${r.sheet ?? ''} ${r.row}`.trim() : '');
      clear(out).append(el('p', { class: 'error', role: 'alert' }, problemHead(e, lang)),
        rows.length ? table([t('imp.line'), t('imp.column'), t('imp.problem')], rows.map((r) => [at(r),
          r.column ? el('span', { 'data-literal': '' }, String(r.column)) : '', el('span', { class: 'row-msg' }, rowMessage(r, lang))])) : null);
    } finally { go.disabled = false; }
  } },
  el('div', { class: 'field' }, el('label', { for: 'imp-kind' }, t('imp.kind')), kind),
  el('div', { class: 'field' }, el('label', { for: 'imp-file' }, t('imp.file')), file),
  dryField, columns, template, go);
  return el('section', {}, el('h1', {}, t('imp.title')), form, out);
}
