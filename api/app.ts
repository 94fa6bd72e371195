/** Composes the HTTP API. Parts are passed in; nothing here opens a store or a socket. */
import express, { type ErrorRequestHandler } from 'express';
import type { Logger } from '../common/logger.js';
import { healthRoutes, type HealthDeps } from './routes/health.js';
import { archiveStatsRoutes } from './routes/archive-stats.js';
import { sendProblem } from './problem.js';

export interface ApiDeps extends HealthDeps {
  log: Logger;
}

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(healthRoutes(deps));
  app.use(archiveStatsRoutes(deps.store));
  app.use((req, res) => sendProblem(res, { status: 404, title: 'Not found', detail: `no route for ${req.method} ${req.path}` }));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    deps.log.error({ err, path: req.path }, 'request failed');
    sendProblem(res, { status: 500, title: 'Internal error', detail: 'the request failed; the server log has the cause' });
  };
  app.use(onError);
  return app;
}
