/* Syscall loops for the capture bench: prints the thread CPU time per iteration in ns.
 * usage: loop open|stat|forkexec|dd N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_ns(int who) {
  struct timespec ts;
  clock_gettime(who, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  long n = atol(argv[2]);
  const char *what = argv[1];
  /* fork+exec is measured in wall time (the work happens in children). */
  int clock = strcmp(what, "forkexec") == 0 ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
  double t0 = cpu_ns(clock);
  if (strcmp(what, "open") == 0) {
    char buf[64];
    for (long i = 0; i < n; i++) {
      int fd = open("/etc/hostname", O_RDONLY);
      if (fd >= 0) { if (read(fd, buf, sizeof buf) < 0) return 1; close(fd); }
    }
  } else if (strcmp(what, "stat") == 0) {
    struct stat st;
    for (long i = 0; i < n; i++) stat("/etc/hostname", &st);
  } else if (strcmp(what, "dd") == 0) {
    int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
    char c;
    for (long i = 0; i < n; i++) {
      if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1) return 1;
    }
  } else if (strcmp(what, "forkexec") == 0) {
    for (long i = 0; i < n; i++) {
      pid_t p = fork();
      if (p == 0) { execl("/bin/true", "true", (char *)0); _exit(127); }
      int st;
      waitpid(p, &st, 0);
    }
  } else {
    return 2;
  }
  printf("%.1f\n", (cpu_ns(clock) - t0) / n);
  return 0;
}
