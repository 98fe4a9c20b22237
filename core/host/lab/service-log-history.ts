/**
 * Synthetic MFA Server service log lines in the grammar of domain/service-log.ts (itself inferred [?]): what a lab's
 * Logs\MultiFactorAuthSvc.log holds, and what the usage tests and bench/usage.bench.mjs read. Deterministic for a seed.
 * Each line comes with what it is (an authentication and its facts, another line, or garbage), so that a test can
 * count the expected aggregates itself, independently of the parser under test.
 */
import { formatAuthenticationMessage, formatServiceLogLine, type Caller } from '../../domain/service-log';

export interface HistoryOptions {
  seed: number;
  /** The first line's time; lines follow each other by `stepMs` on average. */
  start: Date;
  lines: number;
  stepMs?: number;
  users: string[];
  /** Share of lines that are not log lines at all (garbage, stack traces, cut lines), 0 to 1. */
  garbage?: number;
  /** Share of well-formed lines that are not about authentication (service, AD sync, errors), 0 to 1. */
  other?: number;
}

export interface GeneratedAuthentication {
  user: string;
  time: Date;
  factor: 'second' | 'primary';
  succeeded: boolean;
  /** The result constant (PRIMARY_AUTH_SUCCEEDED / _FAILED for first-factor lines). */
  result: string;
  caller: Caller;
  source: string | null;
}

export type GeneratedLine =
  | { kind: 'authentication'; text: string; authentication: GeneratedAuthentication }
  | { kind: 'other'; text: string }
  | { kind: 'garbage'; text: string };

/** A small fast PRNG (mulberry32): the same seed gives the same log everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Results as a busy server might show them: mostly the mobile app and phone calls, some failures, one constant no table lists. */
const RESULTS: ReadonlyArray<[string, boolean, number]> = [
  ['SUCCESS_PHONE_APP_AUTHENTICATED', true, 30],
  ['SUCCESS_WITH_PIN', true, 10],
  ['SUCCESS_NO_PIN', true, 10],
  ['SUCCESS_SMS_AUTHENTICATED', true, 8],
  ['SUCCESS_OATH_CODE_VERIFIED', true, 6],
  ['SUCCESS_USED_CACHE', true, 5],
  ['SUCCESS_BYPASSED_AUTH', true, 1],
  ['SUCCESS_FALLBACK_SECURITY_QUESTIONS_ANSWERED', true, 1],
  ['FAILED_PHONE_APP_DENIED', false, 3],
  ['FAILED_PHONE_APP_NO_RESPONSE', false, 4],
  ['FAILED_SMS_OTP_INCORRECT', false, 2],
  ['FAILED_USER_HUNGUP_ON_US', false, 2],
  ['SUCCESS_USER_BLOCKED', false, 1],
  ['FAILED_AUTHENTICATION_THROTTLED', false, 1],
  ['SUCCESS_NOT_IN_ANY_TABLE', true, 1],
];
const RESULT_WEIGHT = RESULTS.reduce((n, [, , w]) => n + w, 0);

/** How lines may name their caller: the words around the user, or the component tag. */
const CALLER_WORDS: ReadonlyArray<[Caller, string | undefined, string]> = [
  ['Radius', 'RADIUS', 'pfsvc'],
  ['Radius', 'RADIUS client', 'pfsvc'],
  ['Ldap', 'LDAP', 'pfsvc'],
  ['AdFs', 'AD FS', 'pfsvc'],
  ['AdFs', undefined, 'pfadfs'],
  ['WebServiceSdk', 'Web Service SDK', 'pfsvc'],
  ['UserPortal', 'User Portal', 'pfsvc'],
  ['Iis', 'IIS', 'pfsvc'],
  ['Unknown', undefined, 'pfsvc'],
  ['Unknown', undefined, 'pfsvc'],
];

const OTHER_MESSAGES: ReadonlyArray<[string, string, string]> = [
  ['i', 'pfsvc', 'Service started.'],
  ['i', 'pfadssvc', 'Synchronization task completed: 0 users added, 2 users updated.'],
  ['e', 'pfadssvc', '***** ERROR ***** Error sending email to lab@contoso.com.'],
  ['i', 'pfsvc', 'Unhandled SB message type 17 from 10.0.0.2.'],
  ['i', 'pfsvc', 'Replication with MFA02 completed.'],
];

const GARBAGE: ReadonlyArray<string> = [
  '   at PfSvc.Backend.Call(String request)',
  '2019-13-45 not a time|i|1|2|pfsvc|Service started.',
  '',
  '\u0000\u0001\u0002 binary noise',
  'Pfauth succeeded for user \'someone\' (the start of the line is missing)',
];

export function* serviceLogHistory(options: HistoryOptions): Generator<GeneratedLine> {
  const next = random(options.seed);
  const pick = <T>(xs: ReadonlyArray<T>) => xs[Math.floor(next() * xs.length)];
  const step = options.stepMs ?? 60_000;
  let time = options.start.getTime();
  for (let i = 0; i < options.lines; i++) {
    time += Math.floor(next() * 2 * step);
    const at = new Date(time);
    const timestamp = `${at.toISOString().slice(0, 19)}.${String(at.getUTCMilliseconds()).padStart(3, '0')}${String(i % 1000).padStart(3, '0')}Z`;
    const pid = 1800 + (i % 7);
    const tid = 2000 + Math.floor(next() * 5000);
    if (next() < (options.garbage ?? 0)) {
      yield { kind: 'garbage', text: pick(GARBAGE) };
      continue;
    }
    if (next() < (options.other ?? 0)) {
      const [level, component, message] = pick(OTHER_MESSAGES);
      yield { kind: 'other', text: formatServiceLogLine({ timestamp, level, pid, tid, component, message }) };
      continue;
    }
    const user = pick(options.users);
    const [caller, words, component] = pick(CALLER_WORDS);
    const source = next() < 0.5 ? `10.0.${Math.floor(next() * 4)}.${1 + Math.floor(next() * 200)}` : null;
    if (next() < 0.1) {
      // A first-factor check MFA Server made itself (RADIUS / LDAP targets), succeeded or failed.
      const succeeded = next() < 0.7;
      const from = source ? ` from ${source}` : '';
      const named = words ? ` (${words})` : '';
      const message = succeeded
        ? `Primary auth succeeded for user '${user}'${from}${named}.`
        : `Failed ${words ?? 'primary'} auth for user '${user}'${from}. Logon failure: Unknown user name or bad password.`;
      yield {
        kind: 'authentication',
        text: formatServiceLogLine({ timestamp, level: 'i', pid, tid, component, message }),
        authentication: { user, time: at, factor: 'primary', succeeded, result: succeeded ? 'PRIMARY_AUTH_SUCCEEDED' : 'PRIMARY_AUTH_FAILED', caller, source },
      };
      continue;
    }
    let w = next() * RESULT_WEIGHT;
    const [result, succeeded] = RESULTS.find(([, , weight]) => (w -= weight) < 0) ?? RESULTS[0];
    const requestId = next() < 0.5 ? guid(next) : undefined;
    const message = formatAuthenticationMessage({ user, succeeded, result, source: source ?? undefined, callerText: words });
    yield {
      kind: 'authentication',
      text: formatServiceLogLine({ timestamp, level: 'i', pid, tid, component, requestId, message }),
      authentication: { user, time: at, factor: 'second', succeeded, result, caller, source },
    };
  }
}

function guid(next: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}
