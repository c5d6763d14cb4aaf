// Names and types of syscall event parameters, for `evt.arg.NAME` and `evt.rawarg.NAME`.
// libs resolves NAME by the longest parameter name (over every event) that prefixes it; the type
// of `evt.rawarg.NAME` is that of the first event in the libs event table declaring the name.
// Listed in libs event-table order, so each name carries the type of its first declaration.
import type { FieldType } from './types.js';

export const EVENT_PARAM_TYPES: ReadonlyMap<string, FieldType> = new Map<string, FieldType>([
  ['ID', 'PT_SYSCALLID'], ['nativeID', 'PT_UINT16'], ['name', 'PT_FSPATH'], ['flags', 'PT_FLAGS32'],
  ['mode', 'PT_UINT32'], ['fd', 'PT_FD'], ['dev', 'PT_UINT32'], ['res', 'PT_ERRNO'],
  ['size', 'PT_UINT32'], ['data', 'PT_BYTEBUF'], ['exe', 'PT_CHARBUF'], ['args', 'PT_BYTEBUF'],
  ['tid', 'PT_PID'], ['pid', 'PT_PID'], ['ptid', 'PT_PID'], ['cwd', 'PT_CHARBUF'],
  ['fdlimit', 'PT_UINT64'], ['uid', 'PT_UINT32'], ['gid', 'PT_UINT32'], ['domain', 'PT_FLAGS32'],
  ['type', 'PT_UINT32'], ['proto', 'PT_UINT32'], ['addr', 'PT_SOCKADDR'], ['tuple', 'PT_SOCKTUPLE'],
  ['backlog', 'PT_UINT32'], ['queuepct', 'PT_UINT8'], ['how', 'PT_FLAGS8'], ['fd1', 'PT_FD'],
  ['fd2', 'PT_FD'], ['source', 'PT_UINT64'], ['peer', 'PT_UINT64'], ['level', 'PT_FLAGS8'],
  ['optname', 'PT_FLAGS8'], ['val', 'PT_DYN'], ['optlen', 'PT_UINT32'], ['ino', 'PT_UINT64'],
  ['initval', 'PT_UINT64'], ['op', 'PT_FLAGS16'], ['path', 'PT_FSPATH'], ['maxevents', 'PT_ERRNO'],
  ['fds', 'PT_FDLIST'], ['timeout', 'PT_INT64'], ['offset', 'PT_UINT64'], ['whence', 'PT_FLAGS8'],
  ['request', 'PT_UINT64'], ['pos', 'PT_UINT64'], ['mask', 'PT_UINT32'], ['sig', 'PT_SIGTYPE'],
  ['interval', 'PT_RELTIME'], ['clockid', 'PT_UINT8'], ['resource', 'PT_FLAGS8'], ['cur', 'PT_INT64'],
  ['max', 'PT_INT64'], ['newcur', 'PT_INT64'], ['newmax', 'PT_INT64'], ['oldcur', 'PT_INT64'],
  ['oldmax', 'PT_INT64'], ['next', 'PT_PID'], ['ratio', 'PT_UINT32'], ['cmd', 'PT_FLAGS8'],
  ['pgft_maj', 'PT_UINT64'], ['pgft_min', 'PT_UINT64'], ['vm_size', 'PT_UINT32'],
  ['vm_rss', 'PT_UINT32'], ['vm_swap', 'PT_UINT32'], ['length', 'PT_UINT64'], ['prot', 'PT_FLAGS32'],
  ['pgoffset', 'PT_UINT64'], ['fd_in', 'PT_FD'], ['fd_out', 'PT_FD'], ['argument', 'PT_UINT64'],
  ['oldpath', 'PT_FSPATH'], ['newpath', 'PT_FSPATH'], ['olddir', 'PT_FD'], ['newdir', 'PT_FD'],
  ['dirfd', 'PT_FD'], ['env', 'PT_BYTEBUF'], ['olddirfd', 'PT_FD'], ['newdirfd', 'PT_FD'],
  ['target', 'PT_CHARBUF'], ['linkdirfd', 'PT_FD'], ['linkpath', 'PT_FSPATH'], ['status', 'PT_ERRNO'],
  ['ret', 'PT_ERRNO'], ['core', 'PT_UINT8'], ['out_fd', 'PT_FD'], ['in_fd', 'PT_FD'],
  ['id', 'PT_UINT32'], ['quota_fmt', 'PT_FLAGS8'], ['special', 'PT_CHARBUF'],
  ['quotafilepath', 'PT_CHARBUF'], ['dqb_bhardlimit', 'PT_UINT64'], ['dqb_bsoftlimit', 'PT_UINT64'],
  ['dqb_curspace', 'PT_UINT64'], ['dqb_ihardlimit', 'PT_UINT64'], ['dqb_isoftlimit', 'PT_UINT64'],
  ['dqb_btime', 'PT_RELTIME'], ['dqb_itime', 'PT_RELTIME'], ['dqi_bgrace', 'PT_RELTIME'],
  ['dqi_igrace', 'PT_RELTIME'], ['dqi_flags', 'PT_FLAGS8'], ['quota_fmt_out', 'PT_FLAGS8'],
  ['ruid', 'PT_UID'], ['euid', 'PT_UID'], ['suid', 'PT_UID'], ['rgid', 'PT_GID'], ['egid', 'PT_GID'],
  ['sgid', 'PT_GID'], ['event_type', 'PT_UINT32'], ['event_data', 'PT_UINT64'], ['comm', 'PT_CHARBUF'],
  ['cgroups', 'PT_BYTEBUF'], ['vtid', 'PT_PID'], ['vpid', 'PT_PID'], ['image', 'PT_CHARBUF'],
  ['spid', 'PT_PID'], ['dpid', 'PT_PID'], ['cpu_usr', 'PT_UINT64'], ['cpu_sys', 'PT_UINT64'],
  ['nstype', 'PT_FLAGS32'], ['operation', 'PT_FLAGS32'], ['cpu', 'PT_UINT32'], ['action', 'PT_UINT32'],
  ['queuelen', 'PT_UINT32'], ['queuemax', 'PT_UINT32'], ['semid', 'PT_INT32'], ['nsops', 'PT_UINT32'],
  ['sem_num_0', 'PT_UINT16'], ['sem_op_0', 'PT_INT16'], ['sem_flg_0', 'PT_FLAGS16'],
  ['sem_num_1', 'PT_UINT16'], ['sem_op_1', 'PT_INT16'], ['sem_flg_1', 'PT_FLAGS16'],
  ['semnum', 'PT_INT32'], ['sigmask', 'PT_SIGSET'], ['dir', 'PT_FSPATH'], ['json', 'PT_CHARBUF'],
  ['key', 'PT_INT32'], ['nsems', 'PT_INT32'], ['semflg', 'PT_FLAGS32'], ['tags', 'PT_CHARBUFARRAY'],
  ['desc', 'PT_CHARBUF'], ['tty', 'PT_INT32'], ['description', 'PT_CHARBUF'], ['scope', 'PT_CHARBUF'],
  ['filename', 'PT_FSPATH'], ['ip', 'PT_UINT64'], ['error', 'PT_FLAGS32'], ['pgid', 'PT_PID'],
  ['loginuid', 'PT_INT32'], ['res_or_fd', 'PT_DYN'], ['mountfd', 'PT_FD'], ['entries', 'PT_UINT32'],
  ['sq_entries', 'PT_UINT32'], ['cq_entries', 'PT_UINT32'], ['sq_thread_cpu', 'PT_UINT32'],
  ['sq_thread_idle', 'PT_UINT32'], ['features', 'PT_FLAGS32'], ['to_submit', 'PT_UINT32'],
  ['min_complete', 'PT_UINT32'], ['opcode', 'PT_FLAGS16'], ['arg', 'PT_UINT64'],
  ['nr_args', 'PT_UINT32'], ['len', 'PT_UINT64'], ['fdin', 'PT_FD'], ['offin', 'PT_UINT64'],
  ['fdout', 'PT_FD'], ['offout', 'PT_UINT64'], ['plugin ID', 'PT_UINT32'], ['pathname', 'PT_FSRELPATH'],
  ['cap_inheritable', 'PT_UINT64'], ['cap_permitted', 'PT_UINT64'], ['cap_effective', 'PT_UINT64'],
  ['exe_ino', 'PT_UINT64'], ['exe_ino_ctime', 'PT_ABSTIME'], ['exe_ino_mtime', 'PT_ABSTIME'],
  ['trusted_exepath', 'PT_FSPATH'], ['creat_flags', 'PT_FLAGS16'], ['uargs', 'PT_CHARBUF'],
  ['img', 'PT_BYTEBUF'], ['reaper_tid', 'PT_PID'], ['pidns_init_start_ts', 'PT_UINT64'],
  ['msgcontrol', 'PT_BYTEBUF'], ['resolve', 'PT_FLAGS32'], ['fstype', 'PT_CHARBUF'],
  ['old_uid', 'PT_UINT32'], ['old_gid', 'PT_UINT32'], ['fsync', 'PT_UINT8'], ['addr_ptr', 'PT_UINT64'],
  ['count', 'PT_UINT32'],
]);

/** libs' longest-prefix search over parameter names; undefined when none prefixes `text`. */
export function longestMatchingParam(text: string): string | undefined {
  let best: string | undefined;
  for (const name of EVENT_PARAM_TYPES.keys()) {
    if (text.startsWith(name) && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}
