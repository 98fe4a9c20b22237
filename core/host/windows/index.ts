/** The Windows adapter of the Host port (the real local server): its front door, for host/local.ts and the tests. */
export { WindowsHost, type WindowsHostOptions } from './windows-host';
export { SpawnCommandRunner } from './spawn-command-runner';
export { renderCommandLine, quoteWindowsArgument, type CommandRunner, type CommandResult, type CommandOptions } from './command-runner';
export { WindowsFiles } from './windows-files';
export type { Clock } from './timing';
