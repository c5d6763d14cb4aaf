// Kernel flag values → libs' PPM encodings, which the batch ABI carries (the engine renders them
// through libs' tables: engine-as/fields.ts). Values are libs' ppm_events_public.h constants.
#pragma once
#include <fcntl.h>

#include <cstdint>

namespace saker {

enum : uint32_t {
  PPM_O_NONE = 0, PPM_O_RDONLY = 1 << 0, PPM_O_WRONLY = 1 << 1, PPM_O_RDWR = (1 << 0) | (1 << 1),
  PPM_O_CREAT = 1 << 2, PPM_O_APPEND = 1 << 3, PPM_O_DSYNC = 1 << 4, PPM_O_EXCL = 1 << 5,
  PPM_O_NONBLOCK = 1 << 6, PPM_O_SYNC = 1 << 7, PPM_O_TRUNC = 1 << 8, PPM_O_DIRECT = 1 << 9,
  PPM_O_DIRECTORY = 1 << 10, PPM_O_LARGEFILE = 1 << 11, PPM_O_CLOEXEC = 1 << 12,
  PPM_O_TMPFILE = 1 << 13, PPM_O_F_CREATED = 1 << 14,
};

inline uint32_t openFlagsToPpm(uint64_t f) {
  uint32_t r = 0;
  switch (f & O_ACCMODE) {
    case O_RDONLY: r |= PPM_O_RDONLY; break;
    case O_WRONLY: r |= PPM_O_WRONLY; break;
    case O_RDWR: r |= PPM_O_RDWR; break;
  }
  if (f & O_CREAT) r |= PPM_O_CREAT;
  if (f & O_APPEND) r |= PPM_O_APPEND;
  if (f & O_DSYNC) r |= PPM_O_DSYNC;
  if (f & O_EXCL) r |= PPM_O_EXCL;
  if (f & O_NONBLOCK) r |= PPM_O_NONBLOCK;
  if ((f & O_SYNC) == O_SYNC) r |= PPM_O_SYNC;
  if (f & O_TRUNC) r |= PPM_O_TRUNC;
  if (f & O_DIRECT) r |= PPM_O_DIRECT;
  if ((f & O_TMPFILE) == O_TMPFILE) r |= PPM_O_TMPFILE;
  else if (f & O_DIRECTORY) r |= PPM_O_DIRECTORY;
  if (f & O_LARGEFILE) r |= PPM_O_LARGEFILE;
  if (f & O_CLOEXEC) r |= PPM_O_CLOEXEC;
  return r;
}

inline uint32_t cloneFlagsToPpm(uint64_t f) {
  struct Pair { uint64_t k; uint32_t p; };
  static const Pair map[] = {
      {0x00000400, 1u << 0},  /* CLONE_FILES */   {0x00000200, 1u << 1},  /* CLONE_FS */
      {0x80000000, 1u << 2},  /* CLONE_IO */      {0x08000000, 1u << 3},  /* CLONE_NEWIPC */
      {0x40000000, 1u << 4},  /* CLONE_NEWNET */  {0x00020000, 1u << 5},  /* CLONE_NEWNS */
      {0x20000000, 1u << 6},  /* CLONE_NEWPID */  {0x04000000, 1u << 7},  /* CLONE_NEWUTS */
      {0x00008000, 1u << 8},  /* CLONE_PARENT */  {0x00100000, 1u << 9},  /* CLONE_PARENT_SETTID */
      {0x00002000, 1u << 10}, /* CLONE_PTRACE */  {0x00000800, 1u << 11}, /* CLONE_SIGHAND */
      {0x00040000, 1u << 12}, /* CLONE_SYSVSEM */ {0x00010000, 1u << 13}, /* CLONE_THREAD */
      {0x00800000, 1u << 14}, /* CLONE_UNTRACED */{0x00000100, 1u << 15}, /* CLONE_VM */
      {0x10000000, 1u << 20}, /* CLONE_NEWUSER */ {0x00200000, 1u << 23}, /* CLONE_CHILD_CLEARTID */
      {0x01000000, 1u << 24}, /* CLONE_CHILD_SETTID */ {0x00080000, 1u << 25}, /* CLONE_SETTLS */
      {0x00004000, 1u << 27}, /* CLONE_VFORK */   {0x02000000, 1u << 28}, /* CLONE_NEWCGROUP */
  };
  uint32_t r = 0;
  for (const Pair& m : map)
    if (f & m.k) r |= m.p;
  return r;
}

inline uint64_t ptraceRequestToPpm(uint64_t req) {
  switch (req) {
    case 0: return 1;   case 1: return 2;   case 2: return 3;   case 3: return 4;
    case 4: return 5;   case 5: return 6;   case 6: return 7;   case 7: return 8;
    case 8: return 9;   case 9: return 10;  case 16: return 11; case 17: return 12;
    case 24: return 13; case 0x4200: return 14; case 0x4201: return 15; case 0x4202: return 16;
    case 0x4203: return 17; case 0x4204: return 18; case 0x4205: return 19; case 0x4206: return 20;
    case 0x4207: return 21; case 0x4208: return 22; case 0x4209: return 23; case 0x420a: return 24;
    case 0x420b: return 25; case 12: return 26; case 13: return 27; case 14: return 28;
    case 15: return 29; case 18: return 30; case 19: return 31; case 21: return 32;
    case 25: return 33; case 26: return 34; case 30: return 35; case 31: return 36;
    case 32: return 37; case 33: return 38;
    default: return 0;  // PTRACE_UNKNOWN
  }
}

// fcntl commands are carried as the kernel's values for now (no rule reads them).
inline uint64_t fcntlCmdToPpm(uint32_t cmd) { return cmd; }

}  // namespace saker
