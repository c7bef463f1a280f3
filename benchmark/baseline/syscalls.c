// The floor for each benchmarked sysix call: the same system calls in a C
// loop, with no JavaScript and no Node-API in the way. It serves batches:
// each line `<case> <iterations>` read from stdin runs that case so many
// times and answers with one line, the nanoseconds the batch took. The
// benchmark keeps it running and asks for its batches in the same
// interleaved rounds as the JavaScript contenders (benchmark/baseline.mts).
//
//   syscalls FILE DIR SOURCE DEST DATA SCRATCH
//   echo 'statx 100000' | syscalls ...         (by hand)
//
// DIR holds `entry-0` ... `entry-9999`; DATA is at least 4 MiB; SCRATCH is
// written. The batch floors (statx_many, times_many, pread_many) make their
// calls one after another in one thread: what a loop of synchronous calls
// costs.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ENTRIES 10000
#define READS 1000
#define BLOCK 4096

static const char *path, *dir, *source, *dest;
static int locked, data, scratch;
static char block[BLOCK];
static char names[ENTRIES][64];

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void sched_getaffinity_case(void) {
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  if (CPU_COUNT(&set) < 1) abort();
}

static void statx_case(void) {
  struct statx stx;
  if (statx(AT_FDCWD, path, 0, STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME, &stx)) abort();
}

static void utimensat_case(void) {
  struct timespec times[2] = {{1, 0}, {2, 0}};
  if (utimensat(AT_FDCWD, path, times, 0)) abort();
}

static void pipe_case(void) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC)) abort();
  close(fds[0]);
  close(fds[1]);
}

// sameFileSync(path, path): hold the first open while the second is looked up.
static void same_file_case(void) {
  struct stat a, b;
  int held = open(path, O_PATH | O_CLOEXEC);
  if (held < 0 || fstat(held, &a) || fstatat(AT_FDCWD, path, &b, 0)) abort();
  close(held);
  if (a.st_ino != b.st_ino) abort();
}

// statxSync(path): every field.
static void statx_all_case(void) {
  struct statx stx;
  if (statx(AT_FDCWD, path, 0, STATX_ALL | STATX_MNT_ID | STATX_DIOALIGN, &stx)) abort();
}

// flockSync(fd, 'exclusive') then 'unlock'.
static void flock_case(void) {
  if (flock(locked, LOCK_EX) || flock(locked, LOCK_UN)) abort();
}

static void pread_case(void) {
  if (pread(data, block, BLOCK, 0) != BLOCK) abort();
}

static void pwrite_case(void) {
  if (pwrite(scratch, block, BLOCK, 0) != BLOCK) abort();
}

// readdirSync(dir): every entry of a 10,000-entry directory.
static void getdents_case(void) {
  DIR *d = opendir(dir);
  long count = 0;
  while (readdir(d)) count++;
  closedir(d);
  if (count < ENTRIES) abort();
}

// A 1 MiB file copied with copy_file_range as libuv's copyfile does it: the
// size from fstat, the destination opened without O_TRUNC and truncated,
// exactly the bytes left asked for, from an input offset.
static void copy_case(void) {
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
}

// statxMany(10,000 paths): every field of each, one after another.
static void statx_many_case(void) {
  struct statx stx;
  for (int i = 0; i < ENTRIES; i++) {
    if (statx(AT_FDCWD, names[i], 0, STATX_ALL | STATX_MNT_ID | STATX_DIOALIGN, &stx)) abort();
  }
}

// fileTimesMany(10,000 paths): the four times of each.
static void times_many_case(void) {
  struct statx stx;
  for (int i = 0; i < ENTRIES; i++) {
    if (statx(AT_FDCWD, names[i], 0, STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME, &stx)) abort();
  }
}

// preadMany(fd, 1,000 x 4 KiB): consecutive blocks.
static void pread_many_case(void) {
  static char blocks[READS][BLOCK];
  for (int i = 0; i < READS; i++) {
    if (pread(data, blocks[i], BLOCK, (off_t)i * BLOCK) != BLOCK) abort();
  }
}

static const struct {
  const char *name;
  void (*run)(void);
} cases[] = {
    {"sched_getaffinity", sched_getaffinity_case},
    {"statx", statx_case},
    {"utimensat", utimensat_case},
    {"pipe2+close", pipe_case},
    {"same_file", same_file_case},
    {"statx_all", statx_all_case},
    {"flock", flock_case},
    {"pread", pread_case},
    {"pwrite", pwrite_case},
    {"getdents64", getdents_case},
    {"copy_file_range", copy_case},
    {"statx_many", statx_many_case},
    {"times_many", times_many_case},
    {"pread_many", pread_many_case},
};

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s FILE DIR SOURCE DEST DATA SCRATCH, then lines '<case> <iterations>' on stdin\n", argv[0]);
    return 2;
  }
  path = argv[1];
  dir = argv[2];
  source = argv[3];
  dest = argv[4];
  locked = open(path, O_RDONLY | O_CLOEXEC);
  data = open(argv[5], O_RDONLY | O_CLOEXEC);
  scratch = open(argv[6], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (locked < 0 || data < 0 || scratch < 0) abort();
  for (int i = 0; i < ENTRIES; i++) snprintf(names[i], sizeof names[i], "%s/entry-%d", dir, i);

  char line[128], name[64];
  long n;
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "%63s %ld", name, &n) != 2) continue;
    void (*run)(void) = NULL;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
      if (strcmp(cases[c].name, name) == 0) run = cases[c].run;
    }
    if (run == NULL) {
      printf("unknown\n");
    } else {
      double start = now_ns();
      for (long i = 0; i < n; i++) run();
      printf("%.0f\n", now_ns() - start);
    }
    fflush(stdout);
  }
  return 0;
}
