export { createLogger, redactPaths, type Logger } from './logger';
export { currentTraceparent, contextFrom, inRequestSpan, inSpan, inSpanSync, SpanKind } from './tracing';
export { startTelemetry, stopTelemetry, type TelemetryOptions } from './otel';
export { serveOps, type OpsServer, type OpsServerOptions } from './ops-server';
export { ShutdownRegistry } from './shutdown';
export { createMetrics, type Metrics } from './metrics';
