import type { RulesConfig } from '../config';
import type { RuleContext, Violation } from './types';
import { matchesSelector } from './selector';

/** A principal matches an allow-list entry exactly, or by a trailing-* prefix. */
export function principalAllowed(list: string[], principal: string | undefined): boolean {
  if (!principal) return false;
  return list.some((p) => (p.endsWith('*') ? principal.startsWith(p.slice(0, -1)) : p === principal));
}

export const IGNORE_ANNOTATION = 'ztv.io/ignore';
export const IGNORE_REASON_ANNOTATION = 'ztv.io/ignore-reason';

/**
 * The exception that covers a violation, as a reason string, or undefined. Sources: config exceptions (namespace,
 * label selector, principal) and the object's `ztv.io/ignore` annotation, which counts only with a
 * `ztv.io/ignore-reason` beside it.
 */
export function exceptionFor(ruleId: string, v: Violation, ctx: RuleContext): string | undefined {
  const ann = v.object?.annotations ?? namespaceAnnotations(v, ctx);
  const ignored = ann?.[IGNORE_ANNOTATION]?.split(',').map((s) => s.trim());
  const reason = ann?.[IGNORE_REASON_ANNOTATION]?.trim();
  if (ignored && reason && (ignored.includes(ruleId) || ignored.includes('*')))
    return `annotation: ${reason}`;
  return configException(ruleId, v, ctx);
}

function namespaceAnnotations(v: Violation, ctx: RuleContext): Record<string, string> | undefined {
  const ns = v.subject.namespace;
  if (!ns || v.subject.kind !== 'Namespace') return undefined;
  return ctx.state.resources.get('Namespace', undefined, ns)?.metadata.annotations;
}

function configException(ruleId: string, v: Violation, ctx: RuleContext): string | undefined {
  const cfg: RulesConfig = ctx.config;
  if (v.subject.namespace && cfg.ignoredNamespaces.includes(v.subject.namespace))
    return 'namespace ignored by config';
  const labels =
    v.object?.labels ??
    (v.subject.namespace
      ? ctx.state.resources.get('Namespace', undefined, v.subject.namespace)?.metadata.labels
      : undefined);
  for (const ex of cfg.exceptions) {
    if (!ex.rules.includes('*') && !ex.rules.includes(ruleId)) continue;
    if (ex.namespaces && !(v.subject.namespace && ex.namespaces.includes(v.subject.namespace))) continue;
    if (ex.selector && !matchesSelector(ex.selector, labels ?? {})) continue;
    if (ex.principals && !principalAllowed(ex.principals, v.principal)) continue;
    return `exception: ${ex.reason}`;
  }
  return undefined;
}
