export * from './envelope';
export * from './data';
export * from './signal';
export * from './deadletter';
export * from './topics';
export * from './keys';
export * from './cloudevents';
export * from './validate';
export { compileParser, type CompiledParser } from './fast-parse';
