import { clockRule, readingEvidence } from './clock-rule';

/** A node reports its clock as not synchronised (chrony leap status, adjtimex). Unknown (null) is never a finding. */
export const clockUnsynchronized = clockRule(
  {
    id: 'clock-unsynchronized',
    title: 'Node clock not synchronised',
    severity: 'medium',
    area: 'clock',
    rationale:
      'An unsynchronised clock drifts freely: today\'s small offset becomes tomorrow\'s certificate-validity failure, and nothing corrects it. It is the early warning for clock-drift.',
    resolvesWhen: 'A later reading from the node reports it synchronised, or the Node is deleted.',
    remediation: {
      manual:
        'On the node: `chronyc tracking` and `chronyc sources -v`; make sure chronyd (or systemd-timesyncd) runs and can reach its NTP servers (UDP 123), then wait for the leap status to become Normal.',
    },
    references: ['https://chrony-project.org/doc/4.5/chronyc.html', 'https://man7.org/linux/man-pages/man2/adjtimex.2.html'],
    tags: ['clock'],
  },
  (r) => {
    if (r.data.synchronized !== false) return undefined;
    const why = r.data.leapStatus ? ` (leap status: ${r.data.leapStatus})` : '';
    return {
      message: `Node ${r.data.node} reports its clock as not synchronised${why}.`,
      evidence: readingEvidence(r),
    };
  },
);
