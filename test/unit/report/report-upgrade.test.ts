// report.html written by real lab upgrades run in-process: at the end of a completed and of a failed run.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { newLab, tempDir } from '../host/lab/helpers';
import { runUpgrade } from '../../../core/upgrade/run/engine';
import { readManifest } from '../../../core/backup/manifest';
import type { OperationContext } from '../../../core/util/operation-context';

const LAB_PASSWORD = 'S3cr3t!Pass';

const ctx: OperationContext = {
  dryRun: false,
  toolVersion: '0.0.0-test',
  progress: () => {},
  log: () => {},
  act: (_action, run) => run(),
};

async function upgradeLab(fault?: { match: string; exitCode: number }) {
  const lab = await newLab('SingleServer');
  if (fault) {
    const file = join(lab.path, 'server.json');
    const server = JSON.parse(readFileSync(file, 'utf8'));
    server.faults = { msiexec: [fault] };
    writeFileSync(file, JSON.stringify(server, null, 2));
  }
  const backups = join(await tempDir(), 'backups');
  const result = await runUpgrade({ hosts: lab.hosts, installerPath: 'C:\\Media\\MfaServer', naming: 'New', backupDestination: backups, resume: false }, ctx);
  return { lab, backups, result };
}

test('a completed lab upgrade writes report.html in the run folder with steps, hashes and no secret', async () => {
  const { backups, result } = await upgradeLab();
  assert.equal(result.Status, 'Completed');
  assert.equal(result.ReportPath, join(backups, 'MfaServerUpgrade-MFA01', 'report.html'));
  const html = readFileSync(result.ReportPath, 'utf8');

  // The backed-up web.configs hold the SDK account and its password: the password is in no part of the report; the
  // account's name is shown as the one secret rule shows a user name (as it is), where the readiness check names it.
  const manifest = await readManifest(result.BackupPath[0]);
  assert.ok(manifest.ok);
  const configs = manifest.manifest.files.filter((f) => /web\.config$/i.test(f.relativePath));
  assert.ok(configs.some((f) => readFileSync(join(result.BackupPath[0], ...f.relativePath.split('\\')), 'utf8').includes(LAB_PASSWORD)), 'the lab really has the password');
  assert.equal(html.includes(LAB_PASSWORD), false);
  assert.ok(html.includes('CONTOSO\\svc-pfsdk (named by WEB_SERVICE_SDK_AUTHENTICATION_USERNAME in '), 'the account and the setting naming it');

  for (const step of result.Steps) assert.ok(html.includes(`<div>${step.Order}</div></td>`) && html.includes(step.ComputerName), step.Id);
  assert.equal((html.match(/badge s-ok">Completed</g) ?? []).length, result.Steps.length + 2, 'each step, the headline and the summary');
  for (const f of manifest.manifest.files) assert.ok(html.includes(f.sha256), f.relativePath);
  assert.match(html, /PhoneFactor User Portal/);
  assert.match(html, /5\.2\.1\.0/);
  for (const f of result.FollowUps) assert.ok(html.includes(f.split(':')[0].replace(/&/g, '&amp;')), f);
});

test('a failed run writes the report too, with the failed step and the next action', async () => {
  const { result } = await upgradeLab({ match: 'UserPortal', exitCode: 1603 });
  assert.equal(result.Status, 'Failed');
  assert.ok(result.ReportPath && existsSync(result.ReportPath));
  const html = readFileSync(result.ReportPath, 'utf8');
  assert.match(html, /badge s-bad">Failed</);
  assert.ok(html.includes(String(result.ExitCode)));
  assert.ok(html.includes('Next action:'));
  assert.equal(html.includes(LAB_PASSWORD), false);
});

test('a dry run writes no report', async () => {
  const lab = await newLab('SingleServer');
  const backups = join(await tempDir(), 'backups');
  const result = await runUpgrade({ hosts: lab.hosts, installerPath: 'C:\\Media\\MfaServer', naming: 'New', backupDestination: backups, resume: false }, { ...ctx, dryRun: true, act: async () => undefined });
  assert.equal(result.Status, 'Planned');
  assert.equal(result.ReportPath, null);
  assert.equal(existsSync(join(backups, 'MfaServerUpgrade-MFA01', 'report.html')), false);
});

test('running a completed upgrade again keeps the report of the run that did the work', async () => {
  const { lab, backups, result } = await upgradeLab();
  const before = readFileSync(result.ReportPath!);
  const again = await runUpgrade({ hosts: lab.hosts, installerPath: 'C:\\Media\\MfaServer', naming: 'New', backupDestination: backups, resume: true }, ctx);
  assert.match(again.Message, /already completed/);
  assert.equal(again.ReportPath, result.ReportPath);
  assert.ok(readFileSync(again.ReportPath!).equals(before));
});
