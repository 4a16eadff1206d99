import { register } from 'node:module';
import type { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { loadInstrumentations } from './instrumentations';

let sdk: NodeSDK | undefined;

export interface TelemetryOptions {
  /** service.name of every span, e.g. `ztv-collector`. */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT. Tracing starts only when it (or spanProcessors) is set. */
  otlpEndpoint?: string;
  /** Where spans go instead of the OTLP exporter (tests pass an in-memory exporter's processor). */
  spanProcessors?: tracing.SpanProcessor[];
}

/**
 * Starts OpenTelemetry (sdk-node, W3C trace context, the instrumentations of ./instrumentations) when an OTLP endpoint
 * is configured; the exporter reads the standard OTEL_* variables (protocol, headers, timeouts). Returns whether
 * tracing runs.
 *
 * Call it before anything imports kafkajs, pg, ioredis, fastify or http clients: instrumentations patch a module as
 * it loads, so a service's main.ts starts telemetry first and imports the service itself afterwards (dynamic
 * import). ztv is ESM: the import-in-the-middle loader hook registered here is what lets them see ESM imports.
 */
export async function startTelemetry(opts: TelemetryOptions): Promise<boolean> {
  if (sdk) return true;
  if (!opts.otlpEndpoint && !opts.spanProcessors?.length) return false;
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const [{ NodeSDK: Sdk }, instrumentations] = await Promise.all([import('@opentelemetry/sdk-node'), loadInstrumentations()]);
  sdk = new Sdk({
    serviceName: opts.serviceName,
    instrumentations,
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {}),
    // Logs go to stdout through pino; metrics are scraped from /metrics (prom-client). Traces only here.
    logRecordProcessors: [],
  });
  sdk.start();
  // The loader thread knows which modules to wrap only once it has acknowledged the instrumentations' hooks.
  await waitForAllMessagesAcknowledged();
  return true;
}

/** Flushes and stops tracing (register it first in a ShutdownRegistry: closers run in reverse, so it flushes last). */
export async function stopTelemetry(): Promise<void> {
  const s = sdk;
  sdk = undefined;
  await s?.shutdown();
}
