// Issue #14: a simulated install or uninstall is a transaction, as with Windows Installer: it commits whole or rolls
// back whole; one cut short by a dead process is rolled back when the lab server is next opened; a second installer
// run while one is in progress answers 1618.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LabHost } from '../../../../core/host/lab/lab-host';
import { setWritePointHook } from '../../../../core/util/write-points';
import { hashTree } from '../../../e2e/helpers';
import { newLab } from './helpers';

const PORTAL_CODE_OF = async (lab: LabHost) => Object.entries((await lab.readConfig()).installerDatabase).find(([, r]) => r.component === 'UserPortal')![0];

/** The server folder's files (logs aside: Windows Installer's log is not part of its transaction). */
const state = (folder: string) => {
  const all = hashTree(folder);
  for (const k of Object.keys(all)) if (/\.log$/i.test(k) || /Windows\/Logs/i.test(k)) delete all[k];
  return all;
};

afterEach(() => setWritePointHook(undefined));

/** A hook that fails the n-th write point and, when `dead`, every one after it (a process that died there). */
function failAt(n: number, dead: boolean): { count: () => number } {
  let count = 0;
  setWritePointHook(() => {
    count += 1;
    if (count === n || (dead && count > n)) throw new Error(`write point ${count} failed (test)`);
  });
  return { count: () => count };
}

test('an uninstall that fails at any of its writes leaves the product installed exactly as before', async () => {
  const { hosts } = await newLab('SingleServer');
  const folder = hosts[0].labFolder;
  const code = await PORTAL_CODE_OF(hosts[0]);
  const before = state(folder);
  // How many write points a whole uninstall has.
  const probe = await newLab('SingleServer');
  const counter = failAt(0, false);
  await probe.hosts[0].runMsiexec({ operation: 'uninstall', productCode: code, logPath: 'C:\\Windows\\Logs\\u.log' });
  const total = counter.count();
  assert.ok(total > 10, `an uninstall writes in many places (${total})`);
  for (const n of [2, Math.floor(total / 2), total - 3]) {
    failAt(n, false);
    const lab = await LabHost.open(folder);
    await assert.rejects(lab.runMsiexec({ operation: 'uninstall', productCode: code, logPath: 'C:\\Windows\\Logs\\u.log' }), /write point/);
    setWritePointHook(undefined);
    assert.deepEqual(state(folder), before, `failed at write ${n} of ${total}: rolled back whole`);
  }
});

test('an install cut short by a dead process is rolled back when the lab server is next opened', async () => {
  const { hosts } = await newLab('SingleServer');
  const lab = hosts[0];
  const code = await PORTAL_CODE_OF(lab);
  await lab.runMsiexec({ operation: 'uninstall', productCode: code, logPath: 'C:\\Windows\\Logs\\u.log' });
  const before = state(lab.labFolder);
  failAt(9, true); // dies at its 9th write: neither the rest of the install nor its own rollback can write
  await assert.rejects(
    lab.runMsiexec({ operation: 'install', packagePath: 'C:\\Media\\MfaServer\\MultiFactorAuthenticationUserPortalSetup64.msi', properties: {}, logPath: 'C:\\Windows\\Logs\\i.log' }),
    /write point/,
  );
  setWritePointHook(undefined);
  assert.ok(existsSync(path.join(lab.labFolder, 'installer-rollback')), 'the rollback script is left behind');
  assert.notDeepEqual(state(lab.labFolder), before, 'half an installation is on disk');
  await LabHost.open(lab.labFolder);
  assert.deepEqual(state(lab.labFolder), before, 'opening the server rolled the half installation back');
});

test('a second installer run while one is in progress answers 1618 and changes nothing', async () => {
  const { hosts } = await newLab('SingleServer');
  const lab = hosts[0];
  const code = await PORTAL_CODE_OF(lab);
  const other = await LabHost.open(lab.labFolder); // a second handle on the same server (as another process would have)
  let inner: number | undefined;
  let once = false;
  setWritePointHook((point) => {
    // Inside the first uninstall, once its rollback script exists: start the second run.
    if (!once && /installer-rollback[\\/]000001/.test(point)) {
      once = true;
      void other.runMsiexec({ operation: 'uninstall', productCode: code, logPath: 'C:\\Windows\\Logs\\u2.log' }).then((r) => (inner = r.exitCode));
    }
  });
  const first = await lab.runMsiexec({ operation: 'uninstall', productCode: code, logPath: 'C:\\Windows\\Logs\\u.log' });
  setWritePointHook(undefined);
  assert.equal(first.exitCode, 0);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(inner, 1618);
});
