/** Export-MfaTenantState: a dated, protected, hashed snapshot of what a cut-over changes in the tenant (core/tenant/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter } from './contract/schema-helpers';
import { connectionOf, TENANT_OWN_PROCESS, TenantParameters } from './contract/tenant-parameters';
import { exportTenantState } from '../tenant/index';

const Input = Type.Object(
  {
    ...TenantParameters,
    Path: PathParameter('The folder to write into: a new folder MfaTenantState-<yyyyMMdd-HHmmss> is made there (the folder itself is made when missing).'),
  },
  { additionalProperties: false, required: ['Path'] },
);

const Output = Type.Object({
  Path: Type.String(),
  Folder: Type.String(),
  Sha256: Type.String(),
  TakenAt: Type.String(),
  Cloud: Type.String(),
  FederatedDomains: Type.Integer(),
  RolloutPolicies: Type.Integer(),
  RolloutGroups: Type.Integer(),
});

export const exportTenantStateOperation = defineOperation({
  name: 'export-tenant-state',
  cmdlet: 'Export-MfaTenantState',
  synopsis: 'Writes a dated snapshot of what the MFA cut-over changes in the tenant, so that a rollback knows what to put back.',
  description: [
    'Reads Microsoft Graph (GET only): each federated domain\'s federation configuration (federatedIdpMfaBehavior, which the cut-over sets to',
    'rejectMfaByFederatedIdp), and the Staged Rollout policy for MFA with its groups and their direct members. Writes them as JSON into a new',
    'folder MfaTenantState-<yyyyMMdd-HHmmss> under -Path, closed to administrators before the first file (like a backup), with the file\'s',
    'SHA-256 beside it (tenant-state.json.sha256, sha256sum format) and read back against it. Nothing in the tenant is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Before the cut-over',
      code: "Export-MfaTenantState -Path 'D:\\MfaBackup'",
      remarks: 'Needs the scopes Domain.Read.All, Policy.Read.HybridAuthentication and GroupMember.Read.All.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.TenantState',
  view: { list: ['Path', 'TakenAt', 'Cloud', 'FederatedDomains', 'RolloutPolicies', 'RolloutGroups', 'Sha256'] },
  changesState: { confirmImpact: 'Low' },
  timeoutSeconds: 1800,
  ownProcess: TENANT_OWN_PROCESS,
  links: ['Test-MfaTenantReadiness', 'Get-MfaMigrationStatus'],
  handler: perItem((item, ctx) => exportTenantState(connectionOf(item), item.Path, ctx)),
});
