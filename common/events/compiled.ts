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
import type { ValidEvent } from './validate.js';
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

/**
 * Generated code, not composed closures: each schema becomes one function with its
 * checks inline (measured: composed closures were slower than zod 4's own compiled
 * objects; inlined, envelope and data take 0.07 µs each against zod 4's 0.8 and
 * 0.2, in CPU time on the bench's events). Only the schemas' own
 * constants reach the generated source: regexes and enum sets are passed in as
 * values, names and numbers are JSON literals.
 */
class Emitter {
  private n = 0;
  readonly constants: unknown[] = [];

  name(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `C[${this.constants.length - 1}]`;
  }

  /** A condition that is true when the string or number `x` fails check `c`. */
  private failing(x: string, c: CheckDef, where: string): string {
    switch (c.check) {
      case 'min_length':
        return `${x}.length < ${JSON.stringify(c.minimum)}`;
      case 'max_length':
        return `${x}.length > ${JSON.stringify(c.maximum)}`;
      case 'string_format':
        if (c.format !== 'regex' || !c.pattern || c.pattern.global || c.pattern.sticky) break;
        return `!${this.constant(c.pattern)}.test(${x})`;
      case 'number_format':
        if (c.format !== 'safeint') break;
        return `!Number.isSafeInteger(${x})`;
      case 'greater_than':
        return `${x} ${c.inclusive ? '<' : '<='} ${JSON.stringify(c.value)}`;
      case 'less_than':
        return `${x} ${c.inclusive ? '>' : '>='} ${JSON.stringify(c.value)}`;
    }
    throw new UncompilableSchemaError(`${where}: check ${c.check}${c.format ? ` (${c.format})` : ''} has no compiled form; add it to common/events/compiled.ts`);
  }

  private checks(def: ZodDef, x: string, where: string): string {
    return (def.checks ?? []).map((c) => ` || ${this.failing(x, c._zod.def, where)}`).join('');
  }

  /** Statements that check the value in variable `x` and put zod's output for it in variable `out`, or return NO. */
  emit(schema: z.ZodType, x: string, out: string, where: string): string {
    const def = defOf(schema);
    switch (def.type) {
      case 'string':
        return `if (typeof ${x} !== 'string'${this.checks(def, x, where)}) return NO;\n${out} = ${x};\n`;
      case 'number':
        return `if (typeof ${x} !== 'number' || !Number.isFinite(${x})${this.checks(def, x, where)}) return NO;\n${out} = ${x};\n`;
      case 'unknown':
        return `${out} = ${x};\n`;
      case 'literal':
        return `if (!${this.constant(def.values)}.includes(${x})) return NO;\n${out} = ${x};\n`;
      case 'enum':
        return `if (typeof ${x} !== 'string' || !${this.constant(new Set(Object.values(def.entries!)))}.has(${x})) return NO;\n${out} = ${x};\n`;
      case 'optional':
        // Absent keys are the object's business; a present undefined is left to zod.
        return `if (${x} === undefined) return NO;\n${this.emit(def.innerType!, x, out, where)}`;
      case 'array': {
        const [i, e, r] = [this.name('i'), this.name('e'), this.name('r')];
        return `if (!Array.isArray(${x})) return NO;\nconst ${r} = new Array(${x}.length);\n` +
          `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {\nconst ${e} = ${x}[${i}];\n${this.emit(def.element!, e, `${r}[${i}]`, `${where}[]`)}}\n${out} = ${r};\n`;
      }
      case 'record':
        if (defOf(def.keyType!).type !== 'string' || defOf(def.valueType!).type !== 'unknown' || defOf(def.keyType!).checks?.length) break;
        return `if (${x} === null || typeof ${x} !== 'object' || Array.isArray(${x}) || Object.hasOwn(${x}, '__proto__')) return NO;\n${out} = { ...${x} };\n`;
      case 'object': {
        // zod returns the known keys only, in the schema's order.
        const o = this.name('o');
        let code = `if (${x} === null || typeof ${x} !== 'object' || Array.isArray(${x})) return NO;\nconst ${o} = {};\n`;
        for (const [key, s] of Object.entries(def.shape!)) {
          const f = this.name('f');
          const k = JSON.stringify(key);
          const optional = defOf(s).type === 'optional';
          const body = this.emit(optional ? defOf(s).innerType! : s, f, `${o}[${k}]`, `${where}.${key}`);
          code += `const ${f} = ${x}[${k}];\n`;
          code += optional ? `if (${f} === undefined) { if (${k} in ${x}) return NO; } else {\n${body}}\n` : `if (${f} === undefined) return NO;\n${body}`;
        }
        return `${code}${out} = ${o};\n`;
      }
    }
    throw new UncompilableSchemaError(`${where}: zod type ${def.type} has no compiled form; add it to common/events/compiled.ts`);
  }
}

/** A schema as a function returning zod's output for what it accepts, NO for the rest. */
export function compileSchema(schema: z.ZodType, where = 'schema'): Check {
  const emitter = new Emitter();
  const body = emitter.emit(schema, 'v', 'result', where);
  return new Function('C', 'NO', `return (v) => {\nlet result;\n${body}return result;\n};`)(emitter.constants, NO) as Check;
}

export const NOT_ACCEPTED = NO;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const EPOCH_2200 = Date.UTC(2200, 0, 1);

/** Digits at [from, from + n) of `t` as a number, -1 if any is not a digit. */
function digits(t: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * parseRfc3339 for the form producers send (`2026-11-24T10:15:00.123Z`, or an
 * offset), by character codes instead of a regex and a Date round trip (measured:
 * that was most of what validation cost after zod). Anything else, and any doubt,
 * goes to parseRfc3339 itself; compiled.test.ts holds the two together.
 */
export function timeMsOf(t: string): number | undefined {
  const n = t.length;
  if (n < 20 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return parseRfc3339(t);
  const y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2), h = digits(t, 11, 2), mi = digits(t, 14, 2), sec = digits(t, 17, 2);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return parseRfc3339(t);
  const leap = mo === 2 && (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0;
  if (d > DAYS[mo - 1]! + leap) return parseRfc3339(t);
  let i = 19;
  let ms = 0;
  if (t.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
    if (i === start) return parseRfc3339(t);
    for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < i ? t.charCodeAt(start + k) - 48 : 0);
  }
  let offsetMin = 0;
  if (i === n - 1 && t.charCodeAt(i) === 90) {
    // Z
  } else if (i === n - 6 && (t.charCodeAt(i) === 43 || t.charCodeAt(i) === 45) && t.charCodeAt(i + 3) === 58) {
    const oh = digits(t, i + 1, 2), om = digits(t, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return parseRfc3339(t);
    offsetMin = (t.charCodeAt(i) === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return parseRfc3339(t);
  }
  const utc = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
  return utc < 0 || utc > EPOCH_2200 ? undefined : utc;
}

const envelopeCheck = compileSchema(envelope, 'envelope');
const dataChecks = new Map<string, { check: Check; shape: Record<string, unknown> }>(
  Object.entries(dataSchemas).map(([type, s]) => [type, { check: compileSchema(s, `data of ${type}`), shape: s.shape }]),
);

/** What validateEvent returns, less `extra`, which it builds from the raw parts below. */
export interface AcceptedEvent extends Omit<ValidEvent, 'ok' | 'extra'> {
  raw: Record<string, unknown>;
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
  const timeMs = timeMsOf(e.time);
  if (timeMs === undefined) return undefined;
  const d = data.check(e.data);
  if (d === NO) return undefined;
  return { raw: value, id: e.id, tenant: e.tenant, source: e.source, type: e.type as EventType, timeMs, data: d as Record<string, unknown>, rawData: e.data, shape: data.shape };
}
