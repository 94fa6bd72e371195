import { describe, expect, it } from 'vitest';
import { parseRecord, validateEvent } from './validate.js';
import { parseRfc3339, toStoreTime } from './time.js';

const base = {
  specversion: '1.0',
  id: 'evt-1',
  source: 'slack://T1',
  type: 'message.created',
  time: '2026-11-24T10:15:00.123Z',
  tenant: 'acme',
  data: { message_id: 'm1', conversation_id: 'c1', conversation_type: 'channel', author_id: 'u1', text: 'hello' },
};

describe('validateEvent', () => {
  it('accepts a valid message.created and keeps unknown fields in extra', () => {
    const r = validateEvent({ ...base, traceparent: 'x', data: { ...base.data, client_msg_id: 'abc' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.timeMs).toBe(Date.UTC(2026, 10, 24, 10, 15, 0, 123));
    expect(JSON.parse(r.extra)).toEqual({ ext: { traceparent: 'x' }, data: { client_msg_id: 'abc' } });
  });

  it.each([
    ['missing tenant', { ...base, tenant: undefined }, 'invalid_envelope', 'tenant'],
    ['unknown type', { ...base, type: 'message.exploded' }, 'unknown_type', 'type'],
    ['missing required data field', { ...base, data: { ...base.data, author_id: undefined } }, 'invalid_data', 'data.author_id: is required'],
    ['wrong field type', { ...base, data: { ...base.data, text: 42 } }, 'invalid_data', 'data.text'],
    ['bad conversation type', { ...base, data: { ...base.data, conversation_type: 'room' } }, 'invalid_data', 'data.conversation_type'],
    ['no offset in time', { ...base, time: '2026-11-24T10:15:00' }, 'bad_time', 'time'],
    ['impossible date', { ...base, time: '2026-02-30T10:15:00Z' }, 'bad_time', 'time'],
    ['wrong specversion', { ...base, specversion: '0.3' }, 'invalid_envelope', 'specversion'],
    ['data not an object', { ...base, data: 'x' }, 'invalid_envelope', 'data'],
  ])('rejects %s', (_label, value, reason, field) => {
    const r = validateEvent(value);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.detail).toContain(field);
  });
});

describe('data_base64 (CloudEvents JSON format)', () => {
  it('decodes JSON data carried base64-encoded', () => {
    const { data, ...rest } = base;
    const r = validateEvent({ ...rest, datacontenttype: 'application/json', data_base64: Buffer.from(JSON.stringify(data)).toString('base64') });
    expect(r).toMatchObject({ ok: true, id: 'evt-1', data: { message_id: 'm1', text: 'hello' }, extra: '' });
  });

  it('rejects data_base64 that is not JSON, or given with data', () => {
    const { data, ...rest } = base;
    expect(validateEvent({ ...rest, data_base64: Buffer.from([0xff, 0x00]).toString('base64') })).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('data_base64') });
    expect(validateEvent({ ...base, data_base64: 'e30=' })).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('data_base64') });
    expect(data).toBeDefined();
  });
});

describe('parseRecord', () => {
  it('rejects non-JSON, non-objects, oversize and invalid UTF-8 with reasons', () => {
    expect(parseRecord(Buffer.from('{nope'), 1000)).toMatchObject({ ok: false, reason: 'not_json' });
    expect(parseRecord(Buffer.from('[1,2]'), 1000)).toMatchObject({ ok: false, reason: 'not_object' });
    expect(parseRecord(Buffer.from('"s"'), 1000)).toMatchObject({ ok: false, reason: 'not_object' });
    expect(parseRecord(Buffer.from(JSON.stringify(base)), 50)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(parseRecord(Buffer.from([0x7b, 0xff, 0x7d]), 1000)).toMatchObject({ ok: false, reason: 'not_json', detail: 'record is not valid UTF-8' });
    expect(parseRecord(null, 1000)).toMatchObject({ ok: false, reason: 'not_json' });
  });
});

describe('time', () => {
  it('converts any offset to UTC and truncates to milliseconds', () => {
    expect(parseRfc3339('2026-11-24T12:15:00.1239+02:00')).toBe(Date.UTC(2026, 10, 24, 10, 15, 0, 123));
    expect(parseRfc3339('2026-11-24t10:15:00z')).toBe(Date.UTC(2026, 10, 24, 10, 15, 0, 0));
    expect(parseRfc3339('2026-11-24T10:15:60Z')).toBeUndefined();
    expect(toStoreTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02 03:04:05.006');
  });
});

describe('depth and breadth limits (no input can make validation throw)', () => {
  const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  it('rejects an unknown data field nested 40,000 levels deep as too_deep, naming the field', () => {
    const record = JSON.stringify({ ...base, data: { ...base.data, blocks: 'DEEP' } }).replace('"DEEP"', '['.repeat(40_000) + ']'.repeat(40_000));
    expect(record.length).toBeLessThan(100_000);
    const r = parseRecord(Buffer.from(record), 512 * 1024);
    expect(r).toMatchObject({ ok: false, reason: 'too_deep', detail: expect.stringMatching(/^data\.blocks(\[0\])+.*: nested deeper than 64 levels$/) });
  });

  it('rejects a deep extension attribute, and a deep value in a known field as invalid data', () => {
    expect(validateEvent({ ...base, traceinfo: { a: nested(5000) } })).toMatchObject({ ok: false, reason: 'too_deep', detail: expect.stringContaining('traceinfo.a') });
    expect(validateEvent({ ...base, data: { ...base.data, text: nested(5000) } })).toMatchObject({ ok: false, reason: 'invalid_data', detail: expect.stringContaining('data.text') });
    expect(validateEvent({ ...base, data: { ...base.data, mentions: nested(5000) } })).toMatchObject({ ok: false, reason: 'invalid_data', detail: expect.stringContaining('data.mentions') });
  });

  it('keeps nesting up to the limit', () => {
    const r = validateEvent({ ...base, data: { ...base.data, blocks: nested(60) } });
    expect(r.ok).toBe(true);
  });

  it('rejects a very wide unknown field as too_wide', () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    expect(validateEvent({ ...base, data: { ...base.data, meta: wide } })).toMatchObject({ ok: false, reason: 'too_wide', detail: 'data.meta: has 20000 members, more than 10000' });
    const wideData = { ...base.data, ...wide };
    expect(validateEvent({ ...base, data: wideData })).toMatchObject({ ok: false, reason: 'too_wide', detail: expect.stringContaining('data: has 20000 members') });
  });

  it('never throws on deep or wide values in any position', () => {
    const bad = [nested(100_000), Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [String(i), {}]))];
    const positions: Array<(v: unknown) => unknown> = [
      (v) => v,
      (v) => ({ ...base, data: v }),
      (v) => ({ ...base, id: v }),
      (v) => ({ ...base, time: v }),
      (v) => ({ ...base, ext: v }),
      (v) => ({ ...base, data: { ...base.data, attachments: [{ name: 'a', x: v }] } }),
      (v) => ({ ...base, data: { ...base.data, extra_field: v } }),
      (v) => ({ ...base, type: 'user.created', data: { user_id: 'u', email: 'e', display_name: 'd', profile: v } }),
    ];
    for (const v of bad) for (const at of positions) expect(() => validateEvent(at(v))).not.toThrow();
  });
});

describe('CloudEvents binary content mode (Kafka protocol binding)', () => {
  const { data, ...attrs } = base;
  const binaryHeaders = (extra: Record<string, string | Buffer | string[]> = {}) => ({
    ...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce_${k}`, Buffer.from(String(v))])),
    'content-type': Buffer.from('application/json; charset=utf-8'),
    ...extra,
  });

  it('builds the same event as the structured record, extensions included', () => {
    const structured = parseRecord(Buffer.from(JSON.stringify({ ...base, datacontenttype: 'application/json; charset=utf-8', traceparent: 't1' })), 10_000);
    const binary = parseRecord(Buffer.from(JSON.stringify(data)), 10_000, binaryHeaders({ ce_traceparent: 't1', 'x-unrelated': 'kept out' }));
    expect(binary.ok).toBe(true);
    expect(binary).toEqual(structured);
  });

  it('lets content-type application/cloudevents+json choose structured mode even with ce_ headers', () => {
    const r = parseRecord(Buffer.from(JSON.stringify(base)), 10_000, { ...binaryHeaders(), 'content-type': 'application/cloudevents+json; charset=UTF-8' });
    expect(r).toMatchObject({ ok: true, id: 'evt-1' });
  });

  it('rejects with a reason naming what is wrong', () => {
    const json = Buffer.from(JSON.stringify(data));
    expect(parseRecord(json, 10_000, binaryHeaders({ 'content-type': 'application/avro' }))).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('content-type') });
    expect(parseRecord(Buffer.from('{nope'), 10_000, binaryHeaders())).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('record value is not valid JSON') });
    expect(parseRecord(null, 10_000, binaryHeaders())).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('without a value') });
    expect(parseRecord(json, 10_000, binaryHeaders({ ce_id: ['a', 'b'] }))).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: 'ce_id: header given more than once' });
    expect(parseRecord(json, 10_000, binaryHeaders({ ce_tenant: Buffer.from([0xff]) }))).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('ce_tenant') });
    const { ce_type: _t, ...noType } = binaryHeaders();
    expect(parseRecord(json, 10_000, noType)).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('type') });
    expect(parseRecord(json, 100, binaryHeaders())).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('refuses a structured record in an event format other than JSON', () => {
    expect(parseRecord(Buffer.from(JSON.stringify(base)), 10_000, { 'content-type': 'application/cloudevents+avro' })).toMatchObject({ ok: false, reason: 'invalid_envelope', detail: expect.stringContaining('other than JSON') });
  });
});
