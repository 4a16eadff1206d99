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
