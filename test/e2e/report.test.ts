// The upgrade report of a real lab upgrade (real pwsh, built module), looked at in headless Chromium: screenshots at
// desktop and phone widths and a PDF print. Run `npm run build` first. Skips, saying why, when Chromium is absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, makeTempRoot, runOk } from './helpers';

const execFileAsync = promisify(execFile);
const CHROMIUM = process.env.MFA_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set MFA_CHROMIUM): the report is not rendered`;

let session: PowerShellSession;
let root: string;
let reportPath: string;
before(async () => {
  root = makeTempRoot('report');
  session = await openModuleSession(root);
  const r = await runOk(
    session,
    `New-MfaLab -Path $V.lab -Scenario SeparateWebServer | Invoke-MfaServerUpgrade -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false`,
    { lab: path.join(root, 'lab'), backups: path.join(root, 'backups'), installer: LAB_INSTALLER_PATH },
  );
  const result = r.output[0] as { Status: string; ReportPath: string | null };
  assert.equal(result.Status, 'Completed');
  assert.ok(result.ReportPath, 'the result names the report');
  reportPath = result.ReportPath;
});
after(async () => {
  await session?.close();
});

test('Invoke-MfaServerUpgrade writes report.html into the run folder, without the lab password', () => {
  assert.equal(reportPath, path.join(root, 'backups', 'MfaServerUpgrade-MFA01+WEB01', 'report.html'));
  const html = readFileSync(reportPath, 'utf8');
  assert.equal(html.includes(LAB_SDK_PASSWORD), false);
  assert.match(html, /<h3>MFA01<\/h3>[\s\S]*<h3>WEB01<\/h3>/, 'both servers\' inventories');
});

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function chromium(args: string[]): Promise<void> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'mfa-chromium-'));
  const common = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`];
  await execFileAsync(CHROMIUM, [...common, ...args, pathToFileURL(reportPath).href], { timeout: 120_000 });
}

for (const width of [1280, 400]) {
  test(`Chromium renders the report ${width} px wide`, { skip }, async () => {
    const png = path.join(root, `report-${width}.png`);
    await chromium([`--screenshot=${png}`, `--window-size=${width},2400`]);
    assert.ok(existsSync(png), 'screenshot written');
    assert.deepEqual(pngSize(png), { width, height: 2400 });
    // A blank page compresses to a few KB; a rendered report with tables and colour is far larger.
    assert.ok(statSync(png).size > 40_000, `screenshot is ${statSync(png).size} bytes: nothing rendered?`);
  });
}

test('Chromium prints the report to PDF', { skip }, async () => {
  const pdf = path.join(root, 'report.pdf');
  await chromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer']);
  const bytes = readFileSync(pdf);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 2, `the PDF has ${pages} page(s)`);
});
