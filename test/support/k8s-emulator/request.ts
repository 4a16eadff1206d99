import { parse as parseYaml } from 'yaml';
import type { ResourceType } from './registry';
import { badRequest, invalid } from './status';
import type { ObjectStore } from './store';

/** A resource request, routed: what the URL names plus what the handlers need from the HTTP request. */
export interface ResourceRequest {
  store: ObjectStore;
  t: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  body: Buffer;
  contentType: string;
  userAgent: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

export function isDryRun(req: ResourceRequest, optionsKind: string): boolean {
  const values = req.query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') {
      const cause = {
        type: 'FieldValueNotSupported',
        message: `Unsupported value: "${v}": supported values: "All"`,
        field: 'dryRun',
      };
      throw invalid(optionsKind, '', [cause], 'meta.k8s.io');
    }
  }
  return values.length > 0;
}

/** fieldManager, or the User-Agent up to its first `/` (managerOrUserAgent upstream). */
export function managerOf(req: ResourceRequest): string {
  return req.query.get('fieldManager') || req.userAgent.split('/')[0] || 'unknown';
}

/** JSON body, or YAML when the content type says so (apply patches, kubectl-style creates). */
export function parseBody(req: ResourceRequest, yamlAllowed = req.contentType.includes('yaml')): unknown {
  const text = req.body.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  try {
    return yamlAllowed ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding ${yamlAllowed ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
}
