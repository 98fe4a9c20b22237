/**
 * .NET 4.x and TLS 1.2: the Migration Utility's calls to Entra and Graph need TLS 1.2 (M8), and an application built
 * for .NET 4.5 (MFA Server v7+, S2) does not use it unless SchUseStrongCrypto and SystemDefaultTlsVersions are 1 under
 * HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319, in the 64-bit and the 32-bit (WOW6432Node) view (M8; P6 for the
 * .NET 4.5.2 defaults). That the Utility depends on these values is an inference from its .NET target.
 */
import type { Host, RegistryView } from '../host/host';
import { DOTNET4_KEY, DOTNET_TLS_VALUES } from '../domain/catalog';
import { LEARN, basis, inference } from '../domain/learn-sources';
import { row } from '../domain/readiness-types';
import type { MigrationRow } from './server-checks';

const VIEWS: { view: RegistryView; name: string }[] = [
  { view: '64', name: '64-bit' },
  { view: '32', name: '32-bit (WOW6432Node)' },
];

export async function dotNetTlsCheck(host: Host): Promise<MigrationRow> {
  const why = basis('.NET Framework 4.x uses TLS 1.2 when SchUseStrongCrypto and SystemDefaultTlsVersions are 1 for v4.0.30319 in both registry views',
    LEARN.tls12) + '; ' + inference('the Migration Utility, a .NET 4.5 application, depends on them');
  const missing: string[] = [];
  const found: string[] = [];
  for (const { view, name } of VIEWS) {
    const key = await host.getRegistryKey(DOTNET4_KEY, view);
    for (const value of DOTNET_TLS_VALUES) {
      const v = key?.values.find((x) => x.name.toLowerCase() === value.toLowerCase());
      if (v && (v.type === 'REG_DWORD' || v.type === 'REG_QWORD') && v.data === 1) found.push(`${value} = 1 (${name})`);
      else missing.push(`${value} ${v ? `= ${JSON.stringify(v.data)} (${v.type})` : 'absent'} (${name})`);
    }
  }
  if (missing.length === 0) return row(host.computerName, 'DotNetTls12', 'Passed', `${DOTNET4_KEY}: ${found.join(', ')}.`, null, why);
  return row(host.computerName, 'DotNetTls12', 'Failed', `${DOTNET4_KEY}: ${missing.join(', ')}.`,
    `Set both values to DWORD 1 in both views (reg add "${DOTNET4_KEY}" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f /reg:64, the same with /reg:32 and ` +
      'for SystemDefaultTlsVersions), then restart the server.', why);
}
