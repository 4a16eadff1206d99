export * from './enums';
export * from './findings';
export * from './finding-events';
export * from './notifications';
export * from './remediations';
export * from './silences';
export * from './api-tokens';
export * from './views';
