// End-to-end on the real kernel: perform actions, check the enriched events the addon writes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import { validateBatch } from '../../host/engine/batch-validate.js';
import { ancestors, bpfAvailable, captureDuring, findEvents, isMine } from './support.js';

const PPM_O_RDONLY = 1;

describe.skipIf(!bpfAvailable)('capture addon on the real kernel', () => {
  test('cat /etc/shadow: openat with fd.name, proc.name=cat, parent chain, user root', async () => {
    const c = await captureDuring({ eventTypes: [eventTypeId('openat')] }, () => {
      execFileSync('cat', ['/etc/shadow'], { stdio: 'ignore' });
    });
    const hits = findEvents(c, 'openat', (f) => f.event.fd?.name === '/etc/shadow' && f.proc.name === 'cat');
    expect(hits.length).toBe(1);
    const { event, proc, batch } = hits[0]!;
    expect(event.dir).toBe('<');
    expect(event.res).toBeGreaterThanOrEqual(0n);
    expect(event.fd?.num).toBe(event.res);
    expect(event.fd?.type).toBe('file');
    expect(event.args.name).toBe('/etc/shadow');
    expect((event.args.flags as bigint) & 3n).toBe(BigInt(PPM_O_RDONLY));
    expect(proc.exe).toBe('cat');
    expect(proc.exepath).toBe(execFileSync('readlink', ['-f', '/usr/bin/cat']).toString().trim());
    expect(proc.cmdline).toBe('cat /etc/shadow');
    expect(proc.args).toBe('/etc/shadow');
    expect(proc.argv).toEqual(['/etc/shadow']);
    expect(proc.cwd).toBe(process.cwd() + '/');
    expect(proc.uid).toBe(0);
    expect(proc.userName).toBe('root');
    expect(proc.groupName).toBe('root');
    expect(proc.containerId).toBe('host');
    expect(proc.tid).toBe(event.tid);
    // The parent is this test process (it forked cat), and its chain continues upwards.
    const chain = ancestors(batch, proc);
    expect(chain[0]?.pid).toBe(process.pid);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(chain.some((p) => p.pid === 1) || chain.at(-1)!.parent === null).toBe(true);
  });

  test('exec of a program: execve with filename, args, cwd, env, exepath and the parent that exec-ed it', async () => {
    const c = await captureDuring({ eventTypes: [eventTypeId('execve')] }, () => {
      execFileSync('env', ['-C', '/tmp', '/bin/echo', 'hello', 'big world'], {
        stdio: 'ignore',
        env: { ...process.env, SAKER_TEST_ENV: 'visible value' },
      });
    });
    const hits = findEvents(c, 'execve', (f) => f.proc.name === 'echo' && f.proc.args === 'hello big world');
    expect(hits.length).toBe(1);
    const { event, proc, batch } = hits[0]!;
    expect(event.res).toBe(0n);
    expect(event.args.filename).toBe('/bin/echo');
    // libs' execve flags: root owns /bin/echo, so it is writable for this exec (PPM_EXE_WRITABLE);
    // the host's root is not overlayfs (no layer flag).
    expect(event.args.flags).toBe(1n);
    expect(proc.exeWritable).toBe(true);
    expect(proc.exe).toBe('/bin/echo');
    expect(proc.exepath).toBe(execFileSync('readlink', ['-f', '/bin/echo']).toString().trim());
    expect(proc.argv).toEqual(['hello', 'big world']);
    expect(proc.cmdline).toBe('echo hello big world');
    expect(proc.cwd).toBe('/tmp/');
    expect(proc.env).toContain('SAKER_TEST_ENV=visible value');
    expect(proc.startTs).toBeGreaterThan(0n);
    expect(event.ts).toBeGreaterThanOrEqual(proc.startTs);
    // env exec-ed echo in place: same pid, and the parent is still this test process.
    expect(ancestors(batch, proc)[0]?.pid).toBe(process.pid);
    // The env exec that preceded it is there too, with the old image's name.
    expect(findEvents(c, 'execve', (f) => f.proc.name === 'env' && f.event.pid === event.pid).length).toBe(1);
  });

  test('exec of a script: proc.exepath is the interpreter the kernel runs (as libs), proc.exe the script', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/saker-script-');
    const script = `${dir}/hello-script`;
    writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    try {
      const c = await captureDuring({ eventTypes: [eventTypeId('execve')] }, () => {
        execFileSync(script, [], { stdio: 'ignore' });
      });
      const hits = findEvents(c, 'execve', (f) => f.event.args.filename === script && f.event.res === 0n);
      expect(hits.length).toBe(1);
      expect(hits[0]!.proc.exepath).toBe(execFileSync('readlink', ['-f', '/bin/sh']).toString().trim());
      expect(hits[0]!.proc.name).toBe('hello-script');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('failed exec: execve with a negative res and the filename read at exit', async () => {
    const c = await captureDuring({ eventTypes: [eventTypeId('execve')] }, () => {
      spawnSync('/bin/sh', ['-c', 'exec /nonexistent/prog 2>/dev/null'], { stdio: 'ignore' });
    });
    const hits = findEvents(c, 'execve', (f) => f.event.args.filename === '/nonexistent/prog');
    expect(hits.length).toBe(1);
    expect(hits[0]!.event.res).toBe(-2n); // ENOENT
    expect(hits[0]!.proc.name).toBe('sh');
  });

  test('connect to a 127.0.0.1 listener: the socket tuple, tcp, client role', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const c = await captureDuring({ eventTypes: [eventTypeId('connect'), eventTypeId('socket')] }, () => {
        spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' });
      });
      const hits = findEvents(c, 'connect', (f) => f.proc.name === 'bash' && f.event.fd?.server?.port === port);
      expect(hits.length).toBe(1);
      const { event } = hits[0]!;
      expect(event.res).toBe(0n);
      const fd = event.fd!;
      expect(fd.type).toBe('ipv4');
      expect(fd.l4proto).toBe('tcp');
      expect(fd.family).toBe('inet');
      expect(fd.role).toBe('client');
      expect(fd.connected).toBe(true);
      expect(fd.server).toEqual({ ip: '127.0.0.1', port });
      expect(fd.client?.ip).toBe('127.0.0.1');
      expect(fd.client?.port).toBeGreaterThan(0);
      expect(fd.name).toBe(`127.0.0.1:${fd.client!.port}->127.0.0.1:${port}`);
      expect(event.args.fd).toBe(fd.num);
      // The inet socket() before it created the same fd. (getaddrinfo may open and close netlink or
      // unix sockets on the same fd number first, so only the ipv4 one counts.)
      const sockets = findEvents(
        c,
        'socket',
        (f) => f.event.pid === event.pid && f.event.res === fd.num && f.event.fd?.type === 'ipv4' && f.event.ts <= event.ts,
      );
      // Shown in full on failure: a CI run once saw three here (unexplained, not reproduced).
      expect(sockets.map((h) => `ts=${h.event.ts} tid=${h.event.tid} res=${h.event.res} ${h.proc.name}`)).toHaveLength(1);
      expect(sockets[0]!.event.fd?.l4proto).toBe('tcp');
    } finally {
      server.close();
    }
  });

  test('accept in another process: server role, client and server endpoints', async () => {
    // A child node process listens and accepts once; this process (not captured) connects.
    const script = `const s=require('net').createServer(c=>{c.end();s.close()});s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`;
    const { spawn } = await import('node:child_process');
    const { connect } = await import('node:net');
    const c = await captureDuring({ eventTypes: [eventTypeId('accept'), eventTypeId('accept4')] }, async () => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
      const port = await new Promise<number>((r) => child.stdout.once('data', (d: Buffer) => r(Number(d.toString()))));
      await new Promise<void>((r) => connect(port, '127.0.0.1').on('close', () => r()).on('error', () => r()));
      await new Promise((r) => child.on('exit', r));
    });
    const hits = findEvents(c, 'accept4', (f) => f.event.fd?.role === 'server' && isMine(f)).concat(
      findEvents(c, 'accept', (f) => f.event.fd?.role === 'server' && isMine(f)),
    );
    const mine = hits.filter((h) => h.event.fd?.client?.ip === '127.0.0.1' && h.event.res! >= 0n);
    expect(mine.length).toBe(1);
    const fd = mine[0]!.event.fd!;
    expect(fd.type).toBe('ipv4');
    expect(fd.l4proto).toBe('tcp');
    expect(fd.server?.ip).toBe('127.0.0.1');
    expect(fd.name).toBe(`127.0.0.1:${fd.client!.port}->127.0.0.1:${fd.server!.port}`);
  });

  test('a delivered batch (external memory) can be detached: the daemon hands its memory back after use', async () => {
    const { releaseBatch } = await import('../../host/capture/batch-queue.js');
    const c = await captureDuring({ eventTypes: [eventTypeId('openat')] }, () => {
      execFileSync('cat', ['/etc/hostname'], { stdio: 'ignore' });
    });
    const batch = c.raw[0]!;
    expect(batch.length).toBeGreaterThan(0);
    releaseBatch(batch);
    expect(batch.length).toBe(0);
    expect((batch.buffer as ArrayBuffer & { detached: boolean }).detached).toBe(true);
  });

  test('every batch passes the ABI validator; stats add up; stop() drains what is pending', async () => {
    const c = await captureDuring(
      { eventTypes: [eventTypeId('openat'), eventTypeId('execve')], flushMs: 1000, batchEvents: 100000 },
      () => {
        for (let i = 0; i < 5; i++) execFileSync('cat', ['/etc/hostname'], { stdio: 'ignore' });
      },
      0, // stop at once: the long flush interval means only the drain can deliver these
    );
    expect(c.raw.length).toBeGreaterThan(0);
    let events = 0;
    for (const b of c.raw) events += validateBatch(b).events.count;
    expect(events).toBe(c.stats.events);
    expect(c.stats.batches).toBe(c.raw.length);
    expect(c.stats.dropsRingFull).toBe(0);
    const cats = findEvents(c, 'openat', (f) => f.proc.name === 'cat' && f.event.fd?.name === '/etc/hostname' && isMine(f));
    expect(cats.length).toBe(5);
    // evt.num strictly increases across the stream.
    let last = 0n;
    for (const b of c.batches) {
      for (const e of b.events) {
        expect(e.num).toBeGreaterThan(last);
        last = e.num;
      }
    }
  });

  test('setEventTypes at run time: a type switched on is captured from then on, without a restart', async () => {
    const { createCapture } = await import('../../native/capture.js');
    const { readBatch } = await import('../../host/engine/batch-reader.js');
    const cap = createCapture({ eventTypes: [eventTypeId('openat')], flushMs: 10 });
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    const file = `/tmp/saker-settypes-${process.pid}`;
    try {
      execFileSync('touch', [file + '-a']);
      execFileSync('rm', [file + '-a']);
      cap.setEventTypes([eventTypeId('openat'), eventTypeId('unlinkat'), eventTypeId('unlink')]);
      execFileSync('touch', [file + '-b']);
      execFileSync('rm', [file + '-b']);
      await new Promise((r) => setTimeout(r, 100));
      expect(cap.stats().threads).toBeGreaterThan(10);
      expect(cap.stats().fds).toBeGreaterThan(10);
    } finally {
      await cap.stop();
    }
    const removed = raw
      .flatMap((b) => readBatch(b).events)
      .filter((e) => e.type === 'unlinkat' || e.type === 'unlink')
      .map((e) => e.args.name ?? e.args.path);
    expect(removed).toContain(file + '-b');
    expect(removed).not.toContain(file + '-a');
  });

  test('one ring per CPU: events still land on the right processes when records arrive out of order', async () => {
    const c = await captureDuring({ eventTypes: [eventTypeId('openat'), eventTypeId('execve')], cpusPerRing: 1 }, () => {
      // Many short-lived children on both CPUs: a child's first events and its fork record may be
      // read from different rings in either order.
      spawnSync('bash', ['-c', 'for i in $(seq 40); do cat /etc/hostname > /dev/null & done; wait'], { stdio: 'ignore' });
    });
    const cats = findEvents(c, 'openat', (f) => f.event.fd?.name === '/etc/hostname' && f.event.res! >= 0n && isMine(f));
    expect(cats.length).toBe(40);
    for (const { proc, batch } of cats) {
      expect(proc.name).toBe('cat');
      expect(proc.cmdline).toBe('cat /etc/hostname');
      expect(ancestors(batch, proc).map((p) => `${p.name}:${p.pid}`).join(' ')).toMatch(/^bash:/);
    }
  });
});
