/**
 * Run work with a Windows service stopped (Backup-PhoneFactor -StopService, restore of the data file), and start
 * it again afterwards, also when the work fails. A service that was already stopped is left stopped.
 * host.stopService / startService are expected to wait until the service reached its state.
 */
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';

export async function withServiceStopped<T>(host: Host, serviceName: string, work: () => Promise<T>): Promise<T> {
  const service = await host.getService(serviceName);
  if (!service) {
    throw new CoreError('ServiceNotFound', `The service "${serviceName}" does not exist on ${host.computerName}.`, serviceName);
  }
  const wasRunning = service.state !== 'Stopped';
  if (wasRunning) await host.stopService(serviceName);

  let result: T;
  try {
    result = await work();
  } catch (workError) {
    if (wasRunning) {
      try {
        await host.startService(serviceName);
      } catch (startError) {
        // The work's error is the one to report; the admin must also learn that the service is down.
        if (workError instanceof CoreError) {
          workError.details.serviceRestartFailed = (startError as Error).message ?? String(startError);
        }
      }
    }
    throw workError;
  }
  if (wasRunning) {
    await host.startService(serviceName).catch((e) => {
      throw new CoreError(
        'ServiceRestartFailed',
        `The work finished, but the service "${serviceName}" did not start again on ${host.computerName}: ${(e as Error).message}. Start it by hand.`,
        serviceName,
      );
    });
  }
  return result;
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
