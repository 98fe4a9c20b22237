/**
 * One line of MultiFactorAuthSvc.log, read by the grammar of domain/service-log.ts. Tolerant by design: the grammar
 * is inferred from samples [?], so a line is understood, or known not to be about authentication, or kept as
 * unparsed with the reason; never dropped. Written by hand (indexOf, charCodeAt) rather than as one regular
 * expression, because it runs once per line of logs that reach gigabytes (bench/usage.bench.mjs).
 */
import { RESULT_CODES, type Caller } from '../domain/service-log';
import { callerNamed } from './caller-names';
import type { ReportedMethod } from './types';

export interface AuthenticationEvent {
  user: string;
  /** 'second': a Pfauth result (the MFA call); 'primary': the first-factor check MFA Server made itself. */
  factor: 'second' | 'primary';
  succeeded: boolean;
  /** The Call status constant, or PRIMARY_AUTH_SUCCEEDED / PRIMARY_AUTH_FAILED (our names) for first-factor lines. */
  result: string;
  method: ReportedMethod;
  caller: Caller;
  source: string | null;
}

export type ParsedLine =
  | {
      kind: 'authentication';
      timestamp: string;
      level: string;
      pid: number;
      tid: number;
      component: string;
      requestId: string | null;
      event: AuthenticationEvent;
    }
  | { kind: 'other'; timestamp: string }
  | { kind: 'unparsed'; reason: string };

export const PRIMARY_AUTH_SUCCEEDED = 'PRIMARY_AUTH_SUCCEEDED';
export const PRIMARY_AUTH_FAILED = 'PRIMARY_AUTH_FAILED';

const NOT_A_LOG_LINE: ParsedLine = { kind: 'unparsed', reason: 'not <time>|<level>|<pid>|<tid>|<component>|<message>' };

const isDigit = (c: number) => c >= 48 && c <= 57;
/** A character of a result constant: A-Z, 0-9, _. */
const isConstantChar = (c: number) => (c >= 65 && c <= 90) || isDigit(c) || c === 95;
const isHex = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** The end of the timestamp a line starts with (`2019-04-23T17:22:14[.516730]Z`), or -1. */
export function timestampEnd(line: string): number {
  if (line.length < 20) return -1;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!isDigit(line.charCodeAt(i))) return -1;
  if (line[4] !== '-' || line[7] !== '-' || line[10] !== 'T' || line[13] !== ':' || line[16] !== ':') return -1;
  let p = 19;
  if (line[p] === '.') {
    p++;
    while (isDigit(line.charCodeAt(p))) p++;
  }
  return line[p] === 'Z' ? p + 1 : -1;
}

/** The field from `start` to the next '|', or undefined when there is none. */
function fieldEnd(line: string, start: number): number {
  return line.indexOf('|', start);
}

function digitsOnly(line: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) if (!isDigit(line.charCodeAt(i))) return false;
  return true;
}

function isGuidAt(line: string, p: number): boolean {
  if (line.charCodeAt(p + 36) !== 124 /* | */) return false;
  for (let i = 0; i < 36; i++) {
    const c = line.charCodeAt(p + i);
    if (i === 8 || i === 13 || i === 18 || i === 23 ? c !== 45 /* - */ : !isHex(c)) return false;
  }
  return true;
}

export function parseLine(line: string): ParsedLine {
  const tsEnd = timestampEnd(line);
  if (tsEnd < 0 || line.charCodeAt(tsEnd) !== 124) return NOT_A_LOG_LINE;
  const levelEnd = fieldEnd(line, tsEnd + 1);
  const pidEnd = levelEnd < 0 ? -1 : fieldEnd(line, levelEnd + 1);
  const tidEnd = pidEnd < 0 ? -1 : fieldEnd(line, pidEnd + 1);
  const componentEnd = tidEnd < 0 ? -1 : fieldEnd(line, tidEnd + 1);
  if (componentEnd < 0 || levelEnd - tsEnd - 1 < 1 || levelEnd - tsEnd - 1 > 8) return NOT_A_LOG_LINE;
  if (!digitsOnly(line, levelEnd + 1, pidEnd) || !digitsOnly(line, pidEnd + 1, tidEnd) || componentEnd === tidEnd + 1) return NOT_A_LOG_LINE;
  const hasRequestId = isGuidAt(line, componentEnd + 1);
  const messageStart = hasRequestId ? componentEnd + 38 : componentEnd + 1;
  const timestamp = line.slice(0, tsEnd);
  const component = line.slice(tidEnd + 1, componentEnd);
  const event = authenticationOf(line, messageStart, component);
  if (event === undefined) return { kind: 'other', timestamp };
  if (typeof event === 'string') return { kind: 'unparsed', reason: event };
  return {
    kind: 'authentication',
    timestamp,
    level: line.slice(tsEnd + 1, levelEnd),
    pid: Number(line.slice(levelEnd + 1, pidEnd)),
    tid: Number(line.slice(pidEnd + 1, tidEnd)),
    component,
    requestId: hasRequestId ? line.slice(componentEnd + 1, componentEnd + 37) : null,
    event,
  };
}

const USER_OPEN = " for user '";
const CALL_STATUS = 'Call status: ';
/**
 * A message about a user's authentication in a form not known here: kept as unparsed, it may be one. Both words are
 * needed: the product's own name ("Multi-Factor Authentication Server service installed") is not an authentication.
 */
const MENTIONS_AUTH = /auth/i;
const MENTIONS_USER = /\buser\b/i;

/** The event of an authentication message; undefined for other messages; a reason when it looks like one but is not understood. */
function authenticationOf(line: string, m: number, component: string): AuthenticationEvent | string | undefined {
  if (line.startsWith('Pfauth ', m)) return secondFactor(line, m + 7, component);
  if (line.startsWith('Primary auth ', m)) return primaryAuth(line, m + 13, component);
  if (line.startsWith('Failed ', m)) {
    const authFor = line.indexOf(' auth for user ', m + 7);
    if (authFor > 0) return primaryFailure(line, m + 7, authFor, component);
  }
  const message = line.slice(m);
  return MENTIONS_AUTH.test(message) && MENTIONS_USER.test(message) ? 'an authentication message in a form this parser does not know' : undefined;
}

/** `succeeded|failed` at p, then the user. */
function verbAndUser(line: string, p: number, end: number): { succeeded: boolean; user: string; words: string } | string {
  const succeeded = line.startsWith('succeeded', p);
  if (!succeeded && !line.startsWith('failed', p)) return "neither 'succeeded' nor 'failed'";
  const who = userAt(line, p + (succeeded ? 9 : 6), end);
  return typeof who === 'string' ? who : { succeeded, ...who };
}

/** ` for user '<user>'<words>` at `open`; the user ends at the last quote before `end` (a name may hold a quote: O'Brien). */
function userAt(line: string, open: number, end: number): { user: string; words: string } | string {
  if (!line.startsWith(USER_OPEN, open)) return "no user (for user '…')";
  const close = line.lastIndexOf("'", end - 1);
  if (close < open + USER_OPEN.length) return 'the user name has no closing quote';
  return { user: line.slice(open + USER_OPEN.length, close), words: line.slice(close + 1, end) };
}

function secondFactor(line: string, p: number, component: string): AuthenticationEvent | string {
  const status = line.indexOf(CALL_STATUS, p);
  if (status < 0) return "a Pfauth line without 'Call status:'";
  const who = verbAndUser(line, p, status);
  if (typeof who === 'string') return who;
  let end = status + CALL_STATUS.length;
  while (end < line.length && isConstantChar(line.charCodeAt(end))) end++;
  const result = line.slice(status + CALL_STATUS.length, end);
  if (!result) return "no result constant after 'Call status:'";
  const known = RESULT_CODES[result];
  return {
    user: who.user,
    factor: 'second',
    succeeded: who.succeeded,
    result,
    method: known === undefined ? 'Unknown' : (known.method ?? 'Unknown'),
    caller: callerNamed(component, who.words),
    source: sourceIn(who.words),
  };
}

/** `Primary auth succeeded|failed for user '<user>'…` (SIEM parsers of `pfsvc:` syslog lines [?]). */
function primaryAuth(line: string, p: number, component: string): AuthenticationEvent | string {
  const who = verbAndUser(line, p, line.length);
  if (typeof who === 'string') return who;
  return primaryEvent(who.user, who.succeeded, callerNamed(component, who.words), sourceIn(who.words));
}

/** `Failed <auth type> auth for user '<user>'… Logon failure: …`: the auth type may name the caller (RADIUS, LDAP). */
function primaryFailure(line: string, typeStart: number, authFor: number, component: string): AuthenticationEvent | string {
  const reason = line.indexOf(' Logon failure:', authFor);
  const who = userAt(line, authFor + ' auth'.length, reason < 0 ? line.length : reason);
  if (typeof who === 'string') return who;
  return primaryEvent(who.user, false, callerNamed(component, `${line.slice(typeStart, authFor)} ${who.words}`), sourceIn(who.words));
}

function primaryEvent(user: string, succeeded: boolean, caller: Caller, source: string | null): AuthenticationEvent {
  return { user, factor: 'primary', succeeded, result: succeeded ? PRIMARY_AUTH_SUCCEEDED : PRIMARY_AUTH_FAILED, method: 'PrimaryAuth', caller, source };
}

const FROM = /\bfrom\s+([^\s(]+)/;

/** The client address of ` from 10.0.0.5[:port]` among the words after the user, without a sentence's full stop. */
function sourceIn(words: string): string | null {
  const m = FROM.exec(words);
  return m ? m[1].replace(/\.$/, '') : null;
}
