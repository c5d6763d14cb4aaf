/* Record layout shared by the kernel side (capture.bpf.c) and the addon (record decoding).
 * A record is: struct saker_rec, then struct saker_sock if REC_HAS_SOCK, then struct saker_task if
 * REC_HAS_TASK, then slen[0..3] bytes of string/blob payloads back to back (not NUL-terminated). */
#ifndef SAKER_CAPTURE_H
#define SAKER_CAPTURE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define SAKER_MAX_STR 4096      /* one path or argument blob */
#define SAKER_STR_SLOTS 6
#define SAKER_MAX_TYPES 128     /* size of the enabled-types map; ABI ids are below this */
#define SAKER_MAX_RINGS 64

enum saker_rec_flags {
  REC_HAS_SOCK = 1 << 0,
  REC_HAS_TASK = 1 << 1,
  REC_ARGS_TRUNCATED = 1 << 2,
  REC_HAS_FILE = 1 << 3,
  /* A dropped open replayed ("late open", capture.bpf.c): the consumer updates the fd table as that
   * open would and writes no event. */
  REC_STATE_ONLY = 1 << 4,
};

struct saker_rec {
  __u64 ts;          /* CLOCK_BOOTTIME ns; the addon converts to epoch */
  __s64 res;
  __u64 a[6];        /* raw numeric arguments, meaning per event type (see record.cc) */
  __u32 tid;         /* host ids */
  __u32 pid;
  __u16 type;        /* batch ABI v1 event type id */
  __u16 cpu;
  __u16 size;        /* bytes of the whole record */
  __u16 flags;       /* REC_* */
  __u16 slen[SAKER_STR_SLOTS];
};

/* A socket's endpoints as the kernel holds them: local = this side. Ports in host order. */
struct saker_sock {
  __u16 family;      /* AF_* */
  __u16 l4proto;     /* IPPROTO_* as in sk_protocol */
  __u16 lport;
  __u16 rport;
  __u16 sk_type;     /* SOCK_STREAM, ... */
  __u16 listening;   /* 1 when the socket is in TCP_LISTEN */
  __u32 pad;
  __u8 laddr[16];    /* network order; IPv4 in the first 4 bytes */
  __u8 raddr[16];
};

/* The file an open returned, in place of the socket block (an open has no socket). */
struct saker_file {
  __u32 dev;         /* kernel dev_t of the superblock */
  __u32 i_mode;      /* S_IF* and permission bits */
  __u32 f_mode;      /* FMODE_* (FMODE_CREATED tells the open created the file) */
  __u32 pad;
};

/* What exec and fork records say about the task (libs' thread info fields the kernel knows). */
struct saker_task {
  __u32 ppid;        /* host tgid of the real parent */
  __u32 uid;         /* euid, as libs reports user.uid */
  __u32 gid;
  __u32 loginuid;
  __u32 tty;         /* encoded as /proc/<pid>/stat tty_nr */
  __u32 sid;
  __u32 vpid;
  __u32 vpgid;
  __u32 vtid;
  __u32 clone_flags; /* fork records */
  __u32 exe_flags;   /* exec records: SAKER_EXE_* */
  __u32 pad;
  __u64 cap_effective;
  __u64 cap_permitted;
  __u64 cap_inheritable;
  __u64 start_ns;    /* CLOCK_BOOTTIME ns of the task's start */
  __u64 exe_ctime;   /* exec records: the executable's inode times, epoch ns (0 = unknown) */
  __u64 exe_mtime;
  char comm[16];
};

#define SAKER_EXE_UPPER_LAYER 1 /* the executable is in an overlayfs upper layer */
#define SAKER_EXE_WRITABLE 2    /* the user that exec-ed it could write the executable (libs' rule) */
#define SAKER_EXE_LOWER_LAYER 4 /* the executable is in an overlayfs lower layer */

/* Per-CPU counters. */
struct saker_counters {
  __u64 events;
  __u64 drops_full;    /* ring buffer had no room */
  __u64 drops_read;    /* a payload could not be read */
  __u64 filtered_opens;  /* opens the open prefilter dropped (not counted as events) */
  __u64 filtered_closes; /* closes of those fds, dropped too */
};

/* The open prefilter (capture.bpf.c): bits of an enabled[type] value, keys of the open_keys trie. */
#define SAKER_TYPE_ON 1         /* records of the type are produced */
#define SAKER_TYPE_DROP_READ 2  /* successful read-only opens of this type may be dropped */
#define SAKER_TYPE_DROP_WRITE 4 /* successful opens with write access may be dropped */
#define SAKER_TYPE_STATE_ONLY 8  /* enabled for the fd/thread tables only: no loaded rule reads its events */
#define SAKER_KEY_MAX 255       /* bytes of a key (and of a path that can be dropped: < 256) */
#define SAKER_FD_BITS 1024      /* fds tracked per task: a dropped open's fd is below this */

struct saker_open_key {
  __u32 prefixlen;   /* bits, as BPF_MAP_TYPE_LPM_TRIE wants */
  __u8 data[SAKER_KEY_MAX];
};

enum saker_key_kind { SAKER_KEY_PREFIX = 1, SAKER_KEY_EXACT = 2 };

struct saker_open_val {
  __u32 kind;        /* SAKER_KEY_* */
  __u32 len;         /* bytes of the key */
};

#endif
