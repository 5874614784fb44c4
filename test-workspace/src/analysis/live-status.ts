export interface LiveRouteCounters {
  [routeId: string]: { requests: number; errors: number };
}

/** The request counters of the running service, to compare a trace against. */
export async function fetchLiveCounters(): Promise<LiveRouteCounters> {
  const response = await fetch('http://localhost:8080/metrics');
  if (!response.ok) throw new Error(`the service answered /metrics with HTTP ${response.status}`);
  return (await response.json()) as LiveRouteCounters;
}
