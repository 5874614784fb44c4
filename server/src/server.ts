import type { StatusParams } from './protocol';
import type { Finding } from '@planewise/analysis-core/boundary';

export function describe(status: StatusParams, findings: Finding[]): string {
  return `${status.state} ${findings.length}`;
}
