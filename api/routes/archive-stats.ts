import { Router } from 'express';
import type { Store } from '../../common/store/store.js';
import { getArchiveStats } from '../../common/queries/archive-stats.js';
import { TENANT_PATTERN } from '../../common/events/schemas.js';
import { sendProblem } from '../problem.js';

export function archiveStatsRoutes(store: Store): Router {
  const r = Router();
  r.get('/v1/tenants/:tenant/archive/stats', async (req, res, next) => {
    const tenant = req.params.tenant;
    if (!TENANT_PATTERN.test(tenant)) {
      sendProblem(res, { status: 400, title: 'Invalid tenant', detail: 'tenant must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}', field: 'tenant' });
      return;
    }
    try {
      res.json(await getArchiveStats(store, tenant));
    } catch (err) {
      next(err);
    }
  });
  return r;
}
