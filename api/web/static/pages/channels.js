// 通知渠道: where reminders, alerts and approvals go (e-mail, WeCom, DingTalk, Feishu robots), per company.
// Secrets are write-only: the page shows whether one is stored and sends a new one only when typed.
import { ApiError, call } from '../api.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';

const KINDS = ['email', 'wecom', 'dingtalk', 'feishu'];

function field(id, label, input) { return el('div', { class: 'field' }, el('label', { for: id }, label), input); }

function channelForm(kind, ch) {
  const v = ch || { enabled: false, language: 'zh', smtp_to: [] };
  const inputs = {
    enabled: el('input', { type: 'checkbox', id: `${kind}-enabled`, checked: v.enabled }),
    language: el('select', { id: `${kind}-language` }, ['zh', 'en'].map((l) => el('option', { value: l, selected: v.language === l, lang: l }, l === 'zh' ? '中文' : 'English'))),
    secret: el('input', { id: `${kind}-secret`, type: 'password', autocomplete: 'off', placeholder: v.secret_set ? t('ch.keep') : '' }),
  };
  const extra = [];
  if (kind === 'email') {
    for (const [k, type] of [['smtp_host', 'text'], ['smtp_port', 'number'], ['smtp_from', 'email'], ['smtp_username', 'text']]) {
      inputs[k] = el('input', { id: `${kind}-${k}`, type, value: v[k] ?? '' });
      extra.push(field(`${kind}-${k}`, t('ch.' + k), inputs[k]));
    }
    inputs.smtp_to = el('input', { id: `${kind}-smtp_to`, value: (v.smtp_to || []).join(' ') });
    extra.push(field(`${kind}-smtp_to`, t('ch.smtp_to'), inputs.smtp_to));
    inputs.smtp_starttls = el('input', { type: 'checkbox', id: `${kind}-starttls`, checked: v.smtp_starttls });
    extra.push(el('label', {}, inputs.smtp_starttls, ' STARTTLS'));
  } else if (kind !== 'wecom') {
    inputs.sign_secret = el('input', { id: `${kind}-sign`, type: 'password', autocomplete: 'off', placeholder: v.sign_secret_set ? t('ch.keep') : '' });
    extra.push(field(`${kind}-sign`, t('ch.sign_secret'), inputs.sign_secret));
  }
  const box = el('fieldset', { class: 'card' }, el('legend', {}, t('ch.' + kind)),
    el('label', {}, inputs.enabled, ' ', t('ch.enabled')), field(`${kind}-language`, t('ch.language'), inputs.language),
    field(`${kind}-secret`, kind === 'email' ? t('ch.password') : t('ch.webhook'), inputs.secret),
    v.webhook_host ? el('p', { class: 'muted' }, `${t('ch.host')}: ${v.webhook_host}`) : null, extra);
  const read = () => {
    const out = { kind, enabled: inputs.enabled.checked, language: inputs.language.value };
    if (inputs.secret.value) out.secret = inputs.secret.value;
    if (inputs.sign_secret && inputs.sign_secret.value) out.sign_secret = inputs.sign_secret.value;
    if (kind === 'email') {
      for (const k of ['smtp_host', 'smtp_from', 'smtp_username']) out[k] = inputs[k].value || null;
      out.smtp_port = inputs.smtp_port.value ? Number(inputs.smtp_port.value) : null;
      out.smtp_to = inputs.smtp_to.value.split(/[\s,;]+/).filter(Boolean);
      out.smtp_starttls = inputs.smtp_starttls.checked;
    }
    return out;
  };
  return { box, read, used: Boolean(ch) };
}

export async function render({ rerender }) {
  let res;
  try { res = await call('/notification-channels'); } catch (e) {
    if (e instanceof ApiError && e.status === 404) return el('section', {}, el('h1', {}, t('nav.channels')), el('p', { class: 'muted' }, t('tasks.unavailable')));
    throw e;
  }
  const forms = KINDS.map((k) => channelForm(k, res.data.channels.find((c) => c.kind === k)));
  const msg = el('div', { 'aria-live': 'polite' });
  const form = el('form', { onsubmit: async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    try {
      await call('/notification-channels', { method: 'PUT', json: { channels: forms.filter((f, i) => f.used || f.read().enabled || forms[i].read().secret).map((f) => f.read()) }, etag: res.etag });
      rerender();
    } catch (e) { if (!(e instanceof ApiError && e.status === 401)) msg.append(el('p', { class: 'error', role: 'alert' }, e.message)); }
  } }, forms.map((f) => f.box), el('button', { type: 'submit', id: 'ch-save' }, t('ch.save')));
  return el('section', {}, el('h1', {}, t('nav.channels')), el('p', { class: 'muted' }, t('ch.note')), form, msg);
}
