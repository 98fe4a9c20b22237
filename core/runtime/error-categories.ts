/**
 * Which PowerShell ErrorCategory each error code maps to. Codes not listed are matched by their wording, so a new
 * code gets a sensible category without an entry here.
 */
const EXACT: Record<string, string> = {
  InvalidParameter: 'InvalidArgument',
  MalformedRequest: 'InvalidArgument',
  UnknownOperation: 'InvalidArgument',
  DryRunNotSupported: 'InvalidArgument',
  InvalidSdkUrl: 'InvalidArgument',
  AmbiguousTarget: 'InvalidArgument',
  WebConfigMalformed: 'ParserError',
  RegistryFileMalformed: 'ParserError',
  IisConfigMalformed: 'ParserError',
  NotAWebConfig: 'InvalidData',
  DuplicateKey: 'InvalidData',
  EncryptedSection: 'NotImplemented',
  TargetReadOnly: 'PermissionDenied',
  AccessDenied: 'PermissionDenied',
  DiskFull: 'ResourceUnavailable',
  InstallerBusy: 'ResourceBusy',
  RemoteNotAvailable: 'NotImplemented',
  RemoteUnreachable: 'ConnectionError',
  RemoteConnectionLost: 'ConnectionError',
  SessionNotOpen: 'ConnectionError',
  CredentialNotSupported: 'InvalidArgument',
  NotWindows: 'NotImplemented',
  InternalError: 'NotSpecified',
};

const BY_WORD: [RegExp, string][] = [
  [/NotFound|Missing/, 'ObjectNotFound'],
  [/Exists|AlreadyInstalled/, 'ResourceExists'],
  [/Malformed|Corrupt|Invalid|Mismatch/, 'InvalidData'],
  [/Denied|ReadOnly/, 'PermissionDenied'],
  [/Busy|Timeout/, 'OperationTimeout'],
  [/Changed|Incomplete|Failed/, 'InvalidResult'],
];

export function errorCategory(code: string): string {
  if (EXACT[code]) return EXACT[code];
  const match = BY_WORD.find(([re]) => re.test(code));
  return match ? match[1] : 'NotSpecified';
}
