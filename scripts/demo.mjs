// npm run demo: rehearse an upgrade on a fresh lab in the pinned PowerShell 7.6.9, through the real module.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = process.argv[2] ? path.resolve(process.argv[2]) : mkdtempSync(path.join(os.tmpdir(), 'mfa-demo-'));
const r = spawnSync(
  'dotnet',
  [
    'pwsh',
    '-NoProfile',
    '-NonInteractive',
    '-File',
    path.join(root, 'scripts', 'demo.ps1'),
    '-ModulePath',
    path.join(root, 'ps-module', 'MfaServerUpgrade'),
    '-WorkFolder',
    work,
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(`\nThe lab, its backups, journal and logs are in ${work}`);
process.exit(r.status ?? 1);
