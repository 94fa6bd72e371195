import { afterEach, describe, expect, it } from 'vitest';
import { ChromiumMissingError, chromiumPath } from './browser.js';

const saved = { path: process.env.PATH, chromium: process.env.CHROMIUM_PATH };
afterEach(() => {
  process.env.PATH = saved.path;
  if (saved.chromium === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved.chromium;
});

describe('finding chromium', () => {
  it('says how to install it when it is not on PATH', () => {
    delete process.env.CHROMIUM_PATH;
    process.env.PATH = '/nonexistent-bin';
    expect(() => chromiumPath()).toThrow(ChromiumMissingError);
    expect(() => chromiumPath()).toThrow(/apt-get install -y chromium/);
  });

  it('names a CHROMIUM_PATH that does not exist', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    expect(() => chromiumPath()).toThrow(/CHROMIUM_PATH=\/nonexistent\/chromium does not exist/);
  });
});
