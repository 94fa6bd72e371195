/**
 * Serves the web UI (dashboards/, built by `npm run build` into dist/ui): `/` and
 * every path under `/ui/` answer the one HTML page, which routes in the browser;
 * `/ui/assets/` holds the bundle under content-hashed names, cached for good. The
 * UI is one more client of /v1 (same cookie, same authorization), so nothing here
 * reads a session. Nothing comes from another origin: the CSP says so to the browser.
 */
import express, { Router, type Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { packageRoot } from '../../common/paths.js';
import { problem, type ExtraOperation } from '../openapi.js';
import { PROBLEM_BASE, sendProblem } from '../problem.js';

/** Same-origin only, no inline script or style, no plugins, no framing, forms only back here. */
export const WEB_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export const WEB_UI_OPERATIONS: ExtraOperation[] = [
  {
    method: 'get', path: '/', operationId: 'getWebUi', tags: ['ui'], public: true,
    summary: 'The web UI (one HTML page; its pages live under /ui/ and call this API with the session cookie)',
    responses: {
      200: { description: 'the HTML page', content: { 'text/html': { schema: { type: 'string' } } } },
      503: problem('`ui-not-built`: the package was installed without running `npm run build`'),
    },
  },
];

export function defaultWebUiDir(): string {
  return join(packageRoot(), 'dist', 'ui');
}

export function webUiRouter(dir = defaultWebUiDir()): Router {
  const r = Router();
  const indexFile = join(dir, 'index.html');
  // Read once: the page is a few hundred bytes and only changes with a new build (and a restart).
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  const page = (res: Response) => {
    if (!index) {
      return sendProblem(res, { status: 503, type: `${PROBLEM_BASE}ui-not-built`, title: 'The web UI is not built', detail: 'run `npm run build` in the custos package, then restart' });
    }
    res.set('Content-Security-Policy', WEB_UI_CSP).type('text/html; charset=utf-8').send(index);
  };
  r.get('/', (_req, res) => page(res));
  // The build writes a gzip copy of each asset (scripts/build-ui.mjs): sent as is to browsers that take gzip.
  const assets = join(dir, 'assets');
  r.get('/ui/assets/:file', (req, res, next) => {
    const name = req.params.file;
    if (!/^[A-Za-z0-9_-]+\.(?:js|css)$/.test(name) || !req.acceptsEncodings('gzip') || !existsSync(join(assets, `${name}.gz`))) return next();
    res.set({ 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding', 'Cache-Control': IMMUTABLE }).type(extname(name));
    res.sendFile(`${name}.gz`, { root: assets, dotfiles: 'deny' });
  });
  r.use(
    '/ui/assets',
    express.static(join(dir, 'assets'), {
      index: false, dotfiles: 'deny', fallthrough: true, redirect: false,
      setHeaders: (res) => res.set('Cache-Control', IMMUTABLE),
    }),
  );
  // Missing assets are plain 404 problems; every other /ui path is a page of the UI.
  r.get(/^\/ui\/(?!assets\/)/, (_req, res) => page(res));
  r.get('/ui', (_req, res) => page(res));
  return r;
}
