/** Why this file: the Host port's service methods through sc.exe: start, stop and query, confirmed by polling. */
import type { ServiceInfo, ServiceState } from '../host';
import { CoreError } from '../../util/errors';
import type { CommandResult, CommandRunner } from './command-runner';
import { parseRegQueryBlocks } from './reg-query-output';
import { comparableKeyPath } from './registry-key-path';
import { parseScQc, parseScQueryAll, parseScQueryState, SERVICE_DOES_NOT_EXIST, startTypeFromNumber } from './sc-output';
import type { Clock } from './timing';

export interface WindowsServicesOptions {
  scExe: string;
  /** Each program run is stopped after this long (see CommandOptions.timeoutMs). */
  commandTimeoutMs: number;
  regExe: string;
  clock: Clock;
  /** How long stopService/startService wait for the service to reach its state. */
  serviceTimeoutMs: number;
  /** Pause between two `sc query` polls. */
  servicePollMs: number;
}

/** sc.exe control results that mean "not now" or "already there" rather than failure. */
const NOT_ACTIVE = 1062; // stop: the service has not been started
const ALREADY_RUNNING = 1056; // start: an instance is already running
const CANNOT_ACCEPT_CONTROL = 1061; // the service is between states; ask again later

const SERVICES_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services';

function notFound(name: string): CoreError {
  return new CoreError('ServiceNotFound', `Service "${name}" does not exist on this server.`, name);
}

function scFailure(verb: string, name: string, result: CommandResult): CoreError {
  const said = result.stdout.trim() || result.stderr.trim();
  return new CoreError('ServiceControlFailed', `sc.exe ${verb} ${name} failed with ${result.exitCode}${said ? `: ${said}` : ''}.`, name, {
    exitCode: result.exitCode,
  });
}

/** Services through sc.exe; state changes are confirmed by polling, never assumed. */
export class WindowsServices {
  constructor(
    private readonly runner: CommandRunner,
    private readonly options: WindowsServicesOptions,
  ) {}

  private async queryState(name: string): Promise<ServiceState | undefined> {
    const result = await this.runner.run(this.options.scExe, ['query', name], { timeoutMs: this.options.commandTimeoutMs });
    if (result.exitCode === SERVICE_DOES_NOT_EXIST) return undefined;
    if (result.exitCode !== 0) throw scFailure('query', name, result);
    return parseScQueryState(result.stdout, name);
  }

  async get(name: string): Promise<ServiceInfo | undefined> {
    const state = await this.queryState(name);
    if (state === undefined) return undefined;
    const qc = await this.runner.run(this.options.scExe, ['qc', name], { timeoutMs: this.options.commandTimeoutMs });
    if (qc.exitCode === SERVICE_DOES_NOT_EXIST) return undefined; // removed between the two calls
    if (qc.exitCode !== 0) throw scFailure('qc', name, qc);
    const config = parseScQc(qc.stdout, name);
    return { name: config.name, displayName: config.displayName, state, startType: config.startType };
  }

  /**
   * Two processes for all services: sc.exe lists names and states; start types come from one recursive
   * registry query of the Services key (`Start` uses the same numbers as sc's START_TYPE), instead of one
   * `sc qc` per service.
   */
  async list(): Promise<ServiceInfo[]> {
    const query = await this.runner.run(this.options.scExe, ['query', 'type=', 'service', 'state=', 'all'], { timeoutMs: this.options.commandTimeoutMs });
    if (query.exitCode !== 0) throw scFailure('query', 'type= service state= all', query);
    const starts = await this.runner.run(
      this.options.regExe,
      ['query', SERVICES_KEY, '/s', '/v', 'Start', '/reg:64'],
      { timeoutMs: this.options.commandTimeoutMs },
    );
    if (starts.exitCode !== 0) {
      throw new CoreError(
        'RegistryReadFailed',
        `Reading service start types from ${SERVICES_KEY} failed: reg.exe exited with ${starts.exitCode}.`,
        SERVICES_KEY,
      );
    }
    const startByName = new Map<string, number>();
    const prefix = comparableKeyPath(SERVICES_KEY) + '\\';
    for (const block of parseRegQueryBlocks(starts.stdout, SERVICES_KEY)) {
      const path = comparableKeyPath(block.path);
      const serviceName = path.startsWith(prefix) ? path.slice(prefix.length) : '';
      // Only a service's own key counts; `Start` values deeper down (e.g. under Parameters) are not start types.
      if (serviceName === '' || serviceName.includes('\\')) continue;
      const start = block.values.find((v) => v.name.toLowerCase() === 'start');
      if (typeof start?.data === 'number') startByName.set(serviceName, start.data);
    }
    return parseScQueryAll(query.stdout).map((s) => {
      const n = startByName.get(s.name.toLowerCase());
      // A service sc lists but the registry query missed: Manual is SCM's own default for a service without Start.
      const startType = (n === undefined ? undefined : startTypeFromNumber(n)) ?? 'Manual';
      return { ...s, startType };
    });
  }

  stop(name: string): Promise<void> {
    return this.drive(name, 'stop', 'Stopped', NOT_ACTIVE);
  }

  start(name: string): Promise<void> {
    return this.drive(name, 'start', 'Running', ALREADY_RUNNING);
  }

  /**
   * Send the control once the service can take it, then poll `sc query` until the target state,
   * within serviceTimeoutMs. A service already in the target state is left alone.
   */
  private async drive(name: string, verb: 'stop' | 'start', target: ServiceState, alreadyThere: number): Promise<void> {
    const { clock, serviceTimeoutMs, servicePollMs } = this.options;
    const deadline = clock.now() + serviceTimeoutMs;
    let sent = false;
    let last: ServiceState | undefined;
    for (;;) {
      last = await this.queryState(name);
      if (last === undefined) throw notFound(name);
      if (last === target) return;
      // A control sent while the service is between states is refused or misread (a start during STOP_PENDING
      // answers "already running"): wait for it to settle first.
      const settling = last === 'StartPending' || last === 'StopPending';
      if (!sent && !settling) {
        const result = await this.runner.run(this.options.scExe, [verb, name], { timeoutMs: this.options.commandTimeoutMs });
        if (result.exitCode === 0 || result.exitCode === alreadyThere) sent = true;
        else if (result.exitCode === SERVICE_DOES_NOT_EXIST) throw notFound(name);
        else if (result.exitCode !== CANNOT_ACCEPT_CONTROL) throw scFailure(verb, name, result);
      }
      if (clock.now() >= deadline) break;
      await clock.sleep(servicePollMs);
    }
    throw new CoreError(
      verb === 'stop' ? 'ServiceStopTimedOut' : 'ServiceStartTimedOut',
      `Service "${name}" did not reach ${target} within ${Math.round(serviceTimeoutMs / 1000)} s (last state: ${last}).`,
      name,
      { lastState: last },
    );
  }
}
