// The in-kernel open prefilter (native/capture.bpf.c, open_dropped): successful opens no key passes
// are dropped with the later close of their fd; everything the conditions exclude passes. A small
// static C helper (no dynamic loader, so its only opens are the ones asked for) runs the actions.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eventTypeId } from '../../host/engine/event-types.js';
import type { DecodedEvent } from '../../host/engine/batch-reader.js';
import { createCapture, replayCapture, type OpenFilter } from '../../native/capture.js';
import { readBatch } from '../../host/engine/batch-reader.js';
import { bpfAvailable, type Captured } from './support.js';

const HELPER_C = String.raw`
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void *idle(void *a) { (void)a; for (;;) pause(); return 0; }
static long fdarg(const char *s, long last) { return strcmp(s, "last") == 0 ? last : atol(s); }

/* Actions from argv: o PATH r|w|rw|d|t|wt|rc (t: O_TMPFILE, wt: O_WRONLY|O_TRUNC, rc: O_RDONLY|O_CREAT), fork (the child runs the rest), c FD, dup FD, dup2 OLD NEW, cr LO HI, cd DIR, sock, thread,
 * epoll (epoll_create1: not captured), chmod FD MODE (octal), getfl FD (fcntl F_GETFL), finit FD (finit_module: fails on a file that is no module).
 * FD "last" is the last fd opened or dup'ed. Prints each new fd. */
int main(int argc, char **argv) {
  long last = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define FD(s) fdarg((s), last)
    if (strcmp(a, "o") == 0) {
      const char *m = argv[i + 2];
      int fl = strcmp(m, "w") == 0 ? O_WRONLY : strcmp(m, "rw") == 0 ? O_RDWR : strcmp(m, "d") == 0 ? O_RDONLY | O_DIRECTORY : strcmp(m, "t") == 0 ? O_TMPFILE | O_RDWR
             : strcmp(m, "wt") == 0 ? O_WRONLY | O_TRUNC : strcmp(m, "rc") == 0 ? O_RDONLY | O_CREAT : O_RDONLY;
      last = syscall(SYS_openat, AT_FDCWD, argv[i + 1], fl, 0644);
      printf("%ld\n", last);
      i += 2;
    } else if (strcmp(a, "c") == 0) {
      close(FD(argv[++i]));
    } else if (strcmp(a, "dup") == 0) {
      last = dup(FD(argv[++i]));
      printf("%ld\n", last);
    } else if (strcmp(a, "dup2") == 0) {
      dup2(FD(argv[i + 1]), FD(argv[i + 2]));
      i += 2;
    } else if (strcmp(a, "cr") == 0) {
      syscall(SYS_close_range, atol(argv[i + 1]), atol(argv[i + 2]), 0);
      i += 2;
    } else if (strcmp(a, "epoll") == 0) {
      last = epoll_create1(0);
      printf("%ld\n", last);
    } else if (strcmp(a, "chmod") == 0) {
      fchmod(FD(argv[i + 1]), strtol(argv[i + 2], 0, 8));
      i += 2;
    } else if (strcmp(a, "getfl") == 0) {
      fcntl(FD(argv[++i]), F_GETFL);
    } else if (strcmp(a, "finit") == 0) {
      syscall(SYS_finit_module, FD(argv[++i]), "", 0);
    } else if (strcmp(a, "cd") == 0) {
      if (chdir(argv[++i]) != 0) return 3;
    } else if (strcmp(a, "sock") == 0) {
      last = socket(AF_INET, SOCK_STREAM, 0);
      printf("%ld\n", last);
    } else if (strcmp(a, "fork") == 0) {
      /* the child goes on with the remaining actions; the parent waits for it and stops */
      pid_t p = fork();
      if (p > 0) { waitpid(p, 0, 0); return 0; }
      printf("child %d\n", (int)getpid());
    } else if (strcmp(a, "thread") == 0) {
      pthread_t t;
      pthread_create(&t, 0, idle, 0);
    } else {
      return 2;
    }
  }
  return 0;
}
`;

const OPENAT = eventTypeId('openat');
let dir = '';
let helper = '';
let plain = '';

interface Run {
  pid: number;
  fds: number[];
  /** The pid of the child of a `fork` action. */
  child?: number;
}

function run(...args: string[]): Run {
  const r = spawnSync(helper, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ofhelper ${args.join(' ')}: exit ${String(r.status)} ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').filter((l) => l !== '');
  const child = lines.find((l) => l.startsWith('child '));
  return { pid: r.pid!, fds: lines.filter((l) => !l.startsWith('child ')).map(Number), ...(child ? { child: Number(child.slice(6)) } : {}) };
}

/** The helper's own events (after its exec: the forked node child's stdio setup does not count). */
function eventsOf(c: Captured, r: Run, type: string): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  for (const b of c.batches)
    for (const e of b.events)
      if (e.pid === r.pid && e.type === type && e.proc !== null && b.processes[e.proc]!.name === 'ofhelper') out.push(e);
  return out;
}

const opens = (c: Captured, r: Run, name?: string): DecodedEvent[] =>
  eventsOf(c, r, 'openat').filter((e) => name === undefined || e.fd?.name === name);
const closes = (c: Captured, r: Run, fd: number): DecodedEvent[] => eventsOf(c, r, 'close').filter((e) => e.args.fd === BigInt(fd));

describe.skipIf(!bpfAvailable)('the open prefilter on the real kernel', () => {
  beforeAll(() => {
    dir = mkdtempSync('/tmp/saker-openfilter-');
    mkdirSync(join(dir, 'sub'));
    plain = join(dir, 'plain');
    for (const f of ['plain', 'exact', 'exactx']) writeFileSync(join(dir, f), 'x\n');
    writeFileSync(join(dir, 'ofhelper.c'), HELPER_C);
    helper = join(dir, 'ofhelper');
    execFileSync('cc', ['-static', '-O2', '-pthread', join(dir, 'ofhelper.c'), '-o', helper]);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  test('drops exactly the opens the conditions allow, with their closes; reused fd numbers are reported again', async () => {
    const filter: OpenFilter = { dropRead: [OPENAT], dropWrite: [], prefixes: ['/etc/'], exact: ['/usr/share/x', join(dir, 'exact')] };
    const r: Record<string, Run> = {};
    const cap = createCapture({ eventTypes: [OPENAT], flushMs: 10 });
    cap.setOpenFilter(filter);
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    try {
      r.plain = run('o', plain, 'r', 'c', 'last');
      r.write = run('o', plain, 'w', 'c', 'last');
      r.etc = run('o', '/etc/hostname', 'r', 'c', 'last');
      r.exact = run('o', join(dir, 'exact'), 'r', 'c', 'last');
      r.exactx = run('o', join(dir, 'exactx'), 'r', 'c', 'last');
      r.relative = run('cd', dir, 'o', 'plain', 'r', 'c', 'last');
      r.slashes = run('o', `${dir}//plain`, 'r', 'c', 'last');
      r.dot = run('o', `${dir}/./plain`, 'r', 'c', 'last');
      r.dotdot = run('o', `${dir}/sub/../plain`, 'r', 'c', 'last');
      r.dir = run('o', dir, 'd', 'c', 'last');
      r.failed = run('o', join(dir, 'missing'), 'r');
      r.threads = run('thread', 'o', plain, 'r', 'c', 'last');
      r.dup = run('o', plain, 'r', 'dup', 'last');
      // fd 3 dropped, closed unseen by close_range, reused by a reported open: its close is reported
      r.closeRange = run('o', plain, 'r', 'cr', '3', '3', 'o', plain, 'w', 'c', '3');
      // fd 3 dropped, fd 4 reported, dup2 4 -> 3 (reported) replaces it: the close of 3 is reported
      r.dup2 = run('o', plain, 'r', 'o', plain, 'w', 'dup2', '4', '3', 'c', '3', 'c', '4');
      // socket 3 (known), close_range(3, 3) (seen: 3 leaves the table), a dropped open reuses 3, dup2 3 -> 5
      r.sockRange = run('sock', 'cr', '3', '3', 'o', plain, 'r', 'dup2', '3', '5', 'c', '5', 'c', '3');
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      await cap.stop();
    }
    const got: Captured = { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };

    // A read-only open of an uninteresting file and its close: nothing, counted.
    expect(r.plain!.fds).toEqual([3]);
    expect(opens(got, r.plain!)).toEqual([]);
    expect(closes(got, r.plain!, 3)).toEqual([]);
    expect(got.stats.filteredOpens).toBeGreaterThanOrEqual(1);
    expect(got.stats.filteredCloses).toBeGreaterThanOrEqual(1);
    // Write access (dropWrite is empty), a prefix key, an exact key: reported with their closes.
    for (const [k, name] of [['write', plain], ['etc', '/etc/hostname'], ['exact', join(dir, 'exact')]] as const) {
      expect(opens(got, r[k]!, name).length, k).toBe(1);
      expect(closes(got, r[k]!, 3).length, k).toBe(1);
    }
    // An exact key is not a prefix: exactx is dropped.
    expect(opens(got, r.exactx!)).toEqual([]);
    expect(closes(got, r.exactx!, 3)).toEqual([]);
    // Paths that are not libs' normalised name as given, and a directory: reported.
    for (const k of ['relative', 'slashes', 'dot', 'dotdot', 'dir']) {
      const o = opens(got, r[k]!);
      expect(o.length, k).toBe(1);
      expect(o[0]!.res, k).toBe(3n);
      expect(closes(got, r[k]!, 3).length, k).toBe(1);
    }
    expect(opens(got, r.relative!)[0]!.fd?.name).toBe(plain);
    // A failed open.
    const failed = opens(got, r.failed!);
    expect(failed.length).toBe(1);
    expect(failed[0]!.res! < 0n).toBe(true);
    // A multi-threaded process's fd table is shared: never filtered.
    expect(opens(got, r.threads!, plain).length).toBe(1);
    expect(closes(got, r.threads!, 3).length).toBe(1);
    // A dup of a dropped fd is still reported.
    expect(r.dup!.fds).toEqual([3, 4]);
    expect(opens(got, r.dup!)).toEqual([]);
    const dups = eventsOf(got, r.dup!, 'dup');
    expect(dups.length).toBe(1);
    expect(dups[0]!.res).toBe(4n);
    // close_range closed dropped fd 3 unseen; the reported open that reused 3 cleared its bit.
    expect(r.closeRange!.fds).toEqual([3, 3]);
    expect(opens(got, r.closeRange!).length).toBe(1);
    expect(closes(got, r.closeRange!, 3).length).toBe(1);
    // dup2 onto dropped fd 3: the close of 3 is reported, as is the close of 4.
    expect(r.dup2!.fds).toEqual([3, 4]);
    expect(opens(got, r.dup2!).map((e) => e.res)).toEqual([4n]);
    expect(eventsOf(got, r.dup2!, 'dup2').length).toBe(1);
    expect(closes(got, r.dup2!, 3).length).toBe(1);
    expect(closes(got, r.dup2!, 4).length).toBe(1);
    // The dup2 of the dropped fd 3 does not see the socket that close_range closed: it sees the
    // dropped file (replayed as a late open).
    expect(r.sockRange!.fds).toEqual([3, 3]);
    const dup2s = eventsOf(got, r.sockRange!, 'dup2');
    expect(dup2s.length).toBe(1);
    expect(dup2s[0]!.fd?.type).toBe('file');
    expect(dup2s[0]!.fd?.name).toBe(plain);
  });

  test('a dropped open is replayed (late open) when dup, fcntl, fchmod or finit_module use its fd; a full stash slot and namespace files pass', async () => {
    const FCHMOD = eventTypeId('fchmod');
    const FINIT = eventTypeId('finit_module');
    const capFile = join(dir, 'late.cap');
    const cap = createCapture({ eventTypes: [OPENAT, FCHMOD, FINIT], flushMs: 10, captureFile: capFile });
    cap.setOpenFilter({ dropRead: [OPENAT], dropWrite: [], prefixes: ['/etc/'], exact: [] });
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    const r: Record<string, Run> = {};
    const many: string[] = [];
    for (let i = 0; i < 17; i++) many.push('o', plain, 'r');
    try {
      r.fchmod = run('o', plain, 'r', 'chmod', 'last', '644', 'c', 'last');
      r.dup = run('o', plain, 'r', 'dup', 'last', 'c', '4', 'c', '3');
      r.getfl = run('o', plain, 'r', 'getfl', 'last', 'c', 'last');
      r.finit = run('o', plain, 'r', 'finit', 'last');
      // fds 3..19: 19 shares stash slot 3 with the live dropped fd 3, so its open passes
      r.slot = run(...many);
      r.ns = run('o', '/proc/self/ns/net', 'r', 'c', 'last');
      r.plain = run('o', plain, 'r', 'c', 'last');
      // dropped fd 3 closed unseen by the bits (close_range), 3 reused by epoll_create1 (not captured):
      // the dup of 3 must not replay the stale open
      r.reused = run('o', plain, 'r', 'cr', '3', '3', 'epoll', 'dup', '3');
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      await cap.stop();
    }
    const got: Captured = { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };
    const hasFinit = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].some((t) => existsSync(`${t}/events/syscalls/sys_exit_finit_module`));
    const isPlain = (e: DecodedEvent | undefined): boolean => e?.fd?.name === plain && e.fd.type === 'file';

    // No open event for any replayed open; the event that used the fd shows the file.
    for (const k of ['fchmod', 'dup', 'getfl', 'finit', 'plain']) expect(opens(got, r[k]!), k).toEqual([]);
    const fchmods = eventsOf(got, r.fchmod!, 'fchmod');
    expect(fchmods.length).toBe(1);
    expect(fchmods[0]!.res).toBe(0n);
    expect(isPlain(fchmods[0])).toBe(true);
    // After the late open the fd is an ordinary one: its close is reported, with the file.
    expect(closes(got, r.fchmod!, 3).length).toBe(1);
    expect(isPlain(closes(got, r.fchmod!, 3)[0])).toBe(true);
    // dup: the event shows the file, the copy (4) and the original (3) close as the file.
    expect(r.dup!.fds).toEqual([3, 4]);
    const dups = eventsOf(got, r.dup!, 'dup');
    expect(dups.length).toBe(1);
    expect(dups[0]!.res).toBe(4n);
    expect(isPlain(dups[0])).toBe(true);
    expect(isPlain(closes(got, r.dup!, 4)[0])).toBe(true);
    expect(isPlain(closes(got, r.dup!, 3)[0])).toBe(true);
    // fcntl F_GETFL: the file.
    const fcntls = eventsOf(got, r.getfl!, 'fcntl');
    expect(fcntls.length).toBe(1);
    expect(isPlain(fcntls[0])).toBe(true);
    expect(closes(got, r.getfl!, 3).length).toBe(1);
    // finit_module of a file that is no module fails; the event still has the file. (A kernel built
    // without modules has no finit_module tracepoint: then the open stays dropped.)
    const finits = eventsOf(got, r.finit!, 'finit_module');
    if (hasFinit) {
      expect(finits.length).toBe(1);
      expect(finits[0]!.res! < 0n).toBe(true);
      expect(isPlain(finits[0])).toBe(true);
    } else {
      expect(finits).toEqual([]);
    }
    // A plain dropped open and close, never used: nothing.
    expect(closes(got, r.plain!, 3)).toEqual([]);
    // The stash slot of fd 19 is taken by dropped fd 3: only that open passes.
    expect(r.slot!.fds).toEqual(Array.from({ length: 17 }, (_, i) => i + 3));
    expect(opens(got, r.slot!).map((e) => e.res)).toEqual([19n]);
    // A namespace file (setns takes such fds): never dropped.
    expect(r.ns!.fds).toEqual([3]);
    expect(opens(got, r.ns!).map((e) => e.fd?.name)).toEqual(['/proc/self/ns/net']);
    expect(closes(got, r.ns!, 3).length).toBe(1);
    expect(r.reused!.fds).toEqual([3, 3, 4]);
    const reusedDups = eventsOf(got, r.reused!, 'dup');
    expect(reusedDups.length).toBe(1);
    expect(reusedDups[0]!.fd?.name).not.toBe(plain);
    expect(got.stats.lateOpens).toBe(hasFinit ? 4 : 3);

    // Replay of the capture file: the same events, the same files behind the fds, the same count.
    const replayed: Uint8Array[] = [];
    await replayCapture(capFile, (b) => replayed.push(b));
    const again: Captured = { batches: replayed.map((b) => readBatch(b)), raw: replayed, stats: { running: false } };
    const used = [['fchmod', 'fchmod'], ['dup', 'dup'], ['getfl', 'fcntl'], ...(hasFinit ? [['finit', 'finit_module']] : [])] as const;
    for (const [k, type] of used) {
      const ev = eventsOf(again, r[k]!, type);
      expect(ev.length, k).toBe(1);
      expect(isPlain(ev[0]), k).toBe(true);
      expect(opens(again, r[k]!), k).toEqual([]);
    }
  });

  test('O_TRUNC/O_CREAT opens pass; a forked child inherits the dropped fds; closes of fds that were not open are left out unless a rule reads closes', async () => {
    const CLOSE = eventTypeId('close');
    const filter: OpenFilter = { dropRead: [OPENAT], dropWrite: [OPENAT], prefixes: [], exact: [] };
    const cap = createCapture({ eventTypes: [OPENAT], flushMs: 10 });
    cap.setOpenFilter(filter);
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    const r: Record<string, Run> = {};
    try {
      r.trunc = run('o', join(dir, 'trunc'), 'wt', 'c', 'last');
      r.creat = run('o', join(dir, 'made'), 'rc', 'c', 'last');
      // fd 3 dropped in the parent; the child dups it (late open there too) and closes both
      r.fork = run('o', plain, 'r', 'fork', 'dup', '3', 'c', '3', 'c', 'last');
      r.badClose = run('c', '999');
      // stdin closed, a dropped open takes fd 0 (a daemon's /dev/null): the next open (fd 3, whose
      // never used stash slot reads fd 0) is dropped too
      r.fd0 = run('c', '0', 'o', plain, 'r', 'o', plain, 'r', 'c', 'last', 'c', '0');
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      await cap.stop();
    }
    const got: Captured = { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };
    expect(opens(got, r.trunc!, join(dir, 'trunc')).length).toBe(1);
    expect(opens(got, r.creat!, join(dir, 'made')).length).toBe(1);
    expect(opens(got, r.fork!)).toEqual([]);
    const child: Run = { pid: r.fork!.child!, fds: [] };
    const dups = eventsOf(got, child, 'dup');
    expect(dups.length).toBe(1);
    expect(dups[0]!.fd?.name).toBe(plain);
    expect(closes(got, child, 3).length).toBe(1);
    expect(closes(got, child, 4).length).toBe(1);
    // close is a state type here (no rule asked for it): a close of fd 999 changes nothing, not sent
    expect(closes(got, r.badClose!, 999)).toEqual([]);
    expect(r.fd0!.fds).toEqual([0, 3]);
    expect(opens(got, r.fd0!)).toEqual([]);
    expect(closes(got, r.fd0!, 3)).toEqual([]);
    expect(closes(got, r.fd0!, 0).length).toBe(1); // the original stdin's; the dropped one's is not sent

    // With close asked for, the same close is an event (EBADF).
    const withClose = await (async () => {
      const c2 = createCapture({ eventTypes: [OPENAT, CLOSE], flushMs: 10 });
      const raw2: Uint8Array[] = [];
      c2.start((b) => raw2.push(b));
      let run2: Run;
      try {
        run2 = run('c', '999');
        await new Promise((res) => setTimeout(res, 100));
      } finally {
        await c2.stop();
      }
      return closes({ batches: raw2.map((b) => readBatch(b)), raw: raw2, stats: c2.stats() }, run2, 999);
    })();
    expect(withClose.length).toBe(1);
    expect(withClose[0]!.res).toBe(-9n);
  });

  test('set after prepare(), replaced and cleared (null) while running', async () => {
    const cap = createCapture({ eventTypes: [OPENAT], flushMs: 10 });
    cap.prepare();
    cap.setOpenFilter({ dropRead: [OPENAT], dropWrite: [], prefixes: ['/etc/'], exact: [] });
    const raw: Uint8Array[] = [];
    cap.start((b) => raw.push(b));
    let first: Run, second: Run, third: Run, fourth: Run, tmpfile: Run;
    try {
      first = run('o', plain, 'r', 'c', 'last');
      cap.setOpenFilter(null);
      second = run('o', plain, 'r', 'c', 'last');
      // now the temporary directory is a prefix key: passes; another file in /tmp would not
      cap.setOpenFilter({ dropRead: [OPENAT], dropWrite: [OPENAT], prefixes: [`${dir}/`], exact: [] });
      third = run('o', plain, 'w', 'c', 'last');
      cap.setOpenFilter({ dropRead: [OPENAT], dropWrite: [OPENAT], prefixes: [], exact: [] });
      fourth = run('o', plain, 'w', 'c', 'last');
      // O_TMPFILE holds O_DIRECTORY, which makes libs type the fd a directory: never dropped.
      tmpfile = run('o', dir, 't', 'c', 'last');
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      await cap.stop();
    }
    const got: Captured = { batches: raw.map((b) => readBatch(b)), raw, stats: cap.stats() };
    expect(opens(got, first)).toEqual([]);
    expect(closes(got, first, 3)).toEqual([]);
    expect(opens(got, second, plain).length).toBe(1);
    expect(closes(got, second, 3).length).toBe(1);
    expect(opens(got, third, plain).length).toBe(1);
    expect(opens(got, fourth)).toEqual([]);
    expect(closes(got, fourth, 3)).toEqual([]);
    expect(tmpfile.fds).toEqual([3]);
    expect(opens(got, tmpfile).length).toBe(1);
    expect(closes(got, tmpfile, 3).length).toBe(1);
  });

  test('invalid filters throw a clear error', () => {
    const cap = createCapture({ eventTypes: [OPENAT] });
    const base: OpenFilter = { dropRead: [OPENAT], dropWrite: [], prefixes: [], exact: [] };
    expect(() => cap.setOpenFilter({ ...base, prefixes: ['etc/'] })).toThrow(/prefixes\[0\] "etc\/" is not an absolute path/);
    expect(() => cap.setOpenFilter({ ...base, exact: [''] })).toThrow(/not an absolute path/);
    expect(() => cap.setOpenFilter({ ...base, exact: [`/${'a'.repeat(255)}`] })).toThrow(/exact\[0\] is 256 bytes, longer than 255/);
    expect(() => cap.setOpenFilter({ ...base, dropWrite: [eventTypeId('close')] })).toThrow(/dropWrite\[0\] = \d+ is not an open-family event type id/);
    expect(() => cap.setOpenFilter({ ...base, prefixes: [`/${'a'.repeat(254)}`] })).not.toThrow();
    expect(() => cap.setOpenFilter(null)).not.toThrow();
  });
});
