import { describe, expect, it } from 'vitest';
import { buildPath, decodeSegment, matchPath } from './route-match.js';

describe('route matching', () => {
  it('matches whole segments and decodes them', () => {
    expect(matchPath('/ui/:tenant/search', '/ui/acme/search')).toEqual({ tenant: 'acme' });
    expect(matchPath('/ui/:tenant/messages/:conversationId/:messageId', '/ui/acme/messages/C%2F1/m%201')).toEqual({ tenant: 'acme', conversationId: 'C/1', messageId: 'm 1' });
    expect(matchPath('/ui/:tenant/search', '/ui/acme/search/')).toEqual({ tenant: 'acme' });
    expect(matchPath('/ui/:tenant/search', '/ui/acme/audit')).toBeUndefined();
    expect(matchPath('/ui/:tenant/search', '/ui/acme/search/more')).toBeUndefined();
    expect(matchPath('/ui/:tenant', '/ui/%E0%A4%A')).toBeUndefined();
    expect(decodeSegment('%E0%A4%A')).toBeUndefined();
    expect(decodeSegment('a%20b')).toBe('a b');
  });

  it('builds paths that match back to the same params', () => {
    const pattern = '/ui/:tenant/messages/:conversationId/:messageId';
    const params = { tenant: 'acme', conversationId: 'C/1?x', messageId: 'é#1' };
    const path = buildPath(pattern, params);
    expect(path).toBe('/ui/acme/messages/C%2F1%3Fx/%C3%A9%231');
    expect(matchPath(pattern, path)).toEqual(params);
    expect(() => buildPath(pattern, { tenant: 'acme' })).toThrow(/conversationId/);
  });
});
