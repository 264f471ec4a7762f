// Optional OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT): client, workflow and activity
// spans from @temporalio/interceptors-opentelemetry, sent over OTLP/HTTP. The OpenTelemetry
// packages are imported only when tracing is on, so a process without it (and the replay tests,
// which bundle the workflows without the interceptors) never loads them.

import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { TelemetryConfig } from '../platform/config/index.js';
import type { Logger } from '../platform/logger.js';

export interface Tracing {
  /** Activity interceptors and the sink workflow spans leave the sandbox through. */
  worker: Required<Pick<WorkerOptions, 'sinks'>> & { activityInterceptors: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']> };
  /** Start/signal/update spans on the front-ends' client, whose context the workflow continues. */
  clientInterceptors: WorkflowClientInterceptor[];
  /** Flushes the spans still buffered. */
  shutdown(): Promise<void>;
}

export async function startTracing(telemetry: TelemetryConfig, logger: Logger): Promise<Tracing | undefined> {
  if (!telemetry.otlpEndpoint) return undefined;
  const [interceptors, { NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] = await Promise.all([
    import('@temporalio/interceptors-opentelemetry'),
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const resource = new Resource({ 'service.name': telemetry.serviceName });
  // OTEL_EXPORTER_OTLP_HEADERS (e.g. a vendor's API key) is read by the exporter itself.
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${telemetry.otlpEndpoint}/v1/traces` }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global tracer, W3C trace-context propagator and an AsyncLocalStorage context manager.
  provider.register();
  logger.info({ endpoint: telemetry.otlpEndpoint, service: telemetry.serviceName }, 'OpenTelemetry tracing on');
  return {
    worker: {
      sinks: { exporter: interceptors.makeWorkflowExporter(processor, resource) },
      activityInterceptors: [
        (ctx) => ({
          inbound: new interceptors.OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new interceptors.OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    clientInterceptors: [new interceptors.OpenTelemetryWorkflowClientInterceptor()],
    shutdown: () => provider.shutdown(),
  };
}
