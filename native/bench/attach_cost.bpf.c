// SPDX-License-Identifier: GPL-2.0
/* Attach-method cost probe (see attach_cost.c): the same small record, produced from
 *  - tp_btf/sys_exit (one program on every syscall, tail call into a per-syscall handler), or
 *  - tracepoint/syscalls/sys_exit_openat (a program on that syscall only). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 22);
} rb SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 512);
  __type(key, __u32);
  __type(value, __u32);
} handlers SEC(".maps");

struct rec { __u64 ts; __s64 ret; __u64 a0, a1; __u32 tid, nr; };

static __always_inline int emit(long nr, long ret, __u64 a0, __u64 a1)
{
  struct rec *r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
  if (!r)
    return 0;
  r->ts = bpf_ktime_get_boot_ns();
  r->ret = ret;
  r->a0 = a0;
  r->a1 = a1;
  r->tid = (__u32)bpf_get_current_pid_tgid();
  r->nr = nr;
  bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
  return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(dispatch, struct pt_regs *regs, long ret)
{
  bpf_tail_call(ctx, &handlers, (__u32)regs->orig_ax);
  return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_openat_btf, struct pt_regs *regs, long ret)
{
  return emit(regs->orig_ax, ret, regs->di, regs->si);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int on_openat_tp(struct trace_event_raw_sys_exit *ctx)
{
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
  return emit(ctx->id, ctx->ret, BPF_CORE_READ(regs, di), BPF_CORE_READ(regs, si));
}
