/** The web UI's static serving, on a temporary build: the page with its CSP, hashed assets, and the 503 when nothing is built. */
import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_UI_CSP, webUiRouter } from './web-ui.js';

const dir = mkdtempSync(join(tmpdir(), 'custos-ui-'));
const servers: Server[] = [];

async function serve(uiDir: string): Promise<string> {
  const app = express();
  app.use(webUiRouter(uiDir));
  app.use((_req, res) => res.status(404).json({ fell: 'through' }));
  const server = createServer(app);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(() => {
  mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'built', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'built', 'assets', 'app-ABC.js'), 'console.log(1)');
  writeFileSync(join(dir, 'built', 'assets', 'app-ABC.css.gz'), gzipSync('body{color:red}'));
  writeFileSync(join(dir, 'built', 'assets', 'app-ABC.css'), 'body{color:red}');
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('web UI serving', () => {
  it('answers / and every /ui page with the one page and its CSP', async () => {
    const base = await serve(join(dir, 'built'));
    for (const path of ['/', '/ui', '/ui/acme/search', '/ui/acme/messages/C1/m1?x=1']) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBe(WEB_UI_CSP);
      expect(await res.text()).toBe('<!doctype html><title>t</title>');
    }
    expect(WEB_UI_CSP).not.toMatch(/unsafe|\*|https?:/);
  });

  it('serves assets with long caching, and lets missing assets and other paths fall through', async () => {
    const base = await serve(join(dir, 'built'));
    const js = await fetch(`${base}/ui/assets/app-ABC.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await (await fetch(`${base}/ui/assets/missing.js`)).json()).toEqual({ fell: 'through' });
    // The gzip copy to a browser that takes gzip (fetch asks for it and inflates), the file itself otherwise.
    const css = await fetch(`${base}/ui/assets/app-ABC.css`);
    expect(css.headers.get('content-encoding')).toBe('gzip');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    expect(await css.text()).toBe('body{color:red}');
    const plain = await fetch(`${base}/ui/assets/app-ABC.css`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe('body{color:red}');
    // An encoded "../" (fetch resolves "../" and "%2e%2e/" itself) does not leave the assets folder.
    expect(await (await fetch(`${base}/ui/assets/..%2findex.html`)).json()).toEqual({ fell: 'through' });
    expect((await fetch(`${base}/v1/anything`)).status).toBe(404);
  });

  it('answers 503 ui-not-built as problem+json when there is no build', async () => {
    const base = await serve(join(dir, 'nothing-here'));
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await res.json()).type).toBe('https://custos.dev/problems/ui-not-built');
  });
});
