import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WEB_COMPONENTS } from '../../../core/domain/catalog';
import type { MsiInfo } from '../../../core/msi/reader';
import { findVirtualDirectoryProperty, selectComponentInstaller } from '../../../core/msi/select';
import { CoreError } from '../../../core/util/errors';
import { FIXTURE_DIR, readFile, readMedia } from './msi-files';

const portal32 = readMedia(WEB_COMPONENTS.UserPortal.msiFileName(32));
const portal64 = readMedia(WEB_COMPONENTS.UserPortal.msiFileName(64));
const sdk64 = readMedia(WEB_COMPONENTS.WebServiceSdk.msiFileName(64));
const mobile32 = readMedia(WEB_COMPONENTS.MobileAppWebService.msiFileName(32));
const server = readMedia('MultiFactorAuthenticationServerSetup.exe');
const contoso = readFile(`${FIXTURE_DIR}/ContosoWidget64.msi`);
const noVdir = readFile(`${FIXTURE_DIR}/UserPortalNoVdirProperty64.msi`);

function mismatch(run: () => unknown, ...mentions: RegExp[]): CoreError {
  let caught: unknown;
  assert.throws(run, (e: unknown) => {
    caught = e;
    return e instanceof CoreError && e.code === 'InstallerMismatch';
  });
  const error = caught as CoreError;
  for (const m of mentions) assert.match(error.message, m);
  return error;
}

describe('selectComponentInstaller', () => {
  const all = [portal32, portal64, sdk64, mobile32, server, contoso];

  it('picks the x64 build for a 64-bit server and the x86 build for a 32-bit one', () => {
    assert.equal(selectComponentInstaller(all, 'UserPortal', true), portal64);
    assert.equal(selectComponentInstaller(all, 'UserPortal', false), portal32);
    assert.equal(selectComponentInstaller(all, 'WebServiceSdk', true), sdk64);
    assert.equal(selectComponentInstaller(all, 'MobileAppWebService', false), mobile32);
    assert.equal(selectComponentInstaller(all, 'MfaServer', true), server);
  });

  it('prefers the highest ProductVersion when several builds fit', () => {
    const older: MsiInfo = { ...portal64, source: 'old.msi', productVersion: '7.3.0.3' };
    const newer: MsiInfo = { ...portal64, source: 'new.msi', productVersion: '8.1.10.0' };
    assert.equal(selectComponentInstaller([newer, older, portal64], 'UserPortal', true), newer);
  });

  it('refuses the 32-bit build for a 64-bit server, naming the file, what it is and what was expected', () => {
    const e = mismatch(
      () => selectComponentInstaller([portal32], 'UserPortal', true),
      /MultiFactorAuthenticationUserPortalSetup32\.msi/,
      /Multi-Factor Authentication User Portal/,
      /32-bit Windows \(x86\)/,
      /Expected the User portal installer for 64-bit Windows \(x64\) \(MultiFactorAuthenticationUserPortalSetup64\.msi\)/,
    );
    assert.equal(e.target, portal32.source);
  });

  it('refuses the 64-bit build for a 32-bit server', () => {
    mismatch(() => selectComponentInstaller([sdk64], 'WebServiceSdk', false), /64-bit Windows \(x64\)/, /WebServiceSdkSetup32\.msi/);
  });

  it('refuses another product of the right bitness (an unrelated MSI, or another MFA component)', () => {
    mismatch(() => selectComponentInstaller([contoso], 'UserPortal', true), /Contoso Widget/, /ContosoWidget64\.msi/);
    mismatch(() => selectComponentInstaller([sdk64], 'UserPortal', true), /Web Service SDK/);
    mismatch(() => selectComponentInstaller([portal64], 'MfaServer', true), /MultiFactorAuthenticationServerSetup\.exe/);
  });

  it('refuses an ARM or unknown-platform build of the right product', () => {
    mismatch(() => selectComponentInstaller([{ ...portal64, platform: 'arm64' }], 'UserPortal', true), /ARM/);
  });

  it('reports an empty candidate list as InstallerNotFound', () => {
    assert.throws(() => selectComponentInstaller([], 'UserPortal', true), { code: 'InstallerNotFound' });
  });
});

describe('findVirtualDirectoryProperty', () => {
  it('finds the property whose default is the new default vdir, for every web component', () => {
    for (const web of Object.values(WEB_COMPONENTS)) {
      for (const bits of [32, 64] as const) {
        assert.equal(findVirtualDirectoryProperty(readMedia(web.msiFileName(bits)), web.newVirtualDirectory), 'TARGETVDIR');
      }
    }
  });

  it('compares case-insensitively', () => {
    assert.equal(findVirtualDirectoryProperty(portal64, 'multifactorauth'), 'TARGETVDIR');
  });

  it('finds nothing when the installer has no such property, or for another vdir name', () => {
    assert.equal(findVirtualDirectoryProperty(noVdir, 'MultiFactorAuth'), undefined);
    assert.equal(findVirtualDirectoryProperty(portal64, 'PhoneFactor'), undefined);
  });

  it('ignores private properties, which msiexec does not let a command line set', () => {
    const privateOnly: MsiInfo = { ...noVdir, properties: { ...noVdir.properties, VirtualDir: 'MultiFactorAuth' } };
    assert.equal(findVirtualDirectoryProperty(privateOnly, 'MultiFactorAuth'), undefined);
  });
});
