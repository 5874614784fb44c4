import type { IncomingMessage } from 'node:http';
import type { PolicyDocument } from './policy';

export interface Principal {
  id: string;
  policy: PolicyDocument;
}

export const ANONYMOUS: Principal = { id: 'anonymous', policy: { Version: '2012-10-17', Statement: [] } };

/** Maps API keys to principals; a request without a known key acts as `anonymous`, whom nothing allows. */
export class PrincipalDirectory {
  private readonly byKey = new Map<string, Principal>();

  constructor(entries: ReadonlyArray<{ apiKey: string; principal: Principal }>) {
    for (const { apiKey, principal } of entries) {
      if (this.byKey.has(apiKey)) throw new Error(`API key of "${principal.id}" is already in use`);
      this.byKey.set(apiKey, principal);
    }
  }

  resolve(request: IncomingMessage): Principal {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    return (match && this.byKey.get(match[1])) || ANONYMOUS;
  }
}
