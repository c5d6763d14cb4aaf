#include "batch_writer.h"

#include <cstdlib>
#include <cstring>

namespace saker {

namespace {

constexpr uint32_t kAdding = 0xFFFFFFFEu;

inline void put16(uint8_t* p, uint16_t v) { memcpy(p, &v, 2); }
inline void put32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
inline void put64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }
inline uint32_t get32(const uint8_t* p) { uint32_t v; memcpy(&v, p, 4); return v; }
inline void putRef(uint8_t* p, uint64_t ref) {
  uint32_t off = uint32_t(ref), len = uint32_t(ref >> 32);
  put32(p, off);
  put32(p + 4, len);
}

// Event record offsets (host/engine/batch-layout.ts EVENT).
enum {
  E_TS = 0, E_NUM = 8, E_RES = 16, E_TID = 24, E_PID = 28, E_TYPE = 32, E_CPU = 34, E_FLAGS = 36,
  E_PROC = 40, E_MASK = 44, E_FDTYPE = 45, E_L4 = 46, E_FAMILY = 47, E_ARGS_NUM = 48, E_ARGS_STR = 96,
  E_FDNUM = 128, E_FDNAME = 136, E_FDNAMERAW = 144, E_CPORT = 152, E_SPORT = 154, E_OPENFLAGS = 156,
  E_CIP = 160, E_SIP = 176,
};

uint64_t missingRef() { return BatchWriter::kMissing; }

}  // namespace

uint64_t BatchWriter::str(std::string_view s) {
  // Short strings repeat a lot (names, users, paths of one process): store each once per batch.
  if (s.size() <= 256) {
    auto it = dedup_.find(std::string(s));
    if (it != dedup_.end()) return uint64_t(it->second) | (uint64_t(s.size()) << 32);
    uint32_t off = uint32_t(arena_.size());
    arena_.append(s);
    dedup_.emplace(std::string(s), off);
    return uint64_t(off) | (uint64_t(s.size()) << 32);
  }
  uint32_t off = uint32_t(arena_.size());
  arena_.append(s);
  return uint64_t(off) | (uint64_t(s.size()) << 32);
}

uint8_t* EventRef::p() { return w_->events_.data() + at_; }
void EventRef::setRes(int64_t res) {
  put64(p() + E_RES, uint64_t(res));
  put32(p() + E_FLAGS, get32(p() + E_FLAGS) | EVT_HAS_RES);
}
void EventRef::setNum(int slot, uint64_t v) {
  put64(p() + E_ARGS_NUM + 8 * slot, v);
  p()[E_MASK] |= uint8_t(1u << slot);
}
void EventRef::setStr(int slot, std::string_view s) {
  uint64_t ref = w_->str(s);
  putRef(p() + E_ARGS_STR + 8 * slot, ref);
}
void EventRef::addFlags(uint32_t f) { put32(p() + E_FLAGS, get32(p() + E_FLAGS) | f); }
void EventRef::setFd(int64_t num, const FdInfo* fd, bool nameChanged) {
  uint32_t flags = EVT_HAS_FD;
  if (num >= 0 || fd) {
    put64(p() + E_FDNUM, uint64_t(num));
    flags |= EVT_FD_HAS_NUM;
  }
  if (fd) {
    uint64_t name = w_->str(fd->name);
    putRef(p() + E_FDNAME, name);
    putRef(p() + E_FDNAMERAW, fd->nameRaw.empty() ? name : w_->str(fd->nameRaw));
    p()[E_FDTYPE] = fd->type;
    p()[E_L4] = fd->l4proto;
    p()[E_FAMILY] = fd->family;
    if (fd->connected) flags |= EVT_FD_CONNECTED;
    if (nameChanged) flags |= EVT_FD_NAME_CHANGED;
    if (fd->role == ROLE_CLIENT) flags |= EVT_FD_ROLE_CLIENT;
    if (fd->role == ROLE_SERVER) flags |= EVT_FD_ROLE_SERVER;
    if (fd->hasClient) {
      flags |= EVT_FD_HAS_CLIENT;
      memcpy(p() + E_CIP, fd->clientIp, 16);
      put16(p() + E_CPORT, fd->clientPort);
    }
    if (fd->hasServer) {
      flags |= EVT_FD_HAS_SERVER;
      memcpy(p() + E_SIP, fd->serverIp, 16);
      put16(p() + E_SPORT, fd->serverPort);
    }
    put32(p() + E_OPENFLAGS, fd->openFlags);
  }
  addFlags(flags);
}

EventRef BatchWriter::add(uint16_t type, uint64_t num, uint64_t ts, int32_t tid, int32_t pid, uint16_t cpu, const ThreadInfo* t) {
  uint32_t proc = t ? processIndex(t, 0) : kNoneIndex;
  size_t at = events_.size();
  events_.resize(at + kEventSize, 0);
  uint8_t* e = events_.data() + at;
  put64(e + E_TS, ts);
  put64(e + E_NUM, num);
  put32(e + E_TID, uint32_t(tid));
  put32(e + E_PID, uint32_t(pid));
  put16(e + E_TYPE, type);
  put16(e + E_CPU, cpu);
  put32(e + E_PROC, proc);
  for (int k = 0; k < 4; k++) putRef(e + E_ARGS_STR + 8 * k, missingRef());
  putRef(e + E_FDNAME, missingRef());
  putRef(e + E_FDNAMERAW, missingRef());
  return EventRef(this, at);
}

uint32_t BatchWriter::processIndex(const ThreadInfo* t, int depth) {
  auto it = procIndex_.find(t->tid);
  if (it != procIndex_.end() && it->second.first == t->version) {
    return it->second.second == kAdding ? kNoneIndex : it->second.second;
  }
  procIndex_[t->tid] = {t->version, kAdding};
  uint32_t parent = kNoneIndex, leader = kNoneIndex;
  if (depth < 64) {
    if (t->ptid > 0 && t->ptid != t->tid) {
      if (const ThreadInfo* pt = state_.find(t->ptid)) parent = processIndex(pt, depth + 1);
    }
    if (t->sid > 0) {
      if (t->sid == t->pid) {
        // The session leader is this process; its main thread's record (or this one).
        const ThreadInfo* lt = state_.find(t->sid);
        leader = (lt && lt != t) ? processIndex(lt, depth + 1) : kAdding;
      } else if (const ThreadInfo* lt = state_.find(t->sid)) {
        leader = processIndex(lt, depth + 1);
      }
    }
  }
  uint32_t index = uint32_t(procs_.size() / kProcessSize);
  if (leader == kAdding) leader = index;
  procs_.resize(procs_.size() + kProcessSize, 0);
  uint8_t* r = procs_.data() + size_t(index) * kProcessSize;
  put32(r + 0, uint32_t(t->pid));
  put32(r + 4, uint32_t(t->tid));
  put32(r + 8, uint32_t(t->ptid));
  put32(r + 12, uint32_t(t->vpid));
  put32(r + 16, uint32_t(t->sid));
  put32(r + 20, uint32_t(t->vpgid));
  put32(r + 24, t->uid);
  put32(r + 28, t->gid);
  put32(r + 32, t->tty);
  uint32_t flags = (t->exeFromMemfd ? 1u : 0u) | (t->exeUpperLayer ? (1u << 1) : 0u) | (t->exeWritable ? (1u << 2) : 0u) | (t->hasExeTimes ? (1u << 3) : 0u) | (t->hasCaps ? (1u << 4) : 0u);
  put32(r + 36, flags);
  put32(r + 40, parent == index ? kNoneIndex : parent);
  put32(r + 44, leader);
  put32(r + 48, containerIndex(t->containerId));
  put64(r + 56, uint64_t(t->loginuid));
  put64(r + 64, t->capEffective);
  put64(r + 72, t->capPermitted);
  put64(r + 80, t->capInheritable);
  put64(r + 88, t->startTs);
  put64(r + 96, t->hasExeTimes ? t->exeCtime : 0);
  put64(r + 104, t->hasExeTimes ? t->exeMtime : 0);
  std::string args, argv;
  for (size_t i = 0; i < t->args.size(); i++) {
    if (i) args += ' ';
    args += t->args[i];
    argv += t->args[i];
    argv += '\0';
  }
  std::string cmdline = args.empty() ? t->comm : t->comm + " " + args;
  putRef(r + 112, str(t->comm));
  putRef(r + 120, str(t->exe));
  putRef(r + 128, str(t->exepath));
  uint64_t cmd = str(cmdline);
  putRef(r + 136, cmd);
  // args points into the tail of cmdline, as the TS encoder does.
  uint64_t argsRef = args.empty() ? str("")
                                  : ((cmd & 0xFFFFFFFFull) + (cmdline.size() - args.size())) | (uint64_t(args.size()) << 32);
  putRef(r + 144, argsRef);
  putRef(r + 152, str(t->cwd));
  putRef(r + 160, t->hasEnv ? str(t->env) : missingRef());
  putRef(r + 168, str(state_.names.user(t->uid)));
  putRef(r + 176, str(state_.names.group(t->gid)));
  putRef(r + 184, t->loginuid < 0 || t->loginuid == 0xFFFFFFFFll ? missingRef() : str(state_.names.user(uint32_t(t->loginuid))));
  putRef(r + 192, str(t->containerId));
  putRef(r + 200, str(argv));
  procIndex_[t->tid] = {t->version, index};
  return index;
}

uint32_t BatchWriter::containerIndex(const std::string& id) {
  if (id.empty()) return kNoneIndex;
  auto it = containerIndex_.find(id);
  if (it != containerIndex_.end()) return it->second;
  // Host processes get the record Falco's container plugin keeps for "host": name and type "host",
  // empty image fields, not privileged, no mounts.
  static const std::shared_ptr<const ContainerInfo> hostInfo = [] {
    auto h = std::make_shared<ContainerInfo>();
    h->name = "host";
    h->type = "host";
    h->privilegedKnown = true;
    return std::shared_ptr<const ContainerInfo>(h);
  }();
  std::shared_ptr<const ContainerInfo> c = id == "host" ? hostInfo : lookup_ ? lookup_(id) : containerTable().find(id);
  if (!c) {
    containerIndex_.emplace(id, kNoneIndex);
    return kNoneIndex;
  }
  uint32_t index = uint32_t(containers_.size() / kContainerSize);
  uint32_t firstMount = uint32_t(mounts_.size() / kMountSize);
  for (const ContainerMount& m : c->mounts) {
    size_t at = mounts_.size();
    mounts_.resize(at + kMountSize, 0);
    uint8_t* mr = mounts_.data() + at;
    putRef(mr + 0, str(m.source));
    putRef(mr + 8, str(m.dest));
    putRef(mr + 16, str(m.mode));
    putRef(mr + 24, str(m.propagation));
    put32(mr + 32, m.rw ? 1u : 0u);
  }
  containers_.resize(containers_.size() + kContainerSize, 0);
  uint8_t* r = containers_.data() + size_t(index) * kContainerSize;
  putRef(r + 0, str(id));
  putRef(r + 8, str(c->name));
  putRef(r + 16, str(c->image));
  putRef(r + 24, str(c->imageRepository));
  putRef(r + 32, str(c->imageTag));
  putRef(r + 40, str(c->imageDigest));
  putRef(r + 48, str(c->type));
  putRef(r + 56, c->k8sNsName ? str(*c->k8sNsName) : missingRef());
  putRef(r + 64, c->k8sPodName ? str(*c->k8sPodName) : missingRef());
  put64(r + 72, c->hasStartTs ? c->startTs : 0);
  put32(r + 80, c->mounts.empty() ? 0 : firstMount);
  put32(r + 84, uint32_t(c->mounts.size()));
  put32(r + 88, (c->privilegedKnown ? 1u : 0u) | (c->privileged ? 2u : 0u) | (c->hasStartTs ? 4u : 0u));
  containerIndex_.emplace(id, index);
  return index;
}

uint8_t* BatchWriter::finish(uint64_t seq, size_t* length) {
  auto align8 = [](size_t v) { return (v + 7) & ~size_t(7); };
  size_t evOff = 80;
  size_t prOff = align8(evOff + events_.size());
  size_t ctOff = align8(prOff + procs_.size());
  size_t mnOff = align8(ctOff + containers_.size());
  size_t strOff = align8(mnOff + mounts_.size());
  size_t total = strOff + arena_.size();
  uint8_t* b = static_cast<uint8_t*>(calloc(1, align8(total) + 8));
  put32(b + 0, 0x424B4153u);
  put16(b + 4, 1);
  put16(b + 6, 80);
  put32(b + 8, uint32_t(total));
  put32(b + 12, 0);
  put32(b + 16, uint32_t(evOff));
  put32(b + 20, uint32_t(events_.size() / kEventSize));
  put32(b + 24, kEventSize);
  put32(b + 28, uint32_t(prOff));
  put32(b + 32, uint32_t(procs_.size() / kProcessSize));
  put32(b + 36, kProcessSize);
  put32(b + 40, uint32_t(ctOff));
  put32(b + 44, uint32_t(containers_.size() / kContainerSize));
  put32(b + 48, kContainerSize);
  put32(b + 52, uint32_t(mnOff));
  put32(b + 56, uint32_t(mounts_.size() / kMountSize));
  put32(b + 60, kMountSize);
  put32(b + 64, uint32_t(strOff));
  put32(b + 68, uint32_t(arena_.size()));
  put64(b + 72, seq);
  memcpy(b + evOff, events_.data(), events_.size());
  memcpy(b + prOff, procs_.data(), procs_.size());
  memcpy(b + ctOff, containers_.data(), containers_.size());
  memcpy(b + mnOff, mounts_.data(), mounts_.size());
  memcpy(b + strOff, arena_.data(), arena_.size());
  *length = total;
  events_.clear();
  procs_.clear();
  arena_.clear();
  dedup_.clear();
  procIndex_.clear();
  containers_.clear();
  mounts_.clear();
  containerIndex_.clear();
  return b;
}

}  // namespace saker
