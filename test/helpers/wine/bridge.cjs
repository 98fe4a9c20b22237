// Runs under Wine as a win32 node.exe, between a Linux caller and the core: `bridge.cjs <core.cjs> <args…>`.
//
// Under Wine 8, node's process.stdin cannot open a pipe handle that came from Linux (`open EBADF`), while
// fs.readSync(0) reads it. So this bridge reads the Linux pipe with fs.readSync on a worker thread (it blocks) and
// writes what it reads into the core's stdin, a pipe Wine itself made (which node opens like any Windows pipe);
// the core's stdout and stderr go back with fs.writeSync. The end of the caller's input ends the core's input, so
// `--attached` (the core stops when its caller goes) keeps working. The core itself is started unchanged.
'use strict';
const { spawn } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const { Writable } = require('node:stream');

// node opens process.stdout/stderr lazily, and even destroying any socket touches process.stderr (net.js compares
// against it); under Wine a Linux pipe there throws EBADF. Give the process plain fd writers before anything asks.
for (const [name, fd] of [['stdout', 1], ['stderr', 2]]) {
  const stream = new Writable({ write: (chunk, _enc, done) => (writeAll(fd, chunk), done()) });
  stream.fd = fd;
  Object.defineProperty(process, name, { value: stream, configurable: true });
}

const child = spawn(process.execPath, process.argv.slice(2), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });

const reader = new Worker(
  `const fs = require('node:fs');
   const { parentPort } = require('node:worker_threads');
   const buffer = Buffer.alloc(65536);
   for (;;) {
     let n;
     try { n = fs.readSync(0, buffer, 0, buffer.length, null); }
     catch (e) {
       if (e.code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); continue; }
       if (e.code !== 'EOF' && e.code !== 'EPIPE') parentPort.postMessage({ error: e.code || e.message });
       break;
     }
     if (n === 0) break;
     parentPort.postMessage(Buffer.from(buffer.subarray(0, n)));
   }
   parentPort.postMessage({ end: true });`,
  // stdout/stderr: true, or the Worker pipes its output into process.stdout, which fails under Wine (EBADF, as stdin).
  { eval: true, stdout: true, stderr: true },
);
reader.unref();
reader.on('message', (m) => {
  if (m && (m.end || m.error)) {
    if (m.error) writeAll(2, Buffer.from(`bridge: reading stdin failed: ${m.error}\n`));
    child.stdin.end();
    return;
  }
  child.stdin.write(Buffer.from(m));
});
child.stdin.on('error', () => undefined); // the core may end before its caller does

function writeAll(fd, data) {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(fd, data, offset, data.length - offset);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EPIPE') return;
      throw e;
    }
  }
}
child.stdout.on('data', (d) => writeAll(1, d));
child.stderr.on('data', (d) => writeAll(2, d));
child.on('error', (e) => {
  writeAll(2, Buffer.from(`bridge: could not start the core: ${e.message}\n`));
  process.exit(70);
});
// The core's exit ends the bridge: its output is read until its pipes close, or for 2 s at most.
child.on('exit', (code) => {
  const end = () => process.exit(code === null ? 1 : code);
  let closed = false;
  child.on('close', () => {
    closed = true;
    end();
  });
  setTimeout(() => closed || end(), 2000);
});
