export { createLogger, redactPaths, type Logger } from './logger';
export { currentTraceparent, contextFrom, inSpan, SpanKind } from './tracing';
export { startTelemetry, stopTelemetry } from './otel';
export { ShutdownRegistry } from './shutdown';
export { createMetrics, type Metrics } from './metrics';
