// One pool's allocation for HR: the sum check (lines + retained = pool, to the fen), the second reviews it waits
// for, departments, every person's line with its trace; edit amounts with a reason and approve (both If-Match).
import { ApiError, call, get, problemText } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { append, clear, el, table } from '../dom.js';
import { getLang, pick, t } from '../i18n.js';
import { dateTime, fenInput, num, pct, toFen, yuan } from '../format.js';
import { listTools } from '../listing.js';
import { traceDetails } from '../pay.js';

const sumFen = (lines) => lines.reduce((s, l) => s + l.amount_fen, 0);

function sumCard(a) {
  const lines = sumFen(a.lines);
  const total = lines + a.retained_fen;
  const ok = total === a.pool_fen;
  return el('div', { class: 'card', id: 'alloc-sum' },
    table([t('pools.item'), t('pools.amount')], [
      [t('pools.pool'), el('strong', { id: 'sum-pool' }, yuan(a.pool_fen))],
      [t('pools.payable', { payout: pct(a.payout, 1) }), yuan(a.payable_fen)],
      [t('pools.linesSum', { n: num(a.lines.length, 0) }), el('span', { id: 'sum-lines' }, yuan(lines))],
      [t('pools.retained'), el('span', { id: 'sum-retained' }, yuan(a.retained_fen))],
      [t('pools.total'), el('strong', { id: 'sum-total' }, yuan(total))],
    ], { numeric: [1] }),
    el('p', { id: 'alloc-check', class: ok ? 'ok' : 'bad' }, ok ? t('pools.addsUp') : t('pools.offBy', { diff: yuan(total - a.pool_fen) })),
    el('p', { class: 'muted' }, t('pools.outcome', { v: a.company_outcome === null ? '—' : num(a.company_outcome, 1) })));
}

async function waiting(a) {
  if (a.status !== 'proposed' || !a.waiting_for_reviews.length) return null;
  const items = await Promise.all(a.waiting_for_reviews.map((id) => get(`/pay/reviews/${id}`).catch(() => ({ id }))));
  return el('div', { class: 'notice', id: 'alloc-waiting', role: 'note' },
    el('p', {}, el('strong', {}, t('pools.waiting', { n: items.length }))),
    el('ul', {}, items.map((r) => el('li', { 'data-review': r.id },
      el('a', { href: `#/reviews?id=${r.id}` }, t('pay.reviewItem', { id: r.id }), r.code ? ` · ${t('review.code.' + r.code)}` : ''),
      r.code ? el('span', {}, ' — ', pick(r, 'explanation')) : null))),
    el('p', { class: 'muted' }, t('pools.waitingHow')));
}

function departments(a, deptName) {
  return table([t('col.department'), t('pools.headcount'), t('pools.meanScore'), t('pools.deptOutcome'), t('pools.keyFactor'), t('pools.weight'), t('pools.pot')],
    a.departments.map((d) => [deptName(d.code), num(d.headcount, 0), num(d.mean_score, 1), d.outcome === null ? '—' : num(d.outcome, 1),
      `×${num(d.key_factor, 3)}`, num(d.weight, 3), yuan(d.pot_fen)]), { numeric: [1, 2, 3, 4, 5, 6], stack: true, caption: t('pools.deptCaption') });
}

// The per-person lines grouped by department; amounts are inputs while the allocation is still proposed.
function lines(a, { deptName, person, editable, onEdit }) {
  const byDept = new Map();
  for (const l of a.lines) {
    const code = l.trace.department || String(l.department_id);
    if (!byDept.has(code)) byDept.set(code, []);
    byDept.get(code).push(l);
  }
  const headers = [t('col.person'), t('col.score'), t('col.grade'), t('pools.multipliers'), t('pools.amountYuan'), t('pay.trace')];
  const groups = el('div', { id: 'alloc-lines' }, [...byDept].map(([code, ls]) => el('details', { class: 'card', 'data-dept': code },
    el('summary', {}, `${deptName(code)} · ${t('pools.people', { n: num(ls.length, 0) })} · ${yuan(sumFen(ls))}`),
    table(headers,
      ls.map((l) => [el('span', { 'data-employee': l.employee_id, 'data-search': deptName(code) }, person(l.employee_id)), num(l.score, 2),
        t('grade.' + l.grade) + (l.coaching_plan ? ` · ${t('bonus.coachingShort')}` : ''),
        `×${num(l.trace.grade_multiplier, 2)} · ${t('pos.class.' + l.trace.key_class)} ×${num(l.trace.key_multiplier, 2)}`,
        editable ? el('input', { id: `amt-${l.employee_id}`, inputmode: 'decimal', value: fenInput(l.amount_fen), size: 12,
          'aria-label': t('pools.amountOf', { name: person(l.employee_id) }), oninput: (e) => onEdit(l, e.target) }) : yuan(l.amount_fen),
        traceDetails(l.trace, { deptName })]), { numeric: [1, 4], stack: true }))));
  // One search box and sort over every department's lines; a search opens the departments it finds people in.
  const tools = listTools(groups, headers, { id: 'alloc-list', skip: [5], label: t('pools.search'), onFilter: (q) => {
    for (const d of groups.querySelectorAll('details')) {
      const hits = [...d.querySelectorAll('tbody tr')].some((r) => !r.hidden);
      d.hidden = !hits;
      if (q) d.open = hits;
    }
  } });
  return [tools, groups];
}

function editor(a, edits, onSave, onDirty, onDiscard) {
  const retained = el('input', { id: 'alloc-retained', inputmode: 'decimal', value: fenInput(a.retained_fen), size: 14 });
  const note = el('textarea', { id: 'alloc-note', rows: 2, cols: 40, maxlength: 2000, required: true });
  const check = el('p', { id: 'alloc-edit-check', 'aria-live': 'polite' });
  const save = el('button', { type: 'submit', id: 'alloc-save', disabled: true }, t('pools.saveEdit'));
  const totals = () => {
    const lines = a.lines.reduce((s, l) => s + (l.employee_id in edits ? edits[l.employee_id] : l.amount_fen), 0);
    return { lines, retained: toFen(retained.value) };
  };
  const refresh = () => {
    const { lines, retained: r } = totals();
    const bad = Object.values(edits).some((v) => v === null) || r === null;
    const diff = bad ? null : lines + r - a.pool_fen;
    const changed = Object.keys(edits).some((id) => edits[id] !== a.lines.find((l) => l.employee_id === Number(id)).amount_fen) || r !== a.retained_fen;
    check.className = diff === 0 ? 'ok' : 'error';
    check.textContent = bad ? t('pools.badAmount') : diff === 0 ? t('pools.editAddsUp', { total: yuan(lines + r) })
      : t('pools.editOff', { total: yuan(lines + r), pool: yuan(a.pool_fen), diff: yuan(diff) });
    save.disabled = !(diff === 0 && changed && note.value.trim().length > 0);
    discard.disabled = !changed;
    onDirty(changed);
  };
  const discard = el('button', { type: 'button', class: 'secondary', id: 'alloc-discard', disabled: true, onclick: onDiscard }, t('pools.discard'));
  retained.addEventListener('input', refresh);
  note.addEventListener('input', refresh);
  const balance = el('button', { type: 'button', class: 'secondary', id: 'alloc-balance', onclick: () => {
    const { lines } = totals();
    if (a.pool_fen - lines >= 0) { retained.value = fenInput(a.pool_fen - lines); refresh(); }
  } }, t('pools.balance'));
  const form = el('form', { class: 'card', id: 'alloc-edit', onsubmit: (ev) => {
    ev.preventDefault();
    const changed = a.lines.filter((l) => l.employee_id in edits && edits[l.employee_id] !== l.amount_fen)
      .map((l) => ({ employee_id: l.employee_id, amount_fen: edits[l.employee_id] }));
    const lines = changed.length ? changed : [{ employee_id: a.lines[0].employee_id, amount_fen: a.lines[0].amount_fen }];
    onSave({ lines, retained_fen: toFen(retained.value), note: note.value.trim() });
  } },
  el('h3', {}, t('pools.edit')), el('p', { class: 'muted' }, t('pools.editHow')),
  el('div', { class: 'row' }, el('div', { class: 'field' }, el('label', { for: 'alloc-retained' }, t('pools.retainedYuan')), retained), balance),
  el('div', { class: 'field' }, el('label', { for: 'alloc-note' }, t('pools.reason')), note),
  check, el('div', { class: 'row' }, save, discard));
  setTimeout(refresh, 0);
  return { form, refresh };
}

export async function showAllocation(box, poolId, ctx, flash) {
  const { data: a, etag } = await call(`/pay/pools/${poolId}/allocation`);
  const period = ctx.periodName(a.period_id);
  const proposed = a.status === 'proposed';
  const msg = el('div', { 'aria-live': 'polite', id: 'alloc-msg' }, flash || null);
  const reload = (note) => showAllocation(box, poolId, ctx, note);
  const failed = async (e) => {
    if (e instanceof ApiError && e.status === 401) return;
    if (e instanceof ApiError && e.status === 412) { await reload(el('p', { class: 'error', role: 'alert', id: 'alloc-conflict' }, t('pay.conflict'))); return; }
    if (e instanceof ApiError && e.status === 409) {
      // Held up by open reviews (listed after the reload), or someone else approved it meanwhile.
      const lead = a.waiting_for_reviews.length ? t('pools.approveRefused') : t('pay.conflict');
      await reload(el('p', { class: 'error', role: 'alert', id: 'alloc-refused' }, lead, ' ', el('span', { class: 'api-detail' }, problemText(e))));
      return;
    }
    clear(msg).append(el('p', { class: 'error', role: 'alert' }, problemText(e)));
  };
  const edits = {};
  let dirty = false;
  const approveNote = el('textarea', { id: 'approve-note', rows: 2, cols: 40, maxlength: 2000 });
  const unsaved = el('p', { class: 'notice', id: 'alloc-unsaved', role: 'status', hidden: true }, t('pools.unsaved'));
  const approveBtn = el('button', { type: 'button', id: 'alloc-approve', onclick: async () => {
    if (dirty) return;
    const lines = sumFen(a.lines);
    const ok = await confirmDialog({ title: t('pools.confirmTitle', { amount: yuan(a.pool_fen) }),
      body: t('pools.confirmBody', { period, n: num(a.lines.length, 0), lines: yuan(lines), retained: yuan(a.retained_fen) }), confirm: t('pools.confirmGo') });
    if (!ok) return;
    try { await call(`/pay/allocations/${a.id}/approve`, { method: 'POST', json: { note: approveNote.value.trim() }, etag }); await reload(el('p', { class: 'ok', role: 'status' }, t('pools.approved'))); }
    catch (e) { await failed(e); }
  } }, t('pools.approve'));
  // Approving what is on screen must mean approving what is stored: not while edits are unsaved.
  const onDirty = (d) => { dirty = d; approveBtn.disabled = d; unsaved.hidden = !d; };
  const ed = proposed ? editor(a, edits, async (body) => {
    try { await call(`/pay/allocations/${a.id}`, { method: 'PATCH', json: body, etag }); await reload(el('p', { class: 'ok', role: 'status' }, t('pools.edited'))); }
    catch (e) { await failed(e); }
  }, onDirty, () => reload(null)) : null;
  const onEdit = (l, input) => { edits[l.employee_id] = toFen(input.value); ed.refresh(); };
  const approve = proposed ? el('div', { class: 'card', id: 'alloc-approve-box' }, el('h3', {}, t('pools.approve')),
    el('div', { class: 'field' }, el('label', { for: 'approve-note' }, t('weights.note')), approveNote),
    unsaved, approveBtn)
    : el('p', { class: 'card', id: 'alloc-decided' }, t('pools.approvedBy', { name: a.approved_by_name || '—', at: a.approved_at ? dateTime(a.approved_at) : '—' }), a.note ? [' · ', el('span', { 'data-literal': '' }, a.note)] : '');
  append(clear(box), [
    el('h2', { id: 'alloc-title' }, `${period} · `, el('span', { class: 'badge', id: 'alloc-status' }, t('pools.status.' + a.status)), a.edited ? el('span', { class: 'muted' }, ' ', t('pools.wasEdited')) : null),
    msg, sumCard(a), await waiting(a),
    el('h3', {}, t('pools.departments')), departments(a, ctx.deptName),
    el('details', {}, el('summary', {}, t('weights.method')), el('p', { id: 'alloc-formula' }, a.formula[getLang()] || a.formula.zh || '')),
    el('h3', {}, t('pools.lines')), el('p', { class: 'muted' }, proposed ? t('pools.linesHowEdit') : t('pools.linesHow')),
    ...lines(a, { deptName: ctx.deptName, person: ctx.person, editable: proposed, onEdit }),
    ed ? ed.form : null, approve]);
}
