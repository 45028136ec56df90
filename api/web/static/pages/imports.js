// 导入: upload actuals or daily sales (CSV; Excel .xlsx where the server accepts it) and see every bad row.
import { ApiError, call } from '../api.js';
import { clear, el, spinner, table } from '../dom.js';
import { getLang, t } from '../i18n.js';
import { followJob } from './jobs.js';

export async function render() {
  const out = el('div', { id: 'import-result', 'aria-live': 'polite' });
  const kind = el('select', { id: 'imp-kind' }, el('option', { value: 'actuals' }, t('imp.actuals')), el('option', { value: 'sales' }, t('imp.sales')));
  const file = el('input', { id: 'imp-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
  const go = el('button', { type: 'submit', id: 'imp-submit' }, t('imp.upload'));
  const form = el('form', { class: 'card', onsubmit: async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    const fd = new FormData();
    fd.append('file', file.files[0]);
    go.disabled = true;
    clear(out).append(spinner(t('imp.working')));
    try {
      const data = await followJob((await call(`/imports/${kind.value}`, { method: 'POST', form: fd })).data, out);
      clear(out).append(el('p', { class: 'ok', role: 'status' }, t('imp.done', { n: data.imported, file: data.file })));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const rows = (e.problem && e.problem.errors) || [];
      clear(out).append(el('p', { class: 'error', role: 'alert' }, (getLang() === 'zh' && e.problem && e.problem.detail_zh) || e.message),
        rows.length ? table([t('imp.line'), t('imp.problem')], rows.map((r) => [r.line ?? (r.loc || []).join('.'), r.msg])) : null);
    } finally { go.disabled = false; }
  } },
  el('div', { class: 'field' }, el('label', { for: 'imp-kind' }, t('imp.kind')), kind),
  el('div', { class: 'field' }, el('label', { for: 'imp-file' }, t('imp.file')), file),
  el('p', { class: 'muted' }, t('imp.columns')), go);
  return el('section', {}, el('h1', {}, t('imp.title')), form, out);
}
