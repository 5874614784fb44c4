import type { LicenseInfo } from './telemetry/emitter';

export interface ServiceConfig {
  port: number;
  /** Where the trace artifact goes; no tracing without it. */
  tracePath: string | undefined;
  /** Rebuild the usage report after each upload. */
  enableAnalysis: boolean;
  /** Append every routed request to a local debug file. */
  debugDump: boolean;
  license: LicenseInfo;
}

function flag(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

export function configFromEnv(env: NodeJS.ProcessEnv): ServiceConfig {
  const port = Number(env.DEPOT_PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`DEPOT_PORT must be a port number, got "${env.DEPOT_PORT}"`);
  return {
    port,
    tracePath: env.DEPOT_TRACE_FILE || undefined,
    enableAnalysis: flag(env.DEPOT_ENABLE_ANALYSIS),
    debugDump: flag(env.DEPOT_DEBUG_DUMP),
    license: { tier: 'community' },
  };
}
