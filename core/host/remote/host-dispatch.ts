/**
 * The far side of a host call: runs a batch of whitelisted Host methods on the hosts the calls name and reports each
 * outcome separately (one failing call does not stop the others of the batch). Targets are a lab on this machine or
 * this machine itself; never another remote server, so a host call cannot hop further.
 */
import { readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import type { Host } from '../host';
import { openLab, openLabServer } from '../lab/open-lab';
import { createLocalWindowsHost } from '../local';
import { CoreError, isCoreError } from '../../util/errors';
import { redactor } from '../../util/secrets';
import { farProcedureNamed } from './far-procedures';
import {
  HOST_METHODS,
  INLINE_FILE_LIMIT,
  fromWireBytes,
  isRemoteMethod,
  isWireBytes,
  sha256,
  toWireBytes,
  TransferMismatchError,
  type FarIdentity,
  type FarTarget,
  type HostCall,
  type HostCallError,
  type HostCallOutcome,
  type HostMethod,
  type ProcedureAnswer,
  type WireStagedFile,
} from './host-rpc';

/** Parses and checks the batch before anything runs: a malformed call refuses the whole batch. */
export function parseCalls(json: string): HostCall[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new CoreError('MalformedHostCall', `Calls is not valid JSON: ${(e as Error).message}`, 'Calls');
  }
  if (!Array.isArray(raw)) throw new CoreError('MalformedHostCall', 'Calls must be a JSON array of {target, method, args}.', 'Calls');
  return raw.map((c, i) => {
    // Each field is checked before it is trusted.
    const call = c as { target?: unknown; method?: unknown; args?: unknown };
    if (typeof call !== 'object' || call === null || typeof call.method !== 'string' || !Array.isArray(call.args)) {
      throw new CoreError('MalformedHostCall', `Call ${i} must be an object with a method name and an args array.`, 'Calls');
    }
    if (!isRemoteMethod(call.method)) {
      throw new CoreError('HostMethodNotAllowed', `Call ${i}: '${call.method}' is not a host method that can be called remotely.`, 'Calls');
    }
    if (call.method === 'runProcedure' && !farProcedureNamed(String(call.args[0]))) {
      throw new CoreError('HostMethodNotAllowed', `Call ${i}: '${String(call.args[0])}' is not a procedure that can be run remotely.`, 'Calls');
    }
    const target = (call.target ?? {}) as FarTarget;
    const textOrAbsent = (value: unknown) => value === undefined || typeof value === 'string';
    if (typeof target !== 'object' || !textOrAbsent(target.labPath) || !textOrAbsent(target.labServer)) {
      throw new CoreError('MalformedHostCall', `Call ${i}: target must be {labPath?, labServer?} with string values.`, 'Calls');
    }
    return { target, method: call.method, args: call.args };
  });
}

async function openFarHost(target: FarTarget): Promise<Host> {
  if (target.labPath !== undefined) return openLabServer(target.labPath, target.labServer);
  return createLocalWindowsHost();
}

/** Runs the calls in order; hosts are opened once per target within the batch. */
export async function dispatchCalls(calls: HostCall[]): Promise<HostCallOutcome[]> {
  const hosts = new Map<string, Promise<Host>>();
  const hostFor = (t: FarTarget) => {
    const key = JSON.stringify([t.labPath ?? null, t.labServer ?? null]);
    if (!hosts.has(key)) hosts.set(key, openFarHost(t));
    return hosts.get(key)!;
  };
  const out: HostCallOutcome[] = [];
  for (const [index, call] of calls.entries()) {
    try {
      const value = call.method === 'describe' ? await describeTarget(call.target) : await runCall(await hostFor(call.target), call);
      out.push({ Index: index, Ok: true, Value: value === undefined ? null : value, Error: null });
    } catch (e) {
      out.push({ Index: index, Ok: false, Value: null, Error: toCallError(e) });
    }
  }
  return out;
}

function toCallError(e: unknown): HostCallError {
  if (isCoreError(e)) return { code: e.code, message: redactor.redact(e.message), target: e.target, details: e.details };
  const errno = (e as NodeJS.ErrnoException)?.code;
  const message = redactor.redact(`Unexpected error: ${(e as Error)?.message ?? String(e)}`);
  return { code: 'InternalError', message, details: errno ? { errno } : {} };
}

async function runCall(host: Host, call: HostCall): Promise<unknown> {
  const a = call.args;
  switch (call.method) {
    case 'readFile':
      return readForWire(host, String(a[0]));
    case 'readFileRange':
      // A range is at most MAX_RANGE_BYTES (the inline limit), so it always travels inside the answer.
      return toWireBytes(await host.readFileRange(String(a[0]), Number(a[1]), Number(a[2])));
    case 'writeFileAtomic':
      if (!isWireBytes(a[1])) throw new CoreError('MalformedHostCall', 'writeFileAtomic needs the bytes as {$base64, sha256}.', 'Calls');
      return host.writeFileAtomic(String(a[0]), received(a[1], String(a[0])));
    case 'stageWrite':
      return writeFromStaging(host, String(a[0]), String(a[1]), String(a[2]));
    case 'runProcedure':
      return runProcedure(host, String(a[0]), a.slice(1));
    default:
      if (!(HOST_METHODS as readonly string[]).includes(call.method)) throw new CoreError('HostMethodNotAllowed', `'${call.method}' is not callable.`, 'Calls');
      // The remaining methods take and return plain JSON values.
      return (host[call.method as HostMethod] as (...args: unknown[]) => Promise<unknown>).apply(host, a);
  }
}

/**
 * A registered read-only procedure run on this side's host (far-procedures.ts), with every secret value this core
 * knows (this command's: it forgets between commands) for the caller to mask what it shows, as if it had read them.
 */
async function runProcedure(host: Host, name: string, args: unknown[]): Promise<ProcedureAnswer> {
  // parseCalls refused the batch already when no procedure has this name.
  const value = await farProcedureNamed(name)!(host, ...args);
  return { value: value === undefined ? null : value, secrets: redactor.registered() };
}

/** Who the target is: every server of a far lab when no server is named (as -LabPath alone does locally). */
async function describeTarget(target: FarTarget): Promise<FarIdentity[]> {
  const hosts = target.labPath !== undefined && target.labServer === undefined ? await openLab(target.labPath) : [await openFarHost(target)];
  return hosts.map((h) => ({
    computerName: h.computerName,
    dnsName: h.dnsName ?? null,
    is64Bit: h.is64Bit,
    labServer: target.labPath !== undefined ? h.computerName : null,
    labPath: h.labFolder,
    stagingFolder: os.tmpdir(),
  }));
}

function received(bytes: Parameters<typeof fromWireBytes>[0], path: string): Buffer {
  try {
    return fromWireBytes(bytes, path);
  } catch (e) {
    if (e instanceof TransferMismatchError) throw new CoreError('TransferCorrupted', e.message, path);
    throw e;
  }
}

/** Small files travel inline; a large one stays where it is and the caller copies it over the session. */
async function readForWire(host: Host, path: string): Promise<unknown> {
  const data = await host.readFile(path);
  const local = host.localPath(path);
  if (data.length <= INLINE_FILE_LIMIT || local === undefined) return toWireBytes(data);
  const staged: WireStagedFile = { $farPath: local, size: data.length, sha256: sha256(data) };
  return staged;
}

/** A large file the caller copied into this machine's staging folder: checked, written atomically, staging removed. */
async function writeFromStaging(host: Host, path: string, stagedPath: string, expectedSha256: string): Promise<void> {
  if (!stagedPath.startsWith(os.tmpdir())) throw new CoreError('MalformedHostCall', `The staged file ${stagedPath} is not in the staging folder.`, 'Calls');
  try {
    const data = await readFile(stagedPath);
    if (sha256(data) !== expectedSha256) throw new CoreError(
      'TransferCorrupted',
      `${path} arrived with a different SHA-256 than the sender computed: the transfer was damaged.`,
      path,
    );
    await host.writeFileAtomic(path, data);
  } finally {
    await rm(stagedPath, { force: true });
  }
}
