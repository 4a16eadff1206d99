import type { Signal } from '@ztv/events';
import { matchingSilence, silenceSuppressor, type Silence } from '@ztv/store';

/**
 * Marks firing signals that an active silence matches as suppressed by it (`suppressedBy: silence:<id>`), so
 * applySignals opens the finding suppressed, or suppresses an open one, and nobody is paged. A signal a rule exception
 * already suppresses keeps its exception; resolved signals are left alone (a silenced finding still resolves). When
 * the silence ends, the next firing signal carries no mark and the finding opens again (and the alerter's periodic
 * pass reopens silenced findings at once).
 */
export function markSilenced(signals: readonly Signal[], silences: readonly Silence[]): Signal[] {
  if (silences.length === 0) return [...signals];
  const match = matchingSilence(silences);
  return signals.map((s) => {
    if (s.transition !== 'firing' || s.suppressedBy) return s;
    const id = match({ ...s, namespace: s.subject.namespace });
    return id ? { ...s, suppressedBy: silenceSuppressor(id) } : s;
  });
}
