import { recordAuthz } from '../telemetry/tracer';
import { evaluatePolicy, type AccessRequest, type Decision } from './policy';
import type { Principal } from './principals';

export class AccessDeniedError extends Error {
  constructor(
    readonly principal: string,
    readonly request: AccessRequest,
    readonly denyReason: 'explicit' | 'implicit',
  ) {
    super(`${principal} is not allowed to ${request.action} on ${request.resource} (${denyReason} deny)`);
  }
}

/** Decides one call and records the decision; throws AccessDeniedError on a deny. */
export function authorize(principal: Principal, request: AccessRequest): Decision {
  const decision = evaluatePolicy(principal.policy, request);
  recordAuthz('depot-gateway', { principal: principal.id, ...request, ...decision });
  if (decision.decision === 'deny') throw new AccessDeniedError(principal.id, request, decision.denyReason);
  return decision;
}
