/**
 * The event contract compiled from its zod schemas (common/events/schemas.ts) into
 * plain predicates, for the hot path of ingest. Measured on the bench's events, zod
 * took about 2 µs of the 7 µs each event cost on the decode worker; these checks take
 * a fraction of that. They only ever say "valid, here is the value zod would return"
 * or "not sure": every event they do not accept goes through zod, so a rejection's
 * reason and detail are always zod's. They are built by walking the schemas' own
 * definitions, and compiled.test.ts holds them to zod on every type and on mutations
 * of every field, so the contract has one source.
 */
import type { z } from 'zod';
import { dataSchemas, envelope, type EventType } from './schemas.js';
import { parseRfc3339 } from './time.js';

/** What a compiled check returns for anything it does not accept. */
const NO = Symbol('not accepted');
type Check = (v: unknown) => unknown;

interface ZodDef {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
}

export class UncompilableSchemaError extends Error {}

const defOf = (s: z.ZodType): ZodDef => (s as unknown as { _zod: { def: ZodDef } })._zod.def;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** One check of a string or number schema as a predicate. */
function compileCheck(c: CheckDef, where: string): (v: never) => boolean {
  switch (c.check) {
    case 'min_length':
      return (v: string) => v.length >= c.minimum!;
    case 'max_length':
      return (v: string) => v.length <= c.maximum!;
    case 'string_format':
      if (c.format !== 'regex' || !c.pattern || c.pattern.global || c.pattern.sticky) break;
      return (v: string) => c.pattern!.test(v);
    case 'number_format':
      if (c.format !== 'safeint') break;
      return (v: number) => Number.isSafeInteger(v);
    case 'greater_than':
      return c.inclusive ? (v: number) => v >= c.value! : (v: number) => v > c.value!;
    case 'less_than':
      return c.inclusive ? (v: number) => v <= c.value! : (v: number) => v < c.value!;
  }
  throw new UncompilableSchemaError(`${where}: check ${c.check}${c.format ? ` (${c.format})` : ''} has no compiled form; add it to common/events/compiled.ts`);
}

function withChecks(def: ZodDef, where: string, isType: (v: unknown) => boolean): Check {
  const checks = (def.checks ?? []).map((c) => compileCheck(c._zod.def, where) as (v: unknown) => boolean);
  return (v) => {
    if (!isType(v)) return NO;
    for (const c of checks) if (!c(v)) return NO;
    return v;
  };
}

/** A schema as a function returning zod's output for what it accepts, NO for the rest. */
export function compileSchema(schema: z.ZodType, where = 'schema'): Check {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return withChecks(def, where, (v) => typeof v === 'string');
    case 'number':
      return withChecks(def, where, (v) => typeof v === 'number' && Number.isFinite(v));
    case 'unknown':
      return (v) => v;
    case 'literal': {
      const values = def.values!;
      return (v) => (values.includes(v) ? v : NO);
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries!));
      return (v) => (typeof v === 'string' && values.has(v) ? v : NO);
    }
    case 'optional': {
      // Absent keys are the object's business; a present undefined is left to zod.
      const inner = compileSchema(def.innerType!, where);
      return (v) => (v === undefined ? NO : inner(v));
    }
    case 'array': {
      const element = compileSchema(def.element!, `${where}[]`);
      return (v) => {
        if (!Array.isArray(v)) return NO;
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const e = element(v[i]);
          if (e === NO) return NO;
          out[i] = e;
        }
        return out;
      };
    }
    case 'record': {
      if (defOf(def.keyType!).type !== 'string' || defOf(def.valueType!).type !== 'unknown' || defOf(def.keyType!).checks?.length) break;
      return (v) => {
        if (!isPlainObject(v) || Object.hasOwn(v, '__proto__')) return NO;
        return { ...v };
      };
    }
    case 'object': {
      const fields = Object.entries(def.shape!).map(([key, s]) => ({ key, optional: defOf(s).type === 'optional', check: compileSchema(s, `${where}.${key}`) }));
      return (v) => {
        if (!isPlainObject(v)) return NO;
        // zod returns the known keys only, in the schema's order.
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const x = v[f.key];
          if (x === undefined) {
            if (f.optional && !(f.key in v)) continue;
            return NO;
          }
          const checked = f.check(x);
          if (checked === NO) return NO;
          out[f.key] = checked;
        }
        return out;
      };
    }
  }
  throw new UncompilableSchemaError(`${where}: zod type ${def.type} has no compiled form; add it to common/events/compiled.ts`);
}

export const NOT_ACCEPTED = NO;

const envelopeCheck = compileSchema(envelope, 'envelope');
const dataChecks = new Map<string, { check: Check; shape: Record<string, unknown> }>(
  Object.entries(dataSchemas).map(([type, s]) => [type, { check: compileSchema(s, `data of ${type}`), shape: s.shape }]),
);

export interface AcceptedEvent {
  raw: Record<string, unknown>;
  id: string;
  tenant: string;
  source: string;
  type: EventType;
  timeMs: number;
  /** zod's output for the data: the known fields, in the schema's order. */
  data: Record<string, unknown>;
  /** The data as sent, for the unknown fields kept in `extra`. */
  rawData: Record<string, unknown>;
  shape: Record<string, unknown>;
}

/**
 * An event the contract certainly accepts, with the values validateEvent returns for
 * it; undefined when not (or when the event takes a path kept for zod: data_base64).
 */
export function acceptCompiled(value: unknown): AcceptedEvent | undefined {
  if (!isPlainObject(value) || 'data_base64' in value) return undefined;
  const env = envelopeCheck(value);
  if (env === NO) return undefined;
  const e = env as { id: string; tenant: string; source: string; type: string; time: string; data: Record<string, unknown> };
  const data = dataChecks.get(e.type);
  if (!data) return undefined;
  const timeMs = parseRfc3339(e.time);
  if (timeMs === undefined) return undefined;
  const d = data.check(e.data);
  if (d === NO) return undefined;
  return { raw: value, id: e.id, tenant: e.tenant, source: e.source, type: e.type as EventType, timeMs, data: d as Record<string, unknown>, rawData: e.data, shape: data.shape };
}
