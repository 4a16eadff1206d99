export { ApiServer, type ApiServerOptions } from './server';
export { buildApp, apiRoutes, apiVersion } from './app';
export { openApiDocument } from './http/openapi';
export { allows, type Principal, type Access } from './http/auth';
