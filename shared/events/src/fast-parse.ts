/* eslint-disable @typescript-eslint/no-explicit-any */
import type { z } from 'zod';

/*
 * A fast path for zod schemas that are parsed on every message (the event envelope): generated once from the zod
 * schema itself (one source of truth) as plain JavaScript with literal property names, as zod's own object JIT does,
 * but for the whole tree at once. It answers only "certainly valid, and this is what zod would return" or "ask zod"
 * (FAIL): every rejection, and anything it is not sure about (a string whose code-point length needs counting, a
 * check kind it does not know), goes to zod, so results and error messages are zod's by construction. A schema node
 * it cannot mirror is delegated whole to zod's safeParse of that node. Where zod's output object would equal a plain
 * input object (no key to strip, default to fill or order to change) the input object itself is returned: the result
 * shares structure with the input, as zod's own does for z.unknown() values.
 */

/** "Not known to be valid: ask zod." */
const FAIL: unique symbol = Symbol('fail');

export interface CompiledParser<T> {
  /** The value zod would return for `input`, or undefined when zod must decide (invalid, or not sure). */
  parse(input: unknown): T | undefined;
  /**
   * parse, for an `input` that JSON.parse returned (and nothing has touched since): its objects are then known to be
   * plain, with only enumerable string keys of their own, so records are walked with for-in instead of listing their
   * keys and asking after each one — what a consumer decoding a message does. Any other input must use parse.
   */
  parseJson(input: unknown): T | undefined;
  /** Schema nodes handed to zod whole (`path: type`); the envelope needs none. */
  delegated: string[];
}

/** zod's isPlainObject: what z.record accepts. */
function isPlainObject(o: unknown): boolean {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prot = (ctor as { prototype?: unknown }).prototype;
  return typeof prot === 'object' && prot !== null && !Array.isArray(prot) && Object.prototype.hasOwnProperty.call(prot, 'isPrototypeOf');
}

/** The generated source: one function per schema node, constants passed in as K[i]. */
class Gen {
  readonly fns: string[] = [];
  readonly consts: unknown[] = [];
  readonly delegated: string[] = [];
  constant(v: unknown): string {
    this.consts.push(v);
    return `K${this.consts.length - 1}`;
  }
  fn(body: string): string {
    const name = `f${this.fns.length}`;
    this.fns.push(`function ${name}(v) {\n${body}\n}`);
    return name;
  }
}

const lit = (s: string) => JSON.stringify(s);
const NOT_OBJECT = `typeof v !== 'object' || v === null || Array.isArray(v)`;

/** Compiles `schema` into a fast path (see the file comment). */
export function compileParser<S extends z.ZodType>(schema: S): CompiledParser<z.infer<S>> {
  const g = new Gen();
  const entry = node(g, schema, '(root)');
  const hoisted = g.consts.map((_, i) => `const K${i} = K[${i}];`).join('\n');
  // M.json: the input being parsed came from JSON.parse (parseJson); read by the generated record nodes.
  const M = { json: false };
  const root = new Function('FAIL', 'K', 'isPlainObject', 'M', `'use strict';\n${hoisted}\n${g.fns.join('\n')}\nreturn ${entry};`)(FAIL, g.consts, isPlainObject, M) as (v: unknown) => unknown;
  return {
    parse: (input) => {
      const out = root(input);
      return out === FAIL ? undefined : (out as z.infer<S>);
    },
    parseJson: (input) => {
      M.json = true;
      try {
        const out = root(input);
        return out === FAIL ? undefined : (out as z.infer<S>);
      } finally {
        M.json = false;
      }
    },
    delegated: g.delegated,
  };
}

function delegate(g: Gen, schema: any, path: string): string {
  g.delegated.push(`${path}: ${schema._zod.def.type}`);
  return g.fn(`const r = ${g.constant(schema)}.safeParse(v); return r.success ? r.data : FAIL;`);
}

/** The name of a function `(v) => output | FAIL` for `schema`. */
function node(g: Gen, schema: any, path: string): string {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string': {
      const tests = stringTests(g, schema, def);
      return tests === undefined ? delegate(g, schema, path) : g.fn(`if (typeof v !== 'string') return FAIL;\n${tests}\nreturn v;`);
    }
    case 'number': {
      const tests = numberTests(def);
      return tests === undefined ? delegate(g, schema, path) : g.fn(`if (typeof v !== 'number' || !Number.isFinite(v)) return FAIL;\n${tests}\nreturn v;`);
    }
    case 'boolean':
      return def.coerce || def.checks?.length ? delegate(g, schema, path) : g.fn(`return typeof v === 'boolean' ? v : FAIL;`);
    case 'unknown':
      return g.fn('return v;');
    case 'literal':
    case 'enum':
      return def.checks?.length ? delegate(g, schema, path) : g.fn(`return ${g.constant(schema._zod.values)}.has(v) ? v : FAIL;`);
    case 'optional':
      if (def.innerType._zod.optin === 'defaulted') return delegate(g, schema, path);
      return g.fn(`return v === undefined ? v : ${node(g, def.innerType, path)}(v);`);
    case 'nullable':
      return g.fn(`return v === null ? v : ${node(g, def.innerType, path)}(v);`);
    case 'default': {
      // def.defaultValue is read per use, as zod does (a getter may hand out a fresh copy).
      const d = g.constant(def);
      return g.fn(`if (v === undefined) return ${d}.defaultValue;\nconst r = ${node(g, def.innerType, path)}(v);\nreturn r === undefined ? ${d}.defaultValue : r;`);
    }
    case 'array': {
      if (def.checks?.length) return delegate(g, schema, path);
      const el = node(g, def.element, `${path}[]`);
      return g.fn(`if (!Array.isArray(v)) return FAIL;\nconst o = new Array(v.length);\nfor (let i = 0; i < v.length; i++) if ((o[i] = ${el}(v[i])) === FAIL) return FAIL;\nreturn o;`);
    }
    case 'record':
      return recordNode(g, def, path) ?? delegate(g, schema, path);
    case 'object':
      return objectNode(g, def, path) ?? delegate(g, schema, path);
    case 'union':
      return unionNode(g, def, path) ?? delegate(g, schema, path);
    default:
      return delegate(g, schema, path);
  }
}

/**
 * Statements that FAIL a string `v` failing a length, regex or datetime check; undefined for other checks. Every check
 * is applied whatever its `when` says (never laxer than zod; zod's default `when` holds for every string).
 */
function stringTests(g: Gen, schema: any, def: any): string | undefined {
  if (def.coerce) return undefined;
  const out: string[] = [];
  // A format schema (z.iso.datetime()) is its own pattern check.
  const own = schema._zod.traits.has('$ZodCheck') ? [schema] : [];
  for (const ch of [...own, ...(def.checks ?? [])]) {
    const c = ch._zod.def;
    if (c.check === 'min_length' && Number.isInteger(c.minimum)) {
      // zod counts code points: 2·min UTF-16 units hold at least min of them; fewer units than that are zod's to count.
      out.push(`if (!(v.length >= ${2 * c.minimum}${c.minimum <= 1 ? ` || v.length >= ${c.minimum}` : ''})) return FAIL;`);
    } else if (c.check === 'max_length' && Number.isInteger(c.maximum)) {
      out.push(`if (v.length > ${c.maximum}) return FAIL;`); // units ≥ code points: more units than that are zod's to count
    } else if (c.check === 'string_format' && (c.format === 'regex' || c.format === 'datetime') && c.pattern instanceof RegExp) {
      const p = g.constant(c.pattern);
      out.push(`${p}.lastIndex = 0;\nif (!${p}.test(v)) return FAIL;`);
    } else return undefined;
  }
  return out.join('\n');
}

/** Statements that FAIL a number `v` failing a safeint, >= or <= check; undefined for other checks. */
function numberTests(def: any): string | undefined {
  if (def.coerce) return undefined;
  const out: string[] = [];
  for (const ch of def.checks ?? []) {
    const c = ch._zod.def;
    if (c.check === 'number_format' && c.format === 'safeint') out.push('if (!Number.isSafeInteger(v)) return FAIL;');
    else if ((c.check === 'greater_than' || c.check === 'less_than') && Number.isFinite(c.value)) {
      const op = c.check === 'greater_than' ? (c.inclusive ? '>=' : '>') : c.inclusive ? '<=' : '<';
      out.push(`if (!(v ${op} ${c.value})) return FAIL;`);
    } else return undefined;
  }
  return out.join('\n');
}

/** z.record(z.string(), V): every own enumerable string key but __proto__, in order. */
function recordNode(g: Gen, def: any, path: string): string | undefined {
  const key = def.keyType._zod.def;
  if (def.checks?.length || key.type !== 'string' || key.coerce || key.checks?.length || def.keyType._zod.values) return undefined;
  const value = node(g, def.valueType, `${path}.*`);
  // The input itself when no key is skipped and every value came back unchanged (zod's copy would be equal). From
  // JSON.parse (M.json) an object is plain and for-in lists exactly its keys, so that is checked without listing them
  // (an own "__proto__" key, which zod skips, goes the long way).
  return g.fn(`if (M.json && typeof v === 'object' && v !== null && !Array.isArray(v)) {
  let same = true;
  for (const k in v) {
    if (k === '__proto__') { same = false; break; }
    const x = v[k];
    const r = ${value}(x);
    if (r === FAIL) return FAIL;
    if (r !== x) { same = false; break; }
  }
  if (same) return v;
}
if (!isPlainObject(v)) return FAIL;
const keys = Reflect.ownKeys(v);
let same = true;
for (const k of keys) {
  if (typeof k !== 'string') return FAIL;
  if (k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) { same = false; continue; }
  const r = ${value}(v[k]);
  if (r === FAIL) return FAIL;
  if (r !== v[k]) same = false;
}
if (same && Object.getPrototypeOf(v) === Object.prototype) return v;
const o = {};
for (const k of keys) {
  if (k === '__proto__' || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;
  o[k] = ${value}(v[k]);
}
return o;`);
}

/**
 * z.object (strip) or .loose() (catchall unknown): shape keys in shape order — required ones must be present,
 * optional ones stay absent when absent, defaulted ones are always written — then, when loose, the unknown keys as
 * they come (but __proto__), exactly as zod builds its output. When that output would be the input itself (every
 * field came back unchanged, nothing to strip, add or reorder), the input is returned and no copy is made.
 */
function objectNode(g: Gen, def: any, path: string): string | undefined {
  if (def.checks?.length) return undefined;
  const catchall = def.catchall?._zod.def.type;
  if (catchall !== undefined && catchall !== 'unknown') return undefined;
  const shape = def.shape as Record<string, any>;
  if (Object.getOwnPropertySymbols(shape).length) return undefined;
  const keys = Object.keys(shape).filter((k) => k !== '__proto__');
  // Up to 30 fields, which of them are present is kept as a bit mask too, for the one-comparison-per-key order check below.
  const bits = keys.length <= 30;
  const mark = (i: number) => (bits ? `\nmask |= ${2 ** i};` : '');
  const check = [`if (${NOT_OBJECT}) return FAIL;`, 'let same = true, present = 0, mask = 0;'];
  const build = ['const o = {};'];
  for (const [i, key] of keys.entries()) {
    const { optin, optout } = shape[key]._zod;
    const k = lit(key);
    // The value is read once; `in` is asked only when it reads undefined (a value other than undefined is there).
    const read = `const x${i} = v[${k}];`;
    const parse = `r${i} = ${node(g, shape[key], `${path}.${key}`)}(x${i});\nif (r${i} === FAIL) return FAIL;`;
    const present = `(x${i} !== undefined || ${k} in v)`;
    check.push(`let r${i};`);
    if (optin === undefined) {
      check.push(`${read}\nif (!${present}) return FAIL;\n${parse}\nif (r${i} !== x${i}) same = false;\npresent++;${mark(i)}`);
      build.push(`o[${k}] = r${i};`);
    } else if (optin === 'optional' && optout === 'optional') {
      check.push(`${read}\nconst p${i} = ${present};\nif (p${i}) {\n${parse}\nif (r${i} !== x${i}) same = false;\npresent++;${mark(i)}\n}`);
      build.push(`if (p${i}) o[${k}] = r${i};`);
    } else if (optin === 'defaulted' && optout === undefined) {
      check.push(`${read}\nconst p${i} = ${present};\n${parse}\nif (!p${i} || r${i} !== x${i}) same = false;\npresent++;${bits ? `\nif (p${i}) mask |= ${2 ** i};` : ''}`);
      build.push(`o[${k}] = r${i};`);
    } else return undefined;
  }
  // The input's own keys, in order, must be the fields present in shape order (then, when loose, only unknown keys).
  const shapeKeys = catchall ? g.constant(new Set(keys)) : undefined;
  if (bits) {
    // Each key is compared with the one field it must be: the next present one in shape order (JSON.parse's keys and
    // the literals are internalized strings, so that is a pointer comparison), instead of looked up among all fields.
    const order = g.constant(keys);
    const unknown = catchall
      ? `if (k === '__proto__' || ${shapeKeys}.has(k)) { same = false; break; }\nextra = true;`
      : 'same = false; break;';
    check.push(`if (same && Object.getPrototypeOf(v) === Object.prototype) {
  let j = 0, extra = false;
  for (const k in v) {
    while (j < ${keys.length} && (mask & (1 << j)) === 0) j++;
    if (!extra && j < ${keys.length} && k === ${order}[j]) { j++; continue; }
    ${unknown}
  }
  if (same && (mask >>> j) === 0) return v;
}`);
  } else {
    const cases = keys.map((key, i) => `case ${lit(key)}: i = ${i}; break;`).join(' ');
    const unknown = catchall ? `if (k === '__proto__') { same = false; break; }\nextra = true; continue;` : 'same = false; break;';
    check.push(`if (same && Object.getPrototypeOf(v) === Object.prototype) {
  let last = -1, seen = 0, extra = false;
  for (const k in v) {
    let i = -1;
    switch (k) { ${cases} }
    if (i < 0) { ${unknown} }
    if (extra || i <= last) { same = false; break; }
    last = i;
    seen++;
  }
  if (same && seen === present) return v;
}`);
  }
  if (catchall) build.push(`for (const k in v) if (!${shapeKeys}.has(k) && k !== '__proto__') o[k] = v[k];`);
  build.push('return o;');
  return g.fn([...check, ...build].join('\n'));
}

/** z.discriminatedUnion over object options told apart by string literals of the discriminator. */
function unionNode(g: Gen, def: any, path: string): string | undefined {
  if (typeof def.discriminator !== 'string' || def.checks?.length) return undefined;
  const cases: string[] = [];
  const seen = new Set<unknown>();
  for (const option of def.options) {
    const tag = option._zod.def.type === 'object' ? option._zod.def.shape[def.discriminator]?._zod : undefined;
    if (!tag || tag.def.type !== 'literal' || tag.optin !== undefined) return undefined;
    const values = [...tag.values];
    if (!values.every((x) => typeof x === 'string' && !seen.has(x))) return undefined;
    values.forEach((x) => seen.add(x));
    const fn = node(g, option, `${path}<${values.join('|')}>`);
    cases.push(`${values.map((x) => `case ${lit(x as string)}:`).join(' ')} return ${fn}(v);`);
  }
  return g.fn(`if (${NOT_OBJECT}) return FAIL;\nswitch (v[${lit(def.discriminator)}]) {\n${cases.join('\n')}\ndefault: return FAIL;\n}`);
}
