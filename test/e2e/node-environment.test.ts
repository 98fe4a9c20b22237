// Issue 23, item 6: the environment does not change what the core runs, and a core that answered is never reported
// as killed. An APM agent preloaded through NODE_OPTIONS (here: a module that prints to stdout and stderr when it
// loads and when the process exits) once turned a completed upgrade into CoreKilled, with the whole JSON answer in the
// message and a false stop written into the completed journal.
// 1. NODE_OPTIONS / NODE_PATH set in the admin's session: the cores the module starts (per call and warm) run without
//    them (the preload never runs in them), the upgrade completes, and the journal records no stop.
// 2. Noise the environment cannot take away (a node that prints before, between and after the core's own output, as
//    MFA_NODE): the transport still finds the answer by the core's framing, per call and warm.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, makeTempRoot, type UpgradeResult } from './helpers';

const root = makeTempRoot('node-env');
const ran = path.join(root, 'preload-ran.txt');
const noisy = path.join(root, 'apm.cjs');
writeFileSync(
  noisy,
  [
    `require('node:fs').appendFileSync(${JSON.stringify(ran)}, process.pid + '\\n');`,
    "console.log('apm agent 1.0 started');",
    "console.error('apm agent: connecting to collector');",
    "console.log(JSON.stringify({ apm: 'ready', ok: 'maybe' }));",
    "process.on('exit', () => { console.log('apm agent: flushed'); console.error('apm agent: bye'); });",
    '',
  ].join('\n'),
);

interface JournalFile {
  Status: string;
  Stops: { Cause: string }[];
}

async function upgradeCompletes(ps: PowerShellSession, name: string): Promise<void> {
  const lab = path.join(root, name, 'lab');
  const backups = path.join(root, name, 'backups');
  const r = await ps.run(
    String.raw`New-MfaLab -Path $V.lab -Scenario SingleServer -Confirm:$false | Out-Null
    $inventory = @(Get-PhoneFactorComponent -LabPath $V.lab)
    $result = Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false
    [pscustomobject]@{ Inventory = $inventory.Count; Result = $result }`,
    { lab, backups, installer: LAB_INSTALLER_PATH },
  );
  assert.ok(r.ok, `${r.terminatingError?.fullyQualifiedErrorId}: ${r.terminatingError?.message?.slice(0, 600)}`);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const { Inventory, Result } = r.output[0] as { Inventory: number; Result: UpgradeResult };
  assert.ok(Inventory > 0, 'the warm core answered the inventory');
  assert.equal(Result.Status, 'Completed', Result.Message);
  assert.equal(Result.ExitCode, 0);
  const journal = JSON.parse(readFileSync(path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json'), 'utf8')) as JournalFile;
  assert.equal(journal.Status, 'Completed');
  assert.deepEqual(journal.Stops, [], 'no stop in a completed run');
}

describe('the environment does not change what the core runs', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root);
  });
  after(async () => {
    await ps.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('NODE_OPTIONS preloading a chatty agent, NODE_PATH set: the cores run without them and the upgrade completes', async () => {
    const set = await ps.run("$env:NODE_OPTIONS = '--require ' + $V.noisy; $env:NODE_PATH = $V.root; & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }", {
      noisy,
      root,
    });
    assert.ok(set.ok, set.terminatingError?.message);
    try {
      await upgradeCompletes(ps, 'node-options');
      assert.equal(existsSync(ran), false, `the preload ran in a core: ${existsSync(ran) ? readFileSync(ran, 'utf8') : ''}`);
    } finally {
      await ps.run('Remove-Item Env:NODE_OPTIONS, Env:NODE_PATH -ErrorAction SilentlyContinue');
    }
  });

  test('a node that prints around the core (MFA_NODE): the answer is found by its framing, per call and warm', { skip: process.platform === 'win32' }, async () => {
    const wrapper = path.join(root, 'noisy-node.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --require ${JSON.stringify(noisy)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const set = await ps.run('$env:MFA_NODE = $V.wrapper; & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }', { wrapper });
    assert.ok(set.ok, set.terminatingError?.message);
    try {
      await upgradeCompletes(ps, 'noisy-node');
      assert.ok(readFileSync(ran, 'utf8').trim().split('\n').length >= 2, 'the noise was there: the preload ran in the cores');
    } finally {
      await ps.run('Remove-Item Env:MFA_NODE -ErrorAction SilentlyContinue; & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }');
    }
  });
});
