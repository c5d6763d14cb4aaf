// SPDX-License-Identifier: GPL-2.0
/* Kernel side of the capture module: one program per captured syscall on its syscalls:sys_exit_<name>
 * tracepoint (only the syscalls some rule or the state needs are attached; README.md has the figures
 * that chose this over a tp_btf sys_exit dispatcher; fentry/fexit and LSM programs are refused on this
 * kernel), plus three scheduler tracepoints for process state (fork, exec, exit). Records go to ring buffers shared by groups of
 * CPUs; wake-ups are batched. Layout of a record: capture.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "capture.h"
#include "event_ids.h"
#include "compat.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* Load-time configuration (set by the addon before load). */
const volatile __u32 self_tgid = 0;       /* Saker's own process: never captured */
const volatile __u32 cpus_per_ring = 1;
const volatile __u64 wakeup_bytes = 256 * 1024; /* wake the consumer only past this much data */

/* Set by the addon when stopping: no new records, so the rings can be drained to empty. */
volatile __u32 paused = 0;
/* Set by the addon once an open filter dropping something was installed (never cleared: bits set
 * before a later setOpenFilter(null) must still hide their closes). Until then no program looks
 * at the per-task fd bits, so without a filter a close costs what it did. */
volatile __u32 fd_tracking = 0;

struct ring_tmpl {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 * 1024 * 1024);
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, SAKER_MAX_RINGS);
  __type(key, __u32);
  __array(values, struct ring_tmpl);
} rings SEC(".maps");

/* Run-time switch: enabled[type id] & SAKER_TYPE_ON means records of that type are produced; for the
 * open family SAKER_TYPE_DROP_READ/_WRITE say which successful opens the prefilter may drop (one
 * lookup gives both). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, SAKER_MAX_TYPES);
  __type(key, __u32);
  __type(value, __u8);
} enabled SEC(".maps");

/* The open prefilter's keys: a path that a prefix key starts, or that equals an exact key, passes.
 * The addon drops every exact key a prefix key starts, so the longest match decides. */
struct {
  __uint(type, BPF_MAP_TYPE_LPM_TRIE);
  __uint(max_entries, 4096);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, struct saker_open_key);
  __type(value, struct saker_open_val);
} open_keys SEC(".maps");

/* Per task: the fds whose open was dropped, so their close is dropped too. Valid only for the fd
 * table `files` points to (bits are reset when the task's table changes: unshare, exec of a thread).
 * Each dropped open is stashed in slot[fd & 15] (a slot is free when its fd's bit is clear), so a
 * later event that uses the fd (dup, fcntl, fchmod, finit_module) can replay it first (late_open). */
#define STASH_SLOTS 16
struct open_stash {
  __s32 fd;
  __u16 type;        /* SAKER_EVT_OPEN/OPENAT/OPENAT2/CREAT */
  __u16 len;         /* bytes of path (< 256) */
  __u64 flags;       /* as the record carried them (openat2: open_how's) */
  __u64 mode;
  __u64 resolve;     /* openat2 only */
  __u64 inode;       /* the open's inode: replayed only while the fd still refers to it (a struct
                      * file pointer would not do: a freed file is soon reused by the next open) */
  __u64 path[(SAKER_KEY_MAX + 1) / 8]; /* bytes, copied a word at a time (len rounded up) */
};
struct fd_bits {
  __u64 files;
  __u64 bits[SAKER_FD_BITS / 64];
  struct open_stash slot[STASH_SLOTS];
};
struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC);
  __type(key, int);
  __type(value, struct fd_bits);
} dropped_fds SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct saker_counters);
} counters SEC(".maps");

#define SCRATCH_SIZE 32768 /* the per-CPU value size limit */
#define STR_AREA_MASK 16383 /* exec, the largest record: 3 strings of < 4 KiB and 2 short ones */
struct scratch { __u8 b[SCRATCH_SIZE]; };
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct scratch);
} scratch_buf SEC(".maps");

/* The file name an exec was given, kept from sched_process_exec until the syscall's exit program. */
struct exec_name { char s[SAKER_MAX_STR]; };
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);
  __type(value, struct exec_name);
} exec_names SEC(".maps");

/* The dentry names of an executable's path, leaf first (put_exe_path). */
#define EXE_PATH_DEPTH 32
struct path_names { const unsigned char *name[EXE_PATH_DEPTH]; };
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct path_names);
} path_scratch SEC(".maps");

/* Fixed part of a record in the scratch buffer: header, socket, task, then strings from STR_BASE. */
#define OFF_SOCK sizeof(struct saker_rec)
#define OFF_TASK (OFF_SOCK + sizeof(struct saker_sock))
#define STR_BASE (OFF_TASK + sizeof(struct saker_task))

struct ctxb {
  __u8 *buf;
  struct task_struct *task; /* current (a BTF pointer): plain loads, no helper calls */
  struct saker_rec *r;
  __u32 off; /* bytes of string payload written so far */
  __u8 nstr;
};

enum { CNT_EVENTS, CNT_DROPS_FULL, CNT_DROPS_READ, CNT_FILTERED_OPENS, CNT_FILTERED_CLOSES };

/* Bumps a counter; returns the events counter's previous value (0 when it was another counter). */
static __always_inline __u64 count(int which)
{
  __u32 k = 0;
  struct saker_counters *c = bpf_map_lookup_elem(&counters, &k);
  if (!c)
    return 0;
  if (which == CNT_EVENTS)
    return __sync_fetch_and_add(&c->events, 1);
  if (which == CNT_DROPS_FULL)
    __sync_fetch_and_add(&c->drops_full, 1);
  else if (which == CNT_DROPS_READ)
    __sync_fetch_and_add(&c->drops_read, 1);
  else if (which == CNT_FILTERED_OPENS)
    __sync_fetch_and_add(&c->filtered_opens, 1);
  else
    __sync_fetch_and_add(&c->filtered_closes, 1);
  return 0;
}

/* The type's enabled[] value (0 when off): SAKER_TYPE_ON plus, for opens, the prefilter's bits. */
static __always_inline __u8 type_bits(__u32 type)
{
  __u8 *on = bpf_map_lookup_elem(&enabled, &type);
  return on && (*on & SAKER_TYPE_ON) ? *on : 0;
}

static __always_inline bool is_self(void)
{
  return (bpf_get_current_pid_tgid() >> 32) == self_tgid;
}

/* Every helper call costs tens of ns on these VMs: the hot path calls each one at most once. */
/* stamp = false: the caller sets r->ts itself (the open programs, once they know the record is kept). */
static __always_inline int begin_stamp(struct ctxb *c, __u16 type, __s64 res, __u64 id, bool stamp)
{
  if (paused)
    return -1;
  __u32 k = 0;
  __u8 *buf = bpf_map_lookup_elem(&scratch_buf, &k);
  if (!buf)
    return -1;
  struct saker_rec *r = (struct saker_rec *)buf;
  r->ts = stamp ? bpf_ktime_get_boot_ns() : 0;
  r->res = res;
  for (int i = 0; i < 6; i++)
    r->a[i] = 0;
  r->tid = (__u32)id;
  r->pid = id >> 32;
  r->type = type;
  r->cpu = bpf_get_smp_processor_id();
  r->flags = 0;
  for (int i = 0; i < SAKER_STR_SLOTS; i++)
    r->slen[i] = 0;
  c->buf = buf;
  c->r = r;
  c->off = 0;
  c->nstr = 0;
  return 0;
}

static __always_inline int begin_as(struct ctxb *c, __u16 type, __s64 res, __u64 id)
{
  return begin_stamp(c, type, res, id, true);
}

static __always_inline int begin(struct ctxb *c, __u16 type, __s64 res)
{
  return begin_as(c, type, res, bpf_get_current_pid_tgid());
}

/* The common start of a syscall program: not Saker itself, type enabled, scratch ready. The ids come
 * from the task with plain loads (one helper call fewer than bpf_get_current_pid_tgid). */
static __always_inline int begin_syscall(struct ctxb *c, struct task_struct *task, __u16 type, __s64 res)
{
  __u32 tgid = task->tgid;
  if (tgid == self_tgid || !type_bits(type))
    return -1;
  c->task = task;
  return begin_as(c, type, res, ((__u64)tgid << 32) | (__u32)task->pid);
}

/* ---- dropped-fd tracking (the open prefilter) ---- */

/* The task's dropped-fd bits, when it has them and they describe its current fd table. */
static __always_inline struct fd_bits *fd_bits_of(struct task_struct *task)
{
  if (!fd_tracking)
    return NULL;
  struct fd_bits *st = bpf_task_storage_get(&dropped_fds, task, 0, 0);
  if (!st || st->files != (__u64)task->files)
    return NULL;
  return st;
}

/* An emitted record put `fd` in the caller's table: its number no longer names a dropped open's
 * file (that one was closed unseen: close_range, exec's close-on-exec, dup2 onto it). */
static __always_inline void fd_bit_clear(struct fd_bits *st, long fd)
{
  if (st && fd >= 0 && fd < SAKER_FD_BITS)
    st->bits[(fd >> 6) & (SAKER_FD_BITS / 64 - 1)] &= ~(1ULL << (fd & 63));
}

static __always_inline void fd_created(struct task_struct *task, long fd)
{
  if (fd >= 0 && fd < SAKER_FD_BITS)
    fd_bit_clear(fd_bits_of(task), fd);
}

/* Forget every dropped fd of the task (fds arrived whose numbers are not known here). */
static __always_inline void fd_bits_reset(struct task_struct *task)
{
  struct fd_bits *st = fd_bits_of(task);
  if (!st)
    return;
  for (int i = 0; i < SAKER_FD_BITS / 64; i++)
    st->bits[i] = 0;
}

/* Appends a user string (NUL-terminated, the NUL not kept) as the next string slot. */
static __always_inline void put_user_str(struct ctxb *c, const void *ptr)
{
  if (c->nstr >= SAKER_STR_SLOTS)
    return;
  long n = 0;
  if (ptr) {
    __u32 off = c->off & STR_AREA_MASK;
    n = bpf_probe_read_user_str(c->buf + STR_BASE + off, SAKER_MAX_STR, ptr);
    if (n < 0) {
      count(2);
      n = 0;
    } else if (n > 0) {
      n -= 1;
    }
  }
  c->r->slen[c->nstr < SAKER_STR_SLOTS ? c->nstr : 0] = n;
  c->off += n;
  c->nstr++;
}

static __always_inline void put_kernel_str(struct ctxb *c, const void *ptr)
{
  if (c->nstr >= SAKER_STR_SLOTS)
    return;
  long n = 0;
  if (ptr) {
    __u32 off = c->off & STR_AREA_MASK;
    n = bpf_probe_read_kernel_str(c->buf + STR_BASE + off, SAKER_MAX_STR, ptr);
    if (n < 0)
      n = 0;
    else if (n > 0)
      n -= 1;
  }
  c->r->slen[c->nstr < SAKER_STR_SLOTS ? c->nstr : 0] = n;
  c->off += n;
  c->nstr++;
}

/* Appends len bytes of user memory (e.g. a sockaddr or the argv area) as the next string slot. */
static __always_inline void put_user_bytes(struct ctxb *c, const void *ptr, __u32 len)
{
  if (c->nstr >= SAKER_STR_SLOTS)
    return;
  __u32 n = len;
  if (n > SAKER_MAX_STR - 1)
    n = SAKER_MAX_STR - 1;
  if (!ptr)
    n = 0;
  if (n > 0) {
    __u32 off = c->off & STR_AREA_MASK;
    __u64 sz = n;
    barrier_var(sz); /* keep the verifier's bound: clang would drop the mask otherwise */
    sz &= SAKER_MAX_STR - 1;
    if (bpf_probe_read_user(c->buf + STR_BASE + off, sz, ptr) < 0) {
      count(2);
      n = 0;
    }
  }
  c->r->slen[c->nstr < SAKER_STR_SLOTS ? c->nstr : 0] = n;
  c->off += n;
  c->nstr++;
}

static __always_inline int submit(struct ctxb *c)
{
  struct saker_rec *r = c->r;
  __u32 cpu = r->cpu;
  __u32 ring = cpus_per_ring ? cpu / cpus_per_ring : 0;
  void *rb = bpf_map_lookup_elem(&rings, &ring);
  if (!rb)
    return 0;
  /* Fixed header blocks, then only the string bytes actually written. */
  __u64 size = STR_BASE + (c->off & STR_AREA_MASK);
  barrier_var(size);
  if (size > SCRATCH_SIZE)
    return 0;
  r->size = size;
  /* Look at the ring's fill level only every 64th record of this CPU (a helper call each time). */
  __u64 n = count(0);
  __u64 flags = BPF_RB_NO_WAKEUP;
  if ((n & 63) == 0 && bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) + size >= wakeup_bytes)
    flags = BPF_RB_FORCE_WAKEUP;
  if (bpf_ringbuf_output(rb, c->buf, size, flags) < 0)
    count(1); /* counted as an event above and as a drop here: events - drops_full were delivered */
  return 0;
}

/* ---- reading kernel state ---- */

static __always_inline struct file *fd_file(struct task_struct *task, long fd)
{
  struct files_struct *files = task->files;
  if (!files || fd < 0)
    return NULL;
  struct fdtable *fdt = files->fdt;
  if (!fdt || fd >= fdt->max_fds)
    return NULL;
  struct file **fds = fdt->fd;
  /* The verifier refuses a variable index into a BTF array, and a probe read is a helper call (tens
   * of ns here). So the slot is read as the one member of a one-pointer kernel struct: a plain load
   * that the kernel makes fault-safe, as every load through bpf_rdonly_cast's pointers. */
  struct llist_node *slot = bpf_rdonly_cast(&fds[fd], bpf_core_type_id_kernel(struct llist_node));
  return bpf_rdonly_cast(slot->next, bpf_core_type_id_kernel(struct file));
}

/* An open record's file block and a[5] (the inode number): what the fd refers to. Returns i_mode. */
static __always_inline __u32 fill_file(struct ctxb *c, struct file *f)
{
  struct inode *ino = f->f_inode;
  c->r->a[5] = ino->i_ino; /* openat2 keeps resolve in a[4]; ino wins a[5] */
  __u32 mode = ino->i_mode;
  struct saker_file *fi = (struct saker_file *)(c->buf + OFF_SOCK);
  fi->dev = ino->i_sb->s_dev;
  fi->i_mode = mode;
  fi->f_mode = f->f_mode;
  fi->pad = 0;
  c->r->flags |= REC_HAS_FILE;
  return mode;
}

static __always_inline void fill_sock(struct ctxb *c, long fd)
{
  struct task_struct *task = c->task;
  struct file *f = fd_file(task, fd);
  if (!f)
    return;
  struct socket *sock = BPF_CORE_READ(f, private_data);
  if (!sock)
    return;
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk)
    return;
  struct saker_sock *s = (struct saker_sock *)(c->buf + OFF_SOCK);
  __builtin_memset(s, 0, sizeof(*s));
  s->family = BPF_CORE_READ(sk, __sk_common.skc_family);
  s->l4proto = BPF_CORE_READ(sk, sk_protocol);
  s->sk_type = BPF_CORE_READ(sk, sk_type);
  s->listening = BPF_CORE_READ(sk, __sk_common.skc_state) == 10 /* TCP_LISTEN */;
  s->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
  s->rport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (s->family == 2) {
    __u32 la = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    __u32 ra = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __builtin_memcpy(s->laddr, &la, 4);
    __builtin_memcpy(s->raddr, &ra, 4);
  } else if (s->family == 10) {
    BPF_CORE_READ_INTO(&s->laddr, sk, __sk_common.skc_v6_rcv_saddr);
    BPF_CORE_READ_INTO(&s->raddr, sk, __sk_common.skc_v6_daddr);
  }
  c->r->flags |= REC_HAS_SOCK;
}

static __always_inline __u32 pid_vnr_at(struct pid *p, __u32 level)
{
  struct upid up = {};
  if (!p)
    return 0;
  bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
  return up.nr;
}

static __always_inline __u32 tty_nr(struct task_struct *task)
{
  struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
  if (!tty)
    return 0;
  __u32 major = BPF_CORE_READ(tty, driver, major);
  __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
  /* new_encode_dev, as /proc/<pid>/stat shows it */
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline void fill_task(struct ctxb *c, struct task_struct *task)
{
  struct saker_task *t = (struct saker_task *)(c->buf + OFF_TASK);
  const struct cred *cred = BPF_CORE_READ(task, cred);
  t->ppid = BPF_CORE_READ(task, real_parent, tgid);
  t->uid = BPF_CORE_READ(cred, euid.val);
  t->gid = BPF_CORE_READ(cred, egid.val);
  t->loginuid = BPF_CORE_READ(task, loginuid.val);
  t->tty = tty_nr(task);
  struct pid *tp = BPF_CORE_READ(task, thread_pid);
  __u32 level = BPF_CORE_READ(tp, level);
  t->vtid = pid_vnr_at(tp, level);
  struct pid *leader_pid = BPF_CORE_READ(task, group_leader, thread_pid);
  t->vpid = pid_vnr_at(leader_pid, level);
  struct pid *sidp = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID]);
  t->sid = pid_vnr_at(sidp, 0);
  struct pid *pgp = BPF_CORE_READ(task, signal, pids[PIDTYPE_PGID]);
  t->vpgid = pid_vnr_at(pgp, level);
  t->clone_flags = 0;
  t->exe_flags = 0;
  t->pad = 0;
  bpf_probe_read_kernel(&t->cap_effective, 8, &cred->cap_effective);
  bpf_probe_read_kernel(&t->cap_permitted, 8, &cred->cap_permitted);
  bpf_probe_read_kernel(&t->cap_inheritable, 8, &cred->cap_inheritable);
  t->start_ns = BPF_CORE_READ(task, start_boottime);
  t->exe_ctime = 0;
  t->exe_mtime = 0;
  BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
  c->r->flags |= REC_HAS_TASK;
}

/* Leaf name of the task's memory-controller cgroup (cgroup v1) or of its default-hierarchy cgroup. */
static __always_inline void put_cgroup_leaf(struct ctxb *c, struct task_struct *task)
{
  int mem = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
  struct cgroup *cg = BPF_CORE_READ(task, cgroups, subsys[mem & 15], cgroup);
  const char *name = BPF_CORE_READ(cg, kn, name);
  struct cgroup *dfl = BPF_CORE_READ(task, cgroups, dfl_cgrp);
  /* On the unified hierarchy the memory subsystem's cgroup is the default one. */
  if (dfl && BPF_CORE_READ(dfl, level) > 0)
    name = BPF_CORE_READ(dfl, kn, name);
  put_kernel_str(c, name);
}

/* ---- syscall arguments (x86-64 order) ---- */

/* The six argument registers, from the caller's saved registers (a BTF pointer: plain loads). */
static __always_inline void read_args(struct pt_regs *regs, __u64 *out)
{
  out[0] = regs->di;
  out[1] = regs->si;
  out[2] = regs->dx;
  out[3] = regs->r10;
  out[4] = regs->r8;
  out[5] = regs->r9;
}

#define ARG0(r) ((r)->di)

/* A syscall's exit program: `regs` are the caller's registers (arguments), `ret` the result. */
#define SYSCALL_EXIT(sys)                                                       \
  static __always_inline int body_##sys(struct task_struct *task, struct pt_regs *regs, long ret); \
  SEC("tracepoint/syscalls/sys_exit_" #sys)                                     \
  int x_##sys(struct trace_event_raw_sys_exit *tp)                              \
  {                                                                             \
    struct task_struct *task = bpf_get_current_task_btf();                     \
    struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);            \
    return body_##sys(task, regs, tp->ret);                                     \
  }                                                                             \
  static __always_inline int body_##sys(struct task_struct *task, struct pt_regs *regs, long ret)

/* Generic exit handler: all six arguments as numbers, and the arguments named in str_mask (bit i =
 * argument i is a user string) as string slots, in argument order. */
static __always_inline int generic_rest(struct ctxb *c, struct task_struct *task, struct pt_regs *regs, long ret, __u32 str_mask, bool fd_ret)
{
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 6; i++) {
    c->r->a[i] = args[i];
    if (str_mask & (1u << i))
      put_user_str(c, (const void *)args[i]);
  }
  if (fd_ret)
    fd_created(task, ret);
  return submit(c);
}

static __always_inline int emit_generic(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, __u32 str_mask, bool fd_ret)
{
  struct ctxb c;
  if (begin_syscall(&c, task, type, ret) < 0)
    return 0;
  return generic_rest(&c, task, regs, ret, str_mask, fd_ret);
}

#define GENERIC(sys, type, mask)                                                \
  SYSCALL_EXIT(sys) { return emit_generic(task, type, regs, ret, mask, false); }
/* The same for a syscall whose result is a new fd in the caller's table. */
#define GENERIC_FD(sys, type, mask)                                             \
  SYSCALL_EXIT(sys) { return emit_generic(task, type, regs, ret, mask, true); }

/* The open prefilter: whether this successful open (its record built in the scratch buffer, path
 * first) may be dropped. When it is, its fd's bit is set in the task's dropped-fd bits, so its close
 * is dropped too. Every condition below keeps an open that the user side could need:
 *  - the type's bit for the access class: the user side's analysis of the rules set it;
 *  - the path as given is absolute, < 256 bytes, read whole, has no trailing '/', "//", "/." or
 *    ".." (so it is libs' normalised fd.name, and fd.nameraw has no "../"), no key passes it;
 *  - not a directory, nor opened with O_DIRECTORY: a directory fd may be the dirfd of later *at()
 *    calls, whose paths the user side resolves through its fd table, and libs types an O_DIRECTORY
 *    fd (O_TMPFILE too) a directory;
 *  - not a namespace file (nsfs): setns() takes such fds;
 *  - the fd table has this task as only user (files->count == 1): the bits are per task, and a
 *    thread sharing the table could close or pass the fd unseen by them; fd < SAKER_FD_BITS;
 *  - the fd's stash slot is free: the open is kept there for a late open (late_open). */
static __always_inline bool open_dropped(struct ctxb *c, struct task_struct *task, __u8 bits, __u16 type,
                                         __u64 flags, long fd, __u32 i_mode, __u64 sb_magic, struct file *f)
{
  __u32 acc = flags & 3; /* O_ACCMODE */
  __u8 need = 0;
  if (type == SAKER_EVT_CREAT || acc == 1 || acc == 2)
    need = SAKER_TYPE_DROP_WRITE;
  else if (acc == 0)
    need = SAKER_TYPE_DROP_READ;
  if (!(bits & need))
    return false;
  if ((i_mode & 0170000) == 0040000 /* S_IFDIR */ || fd < 0 || fd >= SAKER_FD_BITS)
    return false;
  /* O_DIRECTORY (also part of O_TMPFILE): libs types the fd a directory from this flag alone, and the
   * user side's analysis assumes a dropped open's fd.typechar is 'f'. */
  if (flags & 0200000)
    return false;
  /* O_CREAT or O_TRUNC (creat has both): the open may change the file system, which rules look at
   * by these flags; the analysis assumes a dropped open has neither. */
  if (flags & (0100 | 01000))
    return false;
  /* A namespace file (nsfs): setns() takes such fds, and the user side's analysis relies on setns
   * never seeing a dropped fd. */
  if (sb_magic == 0x6e736673 /* NSFS_MAGIC */)
    return false;
  struct files_struct *files = task->files;
  if (!files || files->count.counter != 1)
    return false;
  __u32 len = c->r->slen[0];
  if (len == 0 || len > SAKER_KEY_MAX)
    return false;
  const __u8 *p = c->buf + STR_BASE;
  if (p[0] != '/' || p[(len - 1) & 255] == '/')
    return false;
  for (__u32 i = 0; i < SAKER_KEY_MAX - 1; i++) {
    if (i + 1 >= len)
      break;
    __u8 a = p[i], b = p[i + 1];
    if ((a == '/' && (b == '/' || b == '.')) || (a == '.' && b == '.'))
      return false;
  }
  /* The trie's key is the path in place: its prefixlen goes in the 4 bytes before the string area
   * (the end of the task block, which an open record does not carry: no REC_HAS_TASK). */
  struct saker_open_key *key = (struct saker_open_key *)(c->buf + STR_BASE - sizeof(__u32));
  key->prefixlen = len * 8;
  struct saker_open_val *v = bpf_map_lookup_elem(&open_keys, key);
  if (v && (v->kind == SAKER_KEY_PREFIX || v->len == len))
    return false;
  struct fd_bits *st = bpf_task_storage_get(&dropped_fds, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!st)
    return false;
  if (st->files != (__u64)files) {
    for (int i = 0; i < SAKER_FD_BITS / 64; i++)
      st->bits[i] = 0;
    st->files = (__u64)files;
  }
  /* The stash: its slot must be free (its fd's bit clear, or the slot is this fd's: the number was
   * closed unseen, since the open got it), else the open passes, so a stash never loses a dropped open. */
  struct open_stash *slot = &st->slot[fd & (STASH_SLOTS - 1)];
  /* A slot holds fd & (STASH_SLOTS - 1) only: a never used one reads fd 0 (zeroed storage), which
   * must not make slot 3 look taken while a dropped fd 0 (a daemon's /dev/null stdin) is open. */
  __s32 old = slot->fd;
  if (old != fd && old >= 0 && old < SAKER_FD_BITS && (old & (STASH_SLOTS - 1)) == (fd & (STASH_SLOTS - 1)) &&
      (st->bits[(old >> 6) & (SAKER_FD_BITS / 64 - 1)] & (1ULL << (old & 63))))
    return false;
  slot->fd = fd;
  slot->type = type;
  slot->len = len;
  slot->flags = flags;
  slot->mode = c->r->a[type == SAKER_EVT_CREAT ? 1 : type == SAKER_EVT_OPEN ? 2 : 3];
  slot->resolve = type == SAKER_EVT_OPENAT2 ? c->r->a[4] : 0;
  slot->inode = (__u64)f->f_inode;
  const __u64 *from = (const __u64 *)p; /* STR_BASE is 8-aligned */
  for (__u32 i = 0; i < (SAKER_KEY_MAX + 1) / 8; i++) {
    if (i * 8 >= len)
      break;
    slot->path[i] = from[i];
  }
  st->bits[(fd >> 6) & (SAKER_FD_BITS / 64 - 1)] |= 1ULL << (fd & 63);
  count(CNT_FILTERED_OPENS);
  return true;
}

/* A late open: an event is about to use fd (its argument 0), whose open the prefilter dropped. The
 * stashed open goes to the ring first, as a state-only record (REC_STATE_ONLY: the consumer puts the
 * file in its fd table as that open would, and writes no event), then the fd is an ordinary one
 * (bit cleared, slot freed: its close is reported). Same CPU, same ring, earlier time stamp: the
 * consumer decodes it before the event's own record. */
static __always_inline void late_open(struct task_struct *task, __u32 tgid, long fd)
{
  if (fd < 0 || fd >= SAKER_FD_BITS)
    return;
  struct fd_bits *st = fd_bits_of(task);
  if (!st)
    return;
  __u64 *w = &st->bits[(fd >> 6) & (SAKER_FD_BITS / 64 - 1)];
  __u64 m = 1ULL << (fd & 63);
  struct open_stash *slot = &st->slot[fd & (STASH_SLOTS - 1)];
  if (!(*w & m) || slot->fd != fd)
    return;
  /* The fd no longer refers to the open's inode: it was closed unseen (close_range, exec's
   * close-on-exec) and its number reused by a syscall Saker does not capture (epoll_create, ...).
   * Nothing to replay; the fd is simply one the user side does not know. */
  struct file *f = fd_file(task, fd);
  if (!f || (__u64)f->f_inode != slot->inode) {
    *w &= ~m;
    slot->fd = -1;
    return;
  }
  struct ctxb c;
  c.task = task;
  if (begin_as(&c, slot->type, fd, ((__u64)tgid << 32) | (__u32)task->pid) < 0)
    return;
  c.r->flags = REC_STATE_ONLY;
  __u16 type = slot->type;
  if (type == SAKER_EVT_OPEN) {
    c.r->a[1] = slot->flags;
    c.r->a[2] = slot->mode;
  } else if (type == SAKER_EVT_CREAT) {
    c.r->a[1] = slot->mode;
  } else {
    c.r->a[0] = (__u64)(__s64)-100; /* AT_FDCWD: the path is absolute */
    c.r->a[2] = slot->flags;
    c.r->a[3] = slot->mode;
    c.r->a[4] = slot->resolve;
  }
  __u32 len = slot->len;
  if (len > SAKER_KEY_MAX)
    len = SAKER_KEY_MAX;
  __u64 *to = (__u64 *)(c.buf + STR_BASE);
  for (__u32 i = 0; i < (SAKER_KEY_MAX + 1) / 8; i++) {
    if (i * 8 >= len)
      break;
    to[i] = slot->path[i];
  }
  c.r->slen[0] = len;
  c.off = len;
  c.nstr = 1;
  fill_file(&c, f);
  *w &= ~m;
  slot->fd = -1;
  slot->len = 0;
  submit(&c);
}

/* emit_generic for a syscall whose argument 0 is an fd: a dropped open behind it is replayed first. */
static __always_inline int emit_generic_fd_arg(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, __u32 str_mask, bool fd_ret)
{
  __u32 tgid = task->tgid;
  if (tgid == self_tgid || !type_bits(type))
    return 0;
  late_open(task, tgid, (long)(int)ARG0(regs));
  struct ctxb c;
  c.task = task;
  if (begin_as(&c, type, ret, ((__u64)tgid << 32) | (__u32)task->pid) < 0)
    return 0;
  return generic_rest(&c, task, regs, ret, str_mask, fd_ret);
}

_Static_assert(sizeof(struct fd_bits) % 8 == 0, "fd_bits is copied a word at a time (fd_bits_inherit)");
_Static_assert(STR_BASE % 8 == 0 && STR_BASE >= OFF_TASK + sizeof(__u32), "the open key's prefixlen sits before STR_BASE");

/* Opens: the path, plus dev/ino/mode of the file the new fd refers to. a[3] high half = i_mode. */
static __always_inline int emit_open(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, int path_arg)
{
  struct ctxb c;
  __u32 tgid = task->tgid;
  __u8 bits = tgid == self_tgid ? 0 : type_bits(type);
  if (!bits)
    return 0;
  c.task = task;
  /* The time stamp (a helper call) only once the record is known to be kept. */
  if (begin_stamp(&c, type, ret, ((__u64)tgid << 32) | (__u32)task->pid, false) < 0)
    return 0;
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 6; i++)
    c.r->a[i] = args[i];
  put_user_str(&c, (const void *)args[path_arg & 7]);
  if (type == SAKER_EVT_OPENAT2) {
    /* struct open_how { u64 flags; u64 mode; u64 resolve; } */
    __u64 how[3] = {};
    bpf_probe_read_user(how, sizeof(how), (const void *)args[2]);
    c.r->a[2] = how[0];
    c.r->a[3] = how[1];
    c.r->a[4] = how[2];
  }
  if (ret >= 0) {
    struct file *f = fd_file(task, ret);
    if (f) {
      __u32 mode = fill_file(&c, f);
      __u64 flags = type == SAKER_EVT_CREAT ? (01 | 0100 | 01000) /* O_WRONLY|O_CREAT|O_TRUNC */ : c.r->a[path_arg == 0 ? 1 : 2];
      if ((bits & (SAKER_TYPE_DROP_READ | SAKER_TYPE_DROP_WRITE)) &&
          open_dropped(&c, task, bits, type, flags, ret, mode, f->f_inode->i_sb->s_magic, f))
        return 0;
    }
    fd_created(task, ret);
  }
  c.r->ts = bpf_ktime_get_boot_ns();
  return submit(&c);
}

SYSCALL_EXIT(open) { return emit_open(task, SAKER_EVT_OPEN, regs, ret, 0); }
SYSCALL_EXIT(openat) { return emit_open(task, SAKER_EVT_OPENAT, regs, ret, 1); }
SYSCALL_EXIT(openat2) { return emit_open(task, SAKER_EVT_OPENAT2, regs, ret, 1); }
SYSCALL_EXIT(creat) { return emit_open(task, SAKER_EVT_CREAT, regs, ret, 0); }

/* Sockets: the kernel's view of the endpoints after the call, plus the caller's sockaddr. */
#define SNAPLEN 80 /* bytes of send/recv data carried (evt.buffer), Falco's default snaplen */

static __always_inline int emit_sock(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, int fd_from_ret, int addr_arg)
{
  struct ctxb c;
  if (begin_syscall(&c, task, type, ret) < 0)
    return 0;
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 6; i++)
    c.r->a[i] = args[i];
  long fd = fd_from_ret ? ret : (long)args[0];
  if (fd >= 0)
    fill_sock(&c, fd);
  if (fd_from_ret)
    fd_created(task, ret);
  if (type == SAKER_EVT_SENDTO || type == SAKER_EVT_RECVFROM) {
    /* The data (buf is argument 1), as much as was transferred, up to the snaplen. */
    __u32 n = ret > 0 ? (ret > SNAPLEN ? SNAPLEN : ret) : 0;
    put_user_bytes(&c, (const void *)args[1], n);
  } else if (type == SAKER_EVT_SENDMSG || type == SAKER_EVT_RECVMSG) {
    /* The data of the first iovec of the user_msghdr (argument 1), up to the snaplen. */
    struct { void *name; __u64 namelen; void *iov; __u64 iovlen; void *control; __u64 controllen; } hdr = {};
    struct { void *base; __u64 len; } iov = {};
    __u32 n = 0;
    bool got = ret >= 0 && bpf_probe_read_user(&hdr, sizeof(hdr), (const void *)args[1]) == 0;
    if (ret > 0 && got && hdr.iovlen > 0 && bpf_probe_read_user(&iov, sizeof(iov), hdr.iov) == 0) {
      n = ret > SNAPLEN ? SNAPLEN : ret;
      if (n > iov.len)
        n = iov.len;
    }
    put_user_bytes(&c, n ? iov.base : NULL, n);
    /* Control data received (msg_controllen is what the kernel wrote): SCM_RIGHTS may have put fds
     * in the table, numbers not known here. */
    if (type == SAKER_EVT_RECVMSG && got && hdr.control && hdr.controllen > 0)
      fd_bits_reset(task);
  }
  if (addr_arg >= 0) {
    __u32 len = args[(addr_arg + 1) & 7];
    if (len > 128)
      len = 128;
    put_user_bytes(&c, (const void *)args[addr_arg & 7], len);
  }
  return submit(&c);
}

SYSCALL_EXIT(connect) { return emit_sock(task, SAKER_EVT_CONNECT, regs, ret, 0, 1); }
SYSCALL_EXIT(bind) { return emit_sock(task, SAKER_EVT_BIND, regs, ret, 0, 1); }
SYSCALL_EXIT(accept) { return emit_sock(task, SAKER_EVT_ACCEPT, regs, ret, 1, -1); }
SYSCALL_EXIT(accept4) { return emit_sock(task, SAKER_EVT_ACCEPT4, regs, ret, 1, -1); }
SYSCALL_EXIT(listen) { return emit_sock(task, SAKER_EVT_LISTEN, regs, ret, 0, -1); }
SYSCALL_EXIT(sendto) { return emit_sock(task, SAKER_EVT_SENDTO, regs, ret, 0, 4); }
SYSCALL_EXIT(recvfrom) { return emit_sock(task, SAKER_EVT_RECVFROM, regs, ret, 0, -1); }
SYSCALL_EXIT(sendmsg) { return emit_sock(task, SAKER_EVT_SENDMSG, regs, ret, 0, -1); }
SYSCALL_EXIT(recvmsg) { return emit_sock(task, SAKER_EVT_RECVMSG, regs, ret, 0, -1); }

/* pipe/pipe2/socketpair write two fds to a user int[2]: a[4], a[5] carry them. */
static __always_inline int emit_fdpair(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, int arr_arg)
{
  struct ctxb c;
  if (begin_syscall(&c, task, type, ret) < 0)
    return 0;
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 4; i++)
    c.r->a[i] = args[i];
  int fds[2] = {-1, -1};
  if (ret == 0)
    bpf_probe_read_user(fds, sizeof(fds), (const void *)args[arr_arg & 7]);
  c.r->a[4] = (__u64)(__s64)fds[0];
  c.r->a[5] = (__u64)(__s64)fds[1];
  if (ret == 0) {
    struct fd_bits *st = fd_bits_of(task);
    fd_bit_clear(st, fds[0]);
    fd_bit_clear(st, fds[1]);
  }
  return submit(&c);
}

SYSCALL_EXIT(pipe) { return emit_fdpair(task, SAKER_EVT_PIPE, regs, ret, 0); }
SYSCALL_EXIT(pipe2) { return emit_fdpair(task, SAKER_EVT_PIPE2, regs, ret, 0); }
SYSCALL_EXIT(socketpair) { return emit_fdpair(task, SAKER_EVT_SOCKETPAIR, regs, ret, 3); }

/* Exec: on success the old address space is gone, so the file name comes from sched_process_exec
 * and the arguments from the new image's argv area. */
/* The executable's path as the kernel resolves the file it runs (libs' "trusted" exepath): dentry
 * names up to the mount's root, then on across mount points, up to the root of the task's mount
 * namespace. A container's program is thus named as inside the container (/bin/busybox), and a
 * script's process by its interpreter, not by what exec was given. Built at sched_process_exec from
 * bprm->file (what becomes mm->exe_file), kept per thread until the exec syscall's exit program. */
#define EXE_PATH_MAX 2048
#define EXE_PATH_AT 8192 /* where in the per-CPU scratch buffer the path is assembled */
struct exe_path { char s[EXE_PATH_MAX]; };
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);
  __type(value, struct exe_path);
} exe_paths SEC(".maps");

struct path_walk {
  struct dentry *d;
  struct vfsmount *vm;
  struct mount *mnt;
  struct path_names *pn;
  __u32 n;
};

/* One step up (bpf_loop callback): 1 ends the walk. */
static long path_walk_step(__u64 i, void *arg)
{
  struct path_walk *w = arg;
  /* Locals: CO-RE reads must start from a kernel type, not from this struct's fields. */
  struct dentry *d = w->d;
  struct vfsmount *vm = w->vm;
  struct mount *mnt = w->mnt;
  if (!w->pn || !d || !vm)
    return 1;
  if (d == BPF_CORE_READ(vm, mnt_root)) {
    struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);
    if (!parent || parent == mnt)
      return 1; /* the namespace's root mount */
    w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
    w->mnt = parent;
    w->vm = &parent->mnt;
    return 0;
  }
  struct dentry *up = BPF_CORE_READ(d, d_parent);
  if (!up || up == d || w->n >= EXE_PATH_DEPTH)
    return 1;
  w->pn->name[w->n & (EXE_PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
  w->n++;
  w->d = up;
  return 0;
}

struct path_write {
  __u8 *buf;
  struct path_names *pn;
  __u32 n, len;
};

/* Appends "/" + name n-1-i (the root side first) at EXE_PATH_AT in the scratch buffer. */
static long path_write_step(__u64 i, void *arg)
{
  struct path_write *w = arg;
  __u8 *buf = w->buf;
  if (!buf || !w->pn || i >= w->n || w->len > EXE_PATH_MAX - 258)
    return 1;
  __u32 idx = (w->n - 1 - (__u32)i) & (EXE_PATH_DEPTH - 1);
  buf[EXE_PATH_AT + (w->len & (EXE_PATH_MAX - 1))] = '/';
  w->len++;
  long got = bpf_probe_read_kernel_str(buf + EXE_PATH_AT + (w->len & (EXE_PATH_MAX - 1)), 256, w->pn->name[idx]);
  if (got > 1)
    w->len += got - 1;
  return 0;
}

/* Builds the path of `f` at EXE_PATH_AT (NUL-terminated); false when nothing resolved. */
static __always_inline bool build_exe_path(__u8 *buf, struct file *f)
{
  __u32 k = 0;
  struct path_walk walk = {};
  walk.pn = bpf_map_lookup_elem(&path_scratch, &k);
  if (!f || !walk.pn)
    return false;
  struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
  walk.d = BPF_CORE_READ(f, f_path.dentry);
  walk.vm = vm;
  walk.mnt = container_of(vm, struct mount, mnt);
  bpf_loop(EXE_PATH_DEPTH + 8, path_walk_step, &walk, 0);
  if (walk.n == 0)
    return false;
  struct path_write out = {.buf = buf, .pn = walk.pn, .n = walk.n, .len = 0};
  bpf_loop(EXE_PATH_DEPTH, path_write_step, &out, 0);
  buf[EXE_PATH_AT + (out.len & (EXE_PATH_MAX - 1))] = 0;
  return out.len > 0;
}

static __always_inline int emit_exec(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret, int path_arg)
{
  struct ctxb c;
  if (begin_syscall(&c, task, type, ret) < 0)
    return 0;
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 6; i++)
    c.r->a[i] = args[i];
  if (ret == 0) {
    __u32 tid = c.r->tid;
    struct exec_name *n = bpf_map_lookup_elem(&exec_names, &tid);
    put_kernel_str(&c, n ? n->s : NULL);
    if (n)
      bpf_map_delete_elem(&exec_names, &tid);
    struct mm_struct *mm = task->mm;
    if (mm) {
      unsigned long start = mm->arg_start, end = mm->arg_end;
      __u32 len = end > start ? end - start : 0;
      if (len >= SAKER_MAX_STR) {
        len = SAKER_MAX_STR - 1;
        c.r->flags |= REC_ARGS_TRUNCATED;
      }
      put_user_bytes(&c, (const void *)start, len);
    } else {
      put_user_bytes(&c, NULL, 0);
    }
  } else {
    put_user_str(&c, (const void *)args[path_arg & 7]);
    put_user_bytes(&c, NULL, 0);
  }
  put_cgroup_leaf(&c, task);
  /* The executable's file name as the dentry has it ("memfd:..." for an exec of a memfd). */
  const unsigned char *exe_name = NULL;
  if (ret == 0 && task->mm && task->mm->exe_file)
    exe_name = task->mm->exe_file->f_path.dentry->d_name.name;
  put_kernel_str(&c, exe_name);
  /* The environment (NAME=value entries, each NUL-terminated), for proc.env. */
  if (ret == 0 && task->mm) {
    unsigned long start = task->mm->env_start, end = task->mm->env_end;
    put_user_bytes(&c, (const void *)start, end > start ? end - start : 0);
  } else {
    put_user_bytes(&c, NULL, 0);
  }
  {
    __u32 tid = c.r->tid;
    struct exe_path *p = ret == 0 ? bpf_map_lookup_elem(&exe_paths, &tid) : NULL;
    put_kernel_str(&c, p ? p->s : NULL);
    if (p)
      bpf_map_delete_elem(&exe_paths, &tid);
  }
  fill_task(&c, task);
  if (ret == 0 && task->mm && task->mm->exe_file) {
    struct saker_task *t = (struct saker_task *)(c.buf + OFF_TASK);
    struct inode *exe_inode = task->mm->exe_file->f_inode;
    inode_times(exe_inode, &t->exe_ctime, &t->exe_mtime);
    int layer = inode_overlay_layer(exe_inode);
    if (layer == 1)
      t->exe_flags |= SAKER_EXE_UPPER_LAYER;
    else if (layer == 2)
      t->exe_flags |= SAKER_EXE_LOWER_LAYER;
    if (exe_writable(task, exe_inode))
      t->exe_flags |= SAKER_EXE_WRITABLE;
  }
  return submit(&c);
}

SYSCALL_EXIT(execve) { return emit_exec(task, SAKER_EVT_EXECVE, regs, ret, 0); }
SYSCALL_EXIT(execveat) { return emit_exec(task, SAKER_EVT_EXECVEAT, regs, ret, 1); }

SEC("tp_btf/sched_process_exec")
int BPF_PROG(t_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
  if (is_self())
    return 0;
  __u32 k = 0;
  __u8 *buf = bpf_map_lookup_elem(&scratch_buf, &k);
  if (!buf)
    return 0;
  struct exec_name *n = (struct exec_name *)buf;
  if (bpf_probe_read_kernel_str(n->s, sizeof(n->s), bprm->filename) < 0)
    return 0;
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  bpf_map_update_elem(&exec_names, &tid, n, BPF_ANY);
  if (build_exe_path(buf, bprm->file))
    bpf_map_update_elem(&exe_paths, &tid, buf + EXE_PATH_AT, BPF_ANY);
  return 0;
}

/* Fork: state needs every new task, whatever the rules; a[0] = the parent thread's tid. */
/* A child with a copy of the parent's fd table holds the same dropped fds: it gets the bits and the
 * stash, so its closes stay dropped and its dup/fcntl/fchmod of them still replay the open. */
static __always_inline void fd_bits_inherit(struct task_struct *parent, struct task_struct *child)
{
  struct fd_bits *st = fd_bits_of(parent);
  if (!st)
    return;
  __u64 any = 0;
  for (int i = 0; i < SAKER_FD_BITS / 64; i++)
    any |= st->bits[i];
  if (!any)
    return;
  struct fd_bits *cst = bpf_task_storage_get(&dropped_fds, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (!cst)
    return;
  /* The copy and the table it describes: the child's fd table is the parent's, copied at fork. */
  __u64 *to = (__u64 *)cst;
  const __u64 *from = (const __u64 *)st;
  for (int i = 0; i < sizeof(struct fd_bits) / 8; i++)
    to[i] = from[i];
  cst->files = (__u64)child->files;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(t_fork, struct task_struct *parent, struct task_struct *child)
{
  /* A child sharing the fd table (CLONE_FILES, threads): the parent's dropped-fd bits would no
   * longer see every close of that table, so they go (the open filter skips shared tables). */
  if (fd_tracking && child->files == parent->files)
    fd_bits_reset(bpf_get_current_task_btf());
  else if (fd_tracking)
    fd_bits_inherit(bpf_get_current_task_btf(), child);
  struct ctxb c;
  if (begin(&c, SAKER_REC_FORK, 0) < 0)
    return 0;
  c.r->tid = child->pid;
  c.r->pid = child->tgid;
  c.r->a[0] = parent->pid;
  c.r->a[1] = parent->tgid;
  fill_task(&c, child);
  return submit(&c);
}

#define SAKER_PF_EXITING 0x00000004

struct alive_walk {
  struct list_head *head, *pos;
  struct task_struct *self;
  bool found;
};

/* bpf_loop step over the thread group's list: stops at a thread that is not exiting. */
static long alive_step(__u64 i, void *arg)
{
  struct alive_walk *w = arg;
  struct list_head *pos = w->pos;
  struct list_head *next = BPF_CORE_READ(pos, next);
  if (!next || next == w->head)
    return 1;
  struct task_struct *t = container_of(next, struct task_struct, thread_node);
  if (t != w->self && !(BPF_CORE_READ(t, flags) & SAKER_PF_EXITING)) {
    w->found = true;
    return 1;
  }
  w->pos = next;
  return 0;
}

/* Whether a thread of p's group other than p is still alive (not exiting), as the kernel's
 * find_alive_thread() asks. A zombie leader or threads exiting at the same time do not count. */
static __always_inline bool group_has_live_thread(struct task_struct *p)
{
  struct signal_struct *sig = p->signal;
  if (!sig || sig->nr_threads <= 1)
    return false;
  if (!bpf_core_field_exists(sig->thread_head))
    return true; /* older kernels: count threads, as before */
  struct alive_walk w = {.head = &sig->thread_head, .pos = &sig->thread_head, .self = p, .found = false};
  bpf_loop(256, alive_step, &w, 0);
  return w.found;
}

/* Who will adopt an exiting process's children, as the kernel's find_new_reaper() picks: a live
 * thread of the same group, else the nearest ancestor marked child-subreaper, else the pid
 * namespace's init. */
static __always_inline __u32 find_reaper(struct task_struct *p)
{
  if (group_has_live_thread(p))
    return p->tgid; /* the group lives on; libs names the group */
  struct task_struct *a = p->real_parent;
  for (int i = 0; i < 16 && a; i++) {
    struct signal_struct *as = a->signal;
    if (!as)
      break;
    if (BPF_CORE_READ_BITFIELD_PROBED(as, is_child_subreaper))
      return a->tgid;
    if (a->pid <= 1 || a == a->real_parent)
      break;
    a = a->real_parent;
  }
  struct pid *tp = p->thread_pid;
  if (!tp)
    return 1;
  struct upid up = {};
  bpf_probe_read_kernel(&up, sizeof(up), &tp->numbers[tp->level & 31]);
  struct task_struct *init = BPF_CORE_READ(up.ns, child_reaper);
  return init ? BPF_CORE_READ(init, tgid) : 1;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(t_exit, struct task_struct *p)
{
  struct ctxb c;
  if (begin(&c, SAKER_EVT_PROCEXIT, 0) < 0)
    return 0;
  __u32 code = p->exit_code;
  c.r->a[0] = code;
  c.r->a[1] = code >> 8;       /* ret */
  c.r->a[2] = code & 0x7f;     /* signal */
  c.r->a[3] = (code & 0x80) != 0; /* core */
  c.r->a[4] = find_reaper(p);
  return submit(&c);
}

/* Clone family in the parent: res is the child's pid. a[0] flags (clone), or clone_args for clone3. */
static __always_inline int emit_clone(struct task_struct *task, __u16 type, struct pt_regs *regs, long ret)
{
  struct ctxb c;
  if (begin_syscall(&c, task, type, ret) < 0)
    return 0;
  c.r->a[0] = ARG0(regs);
  if (type == SAKER_EVT_CLONE3) {
    __u64 flags = 0;
    bpf_probe_read_user(&flags, sizeof(flags), (const void *)ARG0(regs));
    c.r->a[0] = flags;
  } else if (type != SAKER_EVT_CLONE) {
    c.r->a[0] = 0;
  }
  if (ret > 0 && (c.r->a[0] & 0x1000 /* CLONE_PIDFD: a pidfd in the parent's table */))
    fd_bits_reset(task);
  return submit(&c);
}

SYSCALL_EXIT(clone) { return emit_clone(task, SAKER_EVT_CLONE, regs, ret); }
SYSCALL_EXIT(clone3) { return emit_clone(task, SAKER_EVT_CLONE3, regs, ret); }
SYSCALL_EXIT(fork) { return emit_clone(task, SAKER_EVT_FORK, regs, ret); }
SYSCALL_EXIT(vfork) { return emit_clone(task, SAKER_EVT_VFORK, regs, ret); }

/* Everything else: numbers and user strings straight from the arguments (mask: string args). */
/* close: the close of a fd whose open the prefilter dropped is dropped too. */
SYSCALL_EXIT(close)
{
  __u32 fd = ARG0(regs);
  if (fd < SAKER_FD_BITS && task->tgid != self_tgid) {
    struct fd_bits *st = fd_bits_of(task);
    if (st) {
      __u64 *w = &st->bits[(fd >> 6) & (SAKER_FD_BITS / 64 - 1)];
      __u64 m = 1ULL << (fd & 63);
      if (*w & m) {
        *w &= ~m;
        count(CNT_FILTERED_CLOSES);
        return 0;
      }
    }
  }
  /* A close of an fd that was not open changes no state; unless a rule reads close events it is
   * not sent (start-stop-daemon and other daemonisers close every number up to the fd limit:
   * 20 000 records at once filled the ring and lost the events right after). */
  if (ret == -9 /* EBADF */ && (type_bits(SAKER_EVT_CLOSE) & SAKER_TYPE_STATE_ONLY)) {
    count(CNT_FILTERED_CLOSES);
    return 0;
  }
  return emit_generic(task, SAKER_EVT_CLOSE, regs, ret, 0, false);
}
/* dup family, fcntl, fchmod, finit_module take an fd (argument 0) whose open may have been dropped:
 * late_open replays that open first, so the event shows the file. */
SYSCALL_EXIT(dup) { return emit_generic_fd_arg(task, SAKER_EVT_DUP, regs, ret, 0, true); }
SYSCALL_EXIT(dup2) { return emit_generic_fd_arg(task, SAKER_EVT_DUP2, regs, ret, 0, true); }
SYSCALL_EXIT(dup3) { return emit_generic_fd_arg(task, SAKER_EVT_DUP3, regs, ret, 0, true); }
/* close_range: not an event type, but the fd table must lose the range (python's subprocess and
 * systemd close their fds this way before an exec). Without it a stale entry (a socket, say) would
 * describe the number where the open prefilter later drops a file's open. Always attached. */
SEC("tracepoint/syscalls/sys_exit_close_range")
int x_close_range(struct trace_event_raw_sys_exit *tp)
{
  struct task_struct *task = bpf_get_current_task_btf();
  if (tp->ret != 0 || task->tgid == self_tgid)
    return 0;
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
  struct ctxb c;
  if (begin_as(&c, SAKER_REC_CLOSE_RANGE, 0, ((__u64)task->tgid << 32) | (__u32)task->pid) < 0)
    return 0;
  c.r->a[0] = (__u32)regs->di;
  c.r->a[1] = (__u32)regs->si;
  c.r->a[2] = (__u32)regs->dx;
  return submit(&c);
}

/* fcntl: F_DUPFD (0) and F_DUPFD_CLOEXEC (1030) return a new fd. */
SYSCALL_EXIT(fcntl)
{
  __u64 cmd = regs->si;
  return emit_generic_fd_arg(task, SAKER_EVT_FCNTL, regs, ret, 0, cmd == 0 || cmd == 1030);
}
GENERIC_FD(socket, SAKER_EVT_SOCKET, 0)
GENERIC(chdir, SAKER_EVT_CHDIR, 1 << 0)
GENERIC(fchdir, SAKER_EVT_FCHDIR, 0)
GENERIC(chroot, SAKER_EVT_CHROOT, 1 << 0)
GENERIC(chmod, SAKER_EVT_CHMOD, 1 << 0)
SYSCALL_EXIT(fchmod) { return emit_generic_fd_arg(task, SAKER_EVT_FCHMOD, regs, ret, 0, false); }
GENERIC(fchmodat, SAKER_EVT_FCHMODAT, 1 << 1)
GENERIC(mkdir, SAKER_EVT_MKDIR, 1 << 0)
GENERIC(mkdirat, SAKER_EVT_MKDIRAT, 1 << 1)
GENERIC(rmdir, SAKER_EVT_RMDIR, 1 << 0)
GENERIC(unlink, SAKER_EVT_UNLINK, 1 << 0)
GENERIC(unlinkat, SAKER_EVT_UNLINKAT, 1 << 1)
GENERIC(link, SAKER_EVT_LINK, (1 << 0) | (1 << 1))
GENERIC(linkat, SAKER_EVT_LINKAT, (1 << 1) | (1 << 3))
GENERIC(symlink, SAKER_EVT_SYMLINK, (1 << 0) | (1 << 1))
GENERIC(symlinkat, SAKER_EVT_SYMLINKAT, (1 << 0) | (1 << 2))
GENERIC(rename, SAKER_EVT_RENAME, (1 << 0) | (1 << 1))
GENERIC(renameat, SAKER_EVT_RENAMEAT, (1 << 1) | (1 << 3))
GENERIC(renameat2, SAKER_EVT_RENAMEAT2, (1 << 1) | (1 << 3))
GENERIC(ptrace, SAKER_EVT_PTRACE, 0)
GENERIC_FD(memfd_create, SAKER_EVT_MEMFD_CREATE, 1 << 0)
GENERIC(setuid, SAKER_EVT_SETUID, 0)
GENERIC(setgid, SAKER_EVT_SETGID, 0)
GENERIC(setresuid, SAKER_EVT_SETRESUID, 0)
GENERIC(setresgid, SAKER_EVT_SETRESGID, 0)
GENERIC(setsid, SAKER_EVT_SETSID, 0)
GENERIC(setpgid, SAKER_EVT_SETPGID, 0)
GENERIC(setns, SAKER_EVT_SETNS, 0)
/* mount(source, target, fstype, flags, data): the three strings; umount2(target, flags). */
GENERIC(mount, SAKER_EVT_MOUNT, (1 << 0) | (1 << 1) | (1 << 2))
/* The kernel defines umount2(2) as SYSCALL_DEFINE2(umount, ...): its tracepoint is sys_exit_umount. */
GENERIC(umount, SAKER_EVT_UMOUNT2, 1 << 0)
GENERIC(unshare, SAKER_EVT_UNSHARE, 0)
GENERIC(init_module, SAKER_EVT_INIT_MODULE, 1 << 2)
SYSCALL_EXIT(finit_module) { return emit_generic_fd_arg(task, SAKER_EVT_FINIT_MODULE, regs, ret, 1 << 1, false); }
/* bpf: the object-making commands return a fd (clearing a bit for another command is harmless). */
GENERIC_FD(bpf, SAKER_EVT_BPF, 0)
GENERIC_FD(userfaultfd, SAKER_EVT_USERFAULTFD, 0)
GENERIC(kill, SAKER_EVT_KILL, 0)
GENERIC(capset, SAKER_EVT_CAPSET, 0)
GENERIC_FD(eventfd, SAKER_EVT_EVENTFD, 0)
GENERIC_FD(eventfd2, SAKER_EVT_EVENTFD2, 0)
GENERIC_FD(signalfd, SAKER_EVT_SIGNALFD, 0)
/* prctl: PR_SET_NAME (15) renames the thread; its new name (argument 1) is read. */
SYSCALL_EXIT(prctl)
{
  struct ctxb c;
  if (begin_syscall(&c, task, SAKER_EVT_PRCTL, ret) < 0)
    return 0;
  __u64 args[6];
  read_args(regs, args);
  for (int i = 0; i < 6; i++)
    c.r->a[i] = args[i];
  if (args[0] == 15 /* PR_SET_NAME */ || args[0] == 16 /* PR_GET_NAME */)
    put_user_str(&c, (const void *)args[1]);
  return submit(&c);
}
