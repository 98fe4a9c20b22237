import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quoteWindowsArgument, renderCommandLine } from '../../../../core/host/windows/command-runner';
import { RecordedCommandRunner } from './recorded-command-runner';

test('arguments without spaces or quotes pass unquoted', () => {
  assert.equal(quoteWindowsArgument('/reg:32'), '/reg:32');
  assert.equal(quoteWindowsArgument('HKLM\\SOFTWARE\\Foo'), 'HKLM\\SOFTWARE\\Foo');
  assert.equal(quoteWindowsArgument('C:\\Data\\'), 'C:\\Data\\');
});

test('a path with spaces is quoted; a trailing backslash is doubled so it does not escape the closing quote', () => {
  assert.equal(quoteWindowsArgument('C:\\Program Files\\PhoneFactor'), '"C:\\Program Files\\PhoneFactor"');
  assert.equal(quoteWindowsArgument('C:\\Program Files\\PhoneFactor\\'), '"C:\\Program Files\\PhoneFactor\\\\"');
});

test('embedded quotes and the backslashes before them are escaped; empty becomes ""', () => {
  assert.equal(quoteWindowsArgument('say "hi"'), '"say \\"hi\\""');
  assert.equal(quoteWindowsArgument('a\\"b'), '"a\\\\\\"b"');
  assert.equal(quoteWindowsArgument(''), '""');
  assert.equal(quoteWindowsArgument('a\\b c'), '"a\\b c"', 'backslashes not before a quote stay single');
});

test('verbatim command lines keep arguments exactly as written', () => {
  assert.equal(
    renderCommandLine('C:\\Windows\\System32\\msiexec.exe', ['/i', '"C:\\My Files\\a.msi"', 'PROP="a b"'], { verbatimArguments: true }),
    'C:\\Windows\\System32\\msiexec.exe /i "C:\\My Files\\a.msi" PROP="a b"',
  );
  assert.equal(renderCommandLine('reg.exe', ['PROP="a b"']), 'reg.exe "PROP=\\"a b\\""');
});

test('the recorded runner replays outputs in order and rejects a different command with both lines shown', async () => {
  const runner = new RecordedCommandRunner([
    { commandLine: 'sc.exe query A', stdout: 'first' },
    { commandLine: 'sc.exe query B', exitCode: 1060 },
  ]);
  assert.deepEqual(await runner.run('sc.exe', ['query', 'A']), { exitCode: 0, stdout: 'first', stderr: '' });
  await assert.rejects(runner.run('sc.exe', ['query', 'C']), (e: Error) => {
    assert.match(e.message, /Command #2 differs/);
    assert.match(e.message, /expected: sc\.exe query B/);
    assert.match(e.message, /actual: {3}sc\.exe query C/);
    return true;
  });
  assert.throws(() => runner.assertAllRan(), /never issued:\n {2}sc\.exe query B/);
});

test('the recorded runner rejects a command beyond the recording', async () => {
  const runner = new RecordedCommandRunner([]);
  await assert.rejects(runner.run('reg.exe', ['query', 'HKLM\\X']), /Unexpected command #1 \(only 0 were recorded\):\n {2}reg\.exe query HKLM\\X/);
});

test('the spawn runner returns exit code and output of a real program, and stops one that overruns its timeout', async () => {
  const { SpawnCommandRunner } = await import('../../../../core/host/windows/spawn-command-runner');
  const runner = new SpawnCommandRunner();
  const result = await runner.run(process.execPath, ['-e', 'process.stdout.write("out é"); process.stderr.write("err"); process.exit(42)'], { timeoutMs: 30_000 });
  assert.deepEqual(result, { exitCode: 42, stdout: 'out é', stderr: 'err' });
  await assert.rejects(runner.run(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 }), { code: 'CommandTimedOut' });
  await assert.rejects(runner.run('/nonexistent/reg.exe', [], { timeoutMs: 30_000 }), { code: 'CommandFailedToStart' });
});
