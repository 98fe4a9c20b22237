/**
 * How every log of the tool rotates (the core's CMTrace writer core/log/cmtrace.ts, the scheduled backup's log written
 * by the task's own command, and the deployment kit's log written by deploy/Install-MfaServerUpgrade.ps1): like
 * PSAppDeployToolkit, at about 10 MB, keeping 10 files. `Name.log` is the current file; a write that would take it
 * past the size renames it to `Name-1.log` (the previous `Name-1.log` becomes `Name-2.log`, and so on) and starts a
 * new one; the oldest beyond the count is deleted. Numbered names keep several files and still open in CMTrace as .log
 * files (ConfigMgr's own `.lo_` keeps only one).
 */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
export const LOG_KEEP_FILES = 10;
