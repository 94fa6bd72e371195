/**
 * The compiled checks never disagree with zod: on a valid example of every type and
 * on every mutation of every field (removed, of another type, too long, out of the
 * enum, negative...), they accept exactly what zod accepts and return what zod
 * returns, key order included (admin events store their data as JSON text).
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { compileSchema, acceptCompiled, NOT_ACCEPTED, UncompilableSchemaError, timeMsOf } from './compiled.js';
import { parseRfc3339 } from './time.js';
import { dataSchemas, envelope, type EventType } from './schemas.js';
import { validateEvent } from './validate.js';
import { DATA_BY_TYPE, cloudEvent } from '../../test/helpers/events.js';
import { z as zod } from 'zod';

const ODD: unknown[] = [
  undefined, null, true, 0, -1, 1.5, 2 ** 53, 4_294_967_295, 4_294_967_296, Number.NaN, '', 'x', 'x'.repeat(65), 'x'.repeat(256), 'x'.repeat(513), 'x'.repeat(1025),
  'x'.repeat(65_537), [], ['U1'], [1], [{ name: 'a' }], [{ name: 1 }], {}, { a: 1 }, 'channel', 'room', 'video', '1.0', '1.1', 'a'.repeat(64), 'G'.repeat(64),
  'application/json', 'application/cloudevents+json; charset=utf-8', 'text/plain', 'acme', '-acme', 'ac me',
];

/** The value itself, then every value reached by changing one field (at any depth) or adding one. */
function* mutations(value: unknown, depth = 0): Generator<unknown> {
  yield value;
  if (depth > 2 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) for (const m of mutations(value[i], depth + 1)) yield value.map((x, k) => (k === i ? m : x));
    yield [...value, value[0]];
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const { [key]: _dropped, ...without } = obj;
    yield without;
    for (const odd of ODD) yield { ...obj, [key]: odd };
    for (const m of mutations(obj[key], depth + 1)) if (m !== obj[key]) yield { ...obj, [key]: m };
  }
  yield { ...obj, unknown_field: 'kept in extra' };
}

function expectSameAsZod(schema: z.ZodType, v: unknown, label: string): void {
  const compiled = compileSchema(schema)(v);
  const parsed = schema.safeParse(v);
  expect(compiled !== NOT_ACCEPTED || !parsed.success || hasUndefined(v), `${label}: zod accepts ${JSON.stringify(v)?.slice(0, 200)}`).toBe(true);
  if (compiled === NOT_ACCEPTED) return;
  expect(parsed.success, `${label}: compiled accepts what zod refuses: ${JSON.stringify(v)?.slice(0, 200)}`).toBe(true);
  expect(JSON.stringify(compiled), label).toBe(JSON.stringify(parsed.data));
}

function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (v === null || typeof v !== 'object') return false;
  return Object.values(v).some(hasUndefined);
}

describe('compiled contract', () => {
  it.each(Object.keys(DATA_BY_TYPE) as EventType[])('accepts and returns exactly what zod does for the data of %s', (type) => {
    const schema = dataSchemas[type];
    let n = 0;
    for (const v of mutations(DATA_BY_TYPE[type])) {
      expectSameAsZod(schema, v, type);
      n++;
    }
    expect(n).toBeGreaterThan(50);
    expect(compileSchema(schema)(DATA_BY_TYPE[type])).not.toBe(NOT_ACCEPTED);
  });

  it('accepts and returns exactly what zod does for the envelope', () => {
    const { data: _data, ...env } = cloudEvent('message.created', DATA_BY_TYPE['message.created'], { datacontenttype: 'application/json' });
    for (const v of mutations({ ...env, data: { a: 1 } })) expectSameAsZod(envelope, v, 'envelope');
  });

  it('takes the fast path for every valid event and gives validateEvent the same answer zod gives', () => {
    for (const type of Object.keys(DATA_BY_TYPE) as EventType[]) {
      const e = cloudEvent(type, { ...DATA_BY_TYPE[type], extra_field: 1 }, { traceparent: 'x' } as never);
      const fast = acceptCompiled(e);
      expect(fast, type).toBeDefined();
      const zodData = dataSchemas[type].parse(e.data);
      expect(JSON.stringify(fast!.data)).toBe(JSON.stringify(zodData));
      expect(validateEvent(e)).toMatchObject({ ok: true, type, extra: JSON.stringify({ ext: { traceparent: 'x' }, data: { extra_field: 1 } }) });
    }
  });

  it('refuses to compile a schema feature it does not know, so a new one cannot pass unchecked', () => {
    expect(() => compileSchema(zod.object({ at: zod.string().email() }))).toThrow(UncompilableSchemaError);
    expect(() => compileSchema(zod.union([zod.string(), zod.number()]))).toThrow(/has no compiled form/);
  });

  it('reads every time exactly as parseRfc3339 does', () => {
    const times = [
      '2026-11-24T10:15:00.123Z', '2026-11-24T10:15:00Z', '2026-11-24T10:15:00.1Z', '2026-11-24T10:15:00.123456789Z', '2026-11-24T10:15:00.Z',
      '2026-11-24T12:15:00.1239+02:00', '2026-11-24T05:15:00-05:00', '2026-11-24T10:15:00+24:00', '2026-11-24T10:15:00+02:60', '2026-11-24T10:15:00+0200',
      '2026-11-24t10:15:00z', '2026-11-24 10:15:00Z', '2026-11-24T10:15:60Z', '2026-11-24T24:00:00Z', '2026-02-29T00:00:00Z', '2024-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-01T00:00:00Z', '2026-01-00T00:00:00Z',
      '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00Z', '1969-12-31T23:30:00-01:00', '2200-01-01T00:00:00Z', '2200-01-01T00:00:00.001Z',
      '2199-12-31T23:00:00-02:00', '0050-01-01T00:00:00Z', '2026-11-24T10:15:00', '2026-11-24T10:15:00.123Zx', 'yesterday', '', '2026-1-24T10:15:00Z',
      '２０２６-11-24T10:15:00Z', '2026-11-24T10:15:00.12a3Z', '+2026-11-24T10:15:00Z',
    ];
    for (let i = 0; i < 3000; i++) {
      const ms = Math.floor(Math.random() * Date.UTC(2210, 0, 1));
      const off = Math.floor(Math.random() * 48 - 24) * 30;
      const local = new Date(ms + off * 60_000).toISOString().slice(0, 19);
      const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
      times.push(`${local}.${String(ms % 1000).padStart(3, '0')}${zone}`);
    }
    for (const t of times) expect(timeMsOf(t), t).toBe(parseRfc3339(t));
  });
});
