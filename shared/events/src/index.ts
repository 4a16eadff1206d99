export * from './envelope';
export * from './data';
export * from './signal';
export * from './deadletter';
export * from './topics';
export * from './keys';
export * from './cloudevents';
