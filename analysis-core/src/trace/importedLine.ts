/** What an importer of another log format (CloudTrail, Kubernetes audit) makes of one line. */
import type { AuthzEvent } from './schema';

export interface ImportedLine {
  events: AuthzEvent[];
  /** Parts of the line that could not be used, in words; the rest was converted. */
  problems: string[];
  /** Records left out on purpose (not an authorization decision), counted but not reported. */
  skipped: number;
}
