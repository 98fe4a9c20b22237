/**
 * Every error code the core can raise, with its PowerShell ErrorCategory, what it means and what to do.
 * This list is the one source of truth: `CoreError` only takes a key of it (an unknown code does not compile), the
 * transport gets the category and the recommended action from it, and the build publishes it as the
 * `about_MfaServerUpgrade_Errors` help topic. To add a code, add an entry here (keep the list sorted).
 */

/** The PowerShell ErrorCategory names the catalog uses (System.Management.Automation.ErrorCategory). */
export type ErrorCategoryName =
  | 'AuthenticationError'
  | 'ConnectionError'
  | 'InvalidArgument'
  | 'InvalidData'
  | 'InvalidOperation'
  | 'InvalidResult'
  | 'LimitsExceeded'
  | 'NotImplemented'
  | 'NotInstalled'
  | 'NotSpecified'
  | 'ObjectNotFound'
  | 'OperationStopped'
  | 'OperationTimeout'
  | 'ParserError'
  | 'PermissionDenied'
  | 'ProtocolError'
  | 'ReadError'
  | 'ResourceBusy'
  | 'ResourceExists'
  | 'ResourceUnavailable'
  | 'SecurityError'
  | 'WriteError';

export interface ErrorEntry {
  readonly category: ErrorCategoryName;
  /** What happened, in one sentence. */
  readonly meaning: string;
  /** What the admin does about it (the ErrorRecord's RecommendedAction). */
  readonly action: string;
}

const e = (category: ErrorCategoryName, meaning: string, action: string): ErrorEntry => ({ category, meaning, action });

export const ERROR_CATALOG = {
  AccessDenied: e(
    'PermissionDenied',
    'This account may not read or write the file or folder named in the target.',
    'Run elevated (as Administrator or SYSTEM) or fix the permissions, then run again.',
  ),
  AlreadyUpgraded: e(
    'InvalidOperation',
    'MFA Server is already installed and no PhoneFactor Agent is left to upgrade from.',
    'Nothing to do; for a later MFA Server version run its installer in place.',
  ),
  AmbiguousTarget: e(
    'InvalidArgument',
    'The command works on one server, but the parameters or the lab name several.',
    'Name one server with -ComputerName, or pipe one object per server.',
  ),
  BackupCopyFailed: e(
    'WriteError',
    'No free name was found for the safety copy of a file about to be changed.',
    'Remove old timestamped copies beside the file and run again.',
  ),
  BackupDoesNotCover: e(
    'InvalidData',
    'The backup named (by -BackupPath or the upgrade journal) is missing, does not verify against its manifest, or lacks the data file, a web.config or the ' +
      'registry key of a component about to be uninstalled; nothing was uninstalled.',
    'Read the message for what is missing. For Invoke-MfaServerUpgrade run again with -Resume (the backup step runs again first); for Uninstall-PhoneFactor ' +
      'make a new backup with Backup-PhoneFactor.',
  ),
  BackupFolderNotProtected: e(
    'PermissionDenied',
    'The backup folder could not be limited to administrators, so nothing was backed up (a backup holds the SDK password).',
    'Choose a destination on an NTFS volume where this account may change permissions.',
  ),
  BackupFromOtherServer: e(
    'InvalidArgument',
    'The backup was made on another server than the one it is being restored to.',
    'Restore it on the server named in the message.',
  ),
  BackupIncomplete: e(
    'InvalidData',
    'The backup could not be made, or a backup folder lacks its manifest or files.',
    'Read the message for the cause, fix it and back up again; do not restore from an incomplete backup.',
  ),
  BackupNotFound: e('ObjectNotFound', 'There is no backup folder at the given path.', 'Pass the BackupPath that Backup-PhoneFactor returned.'),
  BackupRequired: e(
    'InvalidOperation',
    'Uninstalling needs a verified backup, and none was given.',
    'Run Backup-PhoneFactor first and pass its BackupPath, or use -Force if you backed up by other means.',
  ),
  BackupVerificationFailed: e(
    'InvalidData',
    'A backup did not match its manifest when re-hashed; nothing was uninstalled.',
    'Make a new backup (Backup-PhoneFactor) and check the destination storage.',
  ),
  CommandFailedToStart: e(
    'ResourceUnavailable',
    'A Windows program the tool runs (reg.exe, sc.exe, msiexec.exe, schtasks.exe, icacls.exe) could not be started.',
    'Check that the program exists in System32 and that this account may run it.',
  ),
  CommandTimedOut: e(
    'OperationTimeout',
    'A Windows program the tool ran did not finish in time and was stopped.',
    'Check the server for a hung installer or service, then run again (an upgrade continues with -Resume).',
  ),
  ComputerNotInLab: e('ObjectNotFound', 'The lab has no server with the given -ComputerName.', 'Use one of the server names the message lists.'),
  CopyVerificationFailed: e(
    'InvalidData',
    'A copied file did not hash to its source when read back.',
    'Check the destination storage (disk, share) and run again.',
  ),
  CoreCrashed: e(
    'NotSpecified',
    'An unexpected error escaped the core (a bug); it recorded the stop in the journal and log of a running upgrade and ended.',
    'Run the same command again with -Resume (the journal says where the run stood); report the error with the log.',
  ),
  ConfirmationNotPossible: e(
    'InvalidOperation',
    'A command that asks before it changes anything (ConfirmImpact High, or -Confirm) ran where PowerShell cannot ask (pwsh -NonInteractive: ' +
      'ConfigMgr, Intune, a scheduled task). Raised by the module before anything was changed.',
    'Pass -Confirm:$false to run it unattended, or -WhatIf to see what it would do.',
  ),
  CoreKilled: e(
    'OperationStopped',
    'The core process ended before it answered: it was killed (Task Manager, Stop-Process, a time limit) or Node.js itself failed. Raised by the module; the ' +
      'stop is recorded in the journal and log of a running upgrade.',
    'Find what ended the process (the log, the event log), then run the same command again with -Resume.',
  ),
  CoreNotStarted: e(
    'ResourceUnavailable',
    "The module's core process did not start: Node.js ended before the core said it was ready. Raised by the module.",
    "Read what node printed (in the message); check MFA_NODE and the module's files, then run the command again.",
  ),
  CoreTimedOut: e(
    'OperationTimeout',
    'The command ran past its time limit and the module stopped its core; the stop is recorded in the journal and log of a running upgrade.',
    'Check the server for a hung installer, then run the same command again with -Resume.',
  ),
  CredentialNotSupported: e(
    'InvalidArgument',
    '-Credential was given for PowerShell remoting over SSH, which signs in with a key only.',
    'Use -RemoteTransport WSMan with -Credential, or -KeyFilePath for SSH.',
  ),
  DataFileNewerServer: e(
    'InvalidOperation',
    'The backup holds the PhoneFactor data file, but MFA Server is installed and has upgraded that file.',
    'To roll back: uninstall MFA Server, reinstall the PhoneFactor Agent, then restore.',
  ),
  DestinationInsideSource: e(
    'InvalidArgument',
    'The backup destination lies inside a folder being backed up.',
    'Choose a destination outside the PhoneFactor folders.',
  ),
  DestinationNotFound: e('ObjectNotFound', 'The folder a file was to be written into does not exist.', 'Create the folder or pass an existing one.'),
  DestinationReadOnly: e('PermissionDenied', 'The file system of the destination is read-only.', 'Choose a writable destination.'),
  DestinationWriteFailed: e(
    'WriteError',
    'A file or folder could not be written at the destination.',
    'Check the destination (space, permissions, path length) and run again.',
  ),
  DirectoryNotFound: e('ObjectNotFound', 'A folder named by a parameter or the inventory does not exist.', 'Check the path.'),
  DiskFull: e('ResourceUnavailable', 'Not enough disk space to write a file.', 'Free space or choose another destination.'),
  DryRunNotSupported: e('InvalidArgument', 'A dry run (-WhatIf) was asked of a command that changes nothing.', 'Run the command without -WhatIf.'),
  DuplicateKey: e(
    'InvalidData',
    'A settings group of a web.config names the same setting twice, which .NET refuses (a repeated appSettings key is accepted: the last one counts).',
    'Remove one of them (names compare ignoring case) and run the merge again.',
  ),
  DuplicateSection: e(
    'InvalidData',
    'A web.config contains the same section more than once, which .NET refuses.',
    'Keep one of the sections and run the merge again.',
  ),
  DuplicateServer: e('InvalidArgument', 'The same server appears twice in the inventory given to the plan.', 'Pass each server once.'),
  DuplicateSession: e(
    'InvalidArgument',
    'Two sessions given to -Session connect to the same server (raised by the module before the core starts).',
    'Give one session per server.',
  ),
  ElevationUnknown: e(
    'PermissionDenied',
    'Whether the tool runs elevated could not be read (whoami /groups failed).',
    'Run whoami /groups in the same session to see why; start PowerShell with "Run as administrator" and run again.',
  ),
  EmptyRequest: e(
    'InvalidArgument',
    'A request to the core held no items (no pipeline object, no parameters).',
    'Internal plumbing between the module and its core: give at least one item; report it if a cmdlet caused it.',
  ),
  EncryptedSection: e(
    'NotImplemented',
    'A web.config section is encrypted and cannot be merged as text.',
    'Decrypt it with aspnet_regiis -pdf, merge, then encrypt it again (the message gives both commands).',
  ),
  EndpointAddressRefused: e(
    'SecurityError',
    'A test setting pointed the migration readiness probes at an address that is not an https loopback address.',
    'Use https://127.x.x.x:<port> or https://[::1]:<port> (the shipped module has no such setting).',
  ),
  FileInUse: e(
    'ResourceBusy',
    'Another process holds the file open (a running service, IIS), so it cannot be replaced or removed; nothing was changed.',
    'Stop what holds the file (the service or the application pool) or wait, then run again.',
  ),
  FileNotFound: e('ObjectNotFound', 'A file named by a parameter does not exist.', 'Check the path.'),
  FileWriteFailed: e('WriteError', 'A file could not be written.', 'Check the path, space and permissions and run again.'),
  FolderNotProtected: e(
    'PermissionDenied',
    'A folder the tool writes installers into on a server (the staging folder of a web server) could not be closed to all but administrators, so nothing was ' +
      'put there.',
    'Run as an administrator of that server; if another account created C:\\Windows\\Temp\\MfaServerUpgrade, remove it, then run again with -Resume.',
  ),
  GraphAddressRefused: e(
    'SecurityError',
    'A Microsoft Graph address the tool was about to call is not one it may send a token to: a next-page link (@odata.nextLink) to another host or ' +
      'base path, or an address outside the Graph hosts of the national clouds.',
    'Nothing was sent there. Report it: Microsoft Graph itself should never link outside its own address.',
  ),
  GraphCloudMismatch: e(
    'InvalidArgument',
    'The -Cloud given is not the cloud of the connected Microsoft Graph session (Get-MgContext).',
    'Leave -Cloud out (the session\'s cloud is used), or run Connect-MgGraph -Environment <cloud> for the cloud you meant.',
  ),
  GraphNotConnected: e(
    'AuthenticationError',
    'There is no way to read Microsoft Graph: no -AccessToken was given and this PowerShell has no connected Microsoft Graph session (Get-MgContext ' +
      'returned nothing, or the Microsoft.Graph.Authentication module is not installed).',
    'Run Connect-MgGraph -Scopes <the read scopes in the README> first, or give -AccessToken.',
  ),
  GraphRequestFailed: e(
    'ReadError',
    'Microsoft Graph answered a read with an error (the status, Graph\'s error code and message are in the message), or the answer was not JSON.',
    'Read Graph\'s message: a 403 names a missing permission (see the README for the scopes each cmdlet needs); a 404 a missing object.',
  ),
  GraphThrottled: e(
    'LimitsExceeded',
    'Microsoft Graph kept answering 429 Too Many Requests (or 503) after the bounded retries, or asked to wait longer than the tool waits.',
    'Wait the time named in the message and run the command again.',
  ),
  GraphUnauthorized: e(
    'AuthenticationError',
    'Microsoft Graph refused the sign-in (401): the access token is expired, for another cloud or resource, or malformed.',
    'Get a new token (or run Connect-MgGraph again) for the cloud named by -Cloud, then run again.',
  ),
  GroupReadFailed: e(
    'ReadError',
    'A local group of the server could not be read (the Windows PowerShell script listing it failed).',
    'Run Get-LocalGroupMember on the server to see why (access, a damaged group); the readiness check then asks you to check the membership by hand.',
  ),
  HostMethodNotAllowed: e(
    'InvalidArgument',
    'A host call named a method that cannot be called from outside the core.',
    'Internal plumbing: report it with the command that was run.',
  ),
  IisApplicationExists: e(
    'ResourceExists',
    'An IIS site already has an application at the given path.',
    'Choose another virtual directory name or remove the existing application.',
  ),
  IisApplicationNotFound: e('ObjectNotFound', 'An IIS site has no application at the given path.', 'Check the virtual directory name with IIS Manager.'),
  IisConfigMalformed: e(
    'ParserError',
    'applicationHost.config could not be read (file, line and column in the message).',
    'Repair the file (IIS keeps history copies under inetsrv\\config) and run again.',
  ),
  IisSiteNotFound: e('ObjectNotFound', 'IIS has no site of the given name.', 'Check the site name with IIS Manager.'),
  InstallVerificationFailed: e(
    'InvalidResult',
    'The installer reported success but the product is not registered (or not in the expected folder).',
    'Read the installer log named in the message, fix the cause and -Resume.',
  ),
  InstallerBusy: e(
    'ResourceBusy',
    'Another installation kept Windows Installer busy (exit code 1618).',
    'Let it finish (or restart the server) and run again; an upgrade continues with -Resume.',
  ),
  InstallerFailed: e(
    'InvalidResult',
    'An installer (msiexec or the MFA Server setup) ended with a failure exit code.',
    'Read the installer log named in the message, fix the cause and -Resume (or roll back with Undo-MfaServerUpgrade).',
  ),
  InstallerMismatch: e(
    'InvalidData',
    'The installer given is not the expected product or platform.',
    'Point -InstallerPath at the MFA Server media for this server\'s platform.',
  ),
  InstallerNotFound: e(
    'ObjectNotFound',
    'An installer file is missing from the media folder on the server.',
    'Copy the complete MFA Server media to the folder and run again.',
  ),
  InstallerPathNotFound: e(
    'ObjectNotFound',
    'The MFA Server media folder (-InstallerPath) does not exist on the server.',
    'Pass the folder that holds MultiFactorAuthenticationServerSetup.exe.',
  ),
  InternalError: e(
    'NotSpecified',
    'An unexpected failure inside the tool.',
    'Read the log; report it with the log (it holds no secrets). An upgrade continues with -Resume after the cause is fixed.',
  ),
  InvalidBackupItem: e(
    'InvalidArgument',
    'Two backup items would be stored at the same place, or an item uses a name the backup keeps for itself.',
    'Give the items different relative paths.',
  ),
  InvalidInstallerRequest: e(
    'InvalidArgument',
    'A path or property could not be passed to msiexec (quotes, line breaks, not a public property).',
    'Use a path and property values without quotes or line breaks.',
  ),
  InvalidParameter: e(
    'InvalidArgument',
    'A parameter value does not match what the command takes (the message names the parameter).',
    'Correct the parameter.',
  ),
  InvalidFileRange: e(
    'InvalidArgument',
    'A streamed read of a file asked for a range no adapter answers (a negative offset, or a length of 0 or above 4 MiB).',
    'Internal plumbing: report it with the command that was run.',
  ),
  InvalidRegistryValue: e('InvalidArgument', 'A registry value does not fit its type.', 'Internal plumbing: report it with the command that was run.'),
  InvalidRelativePath: e('InvalidData', 'A path inside a backup is not relative, or leaves the backup.', 'The manifest was altered: use another backup.'),
  InvalidRetain: e('InvalidArgument', '-Retain is less than 1.', 'Pass 1 or more; the newest verified backup is never deleted.'),
  InvalidSdkUrl: e('InvalidArgument', '-WebServiceSdkUrl is not an absolute http or https URL.', 'Pass the full URL of PfWsSdk.asmx.'),
  InvalidTaskName: e('InvalidArgument', 'A scheduled task name is not of the form \\Folder\\Name.', 'Use a name without quotes or empty parts.'),
  InvalidTime: e('InvalidArgument', '-At is not a time of day.', 'Use 24-hour HH:mm, for example 02:30, or a [datetime] (Get-Date 02:30).'),
  JournalCorrupt: e(
    'InvalidData',
    'The upgrade journal cannot be read, so the run cannot be resumed from it.',
    'Check the servers with Test-MfaServerUpgrade, then move the run folder away and start a new run; its backups stay where they are.',
  ),
  JournalExists: e(
    'ResourceExists',
    'An upgrade journal already exists where a new run would start one.',
    'Continue that run with -Resume, or move the journal away to start a new one.',
  ),
  JournalInconsistent: e(
    'InvalidData',
    'The upgrade journal contradicts itself (Completed with steps pending, a step run before its backup, a backup step without its folder, a backup folder ' +
      'outside -BackupDestination): it was changed since the run wrote it.',
    'Check the servers with Test-MfaServerUpgrade, then move the run folder away and start a new run; its backups stay where they are.',
  ),
  JournalNotFound: e('ObjectNotFound', '-Resume was given but there is no journal to resume.', 'Run without -Resume to start the upgrade.'),
  JournalOfAnotherServer: e(
    'InvalidOperation',
    'The run folder holds an unfinished upgrade of another machine with the same computer name (or of this name before the server was rebuilt).',
    'Give this server another -BackupDestination; if that run is abandoned, move its run folder away and run again.',
  ),
  JournalSecretRefused: e(
    'InvalidData',
    'A value whose name marks it as a secret was about to be written to the journal, and was refused.',
    'Internal plumbing: report it with the command that was run.',
  ),
  JournalStepDone: e('InvalidOperation', 'A journal step was to run again after it completed.', 'Internal plumbing: report it with the journal.'),
  JournalStepDuplicate: e('InvalidData', 'The plan lists the same step twice.', 'Internal plumbing: report it with the plan.'),
  JournalStepNotRunning: e('InvalidOperation', 'A journal step was to complete while not running.', 'Internal plumbing: report it with the journal.'),
  JournalStepUnknown: e('ObjectNotFound', 'The journal has no step of the given id.', 'The journal does not belong to this plan: start a new run.'),
  JournalValueInvalid: e(
    'InvalidData',
    'A value that is not small text, a number or true/false was about to be written to the journal.',
    'Internal plumbing: report it with the command that was run.',
  ),
  JournalWriteFailed: e(
    'WriteError',
    'The upgrade journal could not be written (for example the disk is full), so the run stopped: a step it cannot record must not run.',
    'Free space or fix the cause where the journal is, then run the same command with -Resume; the journal still says where the run stood.',
  ),
  LabExists: e('ResourceExists', 'A lab already exists at the given path.', 'Pass -Force to replace it, or another -Path.'),
  LabMediaMissing: e(
    'ObjectNotFound',
    'The lab installer media (assets/lab-media) were not found.',
    'Set MFA_LAB_MEDIA to the media folder, or reinstall the module.',
  ),
  LabNotFound: e('ObjectNotFound', 'There is no lab at the given path.', 'Create one with New-MfaLab or check -LabPath.'),
  LabPathInvalid: e('InvalidArgument', 'A lab path contains a character Windows does not allow in file names.', 'Use a valid Windows path.'),
  LabPathOutside: e('InvalidArgument', 'A lab path is not a Windows drive path.', 'Use a path such as C:\\Program Files\\...'),
  LabScenarioUnknown: e('InvalidArgument', 'The lab scenario is not one the tool knows.', 'Use one of the scenarios the message lists.'),
  LabServerAmbiguous: e('InvalidArgument', 'The lab has several servers and none was named.', 'Name one with -ComputerName.'),
  LabServerFileMalformed: e('ParserError', 'A lab server.json lacks required fields.', 'Repair server.json or create the lab again.'),
  LabServerNotFound: e('ObjectNotFound', 'The lab has no server of the given name.', 'Use one of the lab\'s server names.'),
  MalformedHostCall: e(
    'InvalidArgument',
    'A host call is not valid JSON or lacks its method or arguments.',
    'Internal plumbing: report it with the command that was run.',
  ),
  MalformedRequest: e(
    'InvalidArgument',
    'The request the core received is not a JSON object of the expected shape.',
    'Internal plumbing between the module and its core: report it with the command that was run.',
  ),
  ModuleNotFound: e('ObjectNotFound', 'The module folder to copy to a remote server was not found.', 'Reinstall the module (or build it with npm run build).'),
  ModuleUpdated: e(
    'InvalidOperation',
    'The module files on disk are of another build than the one this PowerShell session loaded: the module was updated meanwhile. Raised by the module.',
    "Run 'Import-Module MfaServerUpgrade -Force', then the command again.",
  ),
  MsiCorrupt: e('InvalidData', 'A file is not a readable Windows Installer database.', 'Download or copy the installer again.'),
  NestedLocation: e(
    'InvalidData',
    'A web.config has a <location> element inside another <location>, which .NET refuses (line and column in the message).',
    'Move the inner <location> to the top level of <configuration> (combining the paths), or restore the file, and run the merge again.',
  ),
  NoUpgradeToUndo: e(
    'ObjectNotFound',
    'The run folder under -BackupDestination holds no upgrade (journal.json) and no unfinished Undo for these servers.',
    'Give the -BackupDestination and servers of the upgrade to undo; an upgrade already undone has its records set aside in that folder.',
  ),
  NodeNotFound: e(
    'ObjectNotFound',
    "Node.js was not found for the module's core: the module's bin\\node.exe is missing, MFA_NODE is not set (or names no file) and node is not on PATH. " +
      'Raised by the module.',
    'Install the packaged module (it carries node.exe) or set MFA_NODE to the full path of node.',
  ),
  NotADirectory: e('InvalidOperation', 'A folder was to be made where a file of that name is.', 'Move or rename the file named in the target, then run again.'),
  NotAFile: e('InvalidArgument', 'A path given as a file names a folder.', 'Name the file in that folder (for example its web.config).'),
  NotALab: e('InvalidData', 'The folder is not a lab (lab.json or server.json missing or invalid).', 'Create the lab with New-MfaLab.'),
  NotAWebConfig: e('InvalidData', 'The XML file is not a web.config (its root is not <configuration>).', 'Point the merge at the web.config file itself.'),
  NotInBackup: e('ObjectNotFound', 'A file asked for is not in the backup.', 'List the backup with Test-PhoneFactorBackup and ask for a file it holds.'),
  NotWindows: e('NotImplemented', 'This machine is not Windows and no lab was named.', 'Give -LabPath to work on a simulated server, or run on Windows.'),
  NothingToRestore: e(
    'ObjectNotFound',
    'The backup holds no files of the components asked for.',
    'Check -Component against what the message says the backup holds.',
  ),
  NothingToUpgrade: e(
    'InvalidOperation',
    'No inventory was given, or no PhoneFactor Agent was found on the servers given.',
    'Pass the output of Get-PhoneFactorComponent, including the server that runs the Agent.',
  ),
  PathNotResolved: e(
    'ObjectNotFound',
    'PowerShell could not resolve a path parameter (a drive or provider it does not know); nothing was done with it.',
    'Give a full path of this machine (C:\\Backups, \\\\server\\share\\x) or of a FileSystem drive (Get-PSDrive -PSProvider FileSystem).',
  ),
  PathNotUsable: e(
    'InvalidArgument',
    'A path parameter is not a usable full path: relative, blank around it, a drive without \\, a control character, too long, not a path of ' +
      'this machine, or not a string.',
    'Give a full path as text, such as C:\\MfaBackup (the message names the parameter and why).',
  ),
  PlanCorrupt: e(
    'InvalidData',
    "The run's plan.json is damaged or of the wrong shape (the message names the line and column, or the field).",
    "Put the run's own plan.json back, or check the servers with Test-MfaServerUpgrade, move the run folder away and start a new run.",
  ),
  PlanInstallerRefused: e(
    'PermissionDenied',
    'The plan would run an installer from outside the media folder given now, the folder MFA Server is installed in, or its own verified staging copy; ' +
      'nothing was run.',
    "Put the run's own plan.json back, or start a new run.",
  ),
  PlanNotFound: e(
    'ObjectNotFound',
    'The run folder holds a journal but not its plan.json, so the run cannot go on.',
    "Put the run's plan.json back, or check the servers with Test-MfaServerUpgrade, move the run folder away and start a new run.",
  ),
  PlanParameterMissing: e('InvalidData', 'A plan step lacks one of its parameters.', 'The plan was altered: make a new plan.'),
  PlanUnsafe: e('InvalidOperation', 'The plan would uninstall before every backup is verified; it was refused.', 'Make a new plan with Get-MfaUpgradePlan.'),
  PowerShellNotFound: e(
    'NotInstalled',
    'PowerShell was not found on this machine to open the remoting session.',
    'Install PowerShell 7 or set MFA_PWSH to its path.',
  ),
  RegistryExportFailed: e(
    'ReadError',
    'reg.exe could not export a registry key.',
    'Run elevated; run the reg.exe command from the message by hand to see why.',
  ),
  RegistryFileMalformed: e('ParserError', 'A .reg file could not be read (file and line in the message).', 'Repair the file.'),
  RegistryKeyInvalid: e(
    'InvalidArgument',
    'A registry key path does not start with a known root such as HKLM, or holds what reg.exe cannot address (quotes, line breaks, an empty segment).',
    'Use a full key path such as HKLM\\SOFTWARE\\Vendor.',
  ),
  RegistryKeyNotFound: e('ObjectNotFound', 'A registry key does not exist in the view asked for.', 'Check the key (and the 32/64-bit view) on the server.'),
  RegistryOutputUnreadable: e(
    'InvalidData',
    'The output of reg.exe could not be read.',
    'Run the reg.exe command from the message by hand to see what it prints; report it.',
  ),
  RegistryReadFailed: e('ReadError', 'reg.exe could not read a registry key.', 'Run elevated; run the reg.exe command from the message by hand to see why.'),
  RegistryWriteFailed: e('WriteError', 'reg.exe could not write or delete a registry value or key.', 'Run elevated and check the key\'s permissions.'),
  RemoteCommandFailed: e(
    'InvalidResult',
    'A step on a remote server failed, or the core there ended while it ran.',
    'Read the message and the server\'s log; an upgrade continues with -Resume.',
  ),
  RemoteConnectionLost: e(
    'ConnectionError',
    'The remoting session to a server was lost mid-command; nothing more was sent to it.',
    'When the server is reachable again, run the command again (an upgrade continues with -Resume).',
  ),
  RemoteFilesNotSupported: e(
    'InvalidArgument',
    'The command works on files of this machine, not of a remote server.',
    'Run it on that server, or copy the files here first.',
  ),
  RemoteModuleCopyFailed: e('WriteError', 'Copying the module to the remote server failed.', 'Check space and permissions of %ProgramData% on the server.'),
  RemoteNodeNotFound: e(
    'NotInstalled',
    'Node.js was not found on the remote server.',
    'Install the packaged module there (it carries node.exe), or pass -RemoteNodePath.',
  ),
  RemoteProtocolError: e(
    'ProtocolError',
    'A remote server answered something the core did not expect.',
    'Check that the same module version runs on both ends; report it with the log.',
  ),
  RemoteTransportInvalid: e(
    'InvalidArgument',
    'A remoting setting (transport or port) is not valid.',
    'Use -RemoteTransport SSH or WSMan and a port from 1 to 65535.',
  ),
  RemoteUnreachable: e(
    'ConnectionError',
    'A remoting session to the server could not be opened, or a given session does not answer.',
    'Check name, network, WinRM/SSH and sign-in; other servers of the command went on.',
  ),
  RedirectVerificationFailed: e(
    'InvalidResult',
    'The redirect web.config written for the retired User portal did not read back as a redirect to the planned address.',
    'Check the folder named in the message (another program writing there, a full disk) and -Resume.',
  ),
  ReplanNotPossible: e(
    'InvalidData',
    '-Replan needs what the run found on the servers at its start, and the journal does not hold it in a usable form.',
    'Resume with the parameters the run was started with.',
  ),
  RestoreIncomplete: e(
    'WriteError',
    'Some files of a backup could not be restored; the ones overwritten are kept in an undo folder.',
    'Fix the cause named per file and restore again.',
  ),
  RestoreTargetIsFolder: e('InvalidOperation', 'A file cannot be restored where a folder of the same name is.', 'Move the folder away and restore again.'),
  RestoreTargetRefused: e(
    'InvalidData',
    'The backup names a restore target that is not a place its own inventory names for the component (or a system path, or one target ' +
      'twice); nothing was restored.',
    'Restore from a backup made by Backup-PhoneFactor that Test-PhoneFactorBackup reports valid.',
  ),
  ResumeParametersDiffer: e(
    'InvalidArgument',
    '-Resume was given other plan-shaping parameters (-InstallerPath, -VirtualDirectoryNaming, -Goal, -KeepWebComponent, or another reviewed plan ' +
      'with -PlanPath) than the run was started with; the message names each difference.',
    'Run with the recorded values to continue, or add -Replan to plan the rest of the run again with the new ones.',
  ),
  ReviewedPlanCorrupt: e(
    'InvalidData',
    'The reviewed plan given with -PlanPath is not valid JSON (the message names the line and column) or not a reviewed plan of this module (the ' +
      'message names the field); nothing was done.',
    'Make the plan again with Get-MfaUpgradePlan -OutFile and have it reviewed.',
  ),
  ReviewedPlanDiffers: e(
    'InvalidOperation',
    'The servers changed since the reviewed plan was made (an inventory, an SDK caller, the media, or a step the plan would now have); the message ' +
      'lists each difference, step by step. Nothing was changed (exit code 69003).',
    'Make the plan again with Get-MfaUpgradePlan -OutFile, have it reviewed, and run that one.',
  ),
  ReviewedPlanNotFound: e('ObjectNotFound', 'The file given with -PlanPath does not exist; nothing was done.', 'Give the path of the reviewed plan file.'),
  ReviewedPlanOfOtherServers: e(
    'InvalidArgument',
    'The reviewed plan was made for other servers (another name, or the same name on another machine, or in another order); nothing was changed.',
    'Target the servers the plan names, or make a plan of these with Get-MfaUpgradePlan -OutFile.',
  ),
  ReviewedPlanParameterConflict: e(
    'InvalidArgument',
    '-PlanPath was given with parameters that would change the plan (-InstallerPath, -VirtualDirectoryNaming, -Goal, -KeepWebComponent with other ' +
      'values than the plan\'s, -BackupDestination other than the plan\'s, or -Replan); the message names each. Nothing was done.',
    'Leave those parameters out (the reviewed plan carries them), or make a new plan with them and have it reviewed.',
  ),
  ReviewedPlanTampered: e(
    'SecurityError',
    'The reviewed plan was changed after it was written: its content does not hash to the SHA-256 it carries. Nothing was done.',
    'Make the plan again with Get-MfaUpgradePlan -OutFile and have it reviewed.',
  ),
  RollbackMediaMissing: e(
    'ObjectNotFound',
    'A PhoneFactor product about to be uninstalled has no verified package that can reinstall it (nothing was uninstalled).',
    'Put the installer of that product and version (with its cabinet files) in a folder and run again with -RollbackMediaPath <folder>, or accept ' +
      'the risk with -SkipReadiness RollbackMedia.',
  ),
  RollbackMediaPathNotFound: e(
    'ObjectNotFound',
    'The folder given with -RollbackMediaPath does not exist on the server it is read on.',
    'Give a folder on that server (with -LabPath: a C:\\ path inside the lab server) that holds the previous installers.',
  ),
  RunFolderNotProtected: e(
    'PermissionDenied',
    'The run folder (journal, plan) could not be limited to administrators, so the upgrade did not start.',
    'Choose a -BackupDestination on an NTFS volume where this account may change permissions.',
  ),
  RunInProgress: e('ResourceBusy', 'Another run of this upgrade holds its run.lock (exit code 1618).', 'Wait for it to end, then run again with -Resume.'),
  RunRecordsMismatch: e(
    'InvalidData',
    "The run's journal and plan do not belong together (the plan's SHA-256 or its steps differ from the journal's record).",
    "Put the run's own files back, or check the servers with Test-MfaServerUpgrade, move the run folder away and start a new run.",
  ),
  RunStopNotRecorded: e(
    'InvalidOperation',
    "A core's stop could not be recorded in the run's journal: the request was not valid (it names the field), or the process it named still runs.",
    'Nothing to do for the stop itself; the next run of the upgrade finds and records it.',
  ),
  ScheduledTaskQueryFailed: e(
    'ReadError',
    'schtasks.exe could not read a scheduled task.',
    'Run elevated; run the schtasks command from the message by hand to see why.',
  ),
  EventLogWriteFailed: e(
    'WriteError',
    'The entry could not be written to the Application event log.',
    'Run elevated; if another program owns the event source MfaServerUpgrade, remove that source. The run itself is not affected.',
  ),
  ScheduledTaskNotFound: e(
    'ObjectNotFound',
    'There is no scheduled task of that name on the server.',
    'Register it with Register-PhoneFactorBackupTask, or give the name it was registered under with -TaskName.',
  ),
  ScheduledTaskRegisterFailed: e('WriteError', 'schtasks.exe could not register the backup task.', 'Run elevated; check the destination and the message.'),
  ScheduledTaskUnregisterFailed: e(
    'WriteError',
    'schtasks.exe could not remove the backup task.',
    'Run elevated; remove it in Task Scheduler by hand if it persists.',
  ),
  SdkConsumerChanged: e(
    'InvalidData',
    'A file that calls the Web Service SDK no longer holds, in the setting the plan names, the old SDK URL nor the new one: it changed after the plan.',
    'Check the file named in the message (its backup holds it as it was), then -Resume -Replan so the plan is made from the file as it is now.',
  ),
  ServerClaimUnreadable: e(
    'InvalidData',
    'The file that says which run is upgrading the server cannot be read.',
    'If no other upgrade of the server is going on, delete the file named in the message and run again.',
  ),
  ServerClaimedByOtherRun: e(
    'ResourceBusy',
    'Another run (another folder or machine) is upgrading the server (exit code 69003).',
    'Continue that run with -Resume where it was started.',
  ),
  ServerNotInRun: e(
    'InvalidArgument',
    'The plan names a server that is not among the targets of this run.',
    'Pass every server of the plan (pipe Get-PhoneFactorComponent for all of them).',
  ),
  ServiceControlFailed: e(
    'InvalidResult',
    'sc.exe could not start, stop or configure a service.',
    'Check the service in services.msc and the System event log.',
  ),
  ServiceDisabled: e('InvalidOperation', 'A disabled service was to be started.', 'Set its start type (services.msc) and run again.'),
  ServiceNotFound: e('ObjectNotFound', 'A service of the given name does not exist on the server.', 'Check the service name.'),
  ServiceOutputUnreadable: e(
    'InvalidData',
    'The output of sc.exe could not be read.',
    'Run the sc.exe command from the message by hand to see what it prints; report it.',
  ),
  ServiceRestartFailed: e('InvalidResult', 'The work finished, but a service stopped for it did not start again.', 'Start the service by hand.'),
  ServiceStartTimedOut: e('OperationTimeout', 'A service did not reach Running in time.', 'Check the service and the System event log; run again.'),
  ServiceStopTimedOut: e('OperationTimeout', 'A service did not stop in time.', 'Check what keeps the service running; run again.'),
  SessionNotOpen: e('ConnectionError', 'A PSSession given with -Session is not open.', 'Open a new session (New-PSSession) and run again with it.'),
  SourceChangedDuringCopy: e(
    'ResourceBusy',
    'A file kept changing while it was copied, so no consistent copy could be made.',
    'Back up again with -StopService so the service that writes it is stopped meanwhile.',
  ),
  SourceNotFound: e('ObjectNotFound', 'A file or folder listed for backup does not exist.', 'Check the inventory (Get-PhoneFactorComponent) and run again.'),
  SourceReadFailed: e('ReadError', 'A file could not be read.', 'Check that no program holds it locked, then run again.'),
  TargetReadOnly: e('PermissionDenied', 'The file to change is read-only.', 'Clear the read-only attribute and run again.'),
  TaskDestinationNotAbsolute: e(
    'InvalidArgument',
    'The scheduled task destination is not a full Windows path.',
    'Give -Destination as D:\\Backups\\... or \\\\server\\share\\...',
  ),
  TaskDestinationUnsupported: e(
    'InvalidArgument',
    'The scheduled task destination contains a character the task command line cannot carry.',
    'Use a path without quotes, percent signs or control characters.',
  ),
  TaskModuleNotReachable: e(
    'InvalidOperation',
    'The module the scheduled task would import (by its full path, as SYSTEM in Windows PowerShell 5.1) lies where that task cannot rely on it: ' +
      'under a user profile, on a network share, or at a path its command line cannot carry.',
    'Install the module for all users (Install-PSResource MfaServerUpgrade -Scope AllUsers, or copy it to C:\\Program Files\\WindowsPowerShell\\Modules), ' +
      'import it from there and register the task again.',
  ),
  TaskModuleUnknown: e(
    'InvalidOperation',
    'The core was not started by the MfaServerUpgrade module, so the module the scheduled task should import is not known.',
    'Run Register-PhoneFactorBackupTask from the MfaServerUpgrade module installed on the server.',
  ),
  TaskXmlInvalid: e('InvalidData', 'A scheduled task XML is not well-formed or not a <Task>.', 'Internal plumbing: report it with the command that was run.'),
  TenantGroupAmbiguous: e(
    'InvalidArgument',
    'Several groups of the tenant have the display name given to -MigrationGroup.',
    'Give the group\'s object id (the message lists the candidates).',
  ),
  TenantGroupNotFound: e(
    'ObjectNotFound',
    'No group of the tenant has the object id or display name given to -MigrationGroup.',
    'Check the name or id (Get-MgGroup -Filter "displayName eq \'...\'") and run again.',
  ),
  TenantStateNotProtected: e(
    'PermissionDenied',
    'The folder for the tenant snapshot could not be limited to administrators, so nothing was written.',
    'Choose a folder on an NTFS volume where this account may change permissions.',
  ),
  TransferCorrupted: e(
    'InvalidData',
    'A file copied over the remoting session did not hash to what the server computed.',
    'Run again; check the network if it repeats.',
  ),
  UndoBackupInvalid: e(
    'InvalidData',
    'The backup an upgrade recorded for a server does not verify (a file changed or is missing, or a rollback package is no longer the product it is ' +
      'kept for), so Undo-MfaServerUpgrade changed nothing.',
    'Put the backup back as it was made (Test-PhoneFactorBackup must pass), then run Undo-MfaServerUpgrade again.',
  ),
  UndoPackageMissing: e(
    'ObjectNotFound',
    'A PhoneFactor product the Undo must reinstall has no verified package in the backup (the upgrade ran with -SkipReadiness RollbackMedia, or the ' +
      'backup predates rollback media), so Undo-MfaServerUpgrade changed nothing.',
    'Reinstall that product from its original installer (rollback-media.json in the backup names its folder, virtual directory and properties), then run ' +
      'Undo-MfaServerUpgrade again.',
  ),
  UndoRecordsMismatch: e(
    'InvalidData',
    'The Undo\'s own records (undo-journal.json, undo-plan.json) are not those of the upgrade recorded in the run folder, or do not agree with each other.',
    'Check the servers with Get-PhoneFactorComponent; put the Undo\'s own files back, or move them away to plan the Undo again from the servers as they are.',
  ),
  UndoVerificationFailed: e(
    'InvalidResult',
    'After the Undo, a server does not match its backup (products and versions, virtual directories, restored files, product key or service; the ' +
      'failing checks are in the message).',
    'Fix what the checks name and run Undo-MfaServerUpgrade again: it checks each step on the server and goes on from where it stopped.',
  ),
  UnknownOperation: e(
    'InvalidArgument',
    'The core was asked for an operation it does not know.',
    'Internal plumbing between the module and its core: reinstall the module.',
  ),
  UnsafePathName: e(
    'InvalidData',
    'A name taken from a record (a computer name in a backup or a lab, a server folder in lab.json) cannot be a folder or file name: it could lead elsewhere.',
    'The record was altered or is not from a real server: use an untouched backup or lab, or rename the computer in it.',
  ),
  UsageLogsNotFound: e(
    'ObjectNotFound',
    'No MFA Server service log (MultiFactorAuthSvc.log or a rolled-over copy of it) was found where the command looked: the install path\'s Logs folder, ' +
      'or the files and folders given with -Path.',
    'Check that MFA Server (or the PhoneFactor Agent) is installed there, or give -Path with the folder or files that hold the logs (copies too).',
  ),
  UpgradeInProgress: e('InvalidOperation', 'An upgrade of these servers was started earlier and is not complete.', 'Run again with -Resume to continue it.'),
  VerificationFailed: e(
    'InvalidResult',
    'The upgraded server did not pass verification (the failing checks are in the message).',
    'Fix what the checks name and -Resume, or roll back with Undo-MfaServerUpgrade.',
  ),
  VirtualDirectoryMissing: e(
    'InvalidResult',
    'A web component was installed but not on the virtual directory asked for.',
    'Check IIS and the installer log named in the message; -Resume after fixing it.',
  ),
  VirtualDirectoryNotSettable: e(
    'NotImplemented',
    'The installer has no property for the virtual directory, so it cannot be installed silently on the name asked for.',
    'Run it interactively and set the virtual directory as the message says.',
  ),
  WebConfigEmpty: e('InvalidData', 'A web.config is empty (no XML at all).', 'Name the right file, or restore it from the backup, and run the merge again.'),
  WebConfigEncoding: e('InvalidData', 'A web.config is not in a supported encoding.', 'Save it as UTF-8 or UTF-16 and run the merge again.'),
  WebConfigInternalError: e(
    'NotSpecified',
    'The web.config merge met a structure it cannot process; nothing was written.',
    'Report it with the file\'s structure (not its values).',
  ),
  WebConfigMalformed: e(
    'ParserError',
    'A web.config is not well-formed XML (line and column in the message).',
    'Correct the file (or restore it from the backup) and run the merge again.',
  ),
  WebConfigNotXml: e(
    'InvalidData',
    'A file given as a web.config is not XML at all (it does not start with <).',
    'Name the web.config file itself and run the merge again.',
  ),
} as const satisfies Record<string, ErrorEntry>;

/** A code the core can raise. `CoreError` takes only these: a code missing from the catalog does not compile. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, code);
}

/**
 * A code that came over the wire from the core (or remoting script) on a remote server. The same module version runs
 * there, so it is known; a code this catalog lacks (a damaged or foreign peer) is reported as a protocol error rather
 * than passed on unchecked.
 */
export function remoteErrorCode(code: string): ErrorCode {
  return isErrorCode(code) ? code : 'RemoteProtocolError';
}
