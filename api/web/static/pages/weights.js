// 权重审批: weight proposals with their evidence as pictures (weights with intervals against the current ones,
// proposed vs current fit); approve, edit and approve, or reject.
import { ApiError, call, get, getAll } from '../api.js';
import { barChart, intervalChart } from '../charts.js';
import { confirmDialog } from '../confirm.js';
import { clear, el, fmt, spinner, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { scorecardRules } from '../rules.js';

function groupOf(p) { const g = p.evidence.groups || {}; return g.all || Object.values(g)[0] || {}; }

function editor(p, names, rules, onValid) {
  const w = { ...p.proposed_weights };
  const guard = el('p', { 'aria-live': 'polite', id: 'edit-guard' });
  const check = () => {
    const sum = Object.values(w).reduce((s, v) => s + (Number(v) || 0), 0);
    const out = Object.entries(w).filter(([, v]) => v < p.min_weight || v > p.max_weight).map(([k]) => names(k));
    const ok = Math.abs(sum - rules.weight_total) <= rules.weight_sum_tolerance && !out.length;
    guard.className = ok ? 'ok' : 'error';
    guard.textContent = `${t('guard.sum', { sum: fmt(sum, 2) })}${out.length ? ' · ' + t('weights.outOfBounds', { list: out.join('、'), min: p.min_weight, max: p.max_weight }) : ''}`;
    onValid(ok ? w : null);
  };
  const rows = Object.keys(w).map((k) => [names(k), el('input', { type: 'number', step: '0.01', min: p.min_weight, max: p.max_weight, value: w[k], id: `ew-${k}`,
    'aria-label': t('drafts.weightOf', { name: names(k) }), oninput: (e) => { w[k] = Number(e.target.value); check(); } })]);
  setTimeout(check, 0);
  return el('div', {}, table([t('weights.indicator'), t('weights.edited')], rows), guard);
}

async function show(box, id, ctx, names) {
  clear(box).append(spinner(t('loading')));
  const { data: p, etag } = await call(`/weight-proposals/${id}`);
  const rules = await scorecardRules();
  const g = groupOf(p);
  const codes = Object.keys(p.proposed_weights);
  const ci = g.weights_ci || {};
  const chart = intervalChart(codes.map((k) => ({ label: names(k), value: p.proposed_weights[k], lo: (ci[k] || [])[0], hi: (ci[k] || [])[1],
    other: p.current_weights ? p.current_weights[k] : null })), { label: t('weights.chartLabel'), legend: [t('weights.legendProposed'), t('weights.legendCurrent')] });
  const fit = g.cv_r2 ? barChart(['proposal', 'current', 'equal'].filter((k) => k in g.cv_r2).map((k) => ({ label: t('weights.fit.' + k), value: g.cv_r2[k], text: fmt(g.cv_r2[k], 3) })),
    { label: t('weights.fitLabel'), colors: ['#1d4ed8', '#b45309', '#71717a'] }) : null;
  const note = el('textarea', { id: 'decision-note', rows: 2, cols: 40, maxlength: 2000 });
  const msg = el('div', { 'aria-live': 'polite', id: 'decision-msg' });
  let edited = null;
  const pending = p.status === 'pending';
  // What the decision changes, named before it is made: each indicator's weight now -> after.
  const changes = (weights) => codes.filter((k) => (p.current_weights?.[k] ?? null) !== weights[k]).map((k) => t('weights.confirmChange', {
    name: names(k), from: p.current_weights && k in p.current_weights ? `${fmt(p.current_weights[k], 2)}%` : '—', to: `${fmt(weights[k], 2)}%` }));
  const asked = (path, body) => (path === 'approve'
    ? confirmDialog({ title: t('weights.confirmApprove', { dept: ctx.deptName(p.department_id), period: ctx.periodName(p) }),
      body: changes(body.weights || p.proposed_weights), confirm: t('weights.confirmGo') })
    : confirmDialog({ title: t('weights.confirmReject', { dept: ctx.deptName(p.department_id) }), body: t('weights.confirmRejectBody'),
      confirm: t('weights.confirmRejectGo'), danger: true }));
  const decide = async (path, body) => {
    if (!(await asked(path, body))) return;
    clear(msg);
    try {
      await call(`/weight-proposals/${id}/${path}`, { method: 'POST', json: body, etag });
      await show(box, id, ctx, names);
      document.getElementById('decision-msg')?.append(el('p', { class: 'ok', role: 'status' }, t('weights.decided')));
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, e.message)); }
  };
  const approveEdited = el('button', { type: 'button', id: 'approve-edited', disabled: true, onclick: () => edited && decide('approve', { weights: edited, note: note.value }) }, t('weights.approveEdited'));
  const actions = pending ? el('div', { class: 'card' }, el('h3', {}, t('weights.decide')),
    el('div', { class: 'field' }, el('label', { for: 'decision-note' }, t('weights.note')), note),
    el('div', { class: 'row' },
      el('button', { type: 'button', id: 'approve', onclick: () => decide('approve', { note: note.value }) }, t('weights.approve')),
      el('button', { type: 'button', class: 'danger', id: 'reject', onclick: () => decide('reject', { note: note.value }) }, t('weights.reject'))),
    el('details', {}, el('summary', {}, t('weights.editAndApprove')), editor(p, names, rules, (w) => { edited = w; approveEdited.disabled = !w; }), approveEdited))
    : el('p', { class: 'card', id: 'decision' }, t('status.' + p.status), p.decided_by_name ? ` · ${p.decided_by_name}` : '', p.decision_note ? ` · ${p.decision_note}` : '');
  // The regression's warnings quote indicator codes ('conversion_rate'): the reader gets the indicator's name.
  const named = (text) => String(text).replace(/([“'‘])([a-z][a-z0-9_]*)([”'’])/g, (m, a, code, b) => `${a}${names(code)}${b}`);
  const warn = (g.warnings || []).map((w) => el('li', {}, named(getLang() === 'zh' ? (w.message_zh || w.message) : w.message)));
  clear(box).append(
    el('h2', { id: 'proposal-title' }, `${ctx.deptName(p.department_id)} · ${ctx.periodName(p)} · `, el('span', { class: 'badge', id: 'proposal-status' }, t('status.' + p.status))),
    el('div', { class: 'cards' }, el('figure', { class: 'card' }, chart, el('figcaption', { class: 'muted' }, t('weights.chartCaption', { n: g.n ?? '—' }))),
      fit ? el('figure', { class: 'card' }, fit, el('figcaption', { class: 'muted' }, t('weights.fitCaption'))) : null),
    table([t('weights.indicator'), t('weights.current'), t('weights.proposed'), t('weights.interval'), t('weights.change')],
      codes.map((k) => [names(k), fmt(p.current_weights?.[k]), el('strong', {}, fmt(p.proposed_weights[k], 2)),
        ci[k] ? `${fmt(ci[k][0], 2)} – ${fmt(ci[k][1], 2)}` : '—', fmt(g.change?.[k], 2)]), { numeric: [1, 2, 3, 4], caption: t('weights.bounds', { min: p.min_weight, max: p.max_weight }) }),
    warn.length ? el('ul', { class: 'notice' }, warn) : null,
    el('details', {}, el('summary', {}, t('weights.method')), el('p', {}, p.evidence.method?.[getLang()] || '')),
    actions, msg);
  box.focus();
}

export async function render(ctx) {
  const [props, depts, inds, periods] = await Promise.all([get('/weight-proposals?limit=50'), get('/departments?limit=200'), get('/indicators?limit=200'), getAll('/periods')]);
  const names = (code) => pick(inds.data.find((i) => i.code === code), 'name') || code;
  ctx.deptName = (id) => pick(depts.data.find((d) => d.id === id), 'name') || `#${id}`;
  // The period the weights apply from, by name ("2026年12月"), not its code.
  ctx.periodName = (p) => pick(periods.find((x) => x.code === p.effective_period), 'name') || p.effective_period;
  const box = el('div', { id: 'proposal', tabindex: '-1' });
  const rows = props.data.map((p) => [`#${p.id}`, ctx.deptName(p.department_id), ctx.periodName(p), t('status.' + p.status), p.created_by_name === 'system' ? t('audit.system') : p.created_by_name,
    el('button', { type: 'button', class: 'secondary', 'data-proposal': p.id, onclick: () => show(box, p.id, ctx, names) }, t('open'))]);
  const wanted = Number(ctx.params.get('id'));
  const first = props.data.find((p) => p.id === wanted) || props.data.find((p) => p.status === 'pending');
  if (first) show(box, first.id, ctx, names).catch((e) => clear(box).append(el('p', { class: 'error' }, e.message)));
  return el('section', {}, el('h1', {}, t('weights.title')),
    rows.length ? table(['#', t('col.department'), t('weights.effective'), t('col.status'), t('weights.by'), ''], rows) : el('p', { class: 'muted' }, t('weights.none')),
    box);
}
