import type { FindingStatus, Severity } from '../schema/enums';
import type { Finding } from '../schema/findings';

/**
 * A change of a finding's status that a caller may act on (notify, remediate, count). Observations of a finding that
 * stays open are not transitions.
 * - opened: a new finding, open.
 * - reopened: a resolved finding fired again after the flap window.
 * - flapped: a resolved finding fired again within the flap window; it is open again but this is not a new incident
 *   (no new page), only counted.
 * - resolved: by a resolved signal, or by resolveQuiet after an event-based rule's quiet period.
 * - suppressed: a rule exception matched (new findings may be born suppressed); reported, never paged.
 * - unsuppressed: the exception that suppressed a finding no longer matches; the finding is open again.
 */
export type TransitionKind = 'opened' | 'reopened' | 'flapped' | 'resolved' | 'suppressed' | 'unsuppressed';

export interface Transition {
  kind: TransitionKind;
  findingId: string;
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  cluster: string;
  namespace: string | null;
  title: string;
  /** Status before this transition; null for a finding created by it. */
  previousStatus: FindingStatus | null;
  status: FindingStatus;
  /** The signal that caused it; null for a quiet-period resolution. */
  signalId: string | null;
  at: Date;
  /**
   * The finding_events row that records it (set by applySignals and resolveQuiet): orders a finding's transitions and
   * keys its notifications (the alerter's transitionSeq).
   */
  eventId?: number;
  /** The finding as the transaction left it (set by applySignals and resolveQuiet), for notifications. */
  finding?: Finding;
}
