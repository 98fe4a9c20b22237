// The service log's line grammar (core/usage/line-parser.ts): known lines field by field, tolerance of unknown ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine, PRIMARY_AUTH_FAILED, PRIMARY_AUTH_SUCCEEDED } from '../../../core/usage/line-parser';

const W2_SAMPLE =
  "2019-04-23T17:22:14.516730Z|i|18288|26784|pfsvc|82a3db8d-3317-43f7-b203-6ba81cba93c9|Pfauth succeeded for user 'alice@contoso.com'. " +
  'Call status: SUCCESS_PHONE_APP_AUTHENTICATED - "Mobile App Authenticated".';

function auth(line: string) {
  const parsed = parseLine(line);
  assert.equal(parsed.kind, 'authentication', JSON.stringify(parsed));
  return parsed;
}

test('the public sample line: every field of the envelope and of the event', () => {
  const p = auth(W2_SAMPLE);
  assert.equal(p.timestamp, '2019-04-23T17:22:14.516730Z');
  assert.equal(p.level, 'i');
  assert.equal(p.pid, 18288);
  assert.equal(p.tid, 26784);
  assert.equal(p.component, 'pfsvc');
  assert.equal(p.requestId, '82a3db8d-3317-43f7-b203-6ba81cba93c9');
  assert.deepEqual(p.event, {
    user: 'alice@contoso.com', factor: 'second', succeeded: true, result: 'SUCCESS_PHONE_APP_AUTHENTICATED', method: 'MobileApp', caller: 'Unknown', source: null,
  });
});

test('without a request id, without a fraction of a second; a failure; the method of each kind of result', () => {
  const p = auth("2019-04-23T17:22:14Z|i|1|2|pfsvc|Pfauth failed for user 'CONTOSO\\bob'. Call status: FAILED_PHONE_APP_DENIED - \"Mobile App Denied\".");
  assert.equal(p.timestamp, '2019-04-23T17:22:14Z');
  assert.equal(p.requestId, null);
  assert.equal(p.event.user, 'CONTOSO\\bob');
  assert.equal(p.event.succeeded, false);
  assert.equal(p.event.method, 'MobileApp');
  const method = (result: string) => auth(`2019-04-23T17:22:14Z|i|1|2|pfsvc|Pfauth succeeded for user 'u'. Call status: ${result} - "x".`).event.method;
  assert.equal(method('SUCCESS_WITH_PIN'), 'PhoneCall');
  assert.equal(method('SUCCESS_SMS_AUTHENTICATED'), 'TextMessage');
  assert.equal(method('SUCCESS_OATH_CODE_VERIFIED'), 'OathToken');
  assert.equal(method('SUCCESS_USED_CACHE'), 'Cache');
  assert.equal(method('SUCCESS_BYPASSED_AUTH'), 'OneTimeBypass');
  assert.equal(method('SUCCESS_FALLBACK_SECURITY_QUESTIONS_ANSWERED'), 'SecurityQuestions');
  assert.equal(method('FAILED_AUTHENTICATION_THROTTLED'), 'Unknown', 'a result that does not tell the method');
  assert.equal(method('SUCCESS_NOT_IN_ANY_TABLE'), 'Unknown', 'a constant no table lists is kept, with no method');
  assert.equal(auth(`2019-04-23T17:22:14Z|i|1|2|pfsvc|Pfauth succeeded for user 'u'. Call status: SUCCESS_NOT_IN_ANY_TABLE - "x".`).event.result, 'SUCCESS_NOT_IN_ANY_TABLE');
});

test('the words after the user: a client address, the distinguished-name marker, the caller; a quote inside the name', () => {
  const p = auth("2024-05-01T08:00:00.1Z|i|1|2|pfsvc|Pfauth succeeded for user 'CN=Dana O'Neil,OU=Staff,DC=contoso,DC=com' (distinguishedName format) " +
    'from 10.0.0.5:1812 (RADIUS client). Call status: SUCCESS_NO_PIN - "Only # Entered".');
  assert.equal(p.event.user, "CN=Dana O'Neil,OU=Staff,DC=contoso,DC=com");
  assert.equal(p.event.source, '10.0.0.5:1812');
  assert.equal(p.event.caller, 'Radius');
  const caller = (words: string, component = 'pfsvc') =>
    auth(`2024-05-01T08:00:00Z|i|1|2|${component}|Pfauth succeeded for user 'u'${words}. Call status: SUCCESS_NO_PIN - "x".`).event.caller;
  assert.equal(caller(' (LDAP)'), 'Ldap');
  assert.equal(caller(' (AD FS)'), 'AdFs');
  assert.equal(caller('', 'pfadfs'), 'AdFs', 'the component tag names it');
  assert.equal(caller(' (Web Service SDK)'), 'WebServiceSdk');
  assert.equal(caller(' (User Portal)'), 'UserPortal');
  assert.equal(caller(' (IIS)'), 'Iis');
  assert.equal(caller(' from 10.0.0.9'), 'Unknown');
  assert.equal(auth("2024-05-01T08:00:00Z|i|1|2|pfsvc|Pfauth succeeded for user 'radius-admin'. Call status: SUCCESS_NO_PIN - \"x\".").event.caller, 'Unknown',
    'a user name is never read as a caller');
});

test('first-factor lines: Primary auth succeeded, Failed <type> auth with its logon failure', () => {
  const ok = auth("2024-05-01T08:00:00Z|i|1|2|pfsvc|Primary auth succeeded for user 'alice' from 10.1.1.1 (LDAP).");
  assert.deepEqual(ok.event, { user: 'alice', factor: 'primary', succeeded: true, result: PRIMARY_AUTH_SUCCEEDED, method: 'PrimaryAuth', caller: 'Ldap', source: '10.1.1.1' });
  const failed = auth("2024-05-01T08:00:00Z|i|1|2|pfsvc|Failed RADIUS auth for user 'bob' from 10.1.1.2. Logon failure: Unknown user name or bad 'password'.");
  assert.deepEqual(failed.event, { user: 'bob', factor: 'primary', succeeded: false, result: PRIMARY_AUTH_FAILED, method: 'PrimaryAuth', caller: 'Radius', source: '10.1.1.2' });
});

test('well-formed lines about other things are "other"; lines it cannot read are unparsed with the reason, never an error', () => {
  assert.deepEqual(parseLine('2018-03-07T18:20:20.006280Z|e|2960|4036|pfadssvc|***** ERROR ***** Error sending email to x@contoso.com'), {
    kind: 'other', timestamp: '2018-03-07T18:20:20.006280Z',
  });
  assert.equal(parseLine('2024-05-01T08:00:00Z|i|1|2|pfsvc|Unhandled SB message type 17.').kind, 'other');
  assert.equal(parseLine('2024-05-01T08:00:00Z|i|1|2|pfsvc|Multi-Factor Authentication Server service installed (version 8.1.0.0).').kind, 'other',
    'the product\'s name is not an authentication');
  const unparsed = (line: string) => {
    const p = parseLine(line);
    assert.equal(p.kind, 'unparsed', line);
    return (p as { reason: string }).reason;
  };
  assert.match(unparsed(''), /not <time>/);
  assert.match(unparsed('   at PfSvc.Backend.Call(String request)'), /not <time>/);
  assert.match(unparsed('2019-13-45 08:00:00|i|1|2|pfsvc|x'), /not <time>/);
  assert.match(unparsed('2024-05-01T08:00:00Z|i|x|2|pfsvc|Service started.'), /not <time>/, 'a pid that is not a number');
  assert.match(unparsed('2024-05-01T08:00:00Z|i|1|2|pfsvc|Pfauth succeeded for user \'u\' but the status is missing'), /without 'Call status/);
  assert.match(unparsed('2024-05-01T08:00:00Z|i|1|2|pfsvc|Pfauth timed out for user \'u\'. Call status: X - "y".'), /neither 'succeeded' nor 'failed'/);
  assert.match(unparsed('2024-05-01T08:00:00Z|i|1|2|pfsvc|Pfauth succeeded for user \'u. Call status: SUCCESS_NO_PIN - "x".'), /closing quote/);
  assert.match(unparsed('2024-05-01T08:00:00Z|i|1|2|pfsvc|Authentication request queued for user u.'), /form this parser does not know/,
    'a message about authentication in an unknown form is kept, not counted as "other"');
});
