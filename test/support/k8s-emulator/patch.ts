import { deepEqual, isObject, type JsonObject } from './json';
import { badRequest } from './status';

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** A JSON patch that is well-formed but cannot be applied to this document (the API server answers 422). */
export class JsonPatchApplyError extends Error {}

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function parseOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  return patch.map((op: unknown) => {
    if (!isObject(op) || typeof op.op !== 'string' || !OPS.has(op.op) || typeof op.path !== 'string') {
      throw badRequest(`invalid json patch operation: ${JSON.stringify(op)}`);
    }
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw badRequest(`json patch ${op.op} operation needs "from"`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw badRequest(`json patch ${op.op} operation needs "value"`);
    }
    return op as unknown as Operation;
  });
}

/** RFC 6901 pointer → reference tokens. */
function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchApplyError(`invalid JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new JsonPatchApplyError(`invalid array index: ${token}`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length))
    throw new JsonPatchApplyError(`array index out of bounds: ${i}`);
  return i;
}

/** Returns the container that holds the pointer's last token, and that token. */
function locate(doc: unknown, pointer: string): { parent: unknown; key: string } {
  const path = tokens(pointer);
  const key = path.pop();
  if (key === undefined) throw new JsonPatchApplyError('operation on the document root is not supported');
  let node = doc;
  for (const t of path) {
    if (Array.isArray(node)) node = node[arrayIndex(node, t, false)];
    else if (isObject(node) && t in node) node = node[t];
    else throw new JsonPatchApplyError(`path not found: ${pointer}`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw new JsonPatchApplyError(`path not found: ${pointer}`);
  return { parent: node, key };
}

function read(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false)];
  const obj = parent as JsonObject;
  if (!(key in obj)) throw new JsonPatchApplyError(`path not found: ${pointer}`);
  return obj[key];
}

function add(doc: unknown, pointer: string, value: unknown): void {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else (parent as JsonObject)[key] = value;
}

function remove(doc: unknown, pointer: string): void {
  const { parent, key } = locate(doc, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false), 1);
  else if (key in (parent as JsonObject)) delete (parent as JsonObject)[key];
  else throw new JsonPatchApplyError(`path not found: ${pointer}`);
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test); applies all operations or none. */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  const ops = parseOperations(patch);
  const doc = structuredClone(target);
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        add(doc, op.path, structuredClone(op.value));
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'replace':
        read(doc, op.path);
        remove(doc, op.path);
        add(doc, op.path, structuredClone(op.value));
        break;
      case 'move': {
        if (op.path.startsWith(`${op.from}/`))
          throw new JsonPatchApplyError('cannot move a value into itself');
        const value = read(doc, op.from!);
        remove(doc, op.from!);
        add(doc, op.path, value);
        break;
      }
      case 'copy':
        add(doc, op.path, structuredClone(read(doc, op.from!)));
        break;
      case 'test':
        if (!deepEqual(read(doc, op.path), op.value)) {
          throw new JsonPatchApplyError(`testing value ${op.path} failed`);
        }
        break;
    }
  }
  return doc;
}
