// 任务: weekly tasks per KPI and deadline reminders (needs the tasks API; says so when the server lacks it).
import { ApiError, get } from '../api.js';
import { el } from '../dom.js';
import { t } from '../i18n.js';

export async function render() {
  try {
    await get('/me/reminders');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return el('section', {}, el('h1', {}, t('nav.tasks')), el('p', { class: 'muted' }, t('tasks.unavailable')));
    throw e;
  }
  return el('section', {}, el('h1', {}, t('nav.tasks')));
}
