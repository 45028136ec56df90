// The scorecard rules the server enforces (GET /api/v1/rules), fetched once per page load: the pages check as
// the user types with the server's own limits and tolerances, never with copies of them.
import { get } from './api.js';

let cached = null;

export function scorecardRules() {
  if (!cached) cached = get('/rules').catch((e) => { cached = null; throw e; });
  return cached;
}
