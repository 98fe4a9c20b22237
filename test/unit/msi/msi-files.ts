/** The real MSI files the tests read, and a small wrapper around Debian's msiinfo to compare against. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMsi, type MsiInfo } from '../../../core/msi/reader';
import { labMediaFile } from '../../../core/host/lab/media';

export const MEDIA_DIR = 'assets/lab-media';
export const FIXTURE_DIR = 'test/fixtures/msi';

/** Every well-formed MSI database in the repository (lab media, including the .exe stand-in, and test fixtures). */
export function wellFormedMsiFiles(): string[] {
  const media = readdirSync(MEDIA_DIR)
    .filter((f) => /\.(msi|exe)$/i.test(f))
    .map((f) => join(MEDIA_DIR, f));
  const fixtures = ['UserPortalNoVdirProperty64.msi', 'ContosoWidget64.msi'].map((f) => join(FIXTURE_DIR, f));
  return [...media, ...fixtures];
}

export function readFile(path: string): MsiInfo {
  return readMsi(readFileSync(path), path);
}

export function readMedia(fileName: string): MsiInfo {
  return readFile(labMediaFile(MEDIA_DIR, fileName));
}

/** A reason to skip, or undefined when msiinfo can be run. */
export function msiinfoMissing(): string | undefined {
  const r = spawnSync('msiinfo', ['--version'], { encoding: 'utf8' });
  return r.error ? 'msiinfo is not installed (apt-get install msitools): the comparison with msiinfo is skipped' : undefined;
}

function msiinfo(args: string[]): string {
  const r = spawnSync('msiinfo', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`msiinfo ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** `msiinfo suminfo` as a map of its "Name: value" lines. */
export function msiinfoSummary(path: string): Map<string, string> {
  const lines = msiinfo(['suminfo', path]).split('\n');
  const map = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf(': ');
    if (at > 0) map.set(line.slice(0, at), line.slice(at + 2));
  }
  return map;
}

/** `msiinfo export x.msi Property`: three header lines (names, types, table key), then tab-separated rows. */
export function msiinfoProperties(path: string): Record<string, string> {
  const lines = msiinfo(['export', path, 'Property']).split(/\r?\n/).slice(3);
  const properties: Record<string, string> = {};
  for (const line of lines) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    properties[line.slice(0, tab)] = line.slice(tab + 1);
  }
  return properties;
}
