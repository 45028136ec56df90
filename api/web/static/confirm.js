// Confirming what costs money or rights: an in-page <dialog> that names the amount or the change, with a cancel
// that does nothing. Resolves true only when the reader presses the confirm button.
import { el } from './dom.js';
import { t } from './i18n.js';

export function confirmDialog({ title, body = [], confirm, danger = false }) {
  return new Promise((resolve) => {
    const done = (ok) => { dlg.close(); dlg.remove(); resolve(ok); };
    const dlg = el('dialog', { class: 'confirm', id: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      el('h2', { id: 'confirm-title' }, title),
      (Array.isArray(body) ? body : [body]).filter(Boolean).map((p) => el('p', { class: 'confirm-body' }, p)),
      el('div', { class: 'row' },
        el('button', { type: 'button', id: 'confirm-ok', class: danger ? 'danger' : null, onclick: () => done(true) }, confirm || t('confirm.ok')),
        el('button', { type: 'button', id: 'confirm-cancel', class: 'secondary', onclick: () => done(false) }, t('confirm.cancel'))));
    dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); done(false); }); // Esc
    document.body.append(dlg);
    dlg.showModal();
    dlg.querySelector('#confirm-cancel').focus(); // the safe choice has the focus
  });
}
