/**
 * Helpers for the end-to-end tests: labs are plain folders, so the tests judge the end state by reading and hashing
 * files; the cmdlets run in real pwsh through test/helpers/pwsh.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';
import { parseApplicationHostConfig } from '../../core/host/iis';
import { decodeRegFileBytes, encodeRegFileText, RegistryTree } from '../../core/host/registry-file';

/** The media folder of every lab scenario, as a path on the lab server. */
export const LAB_INSTALLER_PATH = 'C:\\Media\\MfaServer';
/** The made-up SDK password of the lab's old web.configs (core/host/lab/README.md): it must never reach any output. */
export const LAB_SDK_PASSWORD = 'S3cr3t!Pass';

export interface StepRow {
  Order: number;
  Id: string;
  Action: string;
  ComputerName: string;
  Status: string;
  Outcome: string | null;
}

export interface UpgradeResult {
  Status: string;
  ExitCode: number;
  Message: string;
  NextAction: string | null;
  Steps: StepRow[];
  BackupPath: string[];
  JournalPath: string;
  RebootRequired: boolean;
  FollowUps: string[];
}

export function makeTempRoot(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `mfa-e2e-${name}-`));
}

/** Run a script that must not end with a terminating error; the message of one is the assertion's message. */
export async function runOk(session: PowerShellSession, script: string, values: unknown = {}): Promise<ScriptOutcome> {
  const r = await session.run(script, values);
  assert.ok(r.ok, `pwsh script failed: ${r.terminatingError?.message}\n${script}`);
  return r;
}

/** Every relative path under `root` (forward slashes) → sha256 of its bytes, or 'dir' for a folder. */
export function hashTree(root: string, transform: (relative: string, bytes: Buffer) => Buffer | null = (_r, b) => b): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[rel] = 'dir';
        walk(path.join(dir, e.name), rel);
        continue;
      }
      const bytes = transform(rel, readFileSync(path.join(dir, e.name)));
      if (bytes) out[rel] = createHash('sha256').update(bytes).digest('hex');
    }
  };
  walk(root, '');
  return out;
}

/**
 * A lab's end state with what legitimately differs between two equal runs taken out: installer, engine and service
 * logs (they carry timestamps), README.txt (creation time and folder of the lab), the registry's InstallDate values
 * (a date: two runs can straddle midnight), the lab's own MachineGuid (each lab has its own) and the fault rules a test put into server.json. Everything else
 * (web.configs, applicationHost.config, server.json, registry, data file, themes, folders) must match.
 */
export function labEndState(labRoot: string, normalize: (relative: string, bytes: Buffer) => Buffer = (_r, b) => b): Record<string, string> {
  const state = hashTree(labRoot, (rel, raw) => {
    const bytes = normalize(rel, raw);
    // Rolled-over logs too (MultiFactorAuthSvc.log.1): the lab's service log history is dated from when the lab was made.
    if (/\.log(\.\d+)?$/i.test(rel) || /(^|\/)README\.txt$/i.test(rel)) return null;
    if (/(^|\/)server\.json$/i.test(rel)) {
      // Fault rules are the test's input, not the server's state (a used-up rule leaves an empty list behind).
      const server = JSON.parse(bytes.toString('utf8')) as { faults?: unknown };
      delete server.faults;
      return Buffer.from(JSON.stringify(server), 'utf8');
    }
    if (/(^|\/)registry\.reg$/i.test(rel)) {
      // The machine id is which lab this is (every lab gets its own), not what the upgrade did to it.
      // Windows Installer names its cached packages at random (C:\Windows\Installer\<random>.msi): LocalPackage names one.
      const text = bytes
        .toString('utf16le')
        .replace(/^"InstallDate"="\d{8}"\r?\n/gm, '')
        .replace(/^"MachineGuid"="[^"]*"\r?\n/gm, '')
        .replace(/^("LocalPackage"="C:\\\\Windows\\\\Installer\\\\)[0-9a-f]+(\.msi")/gim, '$1(random)$2');
      return Buffer.from(text, 'utf16le');
    }
    return bytes;
  });
  // The log folder itself appears with the first log written (even by a run that changed nothing else), and a run's
  // claim on the server (core/upgrade/run/server-claim.ts) with the run: bookkeeping, not the server's state. The claim
  // has tests of its own. So is the lab's record of the files it wrote (.mfalab-files, core/host/lab/lab-files.ts),
  // which grows with every write, the claim's included.
  const bookkeeping = /(^|\/)C\/(Windows\/Logs|ProgramData\/MfaServerUpgrade)(\/|$)|(^|\/)C\/ProgramData$|(^|\/)\.mfalab-files$/i;
  for (const rel of Object.keys(state)) if (bookkeeping.test(rel)) delete state[rel];
  // The cached packages by content, not by their random names.
  const cache = /^(.*\/)?C\/Windows\/Installer\/[0-9a-f]+\.msi$/i;
  for (const rel of Object.keys(state).filter((r) => cache.test(r))) {
    state[`${rel.replace(/[^/]+$/, '')}(cached package ${state[rel]})`] = state[rel];
    delete state[rel];
  }
  return state;
}

/**
 * A lab's end state as labEndState, for comparing a lab whose PhoneFactor products were reinstalled (an Undo) with a lab
 * that was never upgraded. Only what Windows itself records differently after a reinstall, and nothing an admin or the
 * products depend on, is taken as equal:
 * - where Windows Installer says each product was installed from (InstallSource, the SourceList's LastUsedSource and
 *   Net entries): the folder it was reinstalled from, not the original Downloads folder;
 * - the order of the IIS applications of a site and how a physical path is spelled (%SystemDrive% or C:): the
 *   applications are compared by site, path, expanded folder and pool; the rest of applicationHost.config by its bytes;
 * - the order of the products and services in server.json (Windows keeps no order of either).
 */
export function labStateAfterReinstall(labRoot: string): Record<string, string> {
  return labEndState(labRoot, (rel, bytes) => {
    if (/(^|\/)applicationHost\.config$/i.test(rel)) {
      const text = bytes.toString('utf8');
      const apps = parseApplicationHostConfig(text, rel)
        .map((a) => `${a.siteName}|${a.applicationPath.toLowerCase()}|${a.physicalPath.toLowerCase()}|${a.applicationPool ?? ''}`)
        .sort();
      const rest = text.replace(/[ \t]*<application path="\/[^"]+"[\s\S]*?<\/application>\r?\n/g, '');
      return Buffer.from(`${rest}\n${apps.join('\n')}`, 'utf8');
    }
    if (/(^|\/)registry\.reg$/i.test(rel)) {
      const tree = RegistryTree.parse(decodeRegFileBytes(bytes), rel);
      for (const key of tree.all()) {
        const source = /\\SourceList\\Net$/i.test(key.path) ? () => true : (name: string) => /^(InstallSource|LastUsedSource)$/i.test(name);
        for (const v of key.values.filter((x) => source(x.name))) tree.setValue(key.path, { name: v.name, type: 'REG_SZ', data: '(the folder installed from)' });
      }
      return encodeRegFileText(tree.format());
    }
    if (/(^|\/)server\.json$/i.test(rel)) {
      const server = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      const sorted = (o: unknown) => Object.fromEntries(Object.entries((o ?? {}) as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
      return Buffer.from(JSON.stringify({ ...server, services: sorted(server.services), installerDatabase: sorted(server.installerDatabase) }), 'utf8');
    }
    return bytes;
  });
}

/** A backup folder's content without its records that carry times (manifest, inventory) or restore-undo folders. */
export function backupContent(backupPath: string): Record<string, string> {
  return hashTree(backupPath, (rel, bytes) => {
    if (/^(manifest|inventory)\.json$/i.test(rel) || /^restore-undo/i.test(rel)) return null;
    // The rollback record names Windows Installer's cached packages, whose names are random, and their install dates.
    if (/^RollbackMedia\/rollback-media\.json$/i.test(rel)) {
      const text = bytes.toString('utf8').replace(/C:\\\\Windows\\\\Installer\\\\[0-9a-f]+\.msi/gi, '(cached package)').replace(/"InstallDate": "\d{8}"/g, '');
      return Buffer.from(text, 'utf8');
    }
    return bytes;
  });
}

/** Differences between two hash maps, for readable assertion messages. */
export function diffStates(expected: Record<string, string>, actual: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys.filter((k) => expected[k] !== actual[k]).map((k) => `${k}: expected ${expected[k] ?? '(absent)'}, got ${actual[k] ?? '(absent)'}`);
}

/** The user lines of a lab data file (one user per line, starting with "user\t"). */
export function dataFileUserLines(bytes: Buffer): string[] {
  return bytes.toString('utf8').split(/\r?\n/).filter((l) => l.startsWith('user\t'));
}

/** Remove every fault rule from a lab server's server.json. */
export function clearFaults(serverFolder: string): void {
  const file = path.join(serverFolder, 'server.json');
  const server = JSON.parse(readFileSync(file, 'utf8')) as { faults?: unknown };
  delete server.faults;
  writeFileSync(file, JSON.stringify(server, null, 2) + '\n');
}

export type FaultRule = { match?: string; exitCode: number; times?: number };

/** Add a fault rule to a lab server's server.json (core/host/lab/README.md, "Faults"). */
export function addFault(serverFolder: string, kind: 'msiexec' | 'setup', rule: FaultRule): void {
  const file = path.join(serverFolder, 'server.json');
  const server = JSON.parse(readFileSync(file, 'utf8')) as { faults?: Record<string, FaultRule[]> };
  server.faults ??= {};
  (server.faults[kind] ??= []).push(rule);
  writeFileSync(file, JSON.stringify(server, null, 2) + '\n');
}

/** Every text a cmdlet call produced on any stream, for secret scans. */
export function allText(outcome: ScriptOutcome): string {
  return JSON.stringify([outcome.output, outcome.errors, outcome.warnings, outcome.verbose, outcome.information, outcome.terminatingError]);
}

/** The pwsh snippet of an upgrade with the common parameters; the caller's $V holds lab, backups and extras. */
export const INVOKE_UPGRADE = `Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false -Verbose`;
