import type { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry only when an OTLP endpoint is configured (the exporter reads the standard OTEL_* variables).
 * Loaded lazily so a process without tracing pays nothing for it.
 */
export async function startTelemetry(opts: { serviceName: string; otlpEndpoint?: string }): Promise<boolean> {
  if (!opts.otlpEndpoint || sdk) return Boolean(sdk);
  const { NodeSDK: Sdk } = await import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } = await import('@opentelemetry/auto-instrumentations-node');
  sdk = new Sdk({
    serviceName: opts.serviceName,
    instrumentations: [getNodeAutoInstrumentations({ '@opentelemetry/instrumentation-fs': { enabled: false } })],
  });
  sdk.start();
  return true;
}

export async function stopTelemetry(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
