import type { Principal } from '../auth/principals';
import type { PolicyStatement } from '../auth/policy';

/** Which policy set the deployment runs: revision 2 granted HeadObject to alice and queue sends to bob. */
export type PolicyRevision = 1 | 2;

export const API_KEYS = {
  alice: 'ak-alice-7f3a',
  bob: 'ak-bob-19c2',
  worker: 'ak-ingest-worker-e410',
  carol: 'ak-carol-5b7d',
  dave: 'ak-dave-0c88',
} as const;

const CATALOG_BROWSE: PolicyStatement = { Sid: 'CatalogBrowse', Effect: 'Allow', Action: 'catalog:ListItems', Resource: 'catalog:items' };

function principal(id: string, statements: PolicyStatement[]): Principal {
  return { id, policy: { Version: '2012-10-17', Statement: statements } };
}

export function scenarioPrincipals(revision: PolicyRevision): Array<{ apiKey: string; principal: Principal }> {
  const aliceActions = ['storage:PutObject', 'storage:GetObject', 'storage:ListObjects', ...(revision >= 2 ? ['storage:HeadObject'] : [])];
  return [
    {
      apiKey: API_KEYS.alice,
      principal: principal('alice', [
        { Sid: 'ReportsReadWrite', Effect: 'Allow', Action: aliceActions, Resource: ['storage:bucket/reports', 'storage:bucket/reports/*'] },
        { Sid: 'IngestSend', Effect: 'Allow', Action: 'queue:SendMessage', Resource: 'queue:ingest' },
        CATALOG_BROWSE,
      ]),
    },
    {
      apiKey: API_KEYS.bob,
      principal: principal('bob', [
        { Sid: 'ReportsRead', Effect: 'Allow', Action: ['storage:GetObject', 'storage:ListObjects'], Resource: ['storage:bucket/reports', 'storage:bucket/reports/*'] },
        { Sid: 'DenyPayroll', Effect: 'Deny', Action: 'storage:*', Resource: 'storage:bucket/reports/payroll/*' },
        ...(revision >= 2 ? [{ Sid: 'IngestSend', Effect: 'Allow' as const, Action: 'queue:SendMessage', Resource: 'queue:ingest' }] : []),
      ]),
    },
    {
      apiKey: API_KEYS.worker,
      principal: principal('ingest-worker', [
        { Sid: 'IngestConsume', Effect: 'Allow', Action: ['queue:ReceiveMessage', 'queue:DeleteMessage'], Resource: 'queue:ingest' },
        { Sid: 'RawWrite', Effect: 'Allow', Action: 'storage:PutObject', Resource: 'storage:bucket/raw/*' },
      ]),
    },
    {
      apiKey: API_KEYS.carol,
      principal: principal('carol', [
        { Sid: 'AdminAll', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'NoPayrollDelete', Effect: 'Deny', Action: 'storage:DeleteObject', Resource: 'storage:bucket/reports/payroll/*' },
      ]),
    },
    { apiKey: API_KEYS.dave, principal: principal('dave', [CATALOG_BROWSE]) },
  ];
}
