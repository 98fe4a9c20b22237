/** The admin-facing README.txt written into every new lab folder. */
import type { LabScenario, LabServerSummary } from '../lab-file';

export function labReadme(scenario: LabScenario | 'FromBackup', servers: LabServerSummary[], labPath: string): string {
  const serverLines = servers.map(
    (s) => `  ${s.ComputerName.padEnd(8)} ${s.LabPath}${s.InstallerPath ? `   (MFA Server media: ${s.InstallerPath})` : ''}`,
  );
  return [
    'MfaServerUpgrade lab',
    '====================',
    '',
    `Scenario: ${scenario}`,
    `Created:  ${new Date().toISOString()}`,
    `Folder:   ${labPath}`,
    '',
    'This folder simulates PhoneFactor Agent 5.x server(s) so you can rehearse the upgrade to',
    'MFA Server before the change window. Nothing here touches a real server.',
    '',
    'Servers:',
    ...serverLines,
    '',
    'Inside each server folder:',
    '  C\\, D\\        the server\'s drives: C:\\Program Files\\PhoneFactor is C\\Program Files\\PhoneFactor.',
    '                Drop a copy of your real Phonefactor.pfdata or web.config here to rehearse with it.',
    '                Names are matched without regard to case, as on Windows.',
    '  registry.reg   the registry (HKEY_LOCAL_MACHINE) as regedit exports it; the 32-bit view is the',
    '                 SOFTWARE\\WOW6432Node part. You can open it in a text editor.',
    '  server.json    computer name, bitness, services and their states, installed products.',
    '  C\\Windows\\System32\\inetsrv\\config\\applicationHost.config   IIS sites and applications.',
    '',
    'Use the lab with any cmdlet through -LabPath, for example:',
    `  Get-PhoneFactorComponent -LabPath '${servers[0]?.LabPath ?? labPath}'`,
    'A Windows path (C:\\...) given with -LabPath means a path inside the lab server;',
    'any other path is a path on this machine.',
    '',
    ...(scenario === 'FromBackup'
      ? [
          'This lab was rebuilt from backup(s) made by Backup-PhoneFactor: its web.config files are YOUR files and',
          'hold YOUR SDK service account password. Keep the lab folder as private as the backup.',
          '',
          'What the backup did not hold, and the lab made up or left out:',
          ...servers.flatMap((s) => s.Notes.map((n) => `  ${s.ComputerName}: ${n}`)),
        ]
      : ['The SDK password in the lab web.config files is a made-up value.']),
    '',
  ].join('\r\n');
}
