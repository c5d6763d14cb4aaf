// Thread/fd state: seeding from /proc, placeholder threads, user and group names, container ids.
#include "state.h"

#include "capture_file.h"

#include <dirent.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace saker {

namespace {

int64_t nowMonoNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t mtimeNs(const char* path) {
  struct stat st;
  if (stat(path, &st) != 0) return -2;
  return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

bool readFile(const std::string& path, std::string& out) {
  FILE* f = fopen(path.c_str(), "re");
  if (!f) return false;
  out.clear();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  fclose(f);
  return true;
}

std::string readLink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::string();
  return std::string(buf, size_t(n));
}

bool isHex(const std::string& s) {
  for (char c : s)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

uint64_t hexField(const std::string& status, const char* key) {
  size_t at = status.find(key);
  if (at == std::string::npos) return 0;
  return strtoull(status.c_str() + at + strlen(key), nullptr, 16);
}

// The last number on a "Key:\ta\tb\tc" line (the innermost namespace for NStgid/NSpid).
int64_t lastNumber(const std::string& status, const char* key) {
  size_t at = status.find(key);
  if (at == std::string::npos) return -1;
  size_t end = status.find('\n', at);
  std::string line = status.substr(at + strlen(key), end - at - strlen(key));
  std::istringstream in(line);
  int64_t v = -1, x;
  while (in >> x) v = x;
  return v;
}

// Field n (1-based) of a "Key:" line with whitespace-separated values.
int64_t nthNumber(const std::string& status, const char* key, int n) {
  size_t at = status.find(key);
  if (at == std::string::npos) return -1;
  std::istringstream in(status.substr(at + strlen(key), 64));
  int64_t v = -1;
  for (int i = 0; i < n && (in >> v); i++) {
  }
  return v;
}

uint64_t bootTimeEpochNs() {
  timespec rt, bt;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_BOOTTIME, &bt);
  return (uint64_t(rt.tv_sec) * 1000000000 + rt.tv_nsec) - (uint64_t(bt.tv_sec) * 1000000000 + bt.tv_nsec);
}

// Sockets that exist at start, by inode, from /proc/net: their endpoints and unix paths.
struct NetTable {
  std::unordered_map<uint64_t, FdInfo> byInode;
};

void parseHexAddr(const std::string& hex, bool v6, uint8_t* ip, uint16_t& port) {
  size_t colon = hex.find(':');
  if (colon == std::string::npos) return;
  port = uint16_t(strtoul(hex.c_str() + colon + 1, nullptr, 16));
  // The kernel prints each 32-bit word of the address in host (little-endian) order.
  size_t words = v6 ? 4 : 1;
  for (size_t w = 0; w < words && (w + 1) * 8 <= colon; w++) {
    uint32_t v = uint32_t(strtoul(hex.substr(w * 8, 8).c_str(), nullptr, 16));
    memcpy(ip + 4 * w, &v, 4);
  }
}

void loadInet(NetTable& net, const char* path, bool v6, uint8_t l4) {
  std::string text;
  if (!readFile(path, text)) return;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // header
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string sl, local, remote, st, txrx, trtm, retr, uid, timeout;
    uint64_t inode = 0;
    if (!(in >> sl >> local >> remote >> st >> txrx >> trtm >> retr >> uid >> timeout >> inode) || inode == 0) continue;
    FdInfo fd;
    fd.type = v6 ? FD_IPV6 : FD_IPV4;
    fd.family = v6 ? 10 : 2;
    fd.l4proto = l4;
    uint16_t lport = 0, rport = 0;
    uint8_t lip[16] = {}, rip[16] = {};
    parseHexAddr(local, v6, lip, lport);
    parseHexAddr(remote, v6, rip, rport);
    char lbuf[64] = {}, rbuf[64] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, lip, lbuf, sizeof lbuf);
    inet_ntop(v6 ? AF_INET6 : AF_INET, rip, rbuf, sizeof rbuf);
    if (st == "0A" || rport == 0) {  // listening (or unconnected): only the local, server side
      memcpy(fd.serverIp, lip, 16);
      fd.serverPort = lport;
      fd.hasServer = true;
      fd.role = ROLE_SERVER;
      fd.name = std::string(lbuf) + ":" + std::to_string(lport);
    } else {
      // Which side connected is not in /proc: the local side is taken as the client.
      memcpy(fd.clientIp, lip, 16);
      fd.clientPort = lport;
      memcpy(fd.serverIp, rip, 16);
      fd.serverPort = rport;
      fd.hasClient = fd.hasServer = true;
      fd.role = ROLE_CLIENT;
      fd.connected = true;
      fd.name = std::string(lbuf) + ":" + std::to_string(lport) + "->" + rbuf + ":" + std::to_string(rport);
    }
    net.byInode[inode] = fd;
  }
}

void loadUnix(NetTable& net) {
  std::string text;
  if (!readFile("/proc/net/unix", text)) return;
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string num, ref, proto, flags, type, st, path;
    uint64_t inode = 0;
    if (!(in >> num >> ref >> proto >> flags >> type >> st >> inode)) continue;
    in >> path;
    FdInfo fd;
    fd.type = FD_UNIX;
    fd.family = 1;
    fd.name = path;
    net.byInode[inode] = fd;
  }
}

const NetTable* currentNet = nullptr;  // set while seeding

FdInfo fdFromLink(const std::string& target) {
  FdInfo fd;
  fd.name = target;
  if (target.rfind("socket:", 0) == 0) {
    fd.type = FD_UNKNOWN;  // unless /proc/net knows it; later socket events fill the rest
    if (currentNet) {
      auto it = currentNet->byInode.find(strtoull(target.c_str() + 8, nullptr, 10));
      if (it != currentNet->byInode.end()) return it->second;
    }
  } else if (target.rfind("pipe:", 0) == 0) {
    fd.type = FD_FIFO;
  } else if (target.rfind("anon_inode:", 0) == 0) {
    std::string k = target.substr(11);
    if (k == "[eventfd]") fd.type = FD_EVENT;
    else if (k == "[eventpoll]") fd.type = FD_EVENTPOLL;
    else if (k == "inotify") fd.type = FD_INOTIFY;
    else if (k == "[signalfd]") fd.type = FD_SIGNALFD;
    else if (k == "[timerfd]") fd.type = FD_TIMERFD;
    else if (k == "bpf-map" || k == "bpf-prog" || k == "bpf_link") fd.type = FD_BPF;
    else if (k == "[userfaultfd]") fd.type = FD_USERFAULTFD;
    else if (k == "[pidfd]") fd.type = FD_PIDFD;
    else if (k == "[io_uring]") fd.type = FD_IO_URING;
    else fd.type = FD_UNKNOWN;
  } else if (target.rfind("/memfd:", 0) == 0) {
    fd.type = FD_MEMFD;
  } else if (!target.empty() && target[0] == '/') {
    struct stat st;
    fd.type = (stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) ? FD_DIRECTORY : FD_FILE;
  }
  return fd;
}

// Reads one task of /proc into a ThreadInfo. False when the task is gone.
bool scanTask(int32_t pid, int32_t tid, uint64_t bootEpoch, ThreadInfo& t) {
  std::string base = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid);
  std::string stat, status;
  if (!readFile(base + "/stat", stat) || !readFile(base + "/status", status)) return false;
  size_t lp = stat.find('('), rp = stat.rfind(')');
  if (lp == std::string::npos || rp == std::string::npos) return false;
  t.tid = tid;
  t.pid = pid;
  t.comm = stat.substr(lp + 1, rp - lp - 1);
  // Fields after ")": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
  // stime cutime cstime priority nice num_threads itrealvalue starttime ...
  std::istringstream in(stat.substr(rp + 2));
  std::string state;
  int64_t ppid = 0, pgrp = 0, session = 0, ttyNr = 0, skip;
  uint64_t start = 0;
  in >> state >> ppid >> pgrp >> session >> ttyNr;
  for (int i = 0; i < 14; i++) in >> skip;
  in >> start;
  t.ptid = int32_t(ppid);
  t.sid = int32_t(session);
  t.tty = uint32_t(ttyNr);
  long hz = sysconf(_SC_CLK_TCK);
  t.startTs = bootEpoch + start * (1000000000ull / uint64_t(hz > 0 ? hz : 100));
  t.uid = uint32_t(nthNumber(status, "Uid:", 2));
  t.gid = uint32_t(nthNumber(status, "Gid:", 2));
  t.vpid = int32_t(lastNumber(status, "NStgid:"));
  t.vtid = int32_t(lastNumber(status, "NSpid:"));
  int64_t vpgid = lastNumber(status, "NSpgid:");
  t.vpgid = int32_t(vpgid >= 0 ? vpgid : pgrp);
  t.capEffective = hexField(status, "CapEff:");
  t.capPermitted = hexField(status, "CapPrm:");
  t.capInheritable = hexField(status, "CapInh:");
  t.hasCaps = true;
  std::string procBase = "/proc/" + std::to_string(pid);
  std::string login;
  t.loginuid = readFile(procBase + "/loginuid", login) ? int64_t(int32_t(strtoul(login.c_str(), nullptr, 10))) : -1;
  std::string cmdline;
  readFile(procBase + "/cmdline", cmdline);
  t.args.clear();
  t.exe.clear();
  size_t pos = 0;
  bool first = true;
  while (pos < cmdline.size()) {
    size_t end = cmdline.find('\0', pos);
    if (end == std::string::npos) end = cmdline.size();
    std::string a = cmdline.substr(pos, end - pos);
    if (first) t.exe = a;
    else t.args.push_back(a);
    first = false;
    pos = end + 1;
  }
  t.hasEnv = readFile(procBase + "/environ", t.env);
  if (!t.env.empty() && t.env.back() != '\0') t.env += '\0';
  t.exepath = readLink(procBase + "/exe");
  struct stat exeSt;
  if (::stat((procBase + "/exe").c_str(), &exeSt) == 0) {
    t.hasExeTimes = true;
    t.exeCtime = uint64_t(exeSt.st_ctim.tv_sec) * 1000000000 + exeSt.st_ctim.tv_nsec;
    t.exeMtime = uint64_t(exeSt.st_mtim.tv_sec) * 1000000000 + exeSt.st_mtim.tv_nsec;
    // The exec-time rule of capture.bpf.c (exe_writable), from what /proc shows: owner, mode bits
    // for the process's class, or CAP_DAC_OVERRIDE / CAP_FOWNER (the read-only and immutable
    // checks are not repeated here).
    uint32_t fsuid = uint32_t(nthNumber(status, "Uid:", 4)), fsgid = uint32_t(nthNumber(status, "Gid:", 4));
    uint32_t mode = fsgid == exeSt.st_gid ? exeSt.st_mode >> 3 : exeSt.st_mode;
    t.exeWritable = fsuid == exeSt.st_uid || (mode & 02) || (t.capEffective & ((1ull << 1) | (1ull << 3)));
  }
  t.exeFromMemfd = t.exepath.rfind("/memfd:", 0) == 0;
  t.cwd = readLink(base + "/cwd");
  if (!t.cwd.empty() && t.cwd.back() != '/') t.cwd += '/';
  std::string cg;
  t.containerId = "host";
  if (readFile(procBase + "/cgroup", cg)) {
    std::istringstream lines(cg);
    std::string line;
    while (std::getline(lines, line)) {
      size_t c2 = line.find(':', line.find(':') + 1);
      if (c2 == std::string::npos) continue;
      std::string id = containerIdFromCgroup(line.substr(c2 + 1));
      if (id != "host") {
        t.containerId = id;
        break;
      }
    }
  }
  return true;
}

void scanFds(int32_t pid, FdTable& fds) {
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    if (!isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    int64_t fd = strtoll(e->d_name, nullptr, 10);
    fds[fd] = fdFromLink(readLink(dir + "/" + e->d_name));
  }
  closedir(d);
}

}  // namespace

std::string containerIdFromCgroup(const std::string& path) {
  // Examine the last path component, then its parent: runtimes name the leaf after the container
  // (docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope) or put a
  // bare id below a runtime directory (/docker/<id>, /kubepods/.../<id>, /libpod_parent/...).
  std::string leaf = path;
  size_t slash = leaf.find_last_of('/');
  if (slash != std::string::npos) leaf = leaf.substr(slash + 1);
  static const char* prefixes[] = {"docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"};
  std::string id = leaf;
  if (id.size() > 6 && id.compare(id.size() - 6, 6, ".scope") == 0) id.resize(id.size() - 6);
  for (const char* p : prefixes) {
    size_t n = strlen(p);
    if (id.compare(0, n, p) == 0) {
      id = id.substr(n);
      break;
    }
  }
  if (id.rfind("conmon", 0) == 0) return "host";
  if (id.size() == 64 && isHex(id)) return id.substr(0, 12);
  return "host";
}

const std::string& NameCache::user(uint32_t uid) {
  auto it = users_.find(uid);
  if (it != users_.end()) return it->second;
  struct passwd pw, *res = nullptr;
  char buf[4096];
  std::string name;
  if (!offline && getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res) name = res->pw_name;
  if (recorder) recorder->writeName(false, uid, name);
  return users_.emplace(uid, name).first->second;
}

void NameCache::preset(bool group, uint32_t id, const std::string& name) {
  (group ? groups_ : users_)[id] = name;
}

const std::string& NameCache::group(uint32_t gid) {
  auto it = groups_.find(gid);
  if (it != groups_.end()) return it->second;
  struct group gr, *res = nullptr;
  char buf[4096];
  std::string name;
  if (!offline && getgrgid_r(gid, &gr, buf, sizeof buf, &res) == 0 && res) name = res->gr_name;
  if (recorder) recorder->writeName(true, gid, name);
  return groups_.emplace(gid, name).first->second;
}

void NameCache::refreshIfChanged() {
  if (offline) return;
  int64_t now = nowMonoNs();
  if (now - lastCheckNs_ < 1000000000) return;
  lastCheckNs_ = now;
  int64_t p = mtimeNs("/etc/passwd"), g = mtimeNs("/etc/group");
  if (p != passwdMtime_) users_.clear();
  if (g != groupMtime_) groups_.clear();
  passwdMtime_ = p;
  groupMtime_ = g;
}

ThreadInfo* State::find(int32_t tid) {
  auto it = threads.find(tid);
  return it == threads.end() ? nullptr : &it->second;
}

ThreadInfo* State::findOrScan(int32_t tid, int32_t pid) {
  if (ThreadInfo* t = find(tid)) return t;
  procScans++;
  ThreadInfo t;
  bool scanned = false;
  if (offline) {
    auto it = recordedScans.find(tid);
    if (it != recordedScans.end()) {
      t = std::move(it->second);
      recordedScans.erase(it);
      scanned = true;
    }
  } else {
    scanned = scanTask(pid, tid, bootToEpochNs, t);
  }
  if (!scanned) {
    t = ThreadInfo();
    t.tid = tid;
    t.pid = pid;
    t.containerId = "host";
  }
  if (ThreadInfo* leader = pid != tid ? find(pid) : nullptr) {
    t.fds = leader->fds;
  } else if (!offline || !t.fds) {
    auto fds = std::make_shared<FdTable>();
    if (!offline) scanFds(pid, *fds);
    t.fds = fds;
  }
  t.lateScan = true;
  t.version = nextVersion();
  if (recorder) recorder->writeThread(t);
  return &(threads[tid] = std::move(t));
}

void State::seedFromProc() {
  bootToEpochNs = bootTimeEpochNs();
  NetTable net;
  loadInet(net, "/proc/net/tcp", false, 1);
  loadInet(net, "/proc/net/tcp6", true, 1);
  loadInet(net, "/proc/net/udp", false, 2);
  loadInet(net, "/proc/net/udp6", true, 2);
  loadUnix(net);
  currentNet = &net;
  DIR* proc = opendir("/proc");
  if (!proc) return;
  while (dirent* e = readdir(proc)) {
    if (!isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    int32_t pid = int32_t(strtol(e->d_name, nullptr, 10));
    std::string taskDir = std::string("/proc/") + e->d_name + "/task";
    auto fds = std::make_shared<FdTable>();
    scanFds(pid, *fds);
    DIR* tasks = opendir(taskDir.c_str());
    if (!tasks) continue;
    while (dirent* te = readdir(tasks)) {
      if (!isdigit(static_cast<unsigned char>(te->d_name[0]))) continue;
      int32_t tid = int32_t(strtol(te->d_name, nullptr, 10));
      ThreadInfo t;
      if (!scanTask(pid, tid, bootToEpochNs, t)) continue;
      t.fds = fds;
      threads[tid] = std::move(t);
    }
    closedir(tasks);
  }
  closedir(proc);
  currentNet = nullptr;
}

void State::removeThread(int32_t tid) { threads.erase(tid); }

size_t State::fdCount() const {
  size_t n = 0;
  for (auto& [tid, t] : threads)
    if (t.fds && t.tid == t.pid) n += t.fds->size();  // threads share their leader's table
  return n;
}

}  // namespace saker
