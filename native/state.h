// The state libsinsp keeps, on the native side: threads (with their process view) and their fds.
// Seeded from /proc, then kept current by the decoded records. Owned by the consumer thread only.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace saker {

class CaptureWriter;

enum FdType : uint8_t {
  FD_NONE = 0, FD_FILE = 1, FD_DIRECTORY = 2, FD_IPV4 = 3, FD_IPV6 = 4, FD_IPV4_SERVER = 5,
  FD_IPV6_SERVER = 6, FD_FIFO = 7, FD_UNIX = 8, FD_EVENT = 9, FD_SIGNALFD = 10, FD_EVENTPOLL = 11,
  FD_INOTIFY = 12, FD_TIMERFD = 13, FD_NETLINK = 14, FD_BPF = 15, FD_USERFAULTFD = 16,
  FD_IO_URING = 17, FD_MEMFD = 18, FD_PIDFD = 19, FD_UNKNOWN = 20, FD_UNSUPPORTED = 21,
};

enum FdRole : uint8_t { ROLE_NONE = 0, ROLE_CLIENT = 1, ROLE_SERVER = 2 };

struct FdInfo {
  FdType type = FD_UNKNOWN;
  std::string name;          // fd.name as libs builds it
  std::string nameRaw;       // fd.nameraw: the path as the opener gave it (empty: same as name)
  uint8_t l4proto = 0;       // ABI L4 enum: 0 none, 1 tcp, 2 udp, 3 icmp, 4 raw
  uint8_t family = 0;        // AF_*
  FdRole role = ROLE_NONE;
  bool connected = false;
  bool hasClient = false, hasServer = false;
  uint8_t clientIp[16] = {}, serverIp[16] = {};
  uint16_t clientPort = 0, serverPort = 0;
  uint32_t openFlags = 0;    // PPM open flags
};

using FdTable = std::unordered_map<int64_t, FdInfo>;

struct ThreadInfo {
  int32_t tid = 0, pid = 0, ptid = 0, vtid = 0, vpid = 0, sid = 0, vpgid = 0;
  uint32_t uid = 0, gid = 0, tty = 0;
  int64_t loginuid = -1;
  bool hasCaps = false;
  uint64_t capEffective = 0, capPermitted = 0, capInheritable = 0;
  uint64_t startTs = 0;              // epoch ns
  std::string comm, exe, exepath, cwd, containerId;
  std::vector<std::string> args;     // argv[1..]
  std::string env;                   // NAME=value entries, each followed by a NUL (may be cut at 4 KiB)
  bool hasEnv = false;
  bool exeFromMemfd = false;
  bool hasExeTimes = false;
  bool exeUpperLayer = false;        // the executable is in an overlayfs upper layer
  bool exeLowerLayer = false;        // ... or in a lower one
  bool exeWritable = false;          // the user that exec-ed it could write it (libs' rule)
  uint64_t exeCtime = 0, exeMtime = 0;  // the executable's inode times, epoch ns
  bool lateScan = false;             // read from /proc because an event came before its fork record
  bool exited = false;               // a group leader that exited while other threads of its group live
  uint64_t version = 0;              // bumped on every change, so batches snapshot the right view
  std::shared_ptr<FdTable> fds;      // shared by threads of a process (CLONE_FILES)
};

/** uid/gid → name, cached; the cache is dropped when /etc/passwd or /etc/group change. */
class NameCache {
 public:
  const std::string& user(uint32_t uid);
  const std::string& group(uint32_t gid);
  void refreshIfChanged();  // cheap: at most one stat pair per second
  /** Capture: every name resolved from the system is also written here. */
  CaptureWriter* recorder = nullptr;
  /** Replay: names come only from preset() (recorded); nothing is looked up. */
  bool offline = false;
  void preset(bool group, uint32_t id, const std::string& name);
 private:
  std::unordered_map<uint32_t, std::string> users_, groups_;
  int64_t passwdMtime_ = -1, groupMtime_ = -1;
  int64_t lastCheckNs_ = 0;
};

/** Container id from a cgroup path or leaf name: 12 hex chars, or "host" when no runtime matches. */
std::string containerIdFromCgroup(const std::string& cgroupPathOrLeaf);

class State {
 public:
  std::unordered_map<int32_t, ThreadInfo> threads;
  NameCache names;

  ThreadInfo* find(int32_t tid);
  /** The thread, or a placeholder built from /proc when it was missed (libs does the same). */
  ThreadInfo* findOrScan(int32_t tid, int32_t pid);
  void seedFromProc();
  /** Capture: threads read from /proc mid-stream are also written here. */
  CaptureWriter* recorder = nullptr;
  /** Replay: threads "read from /proc" come from these recorded entries instead. */
  bool offline = false;
  std::unordered_map<int32_t, ThreadInfo> recordedScans;
  void removeThread(int32_t tid);
  size_t fdCount() const;
  uint64_t bootToEpochNs = 0;  // CLOCK_REALTIME - CLOCK_BOOTTIME at start
  uint64_t procScans = 0;      // threads read from /proc after the start (missed forks)
  /** Versions come from one clock, so a replaced entry never repeats a version a batch has seen. */
  uint64_t nextVersion() { return ++versionClock_; }
 private:
  uint64_t versionClock_ = 0;
 public:
};

}  // namespace saker
