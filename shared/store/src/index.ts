export * from './schema/index';
export { newId, idPrefixes, type IdKind } from './ids';
export {
  openStore,
  openEmbeddedStore,
  type Store,
  type PostgresStore,
  type EmbeddedStore,
  type PostgresStoreOptions,
  type EmbeddedStoreOptions,
  type Database,
  type Schema,
} from './client';
export { migrate, migrationsFolder } from './migrate';
export { StoreConflictError, InvalidCursorError } from './errors';
export type { Transition, TransitionKind } from './findings/transition';
export { applySignals, type ApplySignalsOptions } from './findings/apply-signals';
export { resolveQuiet } from './findings/resolve-quiet';
export { getFinding, getFindingByFingerprint, findingHistory } from './findings/queries';
export {
  listFindings,
  type FindingFilters,
  type FindingSort,
  type ListFindingsOptions,
  type FindingPage,
} from './findings/list';
export {
  apiTokenPrefix,
  mintApiToken,
  hashApiToken,
  createApiToken,
  authenticateApiToken,
  listApiTokens,
  revokeApiToken,
  ApiTokenNameTakenError,
  type ApiTokenInfo,
  type CreateApiTokenInput,
} from './tokens/api-tokens';
export * from './readonly-sql/index';
export {
  acknowledgeFinding,
  resolveFindingManually,
  suppressFinding,
  unsuppressFinding,
  type FindingActionResult,
} from './findings/person-actions';
export {
  recordedChanges,
  personChangesToNotify,
  type RecordedChange,
  type NotifiableKind,
} from './findings/changes';
export {
  insertNotifications,
  outboxNotifications,
  dropNotifications,
  latestNotificationKinds,
  receiverKey,
  type OutboxInsert,
  type OutboxGroup,
  type OutboxEntry,
} from './notifications/outbox';
export { repeatCandidates, type RepeatCandidate } from './notifications/repeats';
export {
  pendingGroups,
  flushGroup,
  getNotificationGroups,
  claimGroupDelivery,
  type PendingGroup,
  type GroupMember,
  type GroupDecision,
} from './notifications/groups';
export {
  claimDelivery,
  recordDeliveryAttempt,
  type DeliveryDecision,
  type DeliveryAttemptRecord,
} from './notifications/attempts';
export {
  createSilence,
  listSilences,
  activeSilences,
  expireSilence,
  syncSilences,
  silenceState,
  type NewSilenceInput,
  type SilenceResult,
  type SilenceState,
} from './silences/repository';
export { silenceLabelNames, silenceSuppressor } from './silences/matchers';
export { matchingSilence } from './silences/apply';
export { remediationJobId } from './remediations/job-id';
export {
  createRemediation,
  getRemediation,
  listRemediations,
  updateRemediation,
  recordRemediationEvent,
  type CreateRemediationInput,
  type RemediationFilters,
  type RemediationUpdate,
  type RemediationEventInput,
  type RemediationEventKind,
} from './remediations/repository';
export {
  approveRemediation,
  rejectRemediation,
  expireRemediations,
  decidableStatuses,
  type RemediationDecision,
} from './remediations/approval';
export { claimRemediationApply, type ApplyClaim, type ApplyClaimResult } from './remediations/apply-claim';
