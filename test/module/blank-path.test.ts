// A path parameter that is only blanks is refused with the parameter named; nothing is created (once -Destination '   '
// made a folder named with three spaces).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-blank-'));
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
});

test('-Destination of blanks is refused naming Destination, and no folder is made', async () => {
  const before = readdirSync(dir);
  const r = await ps.run("Backup-PhoneFactor -Destination '   ' -Confirm:$false", {});
  const err = r.terminatingError ?? r.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^InvalidParameter,Backup-PhoneFactor$/, JSON.stringify(r));
  assert.match(err.message, /Destination/);
  assert.deepEqual(readdirSync(dir), before);
});
