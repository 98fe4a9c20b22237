// Decoding the Migration Utility's audit entries (M1's method codes) and turning them into per-user status rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupWrites, methodName, methodTypes } from '../../../core/tenant/migration-audit';
import { statusRows } from '../../../core/tenant/migration-status';
import type { DirectoryAudit } from '../../../core/tenant/graph-types';

const entry = (user: string, at: string, newValue: string, result = 'success', app = 'Azure MFA Management'): DirectoryAudit => ({
  activityDateTime: at, result, initiatedBy: { app: { displayName: app } },
  targetResources: [{ id: user, type: 'User', userPrincipalName: `${user}@contoso.com`, modifiedProperties: [{ displayName: 'StrongAuthenticationMethod', newValue }] }],
});

test('method codes: M1\'s table, found in JSON or JSON inside a JSON string, with the default marked; unknown codes kept visible', () => {
  assert.deepEqual([0, 2, 3, 5, 6, 7, 9].map(methodName), ['VoiceMobile', 'VoiceOffice', 'VoiceAlternateMobile', 'Sms', 'AuthenticatorPush', 'Otp', 'Unknown(9)']);
  assert.deepEqual(methodTypes('[{"MethodType":6,"Default":true},{"MethodType":0,"Default":false}]'), [{ code: 6, isDefault: true }, { code: 0, isDefault: false }]);
  assert.deepEqual(methodTypes(JSON.stringify('[{"MethodType":5,"Default":true}]')), [{ code: 5, isDefault: true }]);
  assert.deepEqual(methodTypes('[{"PhoneNumber":"+1 4255550101"}]'), []);
  assert.deepEqual(methodTypes('not json'), []);
  assert.deepEqual(methodTypes(null), []);
});

test('writes per user: only the Utility\'s actor counts, failed writes apart, the latest default wins, first and last times', () => {
  const writes = groupWrites([
    entry('u1', '2024-05-02T10:00:00Z', '[{"MethodType":5,"Default":true}]'),
    entry('u1', '2024-05-01T10:00:00Z', '[{"MethodType":6,"Default":true}]'),
    entry('u1', '2024-05-03T10:00:00Z', '[{"DeviceName":"Pixel"}]'),
    entry('u2', '2024-05-01T10:00:00Z', '[{"MethodType":0}]', 'failure'),
    entry('u3', '2024-05-01T10:00:00Z', '[{"MethodType":0}]', 'success', 'Another App'),
  ]);
  const u1 = writes.get('u1')!;
  assert.deepEqual([[...u1.codes].sort(), u1.defaultCode, u1.methodEntries, u1.otherEntries, u1.first, u1.last],
    [[5, 6], 5, 2, 1, '2024-05-01T10:00:00Z', '2024-05-03T10:00:00Z']);
  assert.deepEqual([writes.get('u2')!.failedEntries, writes.get('u2')!.codes.size], [1, 0]);
  assert.equal(writes.has('u3'), false);
});

test('status: migrated or not, in Staged Rollout or not; a user in rollout with no write is InRolloutNotMigrated', () => {
  const writes = groupWrites([entry('u1', '2024-05-01T10:00:00Z', '[{"MethodType":6,"Default":true}]')]);
  const users = ['u1', 'u2'].map((id) => ({ id, userPrincipalName: `${id}@contoso.com`, displayName: id }));
  const rollout = new Map([['u2', ['Wave 1']]]);
  assert.deepEqual(statusRows(users, writes, rollout).map((r) => [r.UserPrincipalName, r.Status, r.MethodsWritten, r.StagedRolloutGroups]), [
    ['u1@contoso.com', 'ReadyForRollout', 'AuthenticatorPush', ''],
    ['u2@contoso.com', 'InRolloutNotMigrated', '', 'Wave 1'],
  ]);
  assert.deepEqual(statusRows(users, writes, new Map([['u1', ['Wave 1']]])).map((r) => r.Status), ['InRollout', 'NotMigrated']);
});
