// Lab media names (issue 28 item 12): the package ships assets/lab-media (New-MfaLab needs it), so no installer file
// there may carry a name of Microsoft's media; every one is LAB-STANDIN-<name>, and a lab server still gets each under
// <name>, the name the real media has and the upgrade looks for, inside the lab only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAND_IN_PREFIX, labMediaFile } from '../../../../core/host/lab/media';
import { MFA_SERVER_SETUP_FILE } from '../../../../core/domain/catalog';
import { newLab } from './helpers';

const MEDIA = 'assets/lab-media';
const PHONEFACTOR = join(MEDIA, 'phonefactor');
const listed = (folder: string) => (JSON.parse(readFileSync(join(folder, 'media.json'), 'utf8')) as { files: { file: string }[] }).files.map((f) => f.file);

test('every installer and cabinet in assets/lab-media is named LAB-STANDIN-<name>; media.json names them as a lab places them', () => {
  for (const folder of [MEDIA, PHONEFACTOR]) {
    const files = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    const installers = files.filter((f) => /\.(msi|exe|cab)$/i.test(f));
    assert.ok(installers.length >= 7, `${folder}: ${files.join(', ')}`);
    for (const f of installers) assert.ok(f.startsWith(STAND_IN_PREFIX), `${folder}/${f} is named as a stand-in`);
    for (const name of listed(folder)) {
      assert.ok(!name.startsWith(STAND_IN_PREFIX), name);
      assert.ok(files.includes(`${STAND_IN_PREFIX}${name}`), `${name} is in ${folder} as ${STAND_IN_PREFIX}${name}`);
    }
  }
  assert.ok(!readdirSync(MEDIA).includes(MFA_SERVER_SETUP_FILE), 'no file is named as the MFA Server setup');
});

test('a lab server gets the media under the real names, byte for byte the stand-ins', async () => {
  const { hosts } = await newLab('CachedPackageOnly');
  const [server] = hosts;
  const setup = await server.readFile(`C:\\Media\\MfaServer\\${MFA_SERVER_SETUP_FILE}`);
  assert.ok(setup.equals(readFileSync(labMediaFile(MEDIA, MFA_SERVER_SETUP_FILE))));
  for (const name of listed(MEDIA)) assert.ok(await server.stat(`C:\\Media\\MfaServer\\${name}`), name);
});
