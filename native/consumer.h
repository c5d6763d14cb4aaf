// The consumer: decodes ring-buffer records, keeps the state tables current, and writes enriched
// events into batches handed out in groups (by size or age). Runs on its own thread; see addon.cc.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "batch_writer.h"
#include "capture_file.h"
#include "probe.h"
#include "state.h"

struct saker_rec;

namespace saker {

struct ConsumerOptions {
  ProbeOptions probe;
  uint32_t batchEvents = 4096;  // hand a batch over once it holds this many events
  uint32_t flushMs = 20;        // ... or once its oldest event is this old
  std::set<uint16_t> types;     // event types to capture (state types are added)
  std::string captureFile;      // when set, everything decoded is also recorded there
  OpenFilter openFilter;        // the in-kernel open prefilter (empty: nothing dropped)
};

struct ConsumerStats {
  std::atomic<uint64_t> records{0}, events{0}, batches{0}, threads{0}, fds{0}, unknownRecords{0}, procScans{0}, lateOpens{0};
};

class Consumer {
 public:
  using Deliver = std::function<void(uint8_t* batch, size_t length)>;
  explicit Consumer(const ConsumerOptions& opts);
  /** Seeds state from /proc and loads the probe (throws on failure). */
  void open();
  /** The probe's load only (BPF verification: most of open()'s time), ahead of open(); nothing is
   * attached, so nothing is captured until open(). Any thread; not concurrently with open(). */
  void prepare();
  /** The rule event types open() attaches (they may be known only after prepare()). */
  void setOptionsTypes(std::set<uint16_t> types) { opts_.types = std::move(types); }
  /** The open filter open() installs (set since prepare()). */
  void setOptionsFilter(OpenFilter filter) { opts_.openFilter = std::move(filter); }
  /** Thread body: polls until stop is requested, then detaches, drains and flushes. */
  void run(const Deliver& deliver);
  void requestStop() { stop_.store(true); }
  void setTypes(std::set<uint16_t> types);
  /** Replaces the open prefilter of the running probe (throws; the old one then stays). */
  void setOpenFilter(const OpenFilter& filter);
  /** Feeds a capture file through the same decode/state/batch code (no kernel). Throws
   * CaptureFormatError (with the byte offset) on a truncated or corrupt file. */
  void replay(const std::string& path, const Deliver& deliver);
  /** Live kernel counters; after stop, their final values. */
  ProbeCounters kernelCounters();
  ConsumerStats stats;
  /** The types state tracking needs whatever the rules are. */
  static std::set<uint16_t> stateTypes();

 private:
  static int onRecordThunk(void* ctx, void* data, size_t size);
  void onRecord(const saker_rec* r, size_t size);
  void decode(const saker_rec* r, size_t size);
  void decodeAndRecord(const saker_rec* r, size_t size);
  void drainPending();
  std::string resolveExe(const std::string& path);
  /** close_range(first, last, flags) on the thread's fd table (CLOSE_RANGE_UNSHARE, _CLOEXEC). */
  static void closeRange(ThreadInfo& t, uint64_t first, uint64_t last, uint64_t flags);
  /** Container metadata for the batch writer: the live table (noted in the capture file when it
   * changed), or during a replay what the file's 'CONT' entries said. */
  std::shared_ptr<const ContainerInfo> lookupContainer(const std::string& id);
  void flush(const Deliver& deliver);
  std::string resolvePath(const ThreadInfo* t, int64_t dirfd, const std::string& path);

  ConsumerOptions opts_;
  State state_;
  BatchWriter writer_;
  Probe probe_;
  std::mutex probeMu_;
  std::atomic<bool> stop_{false};
  uint64_t evtNum_ = 0, seq_ = 0;
  int64_t batchStartMs_ = -1;
  int64_t fdCountMs_ = 0;
  ProbeCounters finalCounters_;
  CaptureWriter capture_;
  bool replaying_ = false;
  std::unordered_map<std::string, std::string> recordedPaths_;
  // Replay: container metadata from the file. Capture: what was last written per id.
  std::unordered_map<std::string, std::shared_ptr<const ContainerInfo>> replayContainers_, capturedContainers_;
  std::vector<std::string> pending_;  // one poll's records when there are several rings
  bool closed_ = false;
};

}  // namespace saker
