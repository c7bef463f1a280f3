// The floor for each benchmarked sysix call: the same system calls in a C
// loop, with no JavaScript and no Node-API in the way. Prints one line per
// case: `<name> <ns per operation>`.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define BENCH(name, iterations, ...)                                   \
  do {                                                                 \
    double start = now_ns();                                           \
    for (long i = 0; i < (iterations); i++) { __VA_ARGS__; }           \
    printf("%s %.1f\n", name, (now_ns() - start) / (iterations));      \
  } while (0)

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s FILE DIR SOURCE DEST\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
  const char *dir = argv[2];
  const char *source = argv[3];
  const char *dest = argv[4];
  long n = 200000;

  BENCH("sched_getaffinity", n, {
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    if (CPU_COUNT(&set) < 1) abort();
  });
  BENCH("statx", n, {
    struct statx stx;
    if (statx(AT_FDCWD, path, 0, STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME, &stx)) abort();
  });
  BENCH("utimensat", n, {
    struct timespec times[2] = {{1, 0}, {2, 0}};
    if (utimensat(AT_FDCWD, path, times, 0)) abort();
  });
  BENCH("pipe2+close", n, {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) abort();
    close(fds[0]);
    close(fds[1]);
  });
  // sameFileSync(path, path): hold the first open while the second is looked up.
  BENCH("same_file", n, {
    struct stat a, b;
    int held = open(path, O_PATH | O_CLOEXEC);
    if (held < 0 || fstat(held, &a) || fstatat(AT_FDCWD, path, &b, 0)) abort();
    close(held);
    if (a.st_ino != b.st_ino) abort();
  });
  // statxSync(path): every field.
  BENCH("statx_all", n, {
    struct statx stx;
    if (statx(AT_FDCWD, path, 0, STATX_ALL | STATX_MNT_ID | STATX_DIOALIGN, &stx)) abort();
  });
  // flockSync(fd, 'exclusive') then 'unlock'.
  int locked = open(path, O_RDONLY | O_CLOEXEC);
  BENCH("flock", n, {
    if (flock(locked, LOCK_EX) || flock(locked, LOCK_UN)) abort();
  });
  close(locked);
  // readdirSync(dir): every entry of a 10,000-entry directory.
  BENCH("getdents64", 200, {
    DIR *d = opendir(dir);
    long count = 0;
    while (readdir(d)) count++;
    closedir(d);
    if (count < 10000) abort();
  });
  // A 1 MiB file copied with copy_file_range as libuv's copyfile does it:
  // the size from fstat, the destination opened without O_TRUNC and
  // truncated, exactly the bytes left asked for, from an input offset.
  BENCH("copy_file_range", 2000, {
    int in = open(source, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fstat(in, &st) != 0) abort();
    int out = open(dest, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (ftruncate(out, 0) != 0) abort();
    for (off_t offset = 0; offset < st.st_size;) {
      ssize_t n = copy_file_range(in, &offset, out, NULL, (size_t)(st.st_size - offset), 0);
      if (n <= 0) abort();
    }
    close(in);
    close(out);
  });
  return 0;
}
