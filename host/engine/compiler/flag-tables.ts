// Which of libs' flag tables (engine-as/fields.ts TBL_*) renders an event parameter as names.
import type { ParamDef } from '../event-types.js';

/** The flag table (F.TBL_*) libs uses to render a parameter, if any. */
export function flagTable(event: string, p: ParamDef): string | undefined {
  if (p.type === 'MODE') return 'F.TBL_MODE';
  switch (p.name) {
    case 'flags':
      if (event === 'open' || event === 'openat' || event === 'openat2') return 'F.TBL_FILE_FLAGS';
      if (event === 'unshare' || event === 'setns' || event === 'clone' || event === 'clone3' || event === 'fork' || event === 'vfork') return 'F.TBL_CLONE';
      if (event === 'unlinkat') return 'F.TBL_UNLINKAT';
      if (event === 'linkat') return 'F.TBL_LINKAT';
      if (event === 'renameat2') return 'F.TBL_RENAMEAT2';
      if (event === 'execve') return 'F.TBL_EXECVE';
      if (event === 'memfd_create') return 'F.TBL_MEMFD';
      if (event === 'mount') return 'F.TBL_MOUNT';
      if (event === 'umount2') return 'F.TBL_UMOUNT';
      return undefined;
    case 'nstype':
      return 'F.TBL_CLONE';
    case 'request':
      return 'F.TBL_PTRACE';
    case 'domain':
      return 'F.TBL_AF';
    case 'cmd':
      return event === 'bpf' ? 'F.TBL_BPF_CMD' : undefined;
    default:
      return undefined;
  }
}
