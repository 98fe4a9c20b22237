// The module's about_ help topics, written by generate-module.mjs into <module>\en-US\ from `mfa-core --list`:
//   about_MfaServerUpgrade          the module as a whole: what it does, its cmdlets (from the contracts), how it runs
//   about_MfaServerUpgrade_Errors   every error code of the catalog (core/util/error-catalog.ts) with its category,
//                                   meaning and what to do, and the exit codes
// Nothing here is written by hand per code or per cmdlet: a new code or cmdlet appears in the topics at the next build.

/**
 * @typedef {import('./generate-module.mjs').Listing} Listing
 * @typedef {Listing['coreExitCodes'][number]} ExitCode
 */

const WIDTH = 100;

/**
 * Words of `text` in lines of at most WIDTH characters, each starting with `indent`.
 * @param {string} text
 * @param {string} indent
 */
export function wrap(text, indent) {
  /** @type {string[]} */
  const lines = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

const I1 = '    ';
const I2 = '        ';

/**
 * @param {string} name
 * @param {string} short
 * @param {[title: string, lines: string[]][]} sections
 */
function topic(name, short, sections) {
  const out = ['TOPIC', `${I1}${name}`, '', 'SHORT DESCRIPTION', ...wrap(short, I1), ''];
  for (const [title, lines] of sections) out.push(title, ...lines, '');
  return out.join('\r\n');
}

/** @param {ExitCode[]} codes */
function exitCodeLines(codes) {
  return codes.flatMap((c) => [`${I1}${c.code}`, ...wrap(c.meaning, I2)]);
}

/** @param {Listing} listing */
function errorsTopic(listing) {
  const codes = listing.errors.flatMap((e) => [
    `${I1}${e.code}`,
    ...wrap(`Category: ${e.category}.`, I2),
    ...wrap(`Meaning: ${e.meaning}`, I2),
    ...wrap(`What to do: ${e.action}`, I2),
    '',
  ]);
  return topic('about_MfaServerUpgrade_Errors', 'Every error code the MfaServerUpgrade commands can report, what it means and what to ' +
    'do; and the exit codes.', [
    ['LONG DESCRIPTION', [
      ...wrap(
        'Every error of an MfaServerUpgrade command is an ErrorRecord whose FullyQualifiedErrorId starts with one of the codes below (for example ' +
          'FileNotFound,Merge-MfaWebConfig). Its CategoryInfo.Category is the category listed here, its ErrorDetails.RecommendedAction the "what to do" ' +
          'text, and its TargetObject names the file, parameter or server at fault. Match on the code, never on the message: codes are ' +
          'stable, messages may be reworded.',
        I1,
      ),
      '',
      `${I1}try { Backup-PhoneFactor -Destination D:\\MfaBackup -ErrorAction Stop }`,
      `${I1}catch { if ($_.FullyQualifiedErrorId -like 'DiskFull,*') { ... } }`,
      '',
      ...wrap(
        `This list is generated from the core's error catalog at build time (${listing.errors.length} codes, version ${listing.version}); a code missing ` +
          `from the catalog does not compile.`,
        I1,
      ),
    ]],
    ['ERROR CODES', codes.slice(0, -1)],
    ['EXIT CODES OF AN UNATTENDED UPGRADE', [
      ...wrap('Invoke-MfaServerUpgrade returns them as ExitCode; the ConfigMgr / Intune install script exits with them.', I1),
      '',
      ...exitCodeLines(listing.upgradeExitCodes),
    ]],
    ['EXIT CODES OF AN UNATTENDED UNDO', [
      ...wrap('Undo-MfaServerUpgrade returns them as ExitCode; the ConfigMgr / Intune install script run with -Undo exits with them.', I1),
      '',
      ...exitCodeLines(listing.undoExitCodes),
    ]],
    ['EXIT CODES OF THE CORE PROCESS', [
      ...wrap('The core (lib/mfa-core.cjs) that every command starts exits with these; the commands turn them into objects and error records.', I1),
      '',
      ...exitCodeLines(listing.coreExitCodes),
    ]],
    ['SEE ALSO', [`${I1}about_MfaServerUpgrade`, `${I1}about_CommonParameters`]],
  ]);
}

/** @param {Listing} listing */
function moduleTopic(listing) {
  const cmdlets = listing.operations.flatMap((o) => [`${I1}${o.cmdlet}`, ...wrap(o.synopsis, I2)]);
  return topic('about_MfaServerUpgrade', 'Upgrades PhoneFactor Agent v5.x to Microsoft Entra Multifactor Authentication Server safely and unattended.', [
    ['LONG DESCRIPTION', [
      ...wrap(
        'MFA Server stopped servicing MFA requests on 2024-09-30. Upgrading a PhoneFactor server today has one purpose: reaching the MFA Server build that ' +
          'ships the Migration Utility, so that users\' registered methods can be moved to cloud Microsoft Entra MFA.',
        I1,
      ),
      '',
      ...wrap(
        'The module backs up (hashed, verified), uninstalls in the documented order, installs into the old path, carries the old web.config settings into ' +
          'the new web components byte-exactly and verifies the result. Every step is journaled: a stopped or paused run continues with -Resume.',
        I1,
      ),
    ]],
    ['COMMANDS', cmdlets],
    ['REHEARSE FIRST', [
      `${I1}$server = New-MfaLab -Path .\\lab -Scenario SingleServer`,
      `${I1}$server | Get-MfaUpgradePlan`,
      `${I1}$server | Invoke-MfaServerUpgrade -BackupDestination .\\backups -Confirm:$false`,
    ]],
    [
      'CHANGES, -WHATIF AND -CONFIRM',
      wrap(
        'Every command that changes a server supports -WhatIf (one line per action; details with -Verbose) and -Confirm, and never prompts with ' +
          '-Confirm:$false, as ConfigMgr, Intune and scheduled tasks need.',
        I1,
      ),
    ],
    [
      'REMOTE SERVERS',
      wrap(
        'Commands that work on a server take -ComputerName (the core opens a PowerShell remoting session), -Credential (WinRM) or -Session (sessions you ' +
          'opened yourself). -Session and -Credential exclude each other (parameter sets): a session already carries its sign-in.',
        I1,
      ),
    ],
    [
      'ERRORS AND EXIT CODES',
      wrap(
        'Errors are ErrorRecords whose FullyQualifiedErrorId starts with a stable code. Get-Help about_MfaServerUpgrade_Errors lists every code with what to ' +
          'do, and the exit codes of an unattended upgrade.',
        I1,
      ),
    ],
    [
      'LOGS',
      wrap(
        'C:\\Windows\\Logs\\Software\\MfaServerUpgrade.log (CMTrace format, secrets redacted), each installer\'s verbose log beside it; the journal, plan ' +
          'and report.html of a run in <BackupDestination>\\MfaServerUpgrade-<servers>\\.',
        I1,
      ),
    ],
    ['SEE ALSO', [`${I1}about_MfaServerUpgrade_Errors`, ...listing.operations.map((o) => `${I1}${o.cmdlet}`)]],
  ]);
}

/**
 * File name (under en-US) -> text.
 * @param {Listing} listing
 * @returns {Record<string, string>}
 */
export function aboutTopics(listing) {
  return {
    'about_MfaServerUpgrade.help.txt': moduleTopic(listing),
    'about_MfaServerUpgrade_Errors.help.txt': errorsTopic(listing),
  };
}
