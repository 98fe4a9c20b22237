/**
 * Microsoft Graph through the caller's own PowerShell. When the admin ran Connect-MgGraph, the token lives in that
 * PowerShell (the Microsoft.Graph.Authentication module) and stays there: the core asks the module's transport to run
 * `Invoke-MgGraphRequest -Method GET` for it and gets the answer's status and JSON back, never a token. Like the
 * remoting broker (host/remote/brokered-powershell.ts), over the core's own stdio:
 *   core → transport  an event on stderr:  {"event":"graph-context","graphId":n}
 *                                          {"event":"graph-get","graphId":n,"uri":"https://…","headers":{…}}
 *   transport → core  one line on stdin:   {"graphId":n,"connected":true,"environment":"Global","scopes":[…],…}
 *                                          {"graphId":n,"status":200,"retryAfter":null,"body":"…"} or {"graphId":n,"error":"…"}
 * The PowerShell side is ps-module/src/Invoke-MfaGraphBroker.ps1: it too sends GET and nothing else, and only to the
 * Graph hosts of the national clouds.
 */
import type { GraphResponse, GraphTransport } from './graph-transport';

/** What Get-MgContext says of the caller's Graph session. */
export interface GraphContext {
  connected: boolean;
  /** Why there is no session (no Microsoft.Graph.Authentication module, or not connected). */
  reason?: string;
  environment?: string;
  scopes?: string[];
  tenantId?: string;
  account?: string;
  authType?: string;
}

type GraphEvent = { event: 'graph-context'; graphId: number } | { event: 'graph-get'; graphId: number; uri: string; headers: Record<string, string> };

interface Waiter {
  resolve: (answer: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export class GraphBroker {
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private endedBecause: string | undefined;

  constructor(private readonly send: (e: GraphEvent) => void) {}

  async context(): Promise<GraphContext> {
    const answer = await this.ask((graphId) => ({ event: 'graph-context', graphId }));
    return {
      connected: answer.connected === true,
      reason: typeof answer.reason === 'string' ? answer.reason : undefined,
      environment: typeof answer.environment === 'string' ? answer.environment : undefined,
      scopes: Array.isArray(answer.scopes) ? answer.scopes.filter((s): s is string => typeof s === 'string') : [],
      tenantId: typeof answer.tenantId === 'string' ? answer.tenantId : undefined,
      account: typeof answer.account === 'string' ? answer.account : undefined,
      authType: typeof answer.authType === 'string' ? answer.authType : undefined,
    };
  }

  async get(url: URL, headers: Readonly<Record<string, string>>): Promise<GraphResponse> {
    const answer = await this.ask((graphId) => ({ event: 'graph-get', graphId, uri: url.href, headers: { ...headers } }));
    return {
      status: typeof answer.status === 'number' ? answer.status : 0,
      retryAfter: typeof answer.retryAfter === 'string' ? answer.retryAfter : null,
      body: typeof answer.body === 'string' ? answer.body : '',
    };
  }

  /** One answer line from the transport; lines that answer no question of ours (a remoting answer) are left alone. */
  deliver(line: string): void {
    if (!line.includes('"graphId"')) return;
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(line.replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch {
      return;
    }
    const id = answer.graphId;
    const waiter = typeof id === 'number' ? this.waiting.get(id) : undefined;
    if (!waiter) return;
    this.waiting.delete(id as number);
    if (typeof answer.error === 'string') waiter.reject(new Error(answer.error));
    else waiter.resolve(answer);
  }

  /** The transport stopped answering (stdin ended): every waiting and later question fails with the reason. */
  end(reason: string): void {
    this.endedBecause ??= reason;
    for (const w of this.waiting.values()) w.reject(new Error(this.endedBecause));
    this.waiting.clear();
  }

  private ask(event: (graphId: number) => GraphEvent): Promise<Record<string, unknown>> {
    if (this.endedBecause) return Promise.reject(new Error(this.endedBecause));
    const graphId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(graphId, { resolve, reject });
      this.send(event(graphId));
    });
  }
}

/** Graph GETs through the broker: the same transport shape as -AccessToken, so the reader cannot tell them apart. */
export function brokeredTransport(broker: GraphBroker): GraphTransport {
  return { kind: 'Brokered', get: (url, headers) => broker.get(url, headers) };
}

let active: GraphBroker | undefined;

/** The broker of this core, when the transport can answer (the core was started attached to a PowerShell). */
export function activeGraphBroker(): GraphBroker | undefined {
  return active;
}

/** Set once by the CLI for an attached core: questions go out on stderr, answers come in on stdin. */
export function startGraphBrokerOnStderr(): GraphBroker {
  active = new GraphBroker((e) => process.stderr.write(JSON.stringify(e) + '\n'));
  return active;
}

/** For tests: a broker over any channel. */
export function useGraphBroker(broker: GraphBroker | undefined): void {
  active = broker;
}
