#include "capture_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>

namespace saker {

namespace {

constexpr char kMagic[8] = {'S', 'A', 'K', 'R', 'C', 'A', 'P', '\0'};
constexpr uint32_t kVersion = 2;
constexpr uint32_t kOldestVersion = 1;
constexpr uint32_t kHeaderSize = 24;
constexpr uint32_t kMaxPayload = 64u << 20;  // far above any real entry; a bigger length is corruption

class Out {
 public:
  void u8(uint8_t v) { s.push_back(char(v)); }
  void u32(uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
  void i32(int32_t v) { u32(uint32_t(v)); }
  void u64(uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
  void str(const std::string& v) { u32(uint32_t(v.size())); s.append(v); }
  void bytes(const void* p, size_t n) { s.append(static_cast<const char*>(p), n); }
  std::string s;
};

class In {
 public:
  In(const std::string& s, uint64_t base) : s_(s), base_(base) {}
  void need(size_t n) {
    if (s_.size() - at_ < n) throw CaptureFormatError("entry ends inside a field", base_ + at_);
  }
  uint8_t u8() { need(1); return uint8_t(s_[at_++]); }
  uint32_t u32() { need(4); uint32_t v; memcpy(&v, s_.data() + at_, 4); at_ += 4; return v; }
  int32_t i32() { return int32_t(u32()); }
  uint64_t u64() { need(8); uint64_t v; memcpy(&v, s_.data() + at_, 8); at_ += 8; return v; }
  std::string str() {
    uint32_t n = u32();
    need(n);
    std::string v = s_.substr(at_, n);
    at_ += n;
    return v;
  }
  void bytes(void* p, size_t n) { need(n); memcpy(p, s_.data() + at_, n); at_ += n; }
  uint32_t count(size_t minItemSize) {
    uint64_t at = base_ + at_;
    uint32_t n = u32();
    if (minItemSize > 0 && uint64_t(n) * minItemSize > s_.size() - at_) throw CaptureFormatError("count larger than the entry", at);
    return n;
  }
  bool done() const { return at_ == s_.size(); }
  uint64_t where() const { return base_ + at_; }

 private:
  const std::string& s_;
  uint64_t base_;
  size_t at_ = 0;
};

void putFd(Out& o, int64_t num, const FdInfo& fd) {
  o.u64(uint64_t(num));
  o.u8(fd.type);
  o.str(fd.name);
  o.str(fd.nameRaw);
  o.u8(fd.l4proto);
  o.u8(fd.family);
  o.u8(fd.role);
  o.u8(uint8_t((fd.connected ? 1 : 0) | (fd.hasClient ? 2 : 0) | (fd.hasServer ? 4 : 0)));
  o.bytes(fd.clientIp, 16);
  o.bytes(fd.serverIp, 16);
  o.u32(uint32_t(fd.clientPort) | (uint32_t(fd.serverPort) << 16));
  o.u32(fd.openFlags);
}

void getFd(In& in, FdTable& table) {
  int64_t num = int64_t(in.u64());
  FdInfo fd;
  uint64_t at = in.where();
  uint8_t type = in.u8();
  if (type > FD_UNSUPPORTED) throw CaptureFormatError("unknown fd type " + std::to_string(type), at);
  fd.type = FdType(type);
  fd.name = in.str();
  fd.nameRaw = in.str();
  at = in.where();
  fd.l4proto = in.u8();
  if (fd.l4proto > 4) throw CaptureFormatError("unknown l4 protocol " + std::to_string(fd.l4proto), at);
  at = in.where();
  fd.family = in.u8();
  if (fd.family != 0 && fd.family != 1 && fd.family != 2 && fd.family != 10)
    throw CaptureFormatError("unknown socket family " + std::to_string(fd.family), at);
  fd.role = FdRole(in.u8() % 3);
  uint8_t bits = in.u8();
  fd.connected = bits & 1;
  fd.hasClient = bits & 2;
  fd.hasServer = bits & 4;
  in.bytes(fd.clientIp, 16);
  in.bytes(fd.serverIp, 16);
  uint32_t ports = in.u32();
  fd.clientPort = uint16_t(ports);
  fd.serverPort = uint16_t(ports >> 16);
  fd.openFlags = in.u32();
  table[num] = std::move(fd);
}

void putTable(Out& o, const FdTable& t) {
  o.u32(uint32_t(t.size()));
  // Sorted, so equal tables serialise equally.
  std::map<int64_t, const FdInfo*> sorted;
  for (auto& [num, fd] : t) sorted[num] = &fd;
  for (auto& [num, fd] : sorted) putFd(o, num, *fd);
}

std::shared_ptr<FdTable> getTable(In& in) {
  auto t = std::make_shared<FdTable>();
  uint32_t n = in.count(8 + 1 + 4 + 4 + 4 + 32 + 8);
  for (uint32_t i = 0; i < n; i++) getFd(in, *t);
  return t;
}

void putThread(Out& o, const ThreadInfo& t, uint32_t table) {
  for (int32_t v : {t.tid, t.pid, t.ptid, t.vtid, t.vpid, t.sid, t.vpgid}) o.i32(v);
  for (uint32_t v : {t.uid, t.gid, t.tty}) o.u32(v);
  o.u64(uint64_t(t.loginuid));
  o.u8(uint8_t((t.hasCaps ? 1 : 0) | (t.exeFromMemfd ? 2 : 0) | (t.lateScan ? 4 : 0) | (t.hasEnv ? 8 : 0) | (t.hasExeTimes ? 16 : 0) | (t.exeUpperLayer ? 32 : 0) | (t.exeLowerLayer ? 64 : 0) | (t.exeWritable ? 128 : 0)));
  for (uint64_t v : {t.capEffective, t.capPermitted, t.capInheritable, t.startTs, t.exeCtime, t.exeMtime}) o.u64(v);
  for (const std::string* s : {&t.comm, &t.exe, &t.exepath, &t.cwd, &t.containerId, &t.env}) o.str(*s);
  o.u32(uint32_t(t.args.size()));
  for (auto& a : t.args) o.str(a);
  o.u32(table);
}

ThreadInfo getThread(In& in, uint32_t& table) {
  ThreadInfo t;
  t.tid = in.i32(); t.pid = in.i32(); t.ptid = in.i32(); t.vtid = in.i32(); t.vpid = in.i32();
  t.sid = in.i32(); t.vpgid = in.i32();
  t.uid = in.u32(); t.gid = in.u32(); t.tty = in.u32();
  t.loginuid = int64_t(in.u64());
  uint8_t bits = in.u8();
  t.hasCaps = bits & 1;
  t.exeFromMemfd = bits & 2;
  t.lateScan = bits & 4;
  t.hasEnv = bits & 8;
  t.hasExeTimes = bits & 16;
  t.exeUpperLayer = bits & 32;
  t.exeLowerLayer = bits & 64;
  t.exeWritable = bits & 128;
  t.capEffective = in.u64(); t.capPermitted = in.u64(); t.capInheritable = in.u64(); t.startTs = in.u64();
  t.exeCtime = in.u64(); t.exeMtime = in.u64();
  t.comm = in.str(); t.exe = in.str(); t.exepath = in.str(); t.cwd = in.str(); t.containerId = in.str();
  t.env = in.str();
  uint32_t n = in.count(4);
  for (uint32_t i = 0; i < n; i++) t.args.push_back(in.str());
  table = in.u32();
  return t;
}

}  // namespace

CaptureWriter::~CaptureWriter() {
  if (f_) fclose(f_);
}

void CaptureWriter::open(const std::string& path, uint64_t bootToEpochNs) {
  f_ = fopen(path.c_str(), "wbe");
  if (!f_) throw std::runtime_error("cannot write the capture file " + path + ": " + strerror(errno));
  Out o;
  o.bytes(kMagic, 8);
  o.u32(kVersion);
  o.u32(kHeaderSize);
  o.u64(bootToEpochNs);
  fwrite(o.s.data(), 1, o.s.size(), f_);
}

void CaptureWriter::entry(uint32_t tag, const std::string& payload) {
  if (!f_) return;
  Out o;
  o.u32(tag);
  o.u32(uint32_t(payload.size()));
  fwrite(o.s.data(), 1, o.s.size(), f_);
  fwrite(payload.data(), 1, payload.size(), f_);
}

void CaptureWriter::writeState(const State& state) {
  Out o;
  std::unordered_map<const FdTable*, uint32_t> ids;
  std::vector<const FdTable*> tables;
  for (auto& [tid, t] : state.threads) {
    if (t.fds && ids.emplace(t.fds.get(), uint32_t(tables.size())).second) tables.push_back(t.fds.get());
  }
  o.u32(uint32_t(tables.size()));
  for (const FdTable* t : tables) putTable(o, *t);
  o.u32(uint32_t(state.threads.size()));
  for (auto& [tid, t] : state.threads) putThread(o, t, t.fds ? ids[t.fds.get()] : 0xFFFFFFFFu);
  entry(kCapTagState, o.s);
}

void CaptureWriter::writeName(bool group, uint32_t id, const std::string& name) {
  Out o;
  o.u8(group ? 1 : 0);
  o.u32(id);
  o.str(name);
  entry(kCapTagName, o.s);
}

void CaptureWriter::writeContainer(const std::string& id, const ContainerInfo* c) {
  Out o;
  o.str(id);
  o.u8(c ? 1 : 0);
  if (c) {
    for (const std::string* s : {&c->name, &c->image, &c->imageRepository, &c->imageTag, &c->imageDigest, &c->type}) o.str(*s);
    o.u8(uint8_t((c->k8sNsName ? 1 : 0) | (c->k8sPodName ? 2 : 0) | (c->privilegedKnown ? 4 : 0) | (c->privileged ? 8 : 0) | (c->hasStartTs ? 16 : 0)));
    if (c->k8sNsName) o.str(*c->k8sNsName);
    if (c->k8sPodName) o.str(*c->k8sPodName);
    o.u64(c->startTs);
    o.u32(uint32_t(c->mounts.size()));
    for (const ContainerMount& m : c->mounts) {
      for (const std::string* s : {&m.source, &m.dest, &m.mode, &m.propagation}) o.str(*s);
      o.u8(m.rw ? 1 : 0);
    }
  }
  entry(kCapTagContainer, o.s);
}

void CaptureWriter::writePath(const std::string& in, const std::string& out) {
  Out o;
  o.str(in);
  o.str(out);
  entry(kCapTagPath, o.s);
}

void CaptureWriter::writeThread(const ThreadInfo& t) {
  Out o;
  putTable(o, t.fds ? *t.fds : FdTable());
  putThread(o, t, 0);
  entry(kCapTagThread, o.s);
}

void CaptureWriter::writeRecord(const void* data, size_t size) {
  entry(kCapTagRecord, std::string(static_cast<const char*>(data), size));
}

void CaptureWriter::close() {
  if (!f_) return;
  entry(kCapTagEnd, std::string());
  fclose(f_);
  f_ = nullptr;
}

CaptureReader::~CaptureReader() {
  if (f_) fclose(f_);
}

void CaptureReader::open(const std::string& path) {
  f_ = fopen(path.c_str(), "rbe");
  if (!f_) throw std::runtime_error("cannot read the capture file " + path + ": " + strerror(errno));
  struct stat st;
  size_ = fstat(fileno(f_), &st) == 0 ? uint64_t(st.st_size) : 0;
  char h[kHeaderSize];
  size_t n = fread(h, 1, sizeof h, f_);
  if (n < 8 || memcmp(h, kMagic, 8) != 0) throw CaptureFormatError("not a Saker capture file (bad magic)", 0);
  if (n < kHeaderSize) throw CaptureFormatError("truncated header", n);
  uint32_t version, headerSize;
  memcpy(&version, h + 8, 4);
  memcpy(&headerSize, h + 12, 4);
  if (version < kOldestVersion || version > kVersion)
    throw CaptureFormatError("unsupported version " + std::to_string(version) + " (this reader reads versions 1 and 2)", 8);
  if (headerSize != kHeaderSize) throw CaptureFormatError("header size " + std::to_string(headerSize) + ", expected 24", 12);
  memcpy(&bootToEpoch_, h + 16, 8);
  offset_ = kHeaderSize;
}

bool CaptureReader::next(CaptureEntry& e) {
  if (ended_) return false;
  uint32_t head[2];
  size_t n = fread(head, 1, sizeof head, f_);
  if (n == 0) throw CaptureFormatError("truncated: no end marker", offset_);
  if (n < sizeof head) throw CaptureFormatError("truncated entry header", offset_);
  e.offset = offset_;
  e.tag = head[0];
  if (head[1] > kMaxPayload || offset_ + 8 + head[1] > size_) {
    throw CaptureFormatError("entry length " + std::to_string(head[1]) + " runs past the end of the file", offset_ + 4);
  }
  e.payload.resize(head[1]);
  if (head[1] > 0 && fread(&e.payload[0], 1, head[1], f_) != head[1]) throw CaptureFormatError("truncated entry", offset_);
  offset_ += 8 + head[1];
  switch (e.tag) {
    case kCapTagState: case kCapTagName: case kCapTagPath: case kCapTagThread: case kCapTagRecord: case kCapTagContainer:
      return true;
    case kCapTagEnd:
      ended_ = true;
      return false;
    default:
      throw CaptureFormatError("unknown entry tag 0x" + [&] { char b[16]; snprintf(b, sizeof b, "%08x", e.tag); return std::string(b); }(), e.offset);
  }
}

void parseState(const std::string& payload, uint64_t base, State& state) {
  In in(payload, base + 8);
  std::vector<std::shared_ptr<FdTable>> tables;
  uint32_t nt = in.count(4);
  for (uint32_t i = 0; i < nt; i++) tables.push_back(getTable(in));
  uint32_t n = in.count(80);
  for (uint32_t i = 0; i < n; i++) {
    uint64_t at = in.where();
    uint32_t table = 0;
    ThreadInfo t = getThread(in, table);
    if (table == 0xFFFFFFFFu) t.fds = std::make_shared<FdTable>();
    else if (table < tables.size()) t.fds = tables[table];
    else throw CaptureFormatError("thread refers to fd table " + std::to_string(table) + " of " + std::to_string(tables.size()), at);
    state.threads[t.tid] = std::move(t);
  }
  if (!in.done()) throw CaptureFormatError("trailing bytes in the state entry", in.where());
}

ThreadInfo parseThread(const std::string& payload, uint64_t base) {
  In in(payload, base + 8);
  auto table = getTable(in);
  uint32_t unused = 0;
  ThreadInfo t = getThread(in, unused);
  t.fds = table;
  if (!in.done()) throw CaptureFormatError("trailing bytes in a thread entry", in.where());
  return t;
}

void parseName(const std::string& payload, uint64_t base, bool& group, uint32_t& id, std::string& name) {
  In in(payload, base + 8);
  group = in.u8() != 0;
  id = in.u32();
  name = in.str();
  if (!in.done()) throw CaptureFormatError("trailing bytes in a name entry", in.where());
}

void parseContainer(const std::string& payload, uint64_t base, std::string& id, std::shared_ptr<const ContainerInfo>& info) {
  In in(payload, base + 8);
  id = in.str();
  info = nullptr;
  if (in.u8() != 0) {
    auto c = std::make_shared<ContainerInfo>();
    for (std::string* s : {&c->name, &c->image, &c->imageRepository, &c->imageTag, &c->imageDigest, &c->type}) *s = in.str();
    uint8_t bits = in.u8();
    if (bits & 1) c->k8sNsName = in.str();
    if (bits & 2) c->k8sPodName = in.str();
    c->privilegedKnown = bits & 4;
    c->privileged = bits & 8;
    c->hasStartTs = bits & 16;
    c->startTs = in.u64();
    uint32_t n = in.count(4 * 4 + 1);
    for (uint32_t i = 0; i < n; i++) {
      ContainerMount m;
      for (std::string* s : {&m.source, &m.dest, &m.mode, &m.propagation}) *s = in.str();
      m.rw = in.u8() != 0;
      c->mounts.push_back(std::move(m));
    }
    info = std::move(c);
  }
  if (!in.done()) throw CaptureFormatError("trailing bytes in a container entry", in.where());
}

void parsePath(const std::string& payload, uint64_t base, std::string& from, std::string& to) {
  In in(payload, base + 8);
  from = in.str();
  to = in.str();
  if (!in.done()) throw CaptureFormatError("trailing bytes in a path entry", in.where());
}

}  // namespace saker
