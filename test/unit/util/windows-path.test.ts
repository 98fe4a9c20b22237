// The one Windows path module (core/util/windows-path.ts): joins, parents (a drive root is C:\, never C:), names,
// comparison, and the two rules every path goes through: a name from a record as one path segment, a path a user gave.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cleanPathSegment,
  isInsideWindowsPath,
  joinWindowsPath,
  pathParameterProblem,
  pathSegmentFromName,
  sameWindowsPath,
  windowsBasename,
  windowsNameProblem,
  windowsParent,
} from '../../../core/util/windows-path';

describe('Windows paths', () => {
  it('joins with one separator, and keeps a drive root a root', () => {
    assert.equal(joinWindowsPath('C:\\a\\', 'b\\c', '', 'd/'), 'C:\\a\\b\\c\\d');
    assert.equal(joinWindowsPath('C:\\', 'x'), 'C:\\x');
    assert.equal(joinWindowsPath('C:\\'), 'C:\\');
  });

  it('decides the parent of a folder on a drive root once: C:\\ (a folder), never C: (the current folder of drive C)', () => {
    assert.equal(windowsParent('C:\\a\\b.txt'), 'C:\\a');
    assert.equal(windowsParent('C:\\a'), 'C:\\');
    assert.equal(windowsParent('C:\\a\\'), 'C:\\');
    assert.equal(windowsParent('c:/a'), 'c:\\');
    assert.equal(windowsParent('C:\\'), 'C:\\');
    assert.equal(windowsParent('C:'), 'C:\\');
    assert.equal(windowsParent('\\\\srv\\share\\a'), '\\\\srv\\share');
    assert.equal(windowsParent('\\\\srv\\share'), '\\\\srv\\share');
  });

  it('names the last part, ignoring trailing separators', () => {
    assert.equal(windowsBasename('C:\\a\\Theme\\'), 'Theme');
    assert.equal(windowsBasename('C:/a/b.txt'), 'b.txt');
  });

  it('compares case-insensitively with either separator and trailing separators ignored', () => {
    assert.ok(sameWindowsPath('C:\\Program Files\\PhoneFactor\\', 'c:/program files/phonefactor'));
    assert.ok(!sameWindowsPath('C:\\a', 'C:\\ab'));
    assert.ok(isInsideWindowsPath('C:\\A\\b', 'c:\\a\\'));
    assert.ok(isInsideWindowsPath('C:\\a', 'C:\\A'));
    assert.ok(!isInsideWindowsPath('C:\\ab', 'C:\\a'));
  });
});

describe('a name from a record as a path segment', () => {
  const refused = ['', '.', '..', '../../X', 'x/../../../Y', 'a\\b', 'C:', 'a:b', 'tab\there', 'a<b', 'a|b', 'a?', 'a*', 'a"b', 'dot.', 'blank ',
    'CON', 'con', 'PRN', 'AUX', 'NUL', 'nul.txt', 'COM1', 'LPT9', 'x'.repeat(256)];
  for (const name of refused) {
    it(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}… (${name.length})` : name)} naming what it is and why`, () => {
      assert.notEqual(windowsNameProblem(name), undefined);
      assert.throws(() => pathSegmentFromName(name, 'The computer name in inventory.json'), (e: Error & { code?: string }) =>
        e.code === 'UnsafePathName' && e.message.includes('The computer name in inventory.json') && e.message.includes(JSON.stringify(name)));
    });
  }

  it('takes ordinary computer and file names as they are', () => {
    for (const name of ['MFA01', 'pf-srv-01.contoso.com', 'WEB_01', 'COM10', 'CONSOLE', 'MfaServerUpgrade-MFA01+WEB01']) {
      assert.equal(pathSegmentFromName(name, 'x'), name);
    }
  });

  it('cleans deterministically into a name that passes the rule', () => {
    for (const [name, clean] of [['MFA01', 'MFA01'], ['..', '_'], ['../../X', '__.._X'], ['x/../../../Y', 'x_.._.._.._Y'], ['CON', '_CON'], ['', 'UNKNOWN'],
      ['a.', 'a_'], ['bad/name:x', 'bad_name_x']]) {
      assert.equal(cleanPathSegment(name), clean, name);
      assert.equal(windowsNameProblem(cleanPathSegment(name)), undefined, name);
    }
    assert.equal(cleanPathSegment('x'.repeat(300)).length, 100);
  });
});

describe('a path a user gave', () => {
  const linux = { windowsPaths: false, platform: 'linux' as const };
  const lab = { windowsPaths: true, platform: 'linux' as const };
  const windows = { windowsPaths: true, platform: 'win32' as const };
  it('takes full paths of this machine', () => {
    assert.equal(pathParameterProblem('/srv/backups', linux), undefined);
    assert.equal(pathParameterProblem('C:\\Backups', lab), undefined);
    assert.equal(pathParameterProblem('D:\\MfaBackup', windows), undefined);
    assert.equal(pathParameterProblem('\\\\srv\\share\\bk', windows), undefined);
  });

  it('refuses, naming why: relative, blanks, drive-relative, control characters, Windows paths off Windows, too long', () => {
    const cases: [string, { windowsPaths: boolean; platform: NodeJS.Platform }, RegExp][] = [
      ['bk', linux, /not a full path/],
      ['bk', windows, /not a full path/],
      ['/srv/bk', windows, /not a full path/],
      [' /srv/bk', linux, /blank/],
      ['C:\\bk ', windows, /blank/],
      ['C:', windows, /current folder of drive C/],
      ['c:bk', windows, /current folder of drive C/],
      ['/srv/a\nb', linux, /control character/],
      ['C:\\Backups', linux, /not Windows.*-LabPath/],
      ['C:\\a<b', windows, /refuses/],
      [`C:\\${'x'.repeat(250)}`, windows, /248/],
      [`/srv/${'x'.repeat(256)}`, linux, /255/],
    ];
    for (const [value, options, why] of cases) assert.match(pathParameterProblem(value, options) ?? '', why, value);
  });
});
