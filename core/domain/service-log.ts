/**
 * MFA Server's service log, `<install>\Logs\MultiFactorAuthSvc.log` (mfa-server-facts §4): its line grammar and the
 * result constants its authentication lines carry. Public sources show only samples, so everything here is
 * inferred [?] and the parser that reads it (core/usage/) stays tolerant. Written here, below both the lab (which
 * writes such lines) and core/usage (which reads them), so that writer and reader share one grammar.
 *
 * A line, as the samples show it (W2: the "ASC MFA Logs" wiki mirror; B5: an AD sync log line; SIEM parsers for
 * `|pfsvc|` lines):
 *   <ISO-8601 UTC, fraction optional>|<level letter>|<pid>|<tid>|<component>|[<PfdRequestId GUID>|]<message>
 *   2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|82a3db8d-…|Pfauth succeeded for user 'u'. Call status:
 *     SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".        (one line in the log)
 * Authentication messages seen in public parsers (all [?]):
 *   Pfauth succeeded|failed for user '<user>'[ (distinguishedName format)][ from <ip>[:port]]. Call status: <CONSTANT> - "<description>".
 *   Primary auth succeeded for user '<user>' …            Failed <auth type> auth for user '<user>' … Logon failure: <reason>
 */

export const LOGS_FOLDER = 'Logs';
/** The service log's current file; rolled-over copies carry this name with a suffix (their naming is not documented [?]). */
export const SERVICE_LOG_NAME = 'MultiFactorAuthSvc.log';

/** How a user authenticated, as far as the result constant tells (inferred from W2's descriptions [?]). */
export type AuthMethod = 'PhoneCall' | 'TextMessage' | 'MobileApp' | 'OathToken' | 'SecurityQuestions' | 'OneTimeBypass' | 'Cache';

export interface ResultCode {
  /** MFA backend's numeric code (W2). */
  code: number;
  description: string;
  /** undefined when the constant does not say which method was used (blocked, pending, timed out, throttled). */
  method?: AuthMethod;
}

const r = (code: number, description: string, method?: AuthMethod): ResultCode => ({ code, description, method });

/** The result constants of W2's table ("MFA Server logs and Exported MFA Server reports use a string constant"). */
export const RESULT_CODES: Readonly<Record<string, ResultCode>> = {
  SUCCESS_WITH_PIN: r(1, 'PIN Entered', 'PhoneCall'),
  SUCCESS_NO_PIN: r(2, 'Only # Entered', 'PhoneCall'),
  SUCCESS_WITH_PIN_BUT_TIMEOUT: r(3, '# Not Pressed After Entry', 'PhoneCall'),
  SUCCESS_NO_PIN_BUT_TIMEOUT: r(4, 'No Phone Input - Timed Out', 'PhoneCall'),
  SUCCESS_PIN_EXPIRED: r(5, 'PIN Expired and Not Changed', 'PhoneCall'),
  SUCCESS_USED_CACHE: r(6, 'Used Cache', 'Cache'),
  SUCCESS_BYPASSED_AUTH: r(7, 'Bypassed Auth', 'OneTimeBypass'),
  SUCCESS_USED_IP_BASED_CACHE: r(8, 'Used IP-based Cache', 'Cache'),
  SUCCESS_USED_APP_BASED_CACHE: r(9, 'Used App-based Cache', 'Cache'),
  SUCCESS_INVALID_INPUT: r(12, 'Invalid Phone Input', 'PhoneCall'),
  SUCCESS_USER_BLOCKED: r(14, 'User is Blocked'),
  SUCCESS_STATUS_PENDING: r(15, 'Authentication Pending'),
  SUCCESS_SMS_AUTHENTICATED: r(19, 'Text Message Authenticated', 'TextMessage'),
  SUCCESS_SMS_SENT: r(20, 'Text Message Sent', 'TextMessage'),
  SUCCESS_PHONE_APP_AUTHENTICATED: r(21, 'Mobile App Authenticated', 'MobileApp'),
  SUCCESS_OATH_CODE_PENDING: r(22, 'OATH Code Pending', 'OathToken'),
  SUCCESS_OATH_CODE_VERIFIED: r(23, 'OATH Code Verified', 'OathToken'),
  SUCCESS_FALLBACK_OATH_CODE_VERIFIED: r(24, 'Fallback OATH Code Verified', 'OathToken'),
  SUCCESS_FALLBACK_SECURITY_QUESTIONS_ANSWERED: r(25, 'Fallback Security Questions Answered', 'SecurityQuestions'),
  FAILED_PHONE_BUSY: r(101, 'Auth Already In Progress'),
  CONFIG_ISSUE: r(102, 'Phone Unreachable', 'PhoneCall'),
  FAILED_INVALID_PHONENUMBER: r(107, 'Invalid Phone Number Format', 'PhoneCall'),
  FAILED_USER_HUNGUP_ON_US: r(108, 'User Hung Up the Phone', 'PhoneCall'),
  FAILED_INVALID_EXTENSION: r(111, 'Invalid Extension', 'PhoneCall'),
  FAILED_FRAUD_CODE_ENTERED: r(112, 'Fraud Code Entered', 'PhoneCall'),
  FAILED_SERVER_ERROR: r(117, 'Unable to Place Call', 'PhoneCall'),
  FAILED_SMS_NOT_SENT: r(120, 'Text Message Could Not Be Sent', 'TextMessage'),
  FAILED_SMS_OTP_INCORRECT: r(122, 'Text Message OTP Incorrect', 'TextMessage'),
  FAILED_SMS_OTP_PIN_INCORRECT: r(123, 'Text Message OTP + PIN Incorrect', 'TextMessage'),
  FAILED_PHONE_APP_DENIED: r(129, 'Mobile App Denied', 'MobileApp'),
  FAILED_PHONE_APP_INVALID_PIN: r(130, 'Mobile App Invalid PIN', 'MobileApp'),
  FAILED_PHONE_APP_PIN_NOT_CHANGED: r(131, 'Mobile App PIN Not Changed', 'MobileApp'),
  FAILED_FRAUD_REPORTED: r(132, 'Fraud Reported', 'MobileApp'),
  FAILED_PHONE_APP_NO_RESPONSE: r(133, 'Mobile App No Response', 'MobileApp'),
  FAILED_PHONE_APP_ALL_DEVICES_BLOCKED: r(135, 'Mobile App All Devices Blocked', 'MobileApp'),
  FAILED_PHONE_APP_NOTIFICATION_FAILED: r(136, 'Mobile App Notification Failed', 'MobileApp'),
  FAILED_PHONE_APP_INVALID_RESULT: r(137, 'Mobile App Invalid Result', 'MobileApp'),
  FAILED_OATH_CODE_INCORRECT: r(138, 'OATH Code Incorrect', 'OathToken'),
  FAILED_OATH_CODE_DUPLICATE: r(139, 'Duplicate OATH Code', 'OathToken'),
  FAILED_OATH_CODE_OLD: r(140, 'OATH Code Out of Date', 'OathToken'),
  FAILED_OATH_TOKEN_TIMEOUT: r(142, 'OATH Code Result Timeout', 'OathToken'),
  FAILED_SECURITY_QUESTIONS_TIMEOUT: r(143, 'Security Questions Result Timeout', 'SecurityQuestions'),
  FAILED_AUTH_RESULT_TIMEOUT: r(144, 'Auth Result Timeout'),
  FAILED_SMS_MAX_OTP_RETRY_REACHED: r(146, 'Exceeded Maximum Text Message OTP Attempts', 'TextMessage'),
  FAILED_OATH_CODE_PIN_INCORRECT: r(147, 'OATH Code + PIN Incorrect', 'OathToken'),
  FAILED_AUTHENTICATION_THROTTLED: r(150, 'Authentication Throttled'),
};

/**
 * Who asked MFA Server to authenticate. No public source says which field of a line names it [NOT FOUND]; core/usage
 * recognises these names where a line spells them out (caller-names.ts), and says Unknown otherwise.
 */
export const CALLERS = ['UserPortal', 'WebServiceSdk', 'Radius', 'Ldap', 'AdFs', 'Iis'] as const;
export type Caller = (typeof CALLERS)[number] | 'Unknown';

export interface ServiceLogLine {
  /** ISO-8601 UTC as the service writes it: 2019-04-23T17:22:14.516730Z. */
  timestamp: string;
  /** One letter: i (information) and e (error) are the ones seen in samples [?]. */
  level: string;
  pid: number;
  tid: number;
  /** pfsvc (the service), pfadssvc (AD sync) in samples [?]. */
  component: string;
  /** The PfdRequestId of a call to the MFA backend, written by recent versions (W2). */
  requestId?: string;
  message: string;
}

export function formatServiceLogLine(line: ServiceLogLine): string {
  const request = line.requestId ? `${line.requestId}|` : '';
  return `${line.timestamp}|${line.level}|${line.pid}|${line.tid}|${line.component}|${request}${line.message}`;
}

export interface AuthenticationMessage {
  user: string;
  succeeded: boolean;
  /** A constant of RESULT_CODES, or any other constant (the parser keeps unknown ones). */
  result: string;
  /** The client address the line names (` from 10.0.0.5`), if any. */
  source?: string;
  /** Words naming the caller, written in parentheses after the user: `(RADIUS)` [?]. */
  callerText?: string;
}

/** `Pfauth succeeded for user 'x' from 10.0.0.5 (RADIUS). Call status: SUCCESS_… - "…".` as the samples write it. */
export function formatAuthenticationMessage(m: AuthenticationMessage): string {
  const description = RESULT_CODES[m.result]?.description ?? m.result;
  const from = m.source ? ` from ${m.source}` : '';
  const caller = m.callerText ? ` (${m.callerText})` : '';
  return `Pfauth ${m.succeeded ? 'succeeded' : 'failed'} for user '${m.user}'${from}${caller}. Call status: ${m.result} - "${description}".`;
}
