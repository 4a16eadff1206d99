export { checkReadOnlySql, maxQueryBytes, type CheckedStatement, type CheckOptions } from './guard';
export { runReadOnlySql, type ReadOnlySqlOptions, type ReadOnlySqlResult } from './runner';
export { ReadOnlySqlError, type ReadOnlySqlErrorCode } from './errors';
export { deniedFunctions, deniedFunctionPrefixes, embeddedDeniedFunctions, isDeniedFunction } from './deny-list';
