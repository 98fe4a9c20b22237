/**
 * Remoting scripts run in the admin's own PowerShell. A PSSession the admin already holds (-Session) and a PSCredential
 * (-Credential) cannot leave the PowerShell they live in, so for such commands the module's transport (Invoke-MfaCore)
 * runs the remoting scripts itself and the core only asks:
 *   core → transport  a `ps-run` event on stderr (NDJSON, beside progress): {event, id, channel, computerName, command}
 *   transport → core  one JSON line per answer on the core's stdin: {id, output} (all the command printed) or {id, error}
 * `command` is the same wrapped one-line command our own pwsh would run (powershell-session.ts), so the scripts and the
 * parsing of their results are shared. A channel is one connection: the transport keeps a state table per channel
 * ($MfaState: the session, and the session or credential the admin gave for that server). Answers may come in any
 * order; channels run in parallel in the transport's runspace pool.
 */
import { parseWrappedOutput, wrappedCommand, type PowerShellChannel, type ScriptOutcome } from './powershell-session';

export interface PsRunEvent {
  event: 'ps-run';
  id: number;
  channel: number;
  computerName: string;
  command: string;
}

/** A warning for the admin (a kept session replaced), shown by the transport as any core's log event is. */
export interface BrokerWarning {
  event: 'log';
  level: 'warning';
  message: string;
}

interface Waiter {
  resolve: (output: string) => void;
  reject: (e: Error) => void;
}

export class Broker {
  private nextId = 1;
  private nextChannel = 1;
  private readonly waiting = new Map<number, Waiter>();
  private endedBecause: string | undefined;

  constructor(private readonly send: (e: PsRunEvent | BrokerWarning) => void) {}

  /** A channel for one connection to one server. */
  channel(computerName: string): PowerShellChannel {
    return new BrokeredPowerShell(this, this.nextChannel++, computerName);
  }

  /** Shows a warning through the transport, beside the command's other output. */
  warn(message: string): void {
    this.send({ event: 'log', level: 'warning', message });
  }

  /** Asks the transport to run a command; resolves with everything it printed. */
  request(channel: number, computerName: string, command: string): Promise<string> {
    if (this.endedBecause) return Promise.reject(new Error(this.endedBecause));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ event: 'ps-run', id, channel, computerName, command });
    });
  }

  /** One answer line from the transport. Lines that answer nothing are ignored (they cannot be matched to a call). */
  deliver(line: string): void {
    let answer: { id?: unknown; output?: unknown; error?: unknown };
    try {
      answer = JSON.parse(line.replace(/^\uFEFF/, '')) as typeof answer;
    } catch {
      return;
    }
    const waiter = typeof answer.id === 'number' ? this.waiting.get(answer.id) : undefined;
    if (!waiter) return;
    this.waiting.delete(answer.id as number);
    if (typeof answer.error === 'string') waiter.reject(new Error(answer.error));
    else waiter.resolve(typeof answer.output === 'string' ? answer.output : '');
  }

  /** The transport stopped answering (its input to us ended): every waiting and later call fails with the reason. */
  end(reason: string): void {
    this.endedBecause ??= reason;
    for (const w of this.waiting.values()) w.reject(new Error(this.endedBecause));
    this.waiting.clear();
  }
}

class BrokeredPowerShell implements PowerShellChannel {
  constructor(
    private readonly broker: Broker,
    private readonly channelId: number,
    private readonly computerName: string,
  ) {}

  async run(script: string, values: unknown = {}): Promise<ScriptOutcome> {
    return parseWrappedOutput(await this.broker.request(this.channelId, this.computerName, wrappedCommand(script, values)));
  }

  /** Nothing to end here: the transport forgets the channel's state when the core ends. */
  async close(): Promise<void> {}
}

let active: Broker | undefined;

/** Set once by the CLI when the transport offers to run remoting scripts (`mfa-core <operation> --broker`). */
export function useBroker(broker: Broker): void {
  active = broker;
}

/** The transport's broker when this core was started with one. */
export function activeBroker(): Broker | undefined {
  return active;
}

/**
 * The broker over the core's own stdio: asks go out on stderr with the other events; the CLI hands it every stdin line
 * after the request (runtime/attached-caller.ts) and ends it when stdin ends.
 */
export function startBrokerOnStderr(): Broker {
  const broker = new Broker((e) => process.stderr.write(JSON.stringify(e) + '\n'));
  useBroker(broker);
  return broker;
}
