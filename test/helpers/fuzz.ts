import type { z } from 'zod';

/** mulberry32 (the map demo's): a tiny seeded generator, so a failing fuzz case can be replayed from its seed. */
export { mulberry32 as rngFrom } from '../../renderer/map/demo-data';

export type Rng = () => number;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** What the generator needs to know about one field of a params object (zod 4 defs). */
export interface FieldSpec {
  kind: 'string' | 'number' | 'boolean' | 'other';
  /** The field's own schema: for kinds not modelled here ('other': objects, enums, unions...)
   *  it decides which probe values are well-formed, since the generator cannot know. */
  schema: z.ZodType;
  required: boolean;
  minLen?: number;
  maxLen?: number;
  isInt?: boolean;
  min?: number;
  max?: number;
}

interface ZodDefLike {
  type: string;
  innerType?: { _zod: { def: ZodDefLike } };
  checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number; value?: number; format?: string } } }[];
}
const defOf = (s: unknown): ZodDefLike => (s as { _zod: { def: ZodDefLike } })._zod.def;

/** Reads a params schema's fields: kind, optionality, and the length/range checks. */
export function describeParams(schema: z.ZodType): Record<string, FieldSpec> {
  const def = defOf(schema);
  if (def.type !== 'object') throw new Error(`params schema is ${def.type}, not an object`);
  const shape = (schema as unknown as { shape: Record<string, unknown> }).shape;
  const out: Record<string, FieldSpec> = {};
  for (const [key, field] of Object.entries(shape)) {
    let d = defOf(field);
    let required = true;
    while ((d.type === 'optional' || d.type === 'default') && d.innerType) {
      required = false;
      d = d.innerType._zod.def;
    }
    const kind = d.type === 'string' || d.type === 'number' || d.type === 'boolean' ? d.type : 'other';
    const spec: FieldSpec = { kind, required, schema: field as z.ZodType };
    for (const c of d.checks ?? []) {
      const cd = c._zod.def;
      if (cd.check === 'min_length') spec.minLen = cd.minimum;
      if (cd.check === 'max_length') spec.maxLen = cd.maximum;
      if (cd.check === 'greater_than') spec.min = cd.value;
      if (cd.check === 'less_than') spec.max = cd.value;
      if (cd.check === 'number_format' && /int/.test(cd.format ?? '')) spec.isInt = true;
    }
    // z.number().int() in zod 4 stores the safe-integer bounds as the format's range.
    if (d.type === 'number' && (d as unknown as { format?: string }).format?.includes('int')) spec.isInt = true;
    out[key] = spec;
  }
  return out;
}

/** One generated case: `invalid` is true when the generator made the payload wrong on purpose. */
export interface FuzzCase {
  params: unknown;
  invalid: boolean;
  mutation: string;
}

/** Creates an own enumerable property even for names like __proto__ (a literal would set the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
}

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const UNICODE = ['ünïcødé', '日本語', '🙂🙃', '\u202e\u202d', 'a\u0000b', '\u0000', '\uFEFF', '\uD800', 'e\u0301', '\n\r\t'];

/** Strings of every awkward sort; `paths` are the caller's safe-to-touch path strings. */
export function junkString(rng: Rng, paths: readonly string[]): string {
  switch (int(rng, 0, 7)) {
    case 0:
      return pick(rng, UNICODE);
    case 1:
      return pick(rng, paths);
    case 2:
      return pick(rng, paths) + pick(rng, UNICODE);
    case 3:
      return '../'.repeat(int(rng, 1, 12)) + pick(rng, ['etc/passwd', '', 'x', '..']);
    case 4:
      return pick(rng, ['%2e%2e%2f', '..\\..\\windows', 'file:///etc/passwd', '\\\\server\\share', '~', '~/x', '.', '/', '//']);
    case 5:
      return Array.from({ length: int(rng, 1, 40) }, () => String.fromCharCode(int(rng, 0, 0xffff))).join('');
    case 6:
      return pick(rng, POLLUTION_KEYS);
    default:
      return 'x'.repeat(int(rng, 1, 64));
  }
}

/** A nested array/object `depth` levels deep, built iteratively. */
export function deepValue(depth: number, asObject: boolean): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** A value of the field's type that satisfies its checks (it may still name something absent). */
function validValue(rng: Rng, spec: FieldSpec, paths: readonly string[], only?: readonly string[]): unknown {
  if (spec.kind === 'number') {
    const lo = spec.min ?? 0;
    const hi = Math.min(spec.max ?? 10_000, lo + 10_000);
    return pick(rng, [lo, hi, int(rng, lo, hi), int(rng, lo, Math.min(hi, lo + 50)), lo === 0 ? -0 : lo]);
  }
  if (spec.kind === 'boolean') return rng() < 0.5;
  if (spec.kind === 'other') {
    const ok = probes(rng).filter((v) => spec.schema.safeParse(v).success);
    return ok.length ? pick(rng, ok) : undefined;
  }
  if (only) return pick(rng, only);
  const s = junkString(rng, paths);
  const min = spec.minLen ?? 0;
  const max = spec.maxLen ?? 4096;
  return s.length < min ? pick(rng, paths) : s.slice(0, max);
}

/** Values of every JSON shape, for fields whose schema kind is not modelled. */
function probes(rng: Rng): unknown[] {
  return [{}, [], null, true, false, 0, 1, -1, 0.5, '', 'x', { a: 1 }, [1], deepValue(int(rng, 10, 500), rng() < 0.5), 'ünï\u0000'];
}

/** A value the field's schema must refuse. */
function invalidValue(rng: Rng, spec: FieldSpec, huge: number): { value: unknown; what: string } {
  if (spec.kind === 'other') {
    // (Nothing refused, e.g. z.unknown(): the caller falls back to an extra key.)
    const bad = probes(rng).filter((v) => !spec.schema.safeParse(v).success);
    return { value: bad.length ? pick(rng, bad) : undefined, what: 'wrong shape' };
  }
  const wrongType: [unknown, string][] = [
    [null, 'null'],
    [[], 'empty array'],
    [{}, 'empty object'],
    [[1, 'a'], 'array'],
    [deepValue(int(rng, 100, 3000), rng() < 0.5), 'deep nesting'],
  ];
  if (spec.kind !== 'boolean') wrongType.push([true, 'boolean']);
  if (spec.kind !== 'number') wrongType.push([pick(rng, [0, 1, -1, NaN, Infinity, 1e308]), `number for ${spec.kind}`]);
  if (spec.kind !== 'string') wrongType.push([pick(rng, ['1', '', '0x10', 'NaN', '1e3', 'true']), `string for ${spec.kind}`]);
  if (spec.kind === 'string') {
    const own: [unknown, string][] = [];
    // `huge` is past most limits but not all (a picture's base64 may be 16M characters).
    if (spec.maxLen !== undefined) own.push(['y'.repeat(pick(rng, [spec.maxLen + 1, Math.max(huge, spec.maxLen + 1)])), 'string too long']);
    if ((spec.minLen ?? 0) > 0) own.push(['', 'empty string']);
    if (own.length && rng() < 0.4) {
      const [value, what] = pick(rng, own);
      return { value, what };
    }
  }
  if (spec.kind === 'number') {
    const own: [unknown, string][] = [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
      [2 ** 53 + 2, 'unsafe integer'],
      [1e308, 'huge number'],
    ];
    if (spec.isInt) own.push([int(rng, 0, 1000) + 0.5, 'fraction']);
    if (spec.min !== undefined) own.push([spec.min - int(rng, 1, 1e6), 'below minimum']);
    if (spec.max !== undefined) own.push([spec.max + int(rng, 1, 1e6), 'above maximum']);
    if (rng() < 0.6) {
      const [value, what] = pick(rng, own);
      return { value, what };
    }
  }
  const [value, what] = pick(rng, wrongType);
  return { value, what };
}

export interface GenOptions {
  /** Path strings that are safe to create projects in / ingest from, for valid payloads. */
  paths: readonly string[];
  /** Length of "huge" strings (keep under the transport's frame limit over WebSocket). */
  huge: number;
  /** Probability of a well-formed payload (0..1). */
  validRate: number;
  /** Fields whose well-formed values must come from this list only (e.g. paths the service
   *  would create folders at: the fuzzer must not make projects all over the disk). */
  only?: Record<string, readonly string[]>;
}

/** One random payload for a request whose params schema is described by `fields`. */
export function genCase(rng: Rng, fields: Record<string, FieldSpec>, o: GenOptions): FuzzCase {
  const keys = Object.keys(fields);
  const hasRequired = keys.some((k) => fields[k].required);
  const base = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    for (const k of keys) {
      if (!fields[k].required && rng() >= 0.6) continue;
      const v = validValue(rng, fields[k], o.paths, o.only?.[k]);
      if (v !== undefined) obj[k] = v;
    }
    return obj;
  };
  if (rng() < o.validRate) return { params: base(), invalid: false, mutation: 'valid' };
  const r = rng();
  if (r < 0.15) {
    const [params, what] = pick(rng, [
      [null, 'null params'],
      [undefined, 'undefined params'],
      [[], 'array params'],
      [[base()], 'array of params'],
      ['{}', 'string params'],
      [42, 'number params'],
      [false, 'boolean params'],
      [deepValue(int(rng, 100, 3000), false), 'deep array params'],
    ] as [unknown, string][]);
    // `params ?? {}` is the documented default: null/undefined are an empty object.
    const invalid = params === null || params === undefined ? hasRequired : true;
    return { params, invalid, mutation: what };
  }
  const obj = base();
  if (r < 0.4 || keys.length === 0) {
    const key = rng() < 0.5 ? pick(rng, POLLUTION_KEYS) : junkString(rng, o.paths).slice(0, 100) || 'extra';
    const value = rng() < 0.3 ? { polluted: 'yes', isAdmin: true } : junkString(rng, o.paths);
    if (Object.prototype.hasOwnProperty.call(fields, key)) return { params: obj, invalid: false, mutation: 'valid' };
    setOwn(obj, key, value);
    return { params: obj, invalid: true, mutation: `extra key ${JSON.stringify(key)}` };
  }
  const key = pick(rng, keys);
  if (r < 0.55 && fields[key].required) {
    delete obj[key];
    return { params: obj, invalid: true, mutation: `missing ${key}` };
  }
  const { value, what } = invalidValue(rng, fields[key], o.huge);
  if (value === undefined) {
    setOwn(obj, '__proto__', { polluted: 'yes' });
    return { params: obj, invalid: true, mutation: 'extra key "__proto__"' };
  }
  obj[key] = value;
  return { params: obj, invalid: true, mutation: `${key}: ${what}` };
}

/** Method names that must never resolve: near-misses, prototype members, junk. */
export function junkMethod(rng: Rng, methods: readonly string[]): unknown {
  for (;;) {
    const junk = junkMethodTry(rng, methods);
    // A near-miss can land on a real name ('outliers'.replace('.', '/') is 'outliers').
    if (typeof junk !== 'string' || !methods.includes(junk)) return junk;
  }
}

function junkMethodTry(rng: Rng, methods: readonly string[]): unknown {
  const m = pick(rng, methods);
  return pick(rng, [
    `${m} `,
    m.toUpperCase(),
    `${m}\u0000`,
    `${m}.x`,
    m.replace('.', '/'),
    '',
    pick(rng, POLLUTION_KEYS),
    'x'.repeat(int(rng, 1, 20_000)),
    pick(rng, UNICODE),
    null,
    undefined,
    42,
    { method: m },
    [m],
  ]);
}
