/**
 * The Host contract (core/host/host.ts) as executable cases. Every case runs against every adapter in adapters.ts
 * through the port only; what a case needs beyond the port is a fixture capability (fixture.ts).
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { isCoreError } from '../../core/util/errors';
import type { RegistryValue } from '../../core/host/host';
import type { ContractFixture } from './fixture';

export interface ContractCase {
  id: string;
  title: string;
  /** The capability the case needs; when the fixture lacks it the case is skipped with this reason. */
  needs?: (f: ContractFixture) => string | undefined;
  run(f: ContractFixture): Promise<void>;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

/** The promise fails with a CoreError of this code whose target (or message) names `names`. */
async function failsWith(promise: Promise<unknown>, code: string, names: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `expected ${code} naming ${names}, but the call succeeded`);
  assert.ok(isCoreError(error), `expected ${code} naming ${names}, got a raw error: ${(error as Error)?.stack ?? inspect(error)}`);
  assert.equal(error.code, code, `code of: ${error.message}`);
  const said = `${error.target ?? ''} ${error.message}`.toLowerCase();
  assert.ok(said.includes(names.toLowerCase()), `the error names ${names}: target=${error.target} message=${error.message}`);
}

const noRegistry = (f: ContractFixture) => (f.registry ? undefined : 'this adapter entry has no registry to test');
const noServices = (f: ContractFixture) => (f.addService ? undefined : 'this adapter entry cannot add a service to test with');
const noInstaller = (f: ContractFixture) => (f.installer ? undefined : 'this adapter entry runs no installers');
const noTasks = (f: ContractFixture) => (f.tasks ? undefined : 'this adapter entry has no Task Scheduler');

const KEY = 'HKLM\\SOFTWARE\\MfaContract';

export const CASES: ContractCase[] = [
  // ── files ──
  {
    id: 'file-roundtrip',
    title: 'a written file reads back byte for byte; stat gives its size; a listing holds no temp file',
    async run({ host, scratch }) {
      const data = Buffer.from([0, 1, 2, 255, 13, 10]);
      await host.writeFileAtomic(`${scratch}\\a.bin`, data);
      await host.writeFileAtomic(`${scratch}\\a.bin`, Buffer.concat([data, data]));
      assert.deepEqual(await host.readFile(`${scratch}\\a.bin`), Buffer.concat([data, data]));
      const s = await host.stat(`${scratch}\\a.bin`);
      assert.equal(s?.size, 12);
      assert.equal(s?.isDirectory, false);
      assert.deepEqual(await host.listDirectory(scratch), [{ name: 'a.bin', isDirectory: false }]);
    },
  },
  {
    id: 'write-missing-parent',
    title: 'writing into a folder that does not exist is DirectoryNotFound naming that folder, and creates nothing',
    async run({ host, scratch }) {
      await failsWith(host.writeFileAtomic(`${scratch}\\New\\Deeper\\f.txt`, bytes('x')), 'DirectoryNotFound', `${scratch}\\New\\Deeper`);
      assert.equal(await host.stat(`${scratch}\\New`), undefined, 'no folder was created');
      assert.deepEqual(await host.listDirectory(scratch), []);
    },
  },
  {
    id: 'read-missing-file',
    title: 'reading a missing file is FileNotFound naming it, also when its folder is missing',
    async run({ host, scratch }) {
      await failsWith(host.readFile(`${scratch}\\absent.txt`), 'FileNotFound', `${scratch}\\absent.txt`);
      await failsWith(host.readFile(`${scratch}\\NoFolder\\absent.txt`), 'FileNotFound', `${scratch}\\NoFolder\\absent.txt`);
    },
  },
  {
    id: 'read-range',
    title: 'readFileRange answers the bytes of a range, fewer at the end, none past it; a missing file, a folder and a bad range fail as readFile does',
    async run({ host, scratch }) {
      const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
      await host.writeFileAtomic(`${scratch}\\big.log`, data);
      assert.deepEqual(await host.readFileRange(`${scratch}\\big.log`, 0, 100), data.subarray(0, 100));
      assert.deepEqual(await host.readFileRange(`${scratch}\\BIG.LOG`, 250, 100), data.subarray(250), 'fewer bytes at the end, any case of the name');
      assert.equal((await host.readFileRange(`${scratch}\\big.log`, 300, 10)).length, 0, 'none at the end');
      assert.equal((await host.readFileRange(`${scratch}\\big.log`, 5000, 10)).length, 0, 'none past the end');
      await failsWith(host.readFileRange(`${scratch}\\absent.log`, 0, 10), 'FileNotFound', `${scratch}\\absent.log`);
      await host.makeDirectory(`${scratch}\\Dir`);
      await failsWith(host.readFileRange(`${scratch}\\Dir`, 0, 10), 'AccessDenied', `${scratch}\\Dir`);
      await failsWith(host.readFileRange(`${scratch}\\big.log`, -1, 10), 'InvalidFileRange', `${scratch}\\big.log`);
      await failsWith(host.readFileRange(`${scratch}\\big.log`, 0, 0), 'InvalidFileRange', `${scratch}\\big.log`);
      await failsWith(host.readFileRange(`${scratch}\\big.log`, 0, 4 * 1024 * 1024 + 1), 'InvalidFileRange', `${scratch}\\big.log`);
    },
  },
  {
    id: 'list-missing-folder',
    title: 'listing a missing folder, or a file, is DirectoryNotFound naming it',
    async run({ host, scratch }) {
      await failsWith(host.listDirectory(`${scratch}\\Absent`), 'DirectoryNotFound', `${scratch}\\Absent`);
      await host.writeFileAtomic(`${scratch}\\file.txt`, bytes('x'));
      await failsWith(host.listDirectory(`${scratch}\\file.txt`), 'DirectoryNotFound', `${scratch}\\file.txt`);
    },
  },
  {
    id: 'stat-absent',
    title: 'stat answers undefined for a missing path, beneath a missing folder, and beneath a file',
    async run({ host, scratch }) {
      await host.writeFileAtomic(`${scratch}\\file.txt`, bytes('x'));
      assert.equal(await host.stat(`${scratch}\\absent`), undefined);
      assert.equal(await host.stat(`${scratch}\\Absent\\x.txt`), undefined);
      assert.equal(await host.stat(`${scratch}\\file.txt\\x.txt`), undefined);
      assert.equal((await host.stat(scratch))?.isDirectory, true);
    },
  },
  {
    id: 'case-insensitive',
    title: 'names are case-insensitive and keep their first spelling: read, replace, list and remove in another case',
    async run({ host, scratch }) {
      await host.makeDirectory(`${scratch}\\Themes`);
      await host.writeFileAtomic(`${scratch}\\Themes\\Site.css`, bytes('old'));
      const upper = scratch.toUpperCase();
      assert.equal((await host.readFile(`${upper}\\THEMES\\SITE.CSS`)).toString(), 'old');
      await host.writeFileAtomic(`${scratch.toLowerCase()}\\themes\\site.css`, bytes('new'));
      assert.equal((await host.readFile(`${scratch}\\Themes\\Site.css`)).toString(), 'new');
      assert.deepEqual((await host.listDirectory(`${upper}\\themes`)).map((e) => e.name.toLowerCase()), ['site.css'], 'one file, not two');
      assert.deepEqual((await host.listDirectory(scratch)).map((e) => e.name), ['Themes'], 'the folder keeps its spelling');
      await host.makeDirectory(`${upper}\\THEMES`);
      assert.deepEqual((await host.listDirectory(scratch)).map((e) => e.name), ['Themes'], 'makeDirectory in another case makes no second folder');
      await host.removePath(`${upper}\\THEMES\\SITE.CSS`);
      assert.deepEqual(await host.listDirectory(`${scratch}\\Themes`), []);
    },
  },
  {
    id: 'make-directory',
    title: 'makeDirectory creates missing parents, accepts an existing folder, and refuses a file in the way (NotADirectory)',
    async run({ host, scratch }) {
      await host.makeDirectory(`${scratch}\\A\\B\\C`);
      await host.makeDirectory(`${scratch}\\A\\B\\C`);
      assert.equal((await host.stat(`${scratch}\\A\\B\\C`))?.isDirectory, true);
      await host.writeFileAtomic(`${scratch}\\A\\f.txt`, bytes('x'));
      await failsWith(host.makeDirectory(`${scratch}\\A\\f.txt`), 'NotADirectory', `${scratch}\\A\\f.txt`);
      await failsWith(host.makeDirectory(`${scratch}\\A\\f.txt\\Sub`), 'NotADirectory', `${scratch}\\A\\f.txt`);
    },
  },
  {
    id: 'remove',
    title: 'removePath removes a file and a whole folder tree; removing what is absent succeeds',
    async run({ host, scratch }) {
      await host.makeDirectory(`${scratch}\\T\\U`);
      await host.writeFileAtomic(`${scratch}\\T\\U\\f.txt`, bytes('x'));
      await host.writeFileAtomic(`${scratch}\\T\\g.txt`, bytes('y'));
      await host.removePath(`${scratch}\\T\\g.txt`);
      assert.deepEqual(await host.listDirectory(`${scratch}\\T`), [{ name: 'U', isDirectory: true }]);
      await host.removePath(`${scratch}\\T`);
      assert.equal(await host.stat(`${scratch}\\T`), undefined);
      await host.removePath(`${scratch}\\T`);
      await host.removePath(`${scratch}\\Never\\Was\\here.txt`);
    },
  },
  {
    id: 'folder-as-file',
    title: 'a folder where a file is expected is AccessDenied (reading it, writing over it), and the folder stays',
    async run({ host, scratch }) {
      await host.makeDirectory(`${scratch}\\Dir`);
      await failsWith(host.readFile(`${scratch}\\Dir`), 'AccessDenied', `${scratch}\\Dir`);
      await failsWith(host.writeFileAtomic(`${scratch}\\Dir`, bytes('x')), 'AccessDenied', `${scratch}\\Dir`);
      assert.equal((await host.stat(`${scratch}\\Dir`))?.isDirectory, true);
      assert.deepEqual((await host.listDirectory(scratch)).map((e) => e.name), ['Dir'], 'no temp file left');
    },
  },
  {
    id: 'file-in-use',
    title: 'a file held open by another process cannot be replaced or removed (FileInUse), and is left as it was',
    needs: (f) => (f.holdOpen ? undefined : 'this adapter entry cannot hold a file open as another process'),
    async run(f) {
      const { host, scratch } = f;
      await host.writeFileAtomic(`${scratch}\\busy.log`, bytes('old'));
      const release = await f.holdOpen!(`${scratch}\\busy.log`);
      try {
        await failsWith(host.writeFileAtomic(`${scratch}\\busy.log`, bytes('new')), 'FileInUse', `${scratch}\\busy.log`);
        await failsWith(host.removePath(`${scratch}\\busy.log`), 'FileInUse', `${scratch}\\busy.log`);
        assert.equal((await host.readFile(`${scratch}\\busy.log`)).toString(), 'old');
      } finally {
        await release();
      }
      await host.writeFileAtomic(`${scratch}\\busy.log`, bytes('new'));
      assert.deepEqual((await host.listDirectory(scratch)).map((e) => e.name), ['busy.log']);
    },
  },
  {
    id: 'close-folder',
    title: 'closeFolder leaves a folder to its owner (administrators) only, the tool still writes into it, and a missing folder is DirectoryNotFound',
    needs: (f) => (f.othersMayUse ? undefined : "this adapter entry cannot show a folder's permissions here (its icacls is not run)"),
    async run(f) {
      const { host, scratch } = f;
      const staging = `${scratch}\\Staging`;
      await host.makeDirectory(staging);
      await host.writeFileAtomic(`${staging}\\before.msi`, bytes('before'));
      assert.equal(await f.othersMayUse!(staging), true, 'a new folder is open to others, as in C:\\Windows\\Temp');
      await host.closeFolder(staging);
      assert.equal(await f.othersMayUse!(staging), false, 'closed');
      await host.writeFileAtomic(`${staging}\\after.msi`, bytes('after'));
      assert.equal((await host.readFile(`${staging}\\after.msi`)).toString(), 'after');
      assert.equal((await host.readFile(`${staging}\\before.msi`)).toString(), 'before');
      await failsWith(host.closeFolder(`${scratch}\\Missing`), 'DirectoryNotFound', `${scratch}\\Missing`);
    },
  },
  {
    id: 'access-denied',
    title: 'a file the caller may not write is AccessDenied on replace and remove, and is left as it was',
    needs: (f) => (f.denyWrite ? undefined : 'this adapter entry cannot take write access away'),
    async run(f) {
      const { host, scratch } = f;
      await host.writeFileAtomic(`${scratch}\\locked.txt`, bytes('old'));
      const restore = await f.denyWrite!(`${scratch}\\locked.txt`);
      try {
        await failsWith(host.writeFileAtomic(`${scratch}\\locked.txt`, bytes('new')), 'AccessDenied', `${scratch}\\locked.txt`);
        await failsWith(host.removePath(`${scratch}\\locked.txt`), 'AccessDenied', `${scratch}\\locked.txt`);
        assert.equal((await host.readFile(`${scratch}\\locked.txt`)).toString(), 'old');
      } finally {
        await restore();
      }
    },
  },

  // ── registry ──
  {
    id: 'registry-types',
    title: 'every registry value type round-trips exactly, in both views',
    needs: noRegistry,
    async run({ host }) {
      const values: RegistryValue[] = [
        { name: 'Sz', type: 'REG_SZ', data: 'C:\\Program Files\\PhoneFactor\\' },
        { name: 'SzEmpty', type: 'REG_SZ', data: '' },
        { name: 'SzAccent', type: 'REG_SZ', data: 'C:\\Programme\\Zürich – Σ' },
        { name: 'Expand', type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32' },
        { name: 'Dword', type: 'REG_DWORD', data: 0xffffffff },
        { name: 'DwordZero', type: 'REG_DWORD', data: 0 },
        { name: 'Qword', type: 'REG_QWORD', data: 2 ** 40 + 7 },
        { name: 'Multi', type: 'REG_MULTI_SZ', data: ['RpcSs', 'Tcp ip', 'ü'] },
        { name: 'MultiEmpty', type: 'REG_MULTI_SZ', data: [] },
        { name: 'Binary', type: 'REG_BINARY', data: 'de,ad,be,ef,00' },
        { name: 'BinaryEmpty', type: 'REG_BINARY', data: '' },
        { name: '', type: 'REG_SZ', data: 'default value' },
      ];
      for (const view of ['64', '32'] as const) {
        for (const v of values) await host.setRegistryValue(`${KEY}\\Types`, view, v);
        const key = await host.getRegistryKey(`${KEY}\\Types`, view);
        assert.ok(key, `the key exists in the ${view}-bit view`);
        const byName = new Map(key.values.map((v) => [v.name.toLowerCase(), v]));
        for (const v of values) assert.deepEqual(byName.get(v.name.toLowerCase()), v, `${view}-bit ${v.name || '(default)'}`);
        assert.equal(key.values.length, values.length);
      }
    },
  },
  {
    id: 'registry-views',
    title: 'on 64-bit Windows the two views are separate: a value set in one is not seen in the other',
    needs: (f) => noRegistry(f) ?? (f.host.is64Bit ? undefined : 'the host is 32-bit (both views are one tree)'),
    async run({ host }) {
      await host.setRegistryValue(`${KEY}\\Views`, '64', { name: 'Which', type: 'REG_SZ', data: '64' });
      assert.equal(await host.getRegistryKey(`${KEY}\\Views`, '32'), undefined);
      await host.setRegistryValue(`${KEY}\\Views`, '32', { name: 'Which', type: 'REG_SZ', data: '32' });
      assert.equal((await host.getRegistryKey(`${KEY}\\Views`, '64'))?.values[0].data, '64');
      assert.equal((await host.getRegistryKey(`${KEY}\\Views`, '32'))?.values[0].data, '32');
      await host.deleteRegistryKey(`${KEY}\\Views`, '32');
      assert.equal(await host.getRegistryKey(`${KEY}\\Views`, '32'), undefined);
      assert.ok(await host.getRegistryKey(`${KEY}\\Views`, '64'), 'deleting in one view leaves the other');
    },
  },
  {
    id: 'registry-missing-key',
    title: 'a missing key: read answers undefined, export is RegistryKeyNotFound naming it, delete succeeds',
    needs: noRegistry,
    async run({ host }) {
      const key = `${KEY}\\Missing\\Deeper`;
      for (const view of ['64', '32'] as const) {
        assert.equal(await host.getRegistryKey(key, view), undefined);
        await failsWith(host.exportRegistryKey(key, view), 'RegistryKeyNotFound', key);
        await host.deleteRegistryKey(key, view);
      }
    },
  },
  {
    id: 'registry-case',
    title: 'key and value names are case-insensitive: another spelling reads and replaces the same value',
    needs: noRegistry,
    async run({ host }) {
      await host.setRegistryValue(`${KEY}\\Case`, '64', { name: 'InstallPath', type: 'REG_SZ', data: 'a' });
      await host.setRegistryValue(`${KEY.toLowerCase()}\\CASE`, '64', { name: 'INSTALLPATH', type: 'REG_SZ', data: 'b' });
      const key = await host.getRegistryKey(`${KEY.toUpperCase()}\\case`, '64');
      assert.equal(key?.values.length, 1, 'one value, not two');
      assert.equal(key?.values[0].data, 'b');
      assert.equal(key?.values[0].name.toLowerCase(), 'installpath');
    },
  },
  {
    id: 'registry-tree',
    title: 'setting a value creates the key and its parents; the parent lists it; delete removes the subtree',
    needs: noRegistry,
    async run({ host }) {
      await host.setRegistryValue(`${KEY}\\Tree\\Child\\Leaf`, '64', { name: 'N', type: 'REG_DWORD', data: 1 });
      assert.deepEqual((await host.getRegistryKey(`${KEY}\\Tree`, '64'))?.subkeys, ['Child']);
      const exported = await host.exportRegistryKey(`${KEY}\\Tree`, '64');
      assert.match(exported, /^Windows Registry Editor Version 5\.00/);
      assert.match(exported, /Tree\\Child\\Leaf\]/);
      await host.deleteRegistryKey(`${KEY}\\Tree`, '64');
      assert.equal(await host.getRegistryKey(`${KEY}\\Tree\\Child\\Leaf`, '64'), undefined);
      assert.equal(await host.getRegistryKey(`${KEY}\\Tree`, '64'), undefined);
    },
  },
  {
    id: 'registry-invalid-value',
    title: 'a value that does not fit its type is InvalidRegistryValue and writes nothing',
    needs: noRegistry,
    async run({ host }) {
      await failsWith(host.setRegistryValue(`${KEY}\\Bad`, '64', { name: 'D', type: 'REG_DWORD', data: -1 }), 'InvalidRegistryValue', 'D');
      await failsWith(host.setRegistryValue(`${KEY}\\Bad`, '64', { name: 'B', type: 'REG_BINARY', data: 'zz' }), 'InvalidRegistryValue', 'B');
      await failsWith(host.setRegistryValue(`${KEY}\\Bad`, '64', { name: 'S', type: 'REG_SZ', data: 5 }), 'InvalidRegistryValue', 'S');
      assert.equal(await host.getRegistryKey(`${KEY}\\Bad`, '64'), undefined);
    },
  },

  // ── services ──
  {
    id: 'service-missing',
    title: 'a missing service: get answers undefined, stop and start are ServiceNotFound naming it',
    needs: noServices,
    async run({ host }) {
      assert.equal(await host.getService('NoSuchSvc'), undefined);
      await failsWith(host.stopService('NoSuchSvc'), 'ServiceNotFound', 'NoSuchSvc');
      await failsWith(host.startService('NoSuchSvc'), 'ServiceNotFound', 'NoSuchSvc');
    },
  },
  {
    id: 'service-states',
    title: 'service names are case-insensitive; stopping a stopped and starting a running service succeed; a disabled one is ServiceDisabled',
    needs: noServices,
    async run(f) {
      const { host } = f;
      await f.addService!({ name: 'ContractSvc', displayName: 'Contract Service', state: 'Stopped', startType: 'Manual' });
      await f.addService!({ name: 'ContractOff', displayName: 'Contract Disabled', state: 'Stopped', startType: 'Disabled' });
      assert.equal((await host.getService('contractsvc'))?.name, 'ContractSvc');
      await host.stopService('CONTRACTSVC');
      await host.startService('contractSvc');
      assert.equal((await host.getService('ContractSvc'))?.state, 'Running');
      await host.startService('ContractSvc');
      await host.stopService('ContractSvc');
      assert.equal((await host.getService('ContractSvc'))?.state, 'Stopped');
      await failsWith(host.startService('ContractOff'), 'ServiceDisabled', 'ContractOff');
      assert.equal((await host.getService('ContractOff'))?.state, 'Stopped');
      assert.ok((await host.listServices()).some((s) => s.name === 'ContractSvc'));
    },
  },

  // ── Windows Installer ──
  {
    id: 'installer-not-installed',
    title: 'uninstalling a product that is not installed answers 1605 (no exception); a missing package answers 1619',
    needs: noInstaller,
    async run({ host, scratch }) {
      const r = await host.runMsiexec({ operation: 'uninstall', productCode: '{00000000-1111-2222-3333-444444444444}', logPath: `${scratch}\\u.log` });
      assert.equal(r.exitCode, 1605);
      const i = await host.runMsiexec({ operation: 'install', packagePath: `${scratch}\\absent.msi`, properties: {}, logPath: `${scratch}\\i.log` });
      assert.equal(i.exitCode, 1619);
    },
  },
  {
    id: 'installer-busy',
    title: 'an installer run while another installation is in progress answers 1618 (no exception)',
    needs: (f) => noInstaller(f) ?? (f.installer?.makeBusy ? undefined : 'this adapter entry cannot hold Windows Installer busy'),
    async run(f) {
      await f.installer!.makeBusy!();
      const r = await f.host.runMsiexec({ operation: 'uninstall', productCode: '{00000000-1111-2222-3333-444444444444}', logPath: `${f.scratch}\\busy.log` });
      assert.equal(r.exitCode, 1618);
    },
  },

  // ── Task Scheduler ──
  {
    id: 'tasks-missing',
    title: 'a missing scheduled task: unregister answers false, get answers undefined',
    needs: noTasks,
    async run({ host }) {
      assert.equal(await host.unregisterScheduledTask('\\MfaContract\\Nothing'), false);
      assert.equal(await host.getScheduledTask('\\MfaContract\\Nothing'), undefined);
    },
  },
];
