// Issue 29: a read-only procedure (the inventory) runs whole on the far core in one host call, instead of one round
// trip per Host method. The far side is the real dispatcher (host-dispatch.ts) run in-process on a lab; the near side
// is the real RemoteHost over a channel that hands each call to it and counts the calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchCalls, parseCalls } from '../../../../core/host/remote/host-dispatch';
import { farProcedure } from '../../../../core/host/remote/far-procedures';
import { RemoteHost, type HostChannel } from '../../../../core/host/remote/remote-host';
import type { FarIdentity, HostCall, HostCallOutcome } from '../../../../core/host/remote/host-rpc';
import { inventoryServer } from '../../../../core/survey/inventory';
import { readInstalledProducts } from '../../../../core/host/installed-products';
import { folderSize } from '../../../../core/upgrade/readiness/folder-size';
import { findRollbackMedia } from '../../../../core/survey/rollback-media';
import { CoreError, isCoreError } from '../../../../core/util/errors';
import { redactor } from '../../../../core/util/secrets';
import { newLab } from '../lab/helpers';

const failing = farProcedure('test.failing', async () => {
  throw new CoreError('FileNotFound', 'C:\\missing.txt does not exist.', 'C:\\missing.txt');
});

/** A RemoteHost whose far side is the dispatcher in this process; `calls` keeps every call it sent. */
function farLabHost(labPath: string, identity: FarIdentity): { host: RemoteHost<HostChannel>; calls: HostCall[] } {
  const calls: HostCall[] = [];
  const channel: HostChannel = {
    name: 'far01',
    farRoot: '/far/module',
    call: async (call) => {
      calls.push(call);
      // As on the wire: the outcome crosses as JSON.
      const [o] = JSON.parse(JSON.stringify(await dispatchCalls(parseCalls(JSON.stringify([call]))))) as HostCallOutcome[];
      // The far core is another process: what it learned is not known here unless the answer carries it.
      redactor.forget();
      if (!o.Ok) throw new CoreError(o.Error.code as never, `[far01] ${o.Error.message}`, o.Error.target, o.Error.details);
      return o.Value;
    },
    fetchFile: () => Promise.reject(new Error('not used')),
    sendFile: () => Promise.reject(new Error('not used')),
  };
  const target = { labPath, labServer: identity.labServer ?? undefined };
  return { host: new RemoteHost(channel, target, identity), calls };
}

test('the inventory of a far server is one call, and the same inventory the lab gives here, named as this side reaches it', async () => {
  const lab = await newLab('SingleServer');
  const local = await inventoryServer(lab.hosts[0]);
  const [identity] = (await dispatchCalls([{ target: { labPath: lab.path }, method: 'describe', args: [] }]))[0].Value as FarIdentity[];
  const { host, calls } = farLabHost(lab.path, identity);
  redactor.forget();

  const remote = await inventoryServer(host);

  assert.deepEqual(calls.map((c) => [c.method, c.args[0]]), [['runProcedure', 'inventoryServer']], 'one host call for the whole inventory');
  assert.ok(local.Components.length >= 3, 'the lab has components to compare');
  assert.deepEqual(remote, { ...local, Components: local.Components.map((c) => ({ ...c, LabPath: null })) }, 'no local lab folder: LabPath null');
  assert.ok(local.Components.some((c) => c.SdkUrl), 'a web.config named the SDK');
  assert.equal(redactor.redact('S3cr3t!Pass'), '********', "the SDK password read on the far side is masked on this side too");
});

test('the readiness reads that walk many files are one call each, with what they give here', async () => {
  const lab = await newLab('SingleServer');
  const here = lab.hosts[0];
  const [identity] = (await dispatchCalls([{ target: { labPath: lab.path }, method: 'describe', args: [] }]))[0].Value as FarIdentity[];
  const { host, calls } = farLabHost(lab.path, identity);
  const { Components } = await inventoryServer(here);
  const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  const pairs: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ['readInstalledProducts', () => readInstalledProducts(host), () => readInstalledProducts(here)],
    ['folderSize', () => folderSize(host, 'C:\\inetpub\\wwwroot\\PhoneFactor'), () => folderSize(here, 'C:\\inetpub\\wwwroot\\PhoneFactor')],
    ['findRollbackMedia', () => findRollbackMedia(host, Components), () => findRollbackMedia(here, Components)],
  ];
  for (const [name, remote, local] of pairs) {
    calls.length = 0;
    const far = await remote();
    assert.deepEqual(calls.map((c) => c.args[0]), [name], `${name}: one host call`);
    assert.deepEqual(far, asJson(await local()), `${name}: the same answer as here`);
  }
  assert.ok((await folderSize(here, 'C:\\inetpub\\wwwroot\\PhoneFactor')) > 0, 'the folder has files');
});

test('a batch runs its calls in order and answers each, a procedure failing with its own code beside the others', async () => {
  const lab = await newLab('SingleServer');
  const target = { labPath: lab.path, labServer: lab.hosts[0].computerName };
  const outcomes = await dispatchCalls(parseCalls(JSON.stringify([
    { target, method: 'runProcedure', args: ['inventoryServer'] },
    { target, method: 'runProcedure', args: ['test.failing'] },
    { target, method: 'stat', args: ['C:\\Windows'] },
  ])));
  assert.deepEqual(outcomes.map((o) => [o.Index, o.Ok]), [[0, true], [1, false], [2, true]]);
  assert.equal(outcomes[1].Error?.code, 'FileNotFound');
  assert.equal(outcomes[1].Error?.target, 'C:\\missing.txt');
  assert.ok(Array.isArray((outcomes[0].Value as { secrets: unknown }).secrets));
});

test('a procedure failing on the far side fails on this side with its code', async () => {
  const lab = await newLab('SingleServer');
  const [identity] = (await dispatchCalls([{ target: { labPath: lab.path }, method: 'describe', args: [] }]))[0].Value as FarIdentity[];
  const { host } = farLabHost(lab.path, identity);
  await assert.rejects(failing(host), (e) => isCoreError(e) && e.code === 'FileNotFound' && e.message === '[far01] C:\\missing.txt does not exist.');
  await assert.rejects(failing(lab.hosts[0]), (e) => isCoreError(e) && e.code === 'FileNotFound', 'here, the same function runs here');
});

test('only registered procedures run: any other name refuses the whole batch before anything runs', () => {
  const calls = [{ target: {}, method: 'stat', args: ['C:\\'] }, { target: {}, method: 'runProcedure', args: ['writeFileAtomic'] }];
  assert.throws(() => parseCalls(JSON.stringify(calls)), (e) => isCoreError(e) && e.code === 'HostMethodNotAllowed' && /Call 1: 'writeFileAtomic'/.test(e.message));
  assert.throws(() => farProcedure('test.failing', async () => undefined), /registered twice/);
});
