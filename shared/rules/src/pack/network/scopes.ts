import type { ZtvEvent } from '@ztv/events';
import type { RuleContext, RuleMeta, StateRule, Violation } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';

/* Scope factories shared by the network and mesh rules: one scope per namespace, or one per policy object. */

const ignored = (ctx: RuleContext, ns: string | undefined) => ns !== undefined && ctx.config.ignoredNamespaces.includes(ns);

export interface NamespaceRuleSpec {
  /** Kinds whose change can alter the verdict of the namespace they live in (Namespace itself always does). */
  kinds: readonly string[];
  /** Changes that can alter every namespace's verdict (a CCNP, a mesh-wide policy in the root namespace). */
  everywhere?: (kind: string, namespace: string | undefined, ctx: RuleContext) => boolean;
  /** Other namespaces a change can alter (a ServiceAccount named by policies elsewhere). */
  related?: (kind: string, namespace: string | undefined, ctx: RuleContext) => string[];
  /**
   * For a change to an object of one of `kinds` in `ns` (`before` → `after`, undefined when absent): false when it
   * cannot alter the namespace's verdict, which is then not re-checked (a Pod status update). Without it, every
   * change re-checks its namespace.
   */
  changeMatters?: (kind: string, ns: string, before: KubeObject | undefined, after: KubeObject | undefined, ctx: RuleContext) => boolean;
  /** The violations of one namespace, which is known to exist and is not ignored. */
  check(ns: string, ctx: RuleContext): Violation[];
}

/**
 * A state rule re-checked per namespace: a change to one of `kinds` re-checks its namespace, a Namespace change
 * re-checks that namespace, and `everywhere` changes re-check all of them. Namespaces in `ignoredNamespaces` are
 * never looked at; a namespace that no longer exists (nothing left in it) resolves.
 */
export function namespaceRule(meta: RuleMeta, given: NamespaceRuleSpec): StateRule {
  // Every field present (undefined when not given), in one order: the scopesFor below is one function for all these
  // rules (one feedback vector), and reading specs of different shapes there made each read megamorphic, for every Pod event.
  const spec: NamespaceRuleSpec = {
    kinds: given.kinds,
    everywhere: given.everywhere,
    related: given.related,
    changeMatters: given.changeMatters,
    check: given.check,
  };
  return {
    ...meta,
    kind: 'state',
    on: ['k8s.resource'],
    resourceKinds: ['Namespace', ...spec.kinds],
    scopesFor(event, ctx) {
      if (event.type !== 'k8s.resource') return [];
      const { kind, namespace, name } = event.data;
      if (kind === 'Namespace') return [name];
      if (!spec.kinds.includes(kind)) return [];
      if (spec.everywhere?.(kind, namespace, ctx)) return ctx.state.resources.namespaces();
      const own = namespace && !changeIrrelevant(spec, event, namespace, ctx) ? [namespace] : [];
      return spec.related ? [...own, ...spec.related(kind, namespace, ctx)] : own;
    },
    allScopes: (ctx) => ctx.state.resources.namespaces(),
    check(ns, ctx) {
      if (ignored(ctx, ns) || !ctx.state.resources.hasNamespace(ns)) return [];
      return spec.check(ns, ctx);
    },
  };
}

function changeIrrelevant(spec: NamespaceRuleSpec, event: ZtvEvent & { type: 'k8s.resource' }, ns: string, ctx: RuleContext): boolean {
  if (!spec.changeMatters) return false;
  const change = ctx.state.changeOf(event);
  return !!change && !spec.changeMatters(event.data.kind, ns, change.before, change.after, ctx);
}

const objectScope = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;

/**
 * A state rule over single objects of `kinds` (policies): one scope per object, re-checked when it changes, resolved
 * when it is fixed or deleted.
 */
export function objectRule(meta: RuleMeta, kinds: readonly string[], check: (obj: KubeObject, ctx: RuleContext) => Violation[]): StateRule {
  return {
    ...meta,
    kind: 'state',
    on: ['k8s.resource'],
    resourceKinds: kinds,
    scopesFor(event) {
      if (event.type !== 'k8s.resource' || !kinds.includes(event.data.kind)) return [];
      return [objectScope(event.data.kind, event.data.namespace, event.data.name)];
    },
    allScopes: (ctx) =>
      kinds.flatMap((k) => ctx.state.resources.list(k).map((o) => objectScope(k, o.metadata.namespace, o.metadata.name))),
    check(scope, ctx) {
      const [kind = '', ns = '', ...rest] = scope.split('/');
      const obj = ctx.state.resources.get(kind, ns || undefined, rest.join('/'));
      if (!obj || ignored(ctx, obj.metadata.namespace)) return [];
      return check(obj, ctx);
    },
  };
}

/** The subject and exception hooks of an object finding. */
export function objectSubject(obj: KubeObject): Pick<Violation, 'subject' | 'object'> {
  const md = obj.metadata;
  return {
    subject: { ...(md.namespace ? { namespace: md.namespace } : {}), kind: obj.kind, name: md.name },
    object: { labels: md.labels ?? {}, annotations: md.annotations ?? {} },
  };
}

/** The subject and exception hooks of a namespace finding (the Namespace's labels and annotations when known). */
export function namespaceSubject(ns: string, ctx: RuleContext): Pick<Violation, 'subject' | 'object'> {
  const md = ctx.state.resources.get('Namespace', undefined, ns)?.metadata;
  return {
    subject: { namespace: ns, kind: 'Namespace', name: ns },
    ...(md ? { object: { labels: md.labels ?? {}, annotations: md.annotations ?? {} } } : {}),
  };
}
