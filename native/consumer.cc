#include "consumer.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "capture.h"
#include "event_ids.h"
#include "flags.h"

namespace saker {

namespace {

constexpr size_t kOffSock = sizeof(saker_rec);
constexpr size_t kOffTask = kOffSock + sizeof(saker_sock);
constexpr size_t kStrBase = kOffTask + sizeof(saker_task);
constexpr int64_t kAtFdcwd = -100;

int64_t nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Lexical normalisation of an absolute path, as libs does for fd names: no ".", "..", "//".
std::string normalize(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::string ipText(uint16_t family, const uint8_t* ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, ip, buf, sizeof buf);
  return buf;
}

// The ABI carries only unix, inet and inet6 families (others, e.g. netlink, are "none").
uint8_t abiFamily(uint16_t f) { return f == AF_UNIX || f == AF_INET || f == AF_INET6 ? uint8_t(f) : 0; }

uint8_t l4From(uint16_t proto, uint16_t skType) {
  if (proto == IPPROTO_TCP) return 1;
  if (proto == IPPROTO_UDP) return 2;
  if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) return 3;
  if (skType == SOCK_RAW) return 4;
  return 0;
}

// Fills an fd from the kernel's socket endpoints. `server` says the local side accepted.
void applySock(FdInfo& fd, const saker_sock& s, bool localIsServer, const std::string& unixPath) {
  fd.family = abiFamily(s.family);
  if (s.family == AF_UNIX) {
    fd.type = FD_UNIX;
    fd.l4proto = 0;
    if (!unixPath.empty()) fd.name = unixPath;
    return;
  }
  if (s.family == AF_NETLINK) fd.type = FD_NETLINK;
  if (s.family != AF_INET && s.family != AF_INET6) return;
  fd.type = s.family == AF_INET ? FD_IPV4 : FD_IPV6;
  fd.l4proto = l4From(s.l4proto, s.sk_type);
  const uint8_t* lip = s.laddr;
  const uint8_t* rip = s.raddr;
  if (localIsServer) {
    memcpy(fd.serverIp, lip, 16);
    fd.serverPort = s.lport;
    memcpy(fd.clientIp, rip, 16);
    fd.clientPort = s.rport;
    fd.role = ROLE_SERVER;
  } else {
    memcpy(fd.clientIp, lip, 16);
    fd.clientPort = s.lport;
    memcpy(fd.serverIp, rip, 16);
    fd.serverPort = s.rport;
    fd.role = ROLE_CLIENT;
  }
  fd.hasClient = fd.hasServer = true;
  fd.name = ipText(s.family, fd.clientIp) + ":" + std::to_string(fd.clientPort) + "->" +
            ipText(s.family, fd.serverIp) + ":" + std::to_string(fd.serverPort);
}

// A sockaddr the caller passed: family, address (16 bytes), port, unix path.
struct UserAddr {
  uint16_t family = 0;
  uint8_t ip[16] = {};
  uint16_t port = 0;
  std::string path;
};

UserAddr parseSockaddr(const std::string& b) {
  UserAddr a;
  if (b.size() < 2) return a;
  memcpy(&a.family, b.data(), 2);
  if (a.family == AF_INET && b.size() >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    memcpy(&in, b.data(), sizeof in);
    memcpy(a.ip, &in.sin_addr, 4);
    a.port = ntohs(in.sin_port);
  } else if (a.family == AF_INET6 && b.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    memcpy(&in6, b.data(), sizeof in6);
    memcpy(a.ip, &in6.sin6_addr, 16);
    a.port = ntohs(in6.sin6_port);
  } else if (a.family == AF_UNIX && b.size() > 2) {
    std::string p = b.substr(2);
    if (!p.empty() && p[0] == '\0') p[0] = '@';  // abstract socket, as libs shows it
    size_t nul = p.find('\0');
    a.path = nul == std::string::npos ? p : p.substr(0, nul);
  }
  return a;
}

FdType fdTypeFromMode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR: return FD_DIRECTORY;
    case S_IFIFO: return FD_FIFO;
    case S_IFSOCK: return FD_UNIX;
    default: return FD_FILE;
  }
}

}  // namespace

Consumer::Consumer(const ConsumerOptions& opts) : opts_(opts), writer_(state_) {
  writer_.setContainerLookup([this](const std::string& id) { return lookupContainer(id); });
}

std::shared_ptr<const ContainerInfo> Consumer::lookupContainer(const std::string& id) {
  if (replaying_) {
    auto it = replayContainers_.find(id);
    return it == replayContainers_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const ContainerInfo> info = containerTable().find(id);
  if (capture_.isOpen()) {
    // Written during decoding, so the entry precedes the record whose batch used it.
    auto it = capturedContainers_.find(id);
    const ContainerInfo* was = it == capturedContainers_.end() ? nullptr : it->second.get();
    if (info.get() != was) {
      capture_.writeContainer(id, info.get());
      if (info) capturedContainers_[id] = info;
      else capturedContainers_.erase(id);
    }
  }
  return info;
}

std::set<uint16_t> Consumer::stateTypes() {
  return {SAKER_EVT_EXECVE, SAKER_EVT_EXECVEAT, SAKER_EVT_OPEN, SAKER_EVT_OPENAT, SAKER_EVT_OPENAT2,
          SAKER_EVT_CREAT, SAKER_EVT_CLOSE, SAKER_EVT_DUP, SAKER_EVT_DUP2, SAKER_EVT_DUP3,
          SAKER_EVT_FCNTL, SAKER_EVT_SOCKET, SAKER_EVT_CONNECT, SAKER_EVT_ACCEPT, SAKER_EVT_ACCEPT4,
          SAKER_EVT_BIND, SAKER_EVT_CHDIR, SAKER_EVT_FCHDIR, SAKER_EVT_SETSID, SAKER_EVT_PIPE,
          SAKER_EVT_PIPE2, SAKER_EVT_SOCKETPAIR, SAKER_EVT_MEMFD_CREATE, SAKER_EVT_SETUID,
          SAKER_EVT_SETGID, SAKER_EVT_SETRESUID, SAKER_EVT_SETRESGID, SAKER_EVT_CLONE,
          SAKER_EVT_CLONE3, SAKER_EVT_FORK, SAKER_EVT_VFORK, SAKER_EVT_PROCEXIT, SAKER_EVT_PRCTL};
}

void Consumer::open() {
  state_.seedFromProc();
  stats.fds = state_.fdCount();
  if (!opts_.captureFile.empty()) {
    capture_.open(opts_.captureFile, state_.bootToEpochNs);
    capture_.writeState(state_);
    state_.recorder = &capture_;
    state_.names.recorder = &capture_;
  }
  std::lock_guard<std::mutex> lock(probeMu_);
  if (!probe_.loaded()) probe_.load(opts_.probe, &Consumer::onRecordThunk, this);
  probe_.attachState();
  probe_.setOpenFilter(opts_.openFilter);
  std::set<uint16_t> all = opts_.types;
  for (uint16_t t : stateTypes()) all.insert(t);
  probe_.setTypes(all, opts_.types);
  stats.threads = state_.threads.size();
}

void Consumer::prepare() {
  std::lock_guard<std::mutex> lock(probeMu_);
  probe_.load(opts_.probe, &Consumer::onRecordThunk, this);
}

void Consumer::setTypes(std::set<uint16_t> types) {
  std::set<uint16_t> all = types;
  for (uint16_t t : stateTypes()) all.insert(t);
  std::lock_guard<std::mutex> lock(probeMu_);
  probe_.setTypes(all, types);
}

void Consumer::setOpenFilter(const OpenFilter& filter) {
  std::lock_guard<std::mutex> lock(probeMu_);
  if (closed_ || !probe_.loaded()) return;  // stopped: nothing left to filter
  probe_.setOpenFilter(filter);
  opts_.openFilter = filter;
}

ProbeCounters Consumer::kernelCounters() {
  std::lock_guard<std::mutex> lock(probeMu_);
  return closed_ ? finalCounters_ : probe_.counters();
}

int Consumer::onRecordThunk(void* ctx, void* data, size_t size) {
  static_cast<Consumer*>(ctx)->onRecord(static_cast<const saker_rec*>(data), size);
  return 0;
}

void Consumer::onRecord(const saker_rec* r, size_t size) {
  if (probe_.ringCount() > 1 && !replaying_) {
    // Several rings: keep this poll's records and decode them in timestamp order (drainPending).
    pending_.emplace_back(reinterpret_cast<const char*>(r), size);
    return;
  }
  decodeAndRecord(r, size);
}

void Consumer::drainPending() {
  if (pending_.empty()) return;
  auto ts = [](const std::string& rec) {
    uint64_t v;
    memcpy(&v, rec.data(), 8);
    return v;
  };
  std::stable_sort(pending_.begin(), pending_.end(), [&](const std::string& x, const std::string& y) { return ts(x) < ts(y); });
  for (const std::string& rec : pending_) decodeAndRecord(reinterpret_cast<const saker_rec*>(rec.data()), rec.size());
  pending_.clear();
}

void Consumer::decodeAndRecord(const saker_rec* r, size_t size) {
  decode(r, size);
  // Written after decoding: the entries its decoding needed (names, paths, threads) come first.
  if (capture_.isOpen()) capture_.writeRecord(r, size);
}

void Consumer::run(const Deliver& deliver) {
  while (!stop_.load()) {
    // Wake-ups are batched in the kernel; the timeout bounds how long a quiet ring waits.
    probe_.poll(int(opts_.flushMs > 0 ? opts_.flushMs : 10));
    drainPending();
    state_.names.refreshIfChanged();
    if (writer_.eventCount() >= opts_.batchEvents ||
        (writer_.eventCount() > 0 && nowMs() - batchStartMs_ >= int64_t(opts_.flushMs))) {
      flush(deliver);
    }
    stats.threads = state_.threads.size();
    stats.procScans = state_.procScans;
    int64_t now = nowMs();
    if (now - fdCountMs_ >= 1000) {  // walks every table: once a second is enough for stats
      stats.fds = state_.fdCount();
      fdCountMs_ = now;
    }
  }
  // Stop: no new records, then everything already in the rings, then the last batch.
  {
    std::lock_guard<std::mutex> lock(probeMu_);
    probe_.pause();
  }
  while (probe_.poll(0) > 0) {
    drainPending();
    if (writer_.eventCount() >= opts_.batchEvents) flush(deliver);
  }
  drainPending();
  flush(deliver);
  std::lock_guard<std::mutex> lock(probeMu_);
  finalCounters_ = probe_.counters();
  closed_ = true;
  probe_.close(true);
  capture_.close();
}

static bool knownRecordType(uint16_t type) {
  switch (type) {
#define SAKER_KNOWN_TYPE(id, name) case id:
    SAKER_EVENT_LIST(SAKER_KNOWN_TYPE)
#undef SAKER_KNOWN_TYPE
    case SAKER_REC_FORK:
    case SAKER_REC_CLOSE_RANGE:
      return true;
    default:
      return false;
  }
}

void Consumer::replay(const std::string& path, const Deliver& deliver) {
  CaptureReader rd;
  rd.open(path);
  replaying_ = true;
  state_.offline = true;
  state_.names.offline = true;
  state_.bootToEpochNs = rd.bootToEpochNs();
  CaptureEntry e;
  while (rd.next(e)) {
    switch (e.tag) {
      case kCapTagState:
        parseState(e.payload, e.offset, state_);
        break;
      case kCapTagName: {
        bool group = false;
        uint32_t id = 0;
        std::string name;
        parseName(e.payload, e.offset, group, id, name);
        state_.names.preset(group, id, name);
        break;
      }
      case kCapTagPath: {
        std::string from, to;
        parsePath(e.payload, e.offset, from, to);
        recordedPaths_[from] = to;
        break;
      }
      case kCapTagContainer: {
        std::string id;
        std::shared_ptr<const ContainerInfo> info;
        parseContainer(e.payload, e.offset, id, info);
        // The live batch that used the new metadata began here: end the current batch so every
        // later event looks it up again, whatever the replay's batch size.
        flush(deliver);
        if (info) replayContainers_[id] = std::move(info);
        else replayContainers_.erase(id);
        break;
      }
      case kCapTagThread: {
        ThreadInfo t = parseThread(e.payload, e.offset);
        int32_t tid = t.tid;
        state_.recordedScans[tid] = std::move(t);
        break;
      }
      case kCapTagRecord: {
        const auto* r = reinterpret_cast<const saker_rec*>(e.payload.data());
        if (e.payload.size() < kStrBase) throw CaptureFormatError("record shorter than its fixed part", e.offset);
        if (r->size < kStrBase || r->size > e.payload.size()) throw CaptureFormatError("record size field " + std::to_string(r->size) + " disagrees with the entry", e.offset + 8);
        if (!knownRecordType(r->type)) throw CaptureFormatError("unknown record type " + std::to_string(r->type), e.offset + 8);
        decode(r, e.payload.size());
        break;
      }
    }
    if (writer_.eventCount() >= opts_.batchEvents) flush(deliver);
  }
  flush(deliver);
}

void Consumer::closeRange(ThreadInfo& t, uint64_t first, uint64_t last, uint64_t flags) {
  constexpr uint64_t kUnshare = 1u << 1, kCloexec = 1u << 2;  // CLOSE_RANGE_UNSHARE, CLOSE_RANGE_CLOEXEC
  if (!t.fds) return;
  // UNSHARE: the thread gets a table of its own first (its threads keep the shared one intact).
  if ((flags & kUnshare) && t.fds.use_count() > 1) t.fds = std::make_shared<FdTable>(*t.fds);
  for (auto it = t.fds->begin(); it != t.fds->end();) {
    uint64_t n = uint64_t(it->first);
    if (it->first < 0 || n < first || n > last) {
      ++it;
    } else if (flags & kCloexec) {
      it->second.openFlags |= PPM_O_CLOEXEC;
      ++it;
    } else {
      it = t.fds->erase(it);
    }
  }
}

std::string Consumer::resolveExe(const std::string& full) {
  if (replaying_) {
    auto it = recordedPaths_.find(full);
    return it == recordedPaths_.end() ? full : it->second;
  }
  char real[PATH_MAX];
  std::string out = realpath(full.c_str(), real) ? std::string(real) : full;
  if (capture_.isOpen()) capture_.writePath(full, out);
  return out;
}

void Consumer::flush(const Deliver& deliver) {
  if (writer_.eventCount() == 0) return;
  size_t n = writer_.eventCount();
  size_t len = 0;
  uint8_t* b = writer_.finish(++seq_, &len);
  stats.events += n;
  stats.batches += 1;
  batchStartMs_ = -1;
  deliver(b, len);
}

std::string Consumer::resolvePath(const ThreadInfo* t, int64_t dirfd, const std::string& path) {
  if (!path.empty() && path[0] == '/') return normalize(path);
  std::string base;
  if (dirfd == kAtFdcwd || dirfd == INT_MIN) {
    base = t ? t->cwd : std::string("/");
  } else if (t && t->fds) {
    auto it = t->fds->find(dirfd);
    if (it != t->fds->end()) base = it->second.name + "/";
  }
  if (base.empty()) base = "/";
  return normalize(base + path);
}

void Consumer::decode(const saker_rec* r, size_t size) {
  if (size < kStrBase || r->size > size) return;
  stats.records += 1;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(r);
  const saker_sock* sock = (r->flags & REC_HAS_SOCK) ? reinterpret_cast<const saker_sock*>(p + kOffSock) : nullptr;
  const saker_file* file = (r->flags & REC_HAS_FILE) ? reinterpret_cast<const saker_file*>(p + kOffSock) : nullptr;
  const saker_task* task = (r->flags & REC_HAS_TASK) ? reinterpret_cast<const saker_task*>(p + kOffTask) : nullptr;
  std::string s[SAKER_STR_SLOTS];
  size_t off = kStrBase;
  for (int k = 0; k < SAKER_STR_SLOTS; k++) {
    size_t n = r->slen[k];
    if (off + n > r->size) n = r->size > off ? r->size - off : 0;
    s[k].assign(reinterpret_cast<const char*>(p + off), n);
    off += n;
  }
  uint64_t ts = r->ts + state_.bootToEpochNs;
  const int32_t tid = int32_t(r->tid), pid = int32_t(r->pid);
  const int64_t res = r->res;
  const __u64* a = r->a;

  auto applyTask = [&](ThreadInfo& t) {
    if (!task) return;
    t.uid = task->uid;
    t.gid = task->gid;
    t.loginuid = task->loginuid == 0xFFFFFFFFu ? -1 : int64_t(task->loginuid);
    t.tty = task->tty;
    t.sid = int32_t(task->sid);
    t.vpid = int32_t(task->vpid);
    t.vtid = int32_t(task->vtid);
    t.vpgid = int32_t(task->vpgid);
    t.capEffective = task->cap_effective;
    t.capPermitted = task->cap_permitted;
    t.capInheritable = task->cap_inheritable;
    t.hasCaps = true;
    t.startTs = task->start_ns + state_.bootToEpochNs;
    t.comm.assign(task->comm, strnlen(task->comm, sizeof task->comm));
  };

  if (r->type == SAKER_REC_FORK) {
    int32_t parentTid = int32_t(a[0]), parentPid = int32_t(a[1]);
    ThreadInfo* parent = state_.findOrScan(parentTid, parentPid);
    bool thread = tid != pid;
    int32_t ptid = thread ? parent->ptid : (task ? int32_t(task->ppid) : parent->pid);
    // Rings are per group of CPUs: the child's own events may have come first and made an entry
    // from /proc (or, if it was already gone, a bare placeholder). The fork record is the authority
    // on the parent; what the child did since (an exec) stays.
    if (ThreadInfo* seen = state_.find(tid); seen && seen->lateScan) {
      seen->lateScan = false;
      seen->ptid = ptid;
      if (seen->comm.empty()) {  // a placeholder: everything else comes from the parent as well
        ThreadInfo copy = *parent;
        copy.tid = tid;
        copy.pid = pid;
        copy.ptid = ptid;
        copy.fds = seen->fds && !seen->fds->empty() ? seen->fds : (thread ? parent->fds : std::make_shared<FdTable>(*parent->fds));
        applyTask(copy);
        *seen = std::move(copy);
      }
      seen->version = state_.nextVersion();
      return;
    }
    ThreadInfo child = *parent;
    child.tid = tid;
    child.pid = pid;
    child.ptid = ptid;
    if (!thread) child.fds = std::make_shared<FdTable>(*parent->fds);
    applyTask(child);
    child.version = state_.nextVersion();
    state_.threads[tid] = std::move(child);
    return;
  }

  if (r->type == SAKER_REC_CLOSE_RANGE) {
    closeRange(*state_.findOrScan(tid, pid), a[0], a[1], a[2]);
    return;
  }

  ThreadInfo* t = state_.findOrScan(tid, pid);
  const uint16_t type = r->type;
  bool nameChanged = false;
  FdTable& fds = *t->fds;
  const bool openType = type == SAKER_EVT_OPEN || type == SAKER_EVT_OPENAT || type == SAKER_EVT_OPENAT2 || type == SAKER_EVT_CREAT;

  // An open record's arguments as its event carries them, and the fd it puts in the table.
  struct OpenView {
    int64_t dirfd;
    uint32_t flags, mode;
    uint64_t dev, ino;
    FdInfo fd;
  };
  auto openView = [&]() {
    OpenView o;
    o.dirfd = type == SAKER_EVT_OPENAT || type == SAKER_EVT_OPENAT2 ? int64_t(int32_t(a[0])) : kAtFdcwd;
    uint64_t kflags = type == SAKER_EVT_CREAT ? (O_CREAT | O_WRONLY | O_TRUNC)
                      : type == SAKER_EVT_OPEN ? a[1] : a[2];
    uint64_t kmode = type == SAKER_EVT_CREAT ? a[1] : type == SAKER_EVT_OPEN ? a[2] : a[3];
    o.flags = openFlagsToPpm(kflags);
    if (file && (file->f_mode & 0x100000u /* FMODE_CREATED */)) o.flags |= PPM_O_F_CREATED;
    o.mode = (kflags & (O_CREAT | O_TMPFILE)) ? uint32_t(kmode & 07777) : 0;
    o.dev = file ? file->dev : 0;
    o.ino = file ? a[5] : 0;
    o.fd.name = resolvePath(t, o.dirfd, s[0]);
    o.fd.nameRaw = s[0];
    o.fd.type = file ? fdTypeFromMode(file->i_mode) : ((kflags & O_DIRECTORY) ? FD_DIRECTORY : FD_FILE);
    o.fd.openFlags = o.flags;
    return o;
  };

  // A late open (capture.bpf.c, late_open): an open the kernel's prefilter dropped, replayed because
  // an event is about to use its fd. The table gets the fd exactly as that open's event would have
  // put it there; no event.
  if (r->flags & REC_STATE_ONLY) {
    if (openType && res >= 0) {
      fds[res] = openView().fd;
      stats.lateOpens += 1;
    }
    return;
  }

  // State changes that the event itself must already show (libs parses the exit event first).
  switch (type) {
    case SAKER_EVT_EXECVE:
    case SAKER_EVT_EXECVEAT:
      if (res == 0) {
        // s0: file name given to exec, s1: argv area, s2: cgroup leaf, s3: executable's dentry name,
        // s4: environment area.
        std::vector<std::string> argv;
        size_t i = 0;
        while (i < s[1].size()) {
          size_t j = s[1].find('\0', i);
          if (j == std::string::npos) j = s[1].size();
          argv.push_back(s[1].substr(i, j - i));
          i = j + 1;
        }
        t->exe = argv.empty() ? s[0] : argv[0];
        // s4: the environment area; an entry cut off at the size limit is dropped.
        t->env = s[4];
        if (!t->env.empty() && t->env.back() != '\0') {
          size_t last = t->env.rfind('\0');
          t->env.resize(last == std::string::npos ? 0 : last + 1);
        }
        t->hasEnv = true;
        t->args.assign(argv.size() > 1 ? argv.begin() + 1 : argv.end(), argv.end());
        // s3: the executable's dentry name. A memfd's is "memfd:<name>"; its path is not a file
        // anyone can open, so exepath is what the kernel's d_path shows for it.
        t->exeFromMemfd = s[3].rfind("memfd:", 0) == 0;
        if (t->exeFromMemfd) {
          t->exepath = "/" + s[3] + " (deleted)";
        } else if (!s[5].empty()) {
          // s5: the path of the file the kernel runs, from the task's own root (capture.bpf.c).
          t->exepath = s[5];
        } else {
          t->exepath = resolveExe(resolvePath(t, type == SAKER_EVT_EXECVEAT ? int64_t(int32_t(a[0])) : kAtFdcwd, s[0]));
        }
        t->containerId = containerIdFromCgroup(s[2]);
        applyTask(*t);
        t->exeUpperLayer = task && (task->exe_flags & SAKER_EXE_UPPER_LAYER);
        t->exeLowerLayer = task && (task->exe_flags & SAKER_EXE_LOWER_LAYER);
        t->exeWritable = task && (task->exe_flags & SAKER_EXE_WRITABLE);
        t->hasExeTimes = task && task->exe_ctime != 0;
        t->exeCtime = task ? task->exe_ctime : 0;
        t->exeMtime = task ? task->exe_mtime : 0;
        // Close-on-exec descriptors are gone.
        for (auto it = fds.begin(); it != fds.end();) {
          if (it->second.openFlags & PPM_O_CLOEXEC) it = fds.erase(it);
          else ++it;
        }
        t->version = state_.nextVersion();
      }
      break;
    case SAKER_EVT_OPEN:
    case SAKER_EVT_OPENAT:
    case SAKER_EVT_OPENAT2:
    case SAKER_EVT_CREAT:
      break;  // handled below, where the flags are converted once
    case SAKER_EVT_CHDIR:
      if (res == 0) {
        t->cwd = resolvePath(t, kAtFdcwd, s[0]);
        if (t->cwd.back() != '/') t->cwd += '/';
        t->version = state_.nextVersion();
      }
      break;
    case SAKER_EVT_FCHDIR:
      if (res == 0) {
        auto it = fds.find(int64_t(int32_t(a[0])));
        if (it != fds.end()) {
          t->cwd = it->second.name;
          if (t->cwd.empty() || t->cwd.back() != '/') t->cwd += '/';
          t->version = state_.nextVersion();
        }
      }
      break;
    case SAKER_EVT_SETUID:
    case SAKER_EVT_SETRESUID:
    case SAKER_EVT_SETGID:
    case SAKER_EVT_SETRESGID:
      if (res == 0) {
        bool isUid = type == SAKER_EVT_SETUID || type == SAKER_EVT_SETRESUID;
        uint32_t v = uint32_t(type == SAKER_EVT_SETRESUID || type == SAKER_EVT_SETRESGID ? a[1] : a[0]);
        if (v != 0xFFFFFFFFu) {
          if (isUid) t->uid = v;
          else t->gid = v;
          t->version = state_.nextVersion();
        }
      }
      break;
    case SAKER_EVT_PRCTL:
      if (res == 0 && a[0] == 15 /* PR_SET_NAME */) {  // the kernel keeps 15 bytes of the name
        t->comm = s[0].substr(0, 15);
        t->version = state_.nextVersion();
      }
      break;
    case SAKER_EVT_SETSID:
      if (res >= 0) {
        t->sid = int32_t(res);
        t->vpgid = t->vpid;
        t->version = state_.nextVersion();
      }
      break;
    default:
      break;
  }

  EventRef e = writer_.add(type, ++evtNum_, ts, tid, pid, r->cpu, t);
  if (batchStartMs_ < 0) batchStartMs_ = nowMs();
  auto fdOf = [&](int64_t num) -> FdInfo* {
    auto it = fds.find(num);
    return it == fds.end() ? nullptr : &it->second;
  };
  auto withFd = [&](int64_t num) { e.setFd(num, fdOf(num)); };
  auto i32 = [](uint64_t v) { return uint64_t(int64_t(int32_t(v))); };

  switch (type) {
    case SAKER_EVT_EXECVE:
    case SAKER_EVT_EXECVEAT:
      e.setRes(res);
      // libs' execve flags: PPM_EXE_WRITABLE 1, _UPPER_LAYER 2, _FROM_MEMFD 4, _LOWER_LAYER 8.
      e.setNum(0, res == 0 && t ? uint64_t((t->exeWritable ? 1 : 0) | (t->exeUpperLayer ? 2 : 0) |
                                           (t->exeFromMemfd ? 4 : 0) | (t->exeLowerLayer ? 8 : 0))
                                : 0);
      if (type == SAKER_EVT_EXECVE) e.setStr(0, s[0]);
      break;
    case SAKER_EVT_OPEN:
    case SAKER_EVT_OPENAT:
    case SAKER_EVT_OPENAT2:
    case SAKER_EVT_CREAT: {
      const OpenView o = openView();
      const int64_t dirfd = o.dirfd;
      const uint32_t flags = o.flags, mode = o.mode;
      const uint64_t dev = o.dev, ino = o.ino;
      e.setRes(res);
      if (type == SAKER_EVT_OPEN) {
        e.setNum(0, flags); e.setNum(1, mode); e.setNum(2, dev); e.setNum(3, ino);
      } else if (type == SAKER_EVT_OPENAT) {
        e.setNum(0, uint64_t(dirfd)); e.setNum(1, flags); e.setNum(2, mode); e.setNum(3, dev); e.setNum(4, ino);
      } else if (type == SAKER_EVT_OPENAT2) {
        e.setNum(0, uint64_t(dirfd)); e.setNum(1, flags); e.setNum(2, mode); e.setNum(3, a[4]);
        e.setNum(4, dev); e.setNum(5, ino);
      } else {
        e.setNum(0, mode); e.setNum(1, dev); e.setNum(2, ino); e.setNum(3, (file && (file->f_mode & 0x100000u)) ? 1 : 0);
      }
      e.setStr(0, s[0]);
      const FdInfo& fd = o.fd;
      if (res >= 0) {
        fds[res] = fd;
        e.setFd(res, &fds[res]);
      } else {
        e.setFd(res, &fd);
      }
      break;
    }
    case SAKER_EVT_CLOSE: {
      int64_t num = int64_t(int32_t(a[0]));
      e.setRes(res);
      e.setNum(0, uint64_t(num));
      withFd(num);
      if (res == 0) fds.erase(num);
      break;
    }
    case SAKER_EVT_DUP:
    case SAKER_EVT_DUP2:
    case SAKER_EVT_DUP3:
    case SAKER_EVT_FCNTL: {
      int64_t oldfd = int64_t(int32_t(a[0]));
      e.setRes(res);
      if (type == SAKER_EVT_FCNTL) {
        e.setNum(0, uint64_t(oldfd)); e.setNum(1, fcntlCmdToPpm(uint32_t(a[1]))); e.setNum(2, a[2]);
      } else {
        e.setNum(0, uint64_t(oldfd));
        if (type != SAKER_EVT_DUP) e.setNum(1, i32(a[1]));
        if (type == SAKER_EVT_DUP3) e.setNum(2, (a[2] & O_CLOEXEC) ? uint64_t(PPM_O_CLOEXEC) : uint64_t(0));
      }
      withFd(oldfd);
      bool dups = type != SAKER_EVT_FCNTL || a[1] == 0 /* F_DUPFD */ || a[1] == 1030 /* F_DUPFD_CLOEXEC */;
      if (dups && res >= 0 && res != oldfd) {
        if (FdInfo* src = fdOf(oldfd)) {
          FdInfo copy = *src;
          copy.openFlags &= ~uint32_t(PPM_O_CLOEXEC);
          fds[res] = copy;
        }
      }
      break;
    }
    case SAKER_EVT_SOCKET: {
      e.setRes(res);
      e.setNum(0, a[0]); e.setNum(1, a[1] & 0xf); e.setNum(2, a[2]); e.setNum(3, a[1] & ~uint64_t(0xf));
      if (res >= 0) {
        FdInfo fd;
        fd.family = uint8_t(a[0] == AF_INET || a[0] == AF_INET6 || a[0] == AF_UNIX ? a[0] : 0);
        fd.type = a[0] == AF_INET ? FD_IPV4 : a[0] == AF_INET6 ? FD_IPV6 : a[0] == AF_UNIX ? FD_UNIX
                : a[0] == AF_NETLINK ? FD_NETLINK : FD_UNKNOWN;
        uint32_t st = uint32_t(a[1] & 0xf);
        fd.l4proto = (fd.type == FD_IPV4 || fd.type == FD_IPV6)
                         ? (st == SOCK_STREAM ? 1 : st == SOCK_DGRAM ? 2 : st == SOCK_RAW ? 4 : 0) : 0;
        if (a[1] & SOCK_CLOEXEC) fd.openFlags |= PPM_O_CLOEXEC;
        fds[res] = fd;
        e.setFd(res, &fds[res]);
      }
      break;
    }
    case SAKER_EVT_CONNECT:
    case SAKER_EVT_BIND:
    case SAKER_EVT_LISTEN: {
      int64_t num = int64_t(int32_t(a[0]));
      e.setRes(res);
      e.setNum(0, uint64_t(num));
      if (type == SAKER_EVT_LISTEN) e.setNum(1, i32(a[1]));
      FdInfo& fd = fds[num];
      UserAddr ua = parseSockaddr(s[0]);
      if (sock) {
        std::string before = fd.name;
        if (type == SAKER_EVT_CONNECT) {
          applySock(fd, *sock, false, ua.path);
          // A failed connect leaves the kernel's peer empty: the caller's address is the server.
          if (ua.family == sock->family && (ua.family == AF_INET || ua.family == AF_INET6) && sock->rport == 0) {
            memcpy(fd.serverIp, ua.ip, 16);
            fd.serverPort = ua.port;
            fd.name = ipText(sock->family, fd.clientIp) + ":" + std::to_string(fd.clientPort) + "->" +
                      ipText(sock->family, fd.serverIp) + ":" + std::to_string(fd.serverPort);
          }
          fd.connected = res == 0 || res == -115 /* EINPROGRESS */;
        } else {
          // bind/listen: only the local (server) endpoint exists.
          fd.family = abiFamily(sock->family);
          if (sock->family == AF_INET || sock->family == AF_INET6) {
            fd.type = sock->family == AF_INET ? FD_IPV4 : FD_IPV6;
            fd.l4proto = l4From(sock->l4proto, sock->sk_type);
            memcpy(fd.serverIp, sock->laddr, 16);
            fd.serverPort = sock->lport;
            fd.hasServer = true;
            fd.hasClient = false;
            fd.role = ROLE_SERVER;
            fd.name = ipText(sock->family, fd.serverIp) + ":" + std::to_string(fd.serverPort);
          } else if (sock->family == AF_UNIX) {
            fd.type = FD_UNIX;
            if (!ua.path.empty()) fd.name = ua.path;
          }
        }
        nameChanged = fd.name != before;
      }
      e.setFd(num, &fd, nameChanged);
      break;
    }
    case SAKER_EVT_ACCEPT:
    case SAKER_EVT_ACCEPT4: {
      e.setRes(res);
      if (type == SAKER_EVT_ACCEPT4) e.setNum(3, i32(a[3]));
      if (res >= 0) {
        FdInfo fd;
        if (sock) applySock(fd, *sock, true, std::string());
        if (fd.type == FD_UNIX) {
          FdInfo* listener = fdOf(int64_t(int32_t(a[0])));
          if (listener) fd.name = listener->name;
        }
        fd.connected = true;
        if (type == SAKER_EVT_ACCEPT4 && (a[3] & SOCK_CLOEXEC)) fd.openFlags |= PPM_O_CLOEXEC;
        fds[res] = fd;
        e.setFd(res, &fds[res]);
      }
      break;
    }
    case SAKER_EVT_SENDTO:
    case SAKER_EVT_RECVFROM:
    case SAKER_EVT_SENDMSG:
    case SAKER_EVT_RECVMSG: {
      int64_t num = int64_t(int32_t(a[0]));
      e.setRes(res);
      e.setStr(0, s[0]);  // evt.buffer (data; for *msg the first iovec's)
      if (type == SAKER_EVT_RECVMSG) {
        e.setNum(0, res > 0 ? uint64_t(res) : 0); e.setNum(1, uint64_t(num));
      } else {
        e.setNum(0, uint64_t(num));
        e.setNum(1, type == SAKER_EVT_SENDMSG ? (res > 0 ? uint64_t(res) : 0) : a[2]);
      }
      withFd(num);
      break;
    }
    case SAKER_EVT_PIPE:
    case SAKER_EVT_PIPE2:
    case SAKER_EVT_SOCKETPAIR: {
      e.setRes(res);
      int64_t f1 = int64_t(int32_t(a[4])), f2 = int64_t(int32_t(a[5]));
      e.setNum(0, uint64_t(f1));
      e.setNum(1, uint64_t(f2));
      if (type == SAKER_EVT_SOCKETPAIR) {
        e.setNum(2, a[0]); e.setNum(3, a[1] & 0xf); e.setNum(4, a[2]);
      } else {
        e.setNum(2, 0);
        if (type == SAKER_EVT_PIPE2) e.setNum(3, openFlagsToPpm(a[1]));
      }
      if (res == 0 && f1 >= 0 && f2 >= 0) {
        FdInfo fd;
        fd.type = type == SAKER_EVT_SOCKETPAIR ? (a[0] == AF_UNIX ? FD_UNIX : FD_UNKNOWN) : FD_FIFO;
        fd.family = type == SAKER_EVT_SOCKETPAIR && a[0] == AF_UNIX ? AF_UNIX : 0;
        fds[f1] = fd;
        fds[f2] = fd;
      }
      break;
    }
    case SAKER_EVT_MEMFD_CREATE: {
      e.setRes(res);
      e.setNum(0, a[1]);
      e.setStr(0, s[0]);
      if (res >= 0) {
        FdInfo fd;
        fd.type = FD_MEMFD;
        fd.name = "memfd:" + s[0];
        if (a[1] & 1 /* MFD_CLOEXEC */) fd.openFlags |= PPM_O_CLOEXEC;
        fds[res] = fd;
        e.setFd(res, &fds[res]);
      }
      break;
    }
    case SAKER_EVT_EVENTFD:
    case SAKER_EVT_EVENTFD2:
    case SAKER_EVT_USERFAULTFD:
    case SAKER_EVT_SIGNALFD: {
      e.setRes(res);
      if (type == SAKER_EVT_EVENTFD) { e.setNum(0, a[0]); e.setNum(1, a[1]); }
      else if (type == SAKER_EVT_EVENTFD2) { e.setNum(0, a[1]); e.setNum(1, a[0]); }
      else if (type == SAKER_EVT_USERFAULTFD) e.setNum(0, a[0]);
      else { e.setNum(0, i32(a[0])); e.setNum(1, 0); e.setNum(2, a[2]); }
      if (res >= 0) {
        FdInfo fd;
        fd.type = type == SAKER_EVT_USERFAULTFD ? FD_USERFAULTFD : type == SAKER_EVT_SIGNALFD ? FD_SIGNALFD : FD_EVENT;
        fds[res] = fd;
      }
      break;
    }
    case SAKER_EVT_CLONE:
    case SAKER_EVT_CLONE3:
    case SAKER_EVT_FORK:
    case SAKER_EVT_VFORK:
      e.setRes(res);
      e.setNum(0, cloneFlagsToPpm(a[0]));
      break;
    case SAKER_EVT_PROCEXIT:
      e.setNum(0, a[0]); e.setNum(1, a[1]); e.setNum(2, a[2]); e.setNum(3, a[3]); e.setNum(4, a[4]);
      break;
    case SAKER_EVT_CHDIR:
    case SAKER_EVT_CHROOT:
    case SAKER_EVT_RMDIR:
    case SAKER_EVT_UNLINK:
      e.setRes(res);
      e.setStr(0, s[0]);
      break;
    case SAKER_EVT_FCHDIR:
      e.setRes(res);
      e.setNum(0, i32(a[0]));
      withFd(int64_t(int32_t(a[0])));
      break;
    case SAKER_EVT_CHMOD:
      e.setRes(res); e.setNum(0, a[1] & 07777); e.setStr(0, s[0]);
      break;
    case SAKER_EVT_FCHMOD:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[1] & 07777);
      withFd(int64_t(int32_t(a[0])));
      break;
    case SAKER_EVT_FCHMODAT:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[2] & 07777); e.setStr(0, s[0]);
      break;
    case SAKER_EVT_MKDIR:
      e.setRes(res); e.setNum(0, a[1] & 07777); e.setStr(0, s[0]);
      break;
    case SAKER_EVT_MKDIRAT:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[2] & 07777); e.setStr(0, s[0]);
      break;
    case SAKER_EVT_UNLINKAT:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[2]); e.setStr(0, s[0]);
      break;
    case SAKER_EVT_LINK:
    case SAKER_EVT_RENAME:
    case SAKER_EVT_SYMLINK:
      e.setRes(res); e.setStr(0, s[0]); e.setStr(1, s[1]);
      break;
    case SAKER_EVT_LINKAT:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, i32(a[2])); e.setNum(2, a[4]);
      e.setStr(0, s[0]); e.setStr(1, s[1]);
      break;
    case SAKER_EVT_SYMLINKAT:
      e.setRes(res); e.setNum(0, i32(a[1])); e.setStr(0, s[0]); e.setStr(1, s[1]);
      break;
    case SAKER_EVT_RENAMEAT:
    case SAKER_EVT_RENAMEAT2:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, i32(a[2]));
      if (type == SAKER_EVT_RENAMEAT2) e.setNum(2, a[4]);
      e.setStr(0, s[0]); e.setStr(1, s[1]);
      break;
    case SAKER_EVT_PTRACE:
      e.setRes(res); e.setNum(0, a[2]); e.setNum(1, a[3]); e.setNum(2, ptraceRequestToPpm(a[0])); e.setNum(3, i32(a[1]));
      break;
    case SAKER_EVT_SETUID:
    case SAKER_EVT_SETGID: {
      e.setRes(res);
      uint32_t id = uint32_t(a[0]);
      e.setNum(0, id);
      e.setStr(0, type == SAKER_EVT_SETUID ? state_.names.user(id) : state_.names.group(id));
      break;
    }
    case SAKER_EVT_SETRESUID:
    case SAKER_EVT_SETRESGID:
      e.setRes(res);
      for (int k = 0; k < 3; k++) {
        uint32_t id = uint32_t(a[k]);
        e.setNum(k, id);
        e.setStr(k, type == SAKER_EVT_SETRESUID ? state_.names.user(id) : state_.names.group(id));
      }
      break;
    case SAKER_EVT_SETSID:
      e.setRes(res);
      break;
    case SAKER_EVT_SETPGID:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, i32(a[1]));
      break;
    case SAKER_EVT_SETNS:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, cloneFlagsToPpm(a[1]));
      withFd(int64_t(int32_t(a[0])));
      break;
    case SAKER_EVT_MOUNT: {
      // libs drops the historic magic number (MS_MGC_VAL in the top half) before showing flags.
      uint64_t flags = a[3];
      if ((flags & 0xffff0000u) == 0xc0ed0000u) flags &= ~uint64_t(0xffff0000u);
      e.setRes(res); e.setStr(0, s[0]); e.setStr(1, s[1]); e.setStr(2, s[2]); e.setNum(0, uint32_t(flags));
      break;
    }
    case SAKER_EVT_UMOUNT2:
      e.setRes(res); e.setStr(0, s[0]); e.setNum(0, uint32_t(a[1]));
      break;
    case SAKER_EVT_UNSHARE:
      e.setRes(res); e.setNum(0, cloneFlagsToPpm(a[0]));
      break;
    case SAKER_EVT_INIT_MODULE:
      e.setRes(res); e.setNum(0, a[1]); e.setStr(1, s[0]);
      break;
    case SAKER_EVT_FINIT_MODULE:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[2]); e.setStr(0, s[0]);
      withFd(int64_t(int32_t(a[0])));
      break;
    case SAKER_EVT_BPF:
      e.setRes(res); e.setNum(0, a[0]);
      break;
    case SAKER_EVT_KILL:
      e.setRes(res); e.setNum(0, i32(a[0])); e.setNum(1, a[1]);
      break;
    case SAKER_EVT_PRCTL:
      e.setRes(res); e.setNum(0, a[0]);
      if (a[0] == 15 || a[0] == 16) e.setStr(0, s[0]);  // arg2_str: the name
      else e.setNum(1, a[1]);
      break;
    case SAKER_EVT_CAPSET:
      e.setRes(res);
      break;
    default:
      stats.unknownRecords += 1;
      e.setRes(res);
      break;
  }

  if (type == SAKER_EVT_PROCEXIT) {
    ThreadInfo* self = state_.find(tid);
    int32_t group = self ? self->pid : tid;
    bool othersLive = false;
    for (auto& [otid, other] : state_.threads) {
      if (otid != tid && other.pid == group && !other.exited) {
        othersLive = true;
        break;
      }
    }
    if (tid == group && othersLive) {
      // A leader exiting before its threads stays, as in libs: the group's threads and its
      // children still name it, and it goes with the group's last thread.
      if (self) {
        self->exited = true;
        self->version = state_.nextVersion();
      }
    } else {
      // Orphans are adopted by the reaper the kernel picks (libs does the same with reaper_tid).
      int32_t reaper = int32_t(a[4]);
      const ThreadInfo* leader = tid != group && !othersLive ? state_.find(group) : nullptr;
      bool leaderGoes = leader && leader->exited;
      if (reaper > 0 && reaper != tid) {
        for (auto& [otid, other] : state_.threads) {
          bool orphan = other.ptid == tid || (leaderGoes && other.ptid == group);
          if (orphan && otid != tid && otid != group) {
            other.ptid = reaper;
            other.version = state_.nextVersion();
          }
        }
      }
      state_.removeThread(tid);
      if (leaderGoes) state_.removeThread(group);
    }
  }
}

}  // namespace saker
