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
