#include "probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

#include "capture.h"
#include "capture.skel.h"
#include "event_ids.h"

namespace saker {

namespace {

struct TypeName { uint16_t id; const char* name; };
#define SAKER_TYPE_NAME(id, name) {id, #name},
const TypeName kTypes[] = {SAKER_EVENT_LIST(SAKER_TYPE_NAME)};
#undef SAKER_TYPE_NAME

std::string errText(const char* what, int err) {
  return std::string(what) + ": " + strerror(err < 0 ? -err : err);
}

// Programs that produce records of an event type: the syscall's exit program (x_<name>).
std::vector<std::string> programsFor(uint16_t type) {
  // umount2(2) is SYSCALL_DEFINE2(umount, ...) in the kernel, so its program is x_umount.
  if (type == SAKER_EVT_UMOUNT2) return {"x_umount"};
  if (type == SAKER_EVT_UMOUNT) return {};
  for (const TypeName& t : kTypes)
    if (t.id == type) return {std::string("x_") + t.name};
  return {};
}

// The tracefs events directory, mounting tracefs first when nobody has (we are root).
const char* ensureTracefs() {
  if (access("/sys/kernel/tracing/events", F_OK) == 0) return "/sys/kernel/tracing/events";
  if (access("/sys/kernel/debug/tracing/events", F_OK) == 0) return "/sys/kernel/debug/tracing/events";
  if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    throw std::runtime_error(errText("tracefs is not mounted and mounting it at /sys/kernel/tracing failed", errno));
  return "/sys/kernel/tracing/events";
}

int silentPrint(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (level == LIBBPF_WARN && getenv("SAKER_BPF_DEBUG")) return vfprintf(stderr, fmt, args);
  if (getenv("SAKER_BPF_DEBUG")) return vfprintf(stderr, fmt, args);
  return 0;
}

}  // namespace

Probe::~Probe() { close(); }

void Probe::load(const ProbeOptions& opts, RecordFn fn, void* ctx) {
  libbpf_set_print(silentPrint);
  // This kernel charges BPF memory to the memory cgroup; the memlock limit only matters on old
  // kernels, and raising it needs CAP_SYS_RESOURCE, which root here lacks. Try, never insist.
  rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
  (void)setrlimit(RLIMIT_MEMLOCK, &rl);

  skel_ = capture_bpf__open();
  if (!skel_) throw std::runtime_error(errText("cannot open the BPF object", errno));
  skel_->rodata->self_tgid = opts.selfTgid;
  skel_->rodata->cpus_per_ring = opts.cpusPerRing ? opts.cpusPerRing : 1;
  skel_->rodata->wakeup_bytes = opts.wakeupBytes;

  // Syscall programs attach to syscalls:sys_exit_<name> tracepoints, which live in tracefs.
  const char* events = ensureTracefs();
  // Programs whose tracepoint this kernel lacks are not loaded.
  struct bpf_program* prog;
  bpf_object__for_each_program(prog, skel_->obj) {
    const char* name = bpf_program__name(prog);
    bpf_program__set_autoattach(prog, false);
    if (strncmp(name, "x_", 2) != 0) continue;
    std::string dir = std::string(events) + "/syscalls/sys_exit_" + (name + 2);
    if (access(dir.c_str(), F_OK) != 0) bpf_program__set_autoload(prog, false);
  }

  int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) ncpu = 1;
  uint32_t per = skel_->rodata->cpus_per_ring;
  uint32_t nrings = (uint32_t(ncpu) + per - 1) / per;
  if (nrings > SAKER_MAX_RINGS) throw std::runtime_error("too many rings: raise cpus_per_ring");
  // The rings are made here, at the configured size; the first one is the outer map's template.
  for (uint32_t i = 0; i < nrings; i++) {
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "saker_ring", 0, 0, opts.ringBytes, nullptr);
    if (fd < 0) throw std::runtime_error(errText("cannot create a ring buffer", errno));
    ringFds_.push_back(fd);
  }
  bpf_map__set_inner_map_fd(skel_->maps.rings, ringFds_[0]);

  int err = capture_bpf__load(skel_);
  if (err) throw std::runtime_error(errText("cannot load the BPF programs", err));

  for (uint32_t i = 0; i < nrings; i++) {
    int fd = ringFds_[i];
    if (bpf_map_update_elem(bpf_map__fd(skel_->maps.rings), &i, &fd, BPF_ANY))
      throw std::runtime_error(errText("cannot install a ring buffer", errno));
    if (i == 0) rb_ = ring_buffer__new(fd, reinterpret_cast<ring_buffer_sample_fn>(fn), ctx, nullptr);
    else if (ring_buffer__add(rb_, fd, reinterpret_cast<ring_buffer_sample_fn>(fn), ctx)) rb_ = nullptr;
    if (!rb_) throw std::runtime_error(errText("cannot poll the ring buffers", errno));
  }
  loaded_ = true;
}

void Probe::attachState() {
  // State tracepoints run whatever the rules are: fork, exec and exit keep the thread table right.
  for (struct bpf_program* p : {skel_->progs.t_fork, skel_->progs.t_exec, skel_->progs.t_exit}) {
    struct bpf_link* l = bpf_program__attach(p);
    if (!l) throw std::runtime_error(errText("cannot attach a scheduler tracepoint", errno));
    links_.push_back(l);
    attached_.insert(bpf_program__name(p));
  }
  // close_range keeps the fd tables right (Linux 5.9+; an older kernel has no tracepoint for it).
  if (struct bpf_link* l = bpf_program__attach(skel_->progs.x_close_range)) {
    links_.push_back(l);
    attached_.insert(bpf_program__name(skel_->progs.x_close_range));
  }
}

void Probe::setTypes(const std::set<uint16_t>& types, const std::set<uint16_t>& requested) {
  for (uint16_t t : types) {
    for (const std::string& name : programsFor(t)) {
      if (attached_.count(name)) continue;
      struct bpf_program* p = bpf_object__find_program_by_name(skel_->obj, name.c_str());
      if (!p || !bpf_program__autoload(p)) continue;  // no program for it, or not on this kernel
      struct bpf_link* l = bpf_program__attach(p);
      if (!l) throw std::runtime_error(errText(("cannot attach " + name).c_str(), errno));
      links_.push_back(l);
      attached_.insert(name);
    }
  }
  enabled_ = types;
  requested_ = requested;
  for (uint32_t id = 0; id < SAKER_MAX_TYPES; id++) writeTypeValue(id);
}

// The enabled map's value for a type: SAKER_TYPE_ON and, for an enabled open type, its drop bits.
void Probe::writeTypeValue(uint32_t id) {
  uint8_t stateOnly = requested_.count(uint16_t(id)) ? 0 : SAKER_TYPE_STATE_ONLY;
  uint8_t v = enabled_.count(uint16_t(id)) ? uint8_t(SAKER_TYPE_ON | dropBits_[id] | stateOnly) : 0;
  if (v == written_[id]) return;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.enabled), &id, &v, BPF_ANY))
    throw std::runtime_error(errText("cannot update the enabled types", errno));
  written_[id] = v;
}

void Probe::setOpenFilter(const OpenFilter& f) {
  if (!skel_ || !loaded_) throw std::runtime_error("open filter: the probe is not loaded");
  // The new keys: an exact key that a prefix key starts is dropped (the prefix passes it already),
  // so the kernel's longest match decides alone.
  std::map<std::string, KeyVal> next;
  for (const std::string& p : f.prefixes) next[p] = {SAKER_KEY_PREFIX, uint32_t(p.size())};
  for (const std::string& e : f.exact) {
    bool covered = false;
    for (const std::string& p : f.prefixes) covered = covered || e.compare(0, p.size(), p) == 0;
    if (!covered) next[e] = {SAKER_KEY_EXACT, uint32_t(e.size())};
  }
  if (next.size() > kOpenFilterMaxKeys) throw std::runtime_error("open filter: more than 4096 keys");
  int trie = bpf_map__fd(skel_->maps.open_keys);
  auto keyOf = [](const std::string& s) {
    saker_open_key k{};
    k.prefixlen = uint32_t(s.size() * 8);
    memcpy(k.data, s.data(), s.size() < SAKER_KEY_MAX ? s.size() : SAKER_KEY_MAX);
    return k;
  };
  // 1. Add the new keys (the trie then holds both sets).
  std::vector<std::string> added;
  for (const auto& [s, v] : next) {
    auto old = keys_.find(s);
    if (old != keys_.end() && old->second.kind == v.kind) continue;
    saker_open_key k = keyOf(s);
    saker_open_val val{v.kind, v.len};
    if (bpf_map_update_elem(trie, &k, &val, BPF_ANY)) {
      int err = errno;
      for (const std::string& a : added) {  // back to the old filter
        saker_open_key ka = keyOf(a);
        auto o = keys_.find(a);
        if (o == keys_.end()) bpf_map_delete_elem(trie, &ka);
        else {
          saker_open_val ov{o->second.kind, o->second.len};
          bpf_map_update_elem(trie, &ka, &ov, BPF_ANY);
        }
      }
      throw std::runtime_error(errText("open filter: cannot add a key", err));
    }
    added.push_back(s);
  }
  // 2. The types' drop bits. fd tracking goes on first: no open is dropped before closes look.
  uint8_t bits[SAKER_MAX_TYPES] = {};
  bool any = false;
  for (uint16_t t : f.dropRead) if (t < SAKER_MAX_TYPES) bits[t] |= SAKER_TYPE_DROP_READ, any = true;
  for (uint16_t t : f.dropWrite) if (t < SAKER_MAX_TYPES) bits[t] |= SAKER_TYPE_DROP_WRITE, any = true;
  if (any && skel_->bss) skel_->bss->fd_tracking = 1;
  for (uint32_t id = 0; id < SAKER_MAX_TYPES; id++) {
    dropBits_[id] = bits[id];
    writeTypeValue(id);
  }
  // 3. The old keys that are not kept.
  for (const auto& [s, v] : keys_) {
    if (next.count(s)) continue;
    saker_open_key k = keyOf(s);
    bpf_map_delete_elem(trie, &k);
  }
  keys_ = std::move(next);
}

int Probe::poll(int timeoutMs) {
  if (!rb_) return 0;
  // Producers skip wake-ups until enough is pending, and ring_buffer__poll only reads the rings
  // that woke it: after the wait, read every ring.
  int woke = ring_buffer__poll(rb_, timeoutMs);
  int rest = ring_buffer__consume(rb_);
  return (woke > 0 ? woke : 0) + (rest > 0 ? rest : 0);
}

ProbeCounters Probe::counters() const {
  ProbeCounters sum;
  if (!skel_) return sum;
  int ncpu = libbpf_num_possible_cpus();
  std::vector<saker_counters> per(size_t(ncpu > 0 ? ncpu : 1));
  uint32_t k = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.counters), &k, per.data()) == 0) {
    for (auto& c : per) {
      sum.events += c.events;
      sum.dropsFull += c.drops_full;
      sum.dropsRead += c.drops_read;
      sum.filteredOpens += c.filtered_opens;
      sum.filteredCloses += c.filtered_closes;
    }
  }
  return sum;
}

std::vector<std::string> Probe::attachedPrograms() const { return {attached_.begin(), attached_.end()}; }

void Probe::pause() {
  if (skel_ && skel_->bss) skel_->bss->paused = 1;
}

void Probe::close(bool background) {
  auto teardown = [](std::vector<::bpf_link*> links, ring_buffer* rb, std::vector<int> fds, capture_bpf* skel) {
    for (::bpf_link* l : links) bpf_link__destroy(l);
    if (rb) ring_buffer__free(rb);
    for (int fd : fds) ::close(fd);
    if (skel) capture_bpf__destroy(skel);
  };
  std::vector<::bpf_link*> links;
  links.swap(links_);
  std::vector<int> fds;
  fds.swap(ringFds_);
  ring_buffer* rb = rb_;
  capture_bpf* skel = skel_;
  rb_ = nullptr;
  skel_ = nullptr;
  loaded_ = false;
  attached_.clear();
  enabled_.clear();
  requested_.clear();
  keys_.clear();
  memset(dropBits_, 0, sizeof(dropBits_));
  memset(written_, 0, sizeof(written_));
  if (background) std::thread(teardown, std::move(links), rb, std::move(fds), skel).detach();
  else teardown(std::move(links), rb, std::move(fds), skel);
}

}  // namespace saker
