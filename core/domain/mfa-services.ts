/**
 * The Windows services of PhoneFactor Agent / MFA Server that write the data file: the ones to stop while the data
 * folder is copied or restored (S5: stop MultiFactorAuth, overwrite the file, start the service).
 * The PhoneFactor-era service name is not documented [?] (the lab uses 'PFSVC'), so services are also matched by
 * display name. The AD sync service is left alone: it does not own the data file.
 */
import type { Host, ServiceInfo } from '../host/host';
import { withServiceStopped } from '../backup/index';
import { MFA_SERVICE } from './catalog';

const KNOWN_NAMES = [MFA_SERVICE, 'PFSVC'].map((n) => n.toLowerCase());
const DISPLAY_NAME = /^(phone\s*factor(\s*(agent|service))?|multi-?factor\s*auth(entication)?(\s*server)?(\s*service)?)$/i;

export function isMfaDataService(service: Pick<ServiceInfo, 'name' | 'displayName'>): boolean {
  return KNOWN_NAMES.includes(service.name.toLowerCase()) || DISPLAY_NAME.test(service.displayName.trim());
}

/** Every MFA / PhoneFactor data service installed on the host, running or not, by name. */
export async function findMfaServices(host: Host): Promise<ServiceInfo[]> {
  return (await host.listServices()).filter(isMfaDataService).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Run `work` with every given service stopped; each one that was running is started again afterwards, also
 * when the work fails (services stopped first are started last, as nested try/finally would).
 */
export async function withServicesStopped<T>(host: Host, serviceNames: string[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = serviceNames;
  if (first === undefined) return work();
  return withServiceStopped(host, first, () => withServicesStopped(host, rest, work));
}
