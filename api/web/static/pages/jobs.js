// A large import answers 202 with its job (any kind: org, sales, promotions, history, actuals): follow it, showing
// the rows read so far, until its report; a refused file throws like a refused request, with its row errors.
import { ApiError, get } from '../api.js';
import { clear, spinner } from '../dom.js';
import { t } from '../i18n.js';

export async function followJob(answer, out) {
  let r = answer;
  while (r.import_job_id && !r.report) {
    clear(out).append(spinner(t('setup.jobRows', { n: r.rows_read })));
    await new Promise((ok) => { setTimeout(ok, 1000); });
    const job = await get(`/imports/jobs/${r.import_job_id}`);
    if (job.status === 'failed') throw new ApiError(422, { detail: job.error, ...job.report });
    r = job.status === 'done' ? { ...job, ...job.report } : job;
  }
  return r;
}
