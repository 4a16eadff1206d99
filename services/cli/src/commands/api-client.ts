import type { Command } from 'commander';
import { UsageError } from '../io';
import { CliFailure, exitCodes } from './support';

export interface ApiOptions {
  apiUrl?: string;
  token?: string;
}

/** --api-url and --token, on every command that talks to the API. */
export function addApiOptions(cmd: Command): Command {
  return cmd
    .option('--api-url <url>', 'the ztv API (default: ZTV_API_URL, else http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (default: ZTV_API_TOKEN); create one with `ztv token create`');
}

/** A small client for the ztv HTTP API: JSON in and out, failures as CliFailure with the matching exit code. */
export class ApiClient {
  private constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static async fromOptions(opts: ApiOptions): Promise<ApiClient> {
    let url = opts.apiUrl;
    let token = opts.token;
    if (!url || !token) {
      const { loadEnv } = await import('@ztv/config');
      const env = loadEnv();
      url ??= env.ZTV_API_URL;
      token ??= env.ZTV_API_TOKEN;
    }
    if (!token) throw new CliFailure('an API token is needed: pass --token or set ZTV_API_TOKEN (create one with `ztv token create`)', exitCodes.auth);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--api-url must be an http(s) URL (got "${url}")`);
    }
    return new ApiClient(parsed.toString().replace(/\/$/, ''), token);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CliFailure(`cannot reach the API at ${this.base} (${cause})`, exitCodes.unavailable);
    }
    const data = (await res.json().catch(() => undefined)) as { message?: string; error?: string } | undefined;
    if (res.ok) return data as T;
    const message = data?.message ?? `HTTP ${res.status}`;
    if (res.status === 401 || res.status === 403) throw new CliFailure(message, exitCodes.auth);
    if (res.status >= 500) throw new CliFailure(message, exitCodes.unavailable);
    throw new CliFailure(message, exitCodes.refused);
  }
}
