// Issue #25: the Undo from every stop and kill point of the upgrade (undo-from-upgrade.ts), on the two-server scenarios
// (a separate web server; an application server calling the SDK).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAB_INSTALLER_PATH } from '../e2e/helpers';
import { newLab, putBack, runCore, runListingWritePoints, runStatus, statusOf, undoRequest } from './kill-harness';
import { undoFromEveryStop } from './undo-from-upgrade';

describe('an upgrade stopped after any step or killed before any write, then undone: every server is the server it was', () => {
  for (const scenario of ['SeparateWebServer', 'SdkConsumers']) test(scenario, () => undoFromEveryStop(scenario));
});

test('killed after it staged an installer on the web server but before its journal recorded it, with the source gone since: the copy is left and named', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mfa-undo-staged-'));
  try {
    const work = path.join(root, 'run');
    const template = path.join(root, 'template');
    newLab(work, 'SeparateWebServer');
    putBack(work, template);
    const request = { ...undoRequest(work), InstallerPath: LAB_INSTALLER_PATH };
    const { points } = runListingWritePoints('invoke-upgrade', request, path.join(root, 'points.txt'));
    const staged = points.findIndex((p) => /WEB01[\\/]C[\\/]Windows[\\/]Temp[\\/]MfaServerUpgrade[\\/].*UserPortal.*\.msi$/.test(p.point));
    assert.ok(staged > 0 && /journal\.json$/.test(points[staged + 1].point), 'the copy is followed by the journal write that records it');
    putBack(template, work);
    assert.equal(runCore('invoke-upgrade', request, { MFA_KILL_AT_WRITE: String(points[staged + 1].n) }).signal, 'SIGKILL');
    const copy = path.join(work, 'lab', 'WEB01', 'C', 'Windows', 'Temp', 'MfaServerUpgrade', 'MultiFactorAuthenticationUserPortalSetup32.msi');
    assert.ok(existsSync(copy), 'the staged installer is there');
    // The MSI it was copied from, in MFA Server's folder on MFA01, removed meanwhile: nothing tells the copy's bytes any more.
    rmSync(path.join(work, 'lab', 'MFA01', 'C', 'Program Files', 'PhoneFactor', 'MultiFactorAuthenticationUserPortalSetup32.msi'));
    const undone = runCore('undo-upgrade', undoRequest(work));
    assert.equal(statusOf(undone), 'Completed', runStatus(undone));
    const steps = (undone.envelope?.result?.[0] as unknown as { Steps: { Id: string; Outcome: string }[] }).Steps;
    const removal = steps.find((s) => s.Id === 'WEB01:undo-remove-upgrade-files:UserPortal');
    assert.match(removal?.Outcome ?? '', /kept 1: C:\\Windows\\Temp\\MfaServerUpgrade\\MultiFactorAuthenticationUserPortalSetup32\.msi \(not checkable\)/);
    assert.ok(existsSync(copy), 'left in place');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
