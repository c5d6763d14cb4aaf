/* Measures what each attach method costs a traced program: ns per call of an uninteresting
 * syscall (stat) and an interesting one (openat+close), with no probe, with a tp_btf sys_exit
 * dispatcher, and with a per-syscall tracepoint. Prints JSON lines {"metric","value","unit"}.
 * Build and run: native/bench/run-attach-cost.sh */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "attach_cost.skel.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: other load on the machine is not counted */
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int drain(void *ctx, void *data, size_t size) { return 0; }

static double loop_stat(int n) {
  struct stat st;
  double t0 = now_ns();
  for (int i = 0; i < n; i++) stat("/", &st);
  return (now_ns() - t0) / n;
}

static double loop_open(int n, struct ring_buffer *rb) {
  double t0 = now_ns();
  for (int i = 0; i < n; i++) {
    int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY);
    if (fd >= 0) close(fd);
    if (rb && (i & 4095) == 0) ring_buffer__consume(rb);
  }
  double t = (now_ns() - t0) / n;
  if (rb) ring_buffer__consume(rb);
  return t;
}

static void print(const char *metric, double v) {
  printf("{\"metric\":\"%s\",\"value\":%.1f,\"unit\":\"ns\"}\n", metric, v);
}

int main(void) {
  const int n = 50000;
  struct attach_cost_bpf *skel = attach_cost_bpf__open_and_load();
  if (!skel) {
    fprintf(stderr, "cannot load the attach-cost programs\n");
    return 1;
  }
  struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.rb), drain, NULL, NULL);

  /* tp_btf dispatcher: every syscall runs it; only openat has a handler. */
  int key = SYS_openat, fd = bpf_program__fd(skel->progs.on_openat_btf);
  bpf_map_update_elem(bpf_map__fd(skel->maps.handlers), &key, &fd, BPF_ANY);

  /* Interleaved rounds (the machine is shared and noisy); the minimum per method is reported. */
  const char *names[3] = {"none", "tp_btf_sys_exit", "tracepoint_sys_exit_openat"};
  double best_stat[3] = {1e18, 1e18, 1e18}, best_open[3] = {1e18, 1e18, 1e18};
  for (int round = 0; round < 15; round++) {
    for (int m = 0; m < 3; m++) {
      struct bpf_link *l = NULL;
      if (m == 1) l = bpf_program__attach(skel->progs.dispatch);
      if (m == 2) l = bpf_program__attach(skel->progs.on_openat_tp);
      if (m > 0 && !l) { fprintf(stderr, "attach failed for %s (tracefs mounted?)\n", names[m]); return 1; }
      double s1 = loop_stat(n), o1 = loop_open(n, rb);
      if (s1 < best_stat[m]) best_stat[m] = s1;
      if (o1 < best_open[m]) best_open[m] = o1;
      if (l) bpf_link__destroy(l);
    }
  }
  char name[128];
  for (int m = 0; m < 3; m++) {
    snprintf(name, sizeof name, "stat.%s", names[m]);
    print(name, best_stat[m]);
    snprintf(name, sizeof name, "openat_close.%s", names[m]);
    print(name, best_open[m]);
  }
  ring_buffer__free(rb);
  attach_cost_bpf__destroy(skel);
  return 0;
}
