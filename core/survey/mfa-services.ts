/**
 * The Windows services of PhoneFactor Agent / MFA Server that write the data file: the ones to stop while the data
 * folder is copied or restored (S5: stop MultiFactorAuth, overwrite the file, start the service).
 * The PhoneFactor-era service name is not documented [?] (the lab uses 'PFSVC'), so services are also matched by
 * display name. The AD sync service is left alone: it does not own the data file.
 * Stopping them while work runs: backup/with-service-stopped.ts.
 */
import type { Host, ServiceInfo } from '../host/host';
import { MFA_SERVICE } from '../domain/catalog';

const KNOWN_NAMES = [MFA_SERVICE, 'PFSVC'].map((n) => n.toLowerCase());
const DISPLAY_NAME = /^(phone\s*factor(\s*(agent|service))?|multi-?factor\s*auth(entication)?(\s*server)?(\s*service)?)$/i;

export function isMfaDataService(service: Pick<ServiceInfo, 'name' | 'displayName'>): boolean {
  return KNOWN_NAMES.includes(service.name.toLowerCase()) || DISPLAY_NAME.test(service.displayName.trim());
}

/** Every MFA / PhoneFactor data service installed on the host, running or not, by name. */
export async function findMfaServices(host: Host): Promise<ServiceInfo[]> {
  return (await host.listServices()).filter(isMfaDataService).sort((a, b) => a.name.localeCompare(b.name));
}
