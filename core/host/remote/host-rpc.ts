/**
 * The wire format of a host call: how a RemoteHost on this machine asks the core on the target to run Host methods.
 * One request carries a batch of calls; each names its target on the far side (a lab folder there, or the far
 * machine itself), a whitelisted method and JSON-safe arguments. Buffers travel as {"$base64": "..."} with their
 * SHA-256 so both ends can check what crossed the session; `undefined` travels as null.
 */
import { createHash } from 'node:crypto';

/**
 * Between two commands the far core kept running (serve-host.ts) gets this line instead of a batch: it forgets every
 * secret value it learned and answers FORGOT_LINE, which is not an `{"ok":` line, so no batch's reader takes it.
 */
export const FORGET_LINE = '{"forget":true}';
export const FORGOT_LINE = '{"forgot":true}';

/** Host methods a remote caller may run. Nothing else is callable through host-call. */
export const HOST_METHODS = [
  'stat',
  'readFile',
  'readFileRange',
  'writeFileAtomic',
  'listDirectory',
  'makeDirectory',
  'removePath',
  'closeFolder',
  'getRegistryKey',
  'setRegistryValue',
  'deleteRegistryKey',
  'exportRegistryKey',
  'getService',
  'listServices',
  'stopService',
  'startService',
  'runMsiexec',
  'runSetup',
  'registerScheduledTask',
  'unregisterScheduledTask',
  'getScheduledTask',
  'getVolumeSpace',
  'isElevated',
  'getLocalGroupMembers',
  'writeEventLog',
] as const;

/**
 * Calls that are not Host methods but belong to the remote protocol: `describe` (who the target is),
 * `stageWrite` (put a file copied to the target's staging folder into place, checked against its hash),
 * `runProcedure` (run a registered read-only procedure on the target's host, far-procedures.ts: args are its name and
 * its arguments; the value is a ProcedureAnswer).
 */
export const PROTOCOL_METHODS = ['describe', 'stageWrite', 'runProcedure'] as const;

/** What `runProcedure` answers: the procedure's value, and the secret values the far core learned running it. */
export interface ProcedureAnswer {
  value: unknown;
  secrets: string[];
}

export type HostMethod = (typeof HOST_METHODS)[number];
export type RemoteMethod = HostMethod | (typeof PROTOCOL_METHODS)[number];

export const isRemoteMethod = (m: string): m is RemoteMethod =>
  (HOST_METHODS as readonly string[]).includes(m) || (PROTOCOL_METHODS as readonly string[]).includes(m);

/** Which host on the far side: a lab there (and optionally one of its servers), or the far machine itself. */
export interface FarTarget {
  labPath?: string;
  labServer?: string;
}

export interface HostCall {
  target: FarTarget;
  method: RemoteMethod;
  args: unknown[];
}

export interface HostCallError {
  code: string;
  message: string;
  target?: string;
  details?: Record<string, unknown>;
}

export type HostCallOutcome = { Index: number; Ok: true; Value: unknown; Error: null } | { Index: number; Ok: false; Value: null; Error: HostCallError };

/** Identity of a far host, enough to build a RemoteHost (its properties are read synchronously). */
export interface FarIdentity {
  computerName: string;
  dnsName: string | null;
  is64Bit: boolean;
  labServer: string | null;
  /** For a lab server there: its server folder on the far machine (what -LabPath names to reach it again). */
  labPath: string | null;
  /** The far machine's temp folder, where large files are staged. */
  stagingFolder: string;
}

/** Bytes as they cross: base64 plus the sender's SHA-256, checked by the receiver. */
export interface WireBytes {
  $base64: string;
  sha256: string;
}

/** A file too large to inline: where it is on the far machine, to be fetched with Copy-Item -FromSession. */
export interface WireStagedFile {
  $farPath: string;
  size: number;
  sha256: string;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export function toWireBytes(data: Buffer): WireBytes {
  return { $base64: data.toString('base64'), sha256: sha256(data) };
}

export const isWireBytes = (v: unknown): v is WireBytes => typeof v === 'object' && v !== null && typeof (v as WireBytes).$base64 === 'string';
export const isWireStagedFile = (v: unknown): v is WireStagedFile => typeof v === 'object' && v !== null && typeof (v as WireStagedFile).$farPath === 'string';

/** Bytes received over the session, refused when they do not hash to what the sender computed. */
export function fromWireBytes(v: WireBytes, what: string): Buffer {
  const data = Buffer.from(v.$base64, 'base64');
  if (sha256(data) !== v.sha256) {
    throw new TransferMismatchError(what);
  }
  return data;
}

export class TransferMismatchError extends Error {
  constructor(readonly what: string) {
    super(`${what} arrived with a different SHA-256 than the sender computed: the transfer was damaged.`);
  }
}

/** Arguments made JSON-safe: Buffers become WireBytes. */
export function encodeArgs(args: unknown[]): unknown[] {
  return args.map((a) => (Buffer.isBuffer(a) ? toWireBytes(a) : a === undefined ? null : a));
}

/** Files up to this size travel inside the call; larger ones are copied with Copy-Item over the session. */
export const INLINE_FILE_LIMIT = 4 * 1024 * 1024;
