/**
 * Exit codes of an unattended upgrade, as ConfigMgr and Intune read them: 0 done, 3010 done with a restart pending,
 * 1618 try again later (another installation was running), and our own in 69000-69999 (PSADT keeps 60000-68999).
 */
export const UPGRADE_EXIT_CODES = {
  Completed: 0,
  CompletedRebootRequired: 3010,
  InstallerBusy: 1618,
  Paused: 69001,
  Failed: 69002,
  FailedBeforeChanges: 69003,
} as const;

export const EXIT_CODE_MEANINGS: { code: number; meaning: string }[] = [
  { code: 0, meaning: 'The upgrade completed and verified.' },
  { code: 3010, meaning: 'The upgrade completed; restart the server to finish (soft reboot).' },
  { code: 1618, meaning: 'Another installation (or another run of this upgrade) was running: retry later; the run resumes where it stopped.' },
  { code: 69001, meaning: 'Paused at a manual step: do what the log and result say, then run again with -Resume.' },
  { code: 69002, meaning: 'A step failed after the server was changed: fix the cause and resume, or roll back with Undo-MfaServerUpgrade.' },
  {
    code: 69003,
    meaning: 'Failed before anything on the server was changed (for example the backup could not be made, the recorded backup no longer holds what is about ' +
      'to be uninstalled, or another run owns the server).',
  },
];

/**
 * The Application event log entry of each end of a run (source MfaServerUpgrade), for monitoring tools that watch the
 * event log rather than ConfigMgr or Intune: the event id says the outcome, the type how urgent it is. Ids stay within
 * 1-1000, what eventcreate.exe accepts.
 */
export const RUN_END_EVENT_SOURCE = 'MfaServerUpgrade';
export const RUN_END_EVENTS: { code: number; eventId: number; type: 'Information' | 'Warning' | 'Error' }[] = [
  { code: 0, eventId: 100, type: 'Information' },
  { code: 3010, eventId: 101, type: 'Information' },
  { code: 1618, eventId: 102, type: 'Warning' },
  { code: 69001, eventId: 103, type: 'Warning' },
  { code: 69002, eventId: 104, type: 'Error' },
  { code: 69003, eventId: 105, type: 'Error' },
];
/** Any other exit code. */
export const RUN_END_OTHER_EVENT = { eventId: 109, type: 'Error' } as const;

export function runEndEvent(exitCode: number): { eventId: number; type: 'Information' | 'Warning' | 'Error' } {
  return RUN_END_EVENTS.find((e) => e.code === exitCode) ?? RUN_END_OTHER_EVENT;
}

/**
 * Exit codes of an unattended Undo (Undo-MfaServerUpgrade, the deployment kit's -Undo): the same 0 / 3010 / 1618 as
 * an upgrade, and 6902x for its own ends, so that a console tells an Undo's failure from an upgrade's.
 */
export const UNDO_EXIT_CODES = {
  Completed: 0,
  CompletedRebootRequired: 3010,
  InstallerBusy: 1618,
  NotApproved: 69021,
  Failed: 69022,
  FailedBeforeChanges: 69023,
} as const;

export const UNDO_EXIT_CODE_MEANINGS: { code: number; meaning: string }[] = [
  { code: 0, meaning: 'The Undo completed: every server is back to its backup and verified against it.' },
  { code: 3010, meaning: 'The Undo completed; restart the server to finish (soft reboot).' },
  { code: 1618, meaning: 'Another installation (or another run of this upgrade or Undo) was running: retry later; the Undo goes on where it stopped.' },
  { code: 69021, meaning: 'A step of the Undo was not approved (-Confirm): nothing after it ran; run Undo-MfaServerUpgrade again to go on.' },
  {
    code: 69022,
    meaning: 'A step of the Undo failed after it changed a server: fix the cause (the message and NextAction say it) and run Undo-MfaServerUpgrade ' +
      'again; it goes on where it stopped.',
  },
  {
    code: 69023,
    meaning: 'The Undo failed before it changed anything (no upgrade recorded, the backup does not verify, a product has no package to reinstall, ' +
      'another run owns the server, or its records were refused).',
  },
];

/** The Application event log entry of each end of an Undo (ids 110-119; same source as the upgrade's). */
export const UNDO_END_EVENTS: { code: number; eventId: number; type: 'Information' | 'Warning' | 'Error' }[] = [
  { code: 0, eventId: 110, type: 'Information' },
  { code: 3010, eventId: 111, type: 'Information' },
  { code: 1618, eventId: 112, type: 'Warning' },
  { code: 69021, eventId: 113, type: 'Warning' },
  { code: 69022, eventId: 114, type: 'Error' },
  { code: 69023, eventId: 115, type: 'Error' },
];

export function undoEndEvent(exitCode: number): { eventId: number; type: 'Information' | 'Warning' | 'Error' } {
  return UNDO_END_EVENTS.find((e) => e.code === exitCode) ?? { eventId: 119, type: 'Error' };
}
