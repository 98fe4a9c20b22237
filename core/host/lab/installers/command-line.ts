/**
 * The command lines the Windows adapter runs, rebuilt for the lab so logs and results read the same everywhere:
 *   msiexec.exe /i "C:\Media\x.msi" /qn /norestart /l*v "C:\Logs\x.log" TARGETVDIR="PhoneFactor"
 *   msiexec.exe /x {ProductCode} /qn /norestart /l*v "C:\Logs\x.log"
 *   "C:\Media\MfaServer\MultiFactorAuthenticationServerSetup.exe" /quiet
 */
import type { MsiexecRequest, SetupRequest } from '../../host';

/** msiexec quoting: a value in double quotes, embedded quotes doubled. */
function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export function msiexecCommandLine(request: MsiexecRequest): string {
  if (request.operation === 'uninstall') {
    return `msiexec.exe /x ${request.productCode} /qn /norestart /l*v ${quote(request.logPath)}`;
  }
  const props = Object.entries(request.properties).map(([k, v]) => ` ${k}=${quote(v)}`).join('');
  return `msiexec.exe /i ${quote(request.packagePath)} /qn /norestart /l*v ${quote(request.logPath)}${props}`;
}

export function setupCommandLine(request: SetupRequest): string {
  const args = request.arguments.map((a) => (a === '' || /[\s"]/.test(a) ? quote(a) : a));
  return [quote(request.path), ...args].join(' ');
}
