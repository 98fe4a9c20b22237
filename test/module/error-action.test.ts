// Issue 23, item 7: the caller's -ErrorAction never changes the module's own control flow. Under -ErrorAction
// SilentlyContinue or Ignore PowerShell does not stop at a `throw` in an advanced function with no try around it: it
// went on with the next statement, and one failure cascaded (34 errors from one call after the module on disk was
// updated; a PropertyNotFoundStrict pair after a killed core). Every generated cmdlet, with each -ErrorAction, meets
// each way its core can fail (node itself fails, the core ends mid-call, the module on disk was updated): exactly one
// error record naming the failure, $? false, nothing after it, and no core process left.
// The cores are stand-ins named by MFA_NODE (a shell script): each failure happens the same way every time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import { listedOperations } from '../helpers/contracts';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let shell: number;

/** A node stand-in: `dead` fails before it says anything; `killed` starts as a warm core, then ends on the call; `updated` is another build. */
const FAKE_NODE = String.raw`#!/bin/sh
case "$MFA_FAKE_CORE" in
  dead) echo 'node: internal error' >&2; exit 3 ;;
  killed) echo "{\"ready\":true,\"buildId\":\"$MFA_FAKE_BUILD\",\"pid\":$$}"; read line; exit 137 ;;
  updated) echo "{\"ready\":true,\"buildId\":\"0123456789abcdef\",\"pid\":$$}"; read line; exit 0 ;;
esac
`;

const EXPECTED: Record<string, string> = { dead: 'CoreNotStarted', killed: 'CoreKilled', updated: 'ModuleUpdated' };
const ACTIONS = ['SilentlyContinue', 'Ignore', 'Continue', 'Stop'];

/** Each cmdlet with the least it needs to reach its core (default parameter set). */
function invocations(): { cmdlet: string; args: Record<string, unknown>; ownProcess: boolean }[] {
  return listedOperations().map((op) => {
    const args: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(op.input.properties)) {
      if (!(op.input.required ?? []).includes(name) || schema['x-mfa']?.psType) continue;
      args[name] = name === 'At' ? '03:00' : schema['x-mfa']?.path ? path.join(dir, `${op.name}-${name}`) : 'x';
    }
    if (op.changesState) args.Confirm = false;
    return { cmdlet: op.cmdlet, args, ownProcess: (op as { ownProcess?: boolean }).ownProcess === true };
  });
}

/** Child processes of the session's pwsh still running (zombies excluded). */
function children(): string[] {
  try {
    return execFileSync('ps', ['-o', 'stat=,args=', '--ppid', String(shell)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() && !/^\s*Z/.test(l));
  } catch {
    return []; // ps exits 1 when there is none
  }
}

async function noChildrenLeft(): Promise<string[]> {
  for (let i = 0; i < 100 && children().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return children();
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-error-action-'));
  const node = path.join(dir, 'fake-node.sh');
  writeFileSync(node, FAKE_NODE);
  chmodSync(node, 0o755);
  ps = await openModuleSession(dir);
  shell = Number((await ps.run('$PID')).output[0]);
  const set = await ps.run('$env:MFA_NODE = $V.node; $env:MFA_FAKE_BUILD = & (Get-Module MfaServerUpgrade) { $script:MfaBuildId }', { node });
  assert.ok(set.ok, set.terminatingError?.message);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const mode of Object.keys(EXPECTED)) {
  test(`every cmdlet, every -ErrorAction, a core that ${mode === 'dead' ? 'fails before it starts' : mode === 'killed' ? 'ends mid-call' : 'is of an updated module'}: one record`, async () => {
    const failures: string[] = [];
    for (const { cmdlet, args, ownProcess } of invocations()) {
      // A per-call core (an upgrade) never states a build: the stand-in for it is one that ends without an answer.
      const fake = ownProcess && mode !== 'dead' ? 'killed' : mode;
      const expected = ownProcess ? 'CoreKilled' : EXPECTED[mode];
      for (const action of ACTIONS) {
        const r = await ps.run(
          String.raw`$env:MFA_FAKE_CORE = $V.fake
          $given = @{}
          foreach ($p in $V.args.PSObject.Properties) { $given[$p.Name] = $p.Value }
          $Error.Clear()
          $succeeded = $true
          $after = $false
          try { $null = & $V.cmdlet @given -ErrorAction $V.action; $succeeded = $?; $after = $true } catch { $succeeded = $false }
          [pscustomobject]@{ Succeeded = $succeeded; Ids = @($Error | ForEach-Object { [string]$_.FullyQualifiedErrorId }) }`,
          { fake, cmdlet, args, action },
        );
        assert.ok(r.ok, r.terminatingError?.message);
        const { Succeeded, Ids } = r.output[0] as { Succeeded: boolean; Ids: string[] };
        const said = `${cmdlet} -ErrorAction ${action}: ${JSON.stringify(Ids)}`;
        if (Succeeded) failures.push(`${said}: $? was true`);
        if (Ids.length !== 1 || !new RegExp(`^${expected}\\b`).test(Ids[0])) failures.push(`${said}: expected exactly one ${expected}`);
        const left = await noChildrenLeft();
        if (left.length > 0) failures.push(`${said}: processes left: ${left.join('; ')}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}

test("an operation's own failure (a lab that is not there) obeys -ErrorAction: one record, none with Ignore, $? false", async () => {
  const failures: string[] = [];
  for (const action of ACTIONS) {
    const r = await ps.run(
      String.raw`Remove-Item Env:MFA_NODE -ErrorAction SilentlyContinue
      $Error.Clear()
      $succeeded = $true
      $terminating = $false
      try { $null = Get-PhoneFactorComponent -LabPath $V.lab -ErrorAction $V.action; $succeeded = $? } catch { $succeeded = $false; $terminating = $true }
      [pscustomobject]@{ Succeeded = $succeeded; Terminating = $terminating; Ids = @($Error | ForEach-Object { [string]$_.FullyQualifiedErrorId }) }
      $env:MFA_NODE = $V.node`,
      { lab: path.join(dir, 'no-lab'), action, node: path.join(dir, 'fake-node.sh') },
    );
    assert.ok(r.ok, r.terminatingError?.message);
    const { Succeeded, Terminating, Ids } = r.output[0] as { Succeeded: boolean; Terminating: boolean; Ids: string[] };
    const said = `-ErrorAction ${action}: ${JSON.stringify(Ids)}`;
    if (Succeeded) failures.push(`${said}: $? was true`);
    if (Ids.length !== (action === 'Ignore' ? 0 : 1) || (Ids[0] && !/^LabNotFound\b/.test(Ids[0]))) failures.push(`${said}: expected ${action === 'Ignore' ? 'none' : 'one LabNotFound'}`);
    if (Terminating !== (action === 'Stop')) failures.push(`${said}: terminating ${Terminating}`);
  }
  assert.deepEqual(failures, []);
});
