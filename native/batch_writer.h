// Writes batch ABI v1 (engine-as/BATCH_ABI.md): events, the processes they refer to with their
// parent chains and session leaders, and one string arena. One writer is reused batch after batch.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "container_table.h"
#include "state.h"

namespace saker {

constexpr uint32_t kNoneIndex = 0xFFFFFFFFu;
constexpr uint32_t kEventSize = 192;
constexpr uint32_t kProcessSize = 208;
constexpr uint32_t kContainerSize = 96;
constexpr uint32_t kMountSize = 40;

// Event flag bits (EVT_*).
enum : uint32_t {
  EVT_DIR_ENTER = 1u << 0, EVT_HAS_RES = 1u << 1, EVT_HAS_FD = 1u << 2, EVT_FD_CONNECTED = 1u << 3,
  EVT_FD_NAME_CHANGED = 1u << 4, EVT_FD_ROLE_CLIENT = 1u << 5, EVT_FD_ROLE_SERVER = 1u << 6,
  EVT_FD_HAS_CLIENT = 1u << 7, EVT_FD_HAS_SERVER = 1u << 8, EVT_FD_HAS_NUM = 1u << 9,
};

/** One event record under construction (a view into the writer's event area). */
class EventRef {
 public:
  EventRef(class BatchWriter* w, size_t at) : w_(w), at_(at) {}
  void setRes(int64_t res);
  void setNum(int slot, uint64_t v);
  void setStr(int slot, std::string_view s);
  void setFd(int64_t num, const FdInfo* fd, bool nameChanged = false);
  void addFlags(uint32_t f);
 private:
  uint8_t* p();
  class BatchWriter* w_;
  size_t at_;
};

class BatchWriter {
 public:
  using ContainerLookup = std::function<std::shared_ptr<const ContainerInfo>(const std::string& id)>;
  explicit BatchWriter(State& state) : state_(state) {}
  /** Where container metadata comes from (default: the process-wide containerTable()). */
  void setContainerLookup(ContainerLookup lookup) { lookup_ = std::move(lookup); }
  /** Appends an exit event of `type` for thread `t` (may be null) and returns it for filling in. */
  EventRef add(uint16_t type, uint64_t num, uint64_t tsEpochNs, int32_t tid, int32_t pid, uint16_t cpu, const ThreadInfo* t);
  size_t eventCount() const { return events_.size() / kEventSize; }
  size_t byteSize() const { return 80 + events_.size() + procs_.size() + containers_.size() + mounts_.size() + arena_.size() + 32; }
  /** Assembles the batch into a malloc'd buffer (the caller frees it) and resets the writer. */
  uint8_t* finish(uint64_t seq, size_t* length);

  /** String ref into the arena: (offset, length); missing = (0xFFFFFFFF, 0). */
  uint64_t str(std::string_view s);
  static constexpr uint64_t kMissing = 0xFFFFFFFFull;

 private:
  friend class EventRef;
  uint32_t processIndex(const ThreadInfo* t, int depth);
  /** The container record for a container id (written once per batch), or none before metadata. */
  uint32_t containerIndex(const std::string& id);
  State& state_;
  ContainerLookup lookup_;
  std::vector<uint8_t> events_, procs_, containers_, mounts_;
  std::string arena_;
  std::unordered_map<std::string, uint32_t> dedup_;
  // tid → (version, index in this batch's process table); kAdding marks a record being built.
  std::unordered_map<int32_t, std::pair<uint64_t, uint32_t>> procIndex_;
  // container id → index in this batch's container table, or none (no metadata yet).
  std::unordered_map<std::string, uint32_t> containerIndex_;
};

}  // namespace saker
