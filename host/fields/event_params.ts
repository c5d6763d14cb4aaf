// Names and types of syscall event parameters, for `evt.arg.NAME` and `evt.rawarg.NAME`.
// libs resolves NAME by the longest parameter name (over every event) that prefixes it; the type
// of `evt.rawarg.NAME` is that of the first event in the libs event table declaring the name.
// This covers the parameters of the events Falco's rules and Saker's capture use.
import type { FieldType } from './types.js';

export const EVENT_PARAM_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ['fd', 'PT_FD'], ['name', 'PT_FSPATH'], ['flags', 'PT_FLAGS32'], ['mode', 'PT_UINT32'],
  ['dev', 'PT_UINT32'], ['ino', 'PT_UINT64'], ['res', 'PT_ERRNO'], ['size', 'PT_UINT32'],
  ['data', 'PT_BYTEBUF'], ['pos', 'PT_UINT64'], ['ID', 'PT_SYSCALLID'], ['nativeID', 'PT_UINT16'],
  ['domain', 'PT_ENUMFLAGS32'], ['type', 'PT_UINT32'], ['proto', 'PT_UINT32'], ['addr', 'PT_SOCKADDR'],
  ['tuple', 'PT_SOCKTUPLE'], ['backlog', 'PT_INT32'], ['queuepct', 'PT_UINT8'], ['queuelen', 'PT_UINT32'],
  ['queuemax', 'PT_UINT32'], ['how', 'PT_ENUMFLAGS8'], ['fd1', 'PT_FD'], ['fd2', 'PT_FD'],
  ['source', 'PT_UINT64'], ['peer', 'PT_UINT64'], ['level', 'PT_ENUMFLAGS8'], ['optname', 'PT_ENUMFLAGS8'],
  ['val', 'PT_DYN'], ['optlen', 'PT_UINT32'], ['fds', 'PT_FDLIST'], ['timeout', 'PT_INT64'],
  ['exe', 'PT_CHARBUF'], ['args', 'PT_BYTEBUF'], ['tid', 'PT_PID'], ['pid', 'PT_PID'], ['ptid', 'PT_PID'],
  ['cwd', 'PT_CHARBUF'], ['fdlimit', 'PT_UINT64'], ['pgft_maj', 'PT_UINT64'], ['pgft_min', 'PT_UINT64'],
  ['vm_size', 'PT_UINT32'], ['vm_rss', 'PT_UINT32'], ['vm_swap', 'PT_UINT32'], ['comm', 'PT_CHARBUF'],
  ['cgroups', 'PT_BYTEBUF'], ['env', 'PT_BYTEBUF'], ['tty', 'PT_UINT32'], ['vpgid', 'PT_PID'],
  ['loginuid', 'PT_UID'], ['uid', 'PT_UINT32'], ['gid', 'PT_UINT32'], ['vtid', 'PT_PID'], ['vpid', 'PT_PID'],
  ['pidns_init_start_ts', 'PT_UINT64'], ['cap_inheritable', 'PT_UINT64'], ['cap_permitted', 'PT_UINT64'],
  ['cap_effective', 'PT_UINT64'], ['exe_ino', 'PT_UINT64'], ['exe_ino_ctime', 'PT_ABSTIME'],
  ['exe_ino_mtime', 'PT_ABSTIME'], ['trusted_exepath', 'PT_FSPATH'], ['pgid', 'PT_PID'],
  ['filename', 'PT_FSPATH'], ['path', 'PT_FSPATH'], ['pathname', 'PT_FSRELPATH'], ['dirfd', 'PT_FD'],
  ['oldpath', 'PT_FSPATH'], ['newpath', 'PT_FSPATH'], ['olddir', 'PT_FD'], ['newdir', 'PT_FD'],
  ['olddirfd', 'PT_FD'], ['newdirfd', 'PT_FD'], ['target', 'PT_CHARBUF'], ['linkpath', 'PT_FSPATH'],
  ['linkdirfd', 'PT_FD'], ['oldfd', 'PT_FD'], ['newfd', 'PT_FD'], ['status', 'PT_ERRNO'], ['ret', 'PT_ERRNO'],
  ['sig', 'PT_SIGTYPE'], ['core', 'PT_UINT8'], ['reaper_tid', 'PT_PID'], ['request', 'PT_ENUMFLAGS16'],
  ['cmd', 'PT_ENUMFLAGS32'], ['prot', 'PT_FLAGS32'], ['length', 'PT_UINT64'], ['offset', 'PT_UINT64'],
  ['whence', 'PT_ENUMFLAGS8'], ['resolve', 'PT_FLAGS32'], ['creat_flags', 'PT_FLAGS16'], ['uargs', 'PT_CHARBUF'],
  ['img', 'PT_BYTEBUF'], ['nstype', 'PT_FLAGS32'], ['resource', 'PT_ENUMFLAGS8'], ['newcur', 'PT_INT64'],
  ['newmax', 'PT_INT64'], ['oldcur', 'PT_INT64'], ['oldmax', 'PT_INT64'], ['euid', 'PT_UID'], ['egid', 'PT_GID'],
  ['ruid', 'PT_UID'], ['rgid', 'PT_GID'], ['suid', 'PT_UID'], ['sgid', 'PT_GID'], ['dev_name', 'PT_CHARBUF'],
  ['dir', 'PT_FSPATH'], ['msgcontrol', 'PT_BYTEBUF'], ['buf', 'PT_BYTEBUF'], ['fstype', 'PT_CHARBUF'],
  ['option', 'PT_ENUMFLAGS32'], ['arg2_str', 'PT_CHARBUF'], ['arg2_int', 'PT_INT64'], ['op', 'PT_UINT64'],
  ['next', 'PT_PID'], ['cpu', 'PT_UINT32'], ['sigset', 'PT_SIGSET'], ['fd_in', 'PT_FD'], ['fd_out', 'PT_FD'],
  ['len', 'PT_UINT64'], ['entries', 'PT_UINT32'], ['sq_entries', 'PT_UINT32'], ['cq_entries', 'PT_UINT32'],
  ['features', 'PT_UINT32'], ['to_submit', 'PT_UINT32'], ['min_complete', 'PT_UINT32'], ['opcode', 'PT_ENUMFLAGS16'],
  ['nr_args', 'PT_UINT32'], ['key', 'PT_CHARBUF'], ['value', 'PT_CHARBUF'], ['aux', 'PT_INT32'],
  ['special', 'PT_CHARBUF'], ['quota_fmt', 'PT_FLAGS8'], ['clockid', 'PT_UINT8'], ['initval', 'PT_UINT64'],
  ['sem_num', 'PT_UINT16'], ['sem_op', 'PT_INT16'], ['sem_flg', 'PT_FLAGS16'], ['semid', 'PT_INT32'],
  ['semnum', 'PT_INT32'], ['nsems', 'PT_INT32'], ['semflg', 'PT_FLAGS32'], ['nsops', 'PT_UINT32'],
  ['old_uid', 'PT_UINT32'], ['old_gid', 'PT_UINT32'], ['id', 'PT_UINT32'], ['detail', 'PT_CHARBUF'],
  ['description', 'PT_CHARBUF'], ['json', 'PT_CHARBUF'], ['plugin_id', 'PT_UINT32'], ['event_data', 'PT_BYTEBUF'],
  ['pkt_addr', 'PT_UINT64'], ['addr_ptr', 'PT_UINT64'], ['ip', 'PT_UINT64'], ['error_code', 'PT_FLAGS32'],
  ['count', 'PT_UINT32'], ['nfds', 'PT_INT32'], ['uaddr', 'PT_UINT64'], ['fsync', 'PT_UINT8'],
]);

/** libs' longest-prefix search over parameter names; undefined when none prefixes `text`. */
export function longestMatchingParam(text: string): string | undefined {
  let best: string | undefined;
  for (const name of EVENT_PARAM_TYPES.keys()) {
    if (text.startsWith(name) && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}
