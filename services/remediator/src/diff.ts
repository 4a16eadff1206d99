import type { KubeObject } from './kube-ops';

export interface FieldChange {
  /** `.spec.podSelector`, `.metadata.labels["ztv.io/quarantine"]`. */
  path: string;
  op: 'add' | 'remove' | 'change';
  before?: unknown;
  after?: unknown;
}

export interface ObjectDiff {
  /** `NetworkPolicy payments/ztv-default-deny`. */
  object: string;
  /** create: absent before; update: fields change; unchanged: the server would store the same thing. */
  action: 'create' | 'update' | 'unchanged';
  changes: FieldChange[];
}

// Server-maintained fields that change on every write, or that a playbook never sets: not part of what a person reviews.
const volatileMetadata = [
  'managedFields',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'uid',
  'selfLink',
];

/** The object as a person reviews it: plain JSON, no status, no server bookkeeping. */
export function reviewable(o: KubeObject): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(o)) as Record<string, unknown> & {
    metadata?: Record<string, unknown>;
  };
  delete copy.status;
  for (const k of volatileMetadata) delete copy.metadata?.[k];
  return copy;
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const segment = (key: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;

/**
 * Field-level changes from `before` to `after`. Maps are walked key by key; lists are compared whole, as server-side
 * apply treats the lists of the kinds playbooks write (NetworkPolicy, Istio policies) as atomic.
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      const p = `${path}${segment(k)}`;
      if (!(k in after)) return [{ path: p, op: 'remove' as const, before: before[k] }];
      if (!(k in before)) return [{ path: p, op: 'add' as const, after: after[k] }];
      return fieldChanges(before[k], after[k], p);
    });
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || '.', op: 'change', before, after }];
}

/** What a write would do to one object: `current` as read (absent: it does not exist) against the dry-run result. */
export function diffObject(object: string, current: KubeObject | undefined, dryRun: KubeObject): ObjectDiff {
  if (!current) return { object, action: 'create', changes: fieldChanges({}, reviewable(dryRun)) };
  const changes = fieldChanges(reviewable(current), reviewable(dryRun));
  return { object, action: changes.length ? 'update' : 'unchanged', changes };
}

/** One line per change, for logs and the CLI: `+ .spec.podSelector: {}`. */
export function diffText(diffs: readonly ObjectDiff[]): string {
  const show = (v: unknown) => JSON.stringify(v);
  return diffs
    .map((d) =>
      [
        `${d.action === 'create' ? '+++' : d.action === 'update' ? '~~~' : '==='} ${d.object} (${d.action})`,
        ...d.changes.map((c) =>
          c.op === 'add'
            ? `+ ${c.path}: ${show(c.after)}`
            : c.op === 'remove'
              ? `- ${c.path}: ${show(c.before)}`
              : `~ ${c.path}: ${show(c.before)} → ${show(c.after)}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}
