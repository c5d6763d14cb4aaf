// The kernel side's lifecycle, written once: open → configure → load → attach → poll → destroy.
// Programs are attached per event type on demand, so syscalls no rule or state needs cost nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

struct capture_bpf;
struct ring_buffer;
struct bpf_link;

namespace saker {

struct ProbeOptions {
  uint32_t cpusPerRing = 2;
  uint32_t ringBytes = 8u << 20;     // per ring, a power of two
  uint64_t wakeupBytes = 256u << 10; // producer wakes the consumer past this much pending data
  uint32_t selfTgid = 0;
};

struct ProbeCounters {
  uint64_t events = 0, dropsFull = 0, dropsRead = 0, filteredOpens = 0, filteredCloses = 0;
};

/** The in-kernel open prefilter (capture.bpf.c, open_dropped): which successful opens, and then the
 * closes of their fds, never reach the ring. Empty = nothing dropped. Checked by the addon. */
struct OpenFilter {
  std::set<uint16_t> dropRead;   // open-family type ids whose read-only opens may be dropped
  std::set<uint16_t> dropWrite;  // ... whose opens with write access (and creat) may be dropped
  std::vector<std::string> prefixes;  // a path starting with one of these passes
  std::vector<std::string> exact;     // a path equal to one of these passes
};

/** The open filter's key limits (the trie holds the old and the new keys while one replaces the other). */
constexpr size_t kOpenFilterMaxKeys = 4096;

class Probe {
 public:
  using RecordFn = int (*)(void* ctx, void* data, size_t size);
  ~Probe();
  /** Loads the programs (BPF verification) and creates the rings, attaching nothing; throws
   * std::runtime_error with the cause. */
  void load(const ProbeOptions& opts, RecordFn fn, void* ctx);
  /** After load(): attaches the fork/exec/exit tracepoints the state needs whatever the rules. */
  void attachState();
  /** load() has completed. */
  bool loaded() const { return loaded_; }
  /** Enables exactly `types` (attaching programs not yet attached); `requested` is the part loaded
   * rules read, the rest is marked state-only, so the programs may leave out records that change no
   * state (EBADF closes). */
  void setTypes(const std::set<uint16_t>& types, const std::set<uint16_t>& requested);
  /** Replaces the open prefilter (after load(), also while running): the new keys go in first,
   * then the types' drop bits flip, then the old keys go, so no lookup meanwhile drops an open
   * that both the old and the new filter pass. Throws std::runtime_error (the old filter stays). */
  void setOpenFilter(const OpenFilter& filter);
  /** Consumes what is in the rings, waiting at most timeoutMs for data. Returns records seen. */
  int poll(int timeoutMs);
  ProbeCounters counters() const;
  /** Stops producing records at once (a flag the programs read); the rings keep what they hold. */
  void pause();
  /** Detaches and frees everything. Unregistering tracepoints takes the kernel tens of ms each,
   * so with `background` this happens on a detached thread and returns at once. */
  void close(bool background = false);
  uint32_t ringCount() const { return uint32_t(ringFds_.size()); }
  std::vector<std::string> attachedPrograms() const;

 private:
  capture_bpf* skel_ = nullptr;
  bool loaded_ = false;
  ring_buffer* rb_ = nullptr;
  std::vector<int> ringFds_;
  std::vector<::bpf_link*> links_;
  std::set<std::string> attached_;
  std::set<uint16_t> enabled_;
  std::set<uint16_t> requested_;
  uint8_t dropBits_[128] = {};  // SAKER_TYPE_DROP_* per type id (SAKER_MAX_TYPES)
  uint8_t written_[128] = {};   // the enabled map's values as last written
  struct KeyVal { uint32_t kind, len; };
  std::map<std::string, KeyVal> keys_;  // what the trie holds
  void writeTypeValue(uint32_t id);
};

}  // namespace saker
