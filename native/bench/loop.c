/* Syscall loops for the capture bench: prints the thread CPU time per iteration in ns.
 * usage: loop open|stat|forkexec|dd N */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
  /* CPU time, so other load on the machine does not count; fork+exec adds its children's. */
  int clock = CLOCK_THREAD_CPUTIME_ID;
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
  double t = cpu_ns(clock) - t0;
  if (strcmp(what, "forkexec") == 0) {
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    t += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
  }
  printf("%.1f\n", t / n);
  return 0;
}
