import { z } from 'zod';
import { errorBody } from '../schemas/common';
import type { AnyRoute } from './route';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
  return rest;
}

const errorText: Record<number, string> = {
  400: 'Invalid input (the message and `issues` say which field and why)',
  401: 'No API token, or an unknown or revoked one',
  403: 'The token\'s role may not do this',
  404: 'No such object',
  408: 'The query ran past the statement timeout',
  409: 'The object\'s state does not allow this',
  500: 'Internal error',
  503: 'A dependency (database, job queue) is not available',
};

/** The OpenAPI 3.1 document of every route, made from the same zod schemas that validate requests. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: JsonSchema[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const s = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const { description, ...propSchema } = prop;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (s.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: propSchema,
          ...(propSchema.type === 'array' ? { style: 'form', explode: false } : {}),
        });
      }
    }
    const statuses = new Set([400, 500, ...(r.access === 'public' ? [] : [401, 403]), ...(r.errors ?? [])]);
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: { description: 'Success', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } },
    };
    for (const s of [...statuses].sort()) {
      responses[String(s)] = { description: errorText[s] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(r.access === 'public' ? { security: [] } : { 'x-ztv-role': r.access }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: !r.body.safeParse(undefined).success, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ztv API',
      version,
      description:
        'Findings, their history, acknowledgement, silences, remediation and read-only SQL. Every endpoint but /healthz and /readyz needs `Authorization: Bearer <token>`; the role each needs is in `x-ztv-role` (viewer < operator < admin).',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A ztv API token (`ztv_…`), from `ztv token create`' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
    paths,
  };
}
