// engine-as/abi_generated.ts must be exactly what host/engine/abi-codegen.ts renders from the TS tables.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ABI_GENERATED_PATH, renderAbiModule } from '../../host/engine/abi-codegen.js';
import { EVENT_TYPES } from '../../host/engine/event-types.js';
import { REPO_ROOT } from './as-harness.js';

describe('generated AssemblyScript ABI module', () => {
  it('matches the TypeScript layout and event type tables', () => {
    const path = join(REPO_ROOT, ABI_GENERATED_PATH);
    const expected = renderAbiModule();
    if (process.env.UPDATE_GENERATED === '1') writeFileSync(path, expected);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('keeps event type ids stable (ids are ABI: append new types, never renumber)', () => {
    const pinned = [
    '1:accept 2:accept4 3:bpf 4:chmod 5:connect 6:creat 7:dup 8:dup2 9:dup3 10:execve 11:execveat',
    '12:fchmod 13:fchmodat 14:finit_module 15:init_module 16:link 17:linkat 18:listen 19:mkdir',
    '20:mkdirat 21:open 22:openat 23:openat2 24:ptrace 25:recvfrom 26:recvmsg 27:rename 28:renameat',
    '29:renameat2 30:rmdir 31:sendmsg 32:sendto 33:setns 34:setuid 35:socket 36:symlink 37:symlinkat',
    '38:unlink 39:unlinkat 40:unshare 41:userfaultfd 42:bind 43:capset 44:chdir 45:chroot 46:clone',
    '47:clone3 48:close 49:close_range 50:epoll_create 51:epoll_create1 52:eventfd 53:eventfd2',
    '54:fchdir 55:fcntl 56:fork 57:getsockopt 58:inotify_init 59:inotify_init1 60:io_uring_setup',
    '61:memfd_create 62:mount 63:open_by_handle_at 64:pidfd_getfd 65:pidfd_open 66:pipe 67:pipe2',
    '68:prctl 69:prlimit 70:recvmmsg 71:sendmmsg 72:setgid 73:setregid 74:setresgid 75:setresuid',
    '76:setreuid 77:setrlimit 78:setsid 79:shutdown 80:signalfd 81:signalfd4 82:socketpair',
    '83:timerfd_create 84:umount 85:umount2 86:vfork 87:procexit 88:kill 89:setpgid',
    ].join(' ');
    const current = EVENT_TYPES.map((t) => `${t.id}:${t.name}`).join(' ');
    expect(current.startsWith(pinned)).toBe(true);
  });

  it('declares a constant for every event type', () => {
    const text = renderAbiModule();
    for (const t of EVENT_TYPES) {
      expect(text).toContain(`export const EVT_TYPE_${t.name.toUpperCase()}: u16 = ${t.id};`);
    }
  });
});
