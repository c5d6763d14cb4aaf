// Capture files: what the consumer saw, so a replay feeds the identical input through the same
// decode → state → batch code. Format, version 2 (little-endian; version 1, without 'CONT', is read too):
//
//   header   "SAKRCAP\0" (8 bytes), u32 version = 2, u32 header size = 24, u64 boot→epoch offset (ns)
//   entries  u32 tag, u32 payload length, payload
//     'STAT'  the initial thread table (seeded from /proc): fd tables, then threads
//     'NAME'  a user/group name the capture side resolved: u8 kind (0 user, 1 group), u32 id, string
//     'PATH'  an exec path the capture side resolved: string in, string out
//     'THRD'  a thread the capture side read from /proc mid-stream (one fd table, one thread)
//     'CONT'  container metadata as the batch writer found it (changed since the last entry for that
//             id): string id, u8 present, then the fields (absent = no metadata, e.g. removed)
//     'RECD'  one raw ring-buffer record (capture.h), written after the entries its decoding needed
//     'END\0' end of capture (length 0)
//
// Strings are u32 length + bytes. A reader error names the byte offset of the offending entry.
#pragma once
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "container_table.h"
#include "state.h"

namespace saker {

constexpr uint32_t kCapTagState = 0x54415453;   // "STAT"
constexpr uint32_t kCapTagName = 0x454D414E;    // "NAME"
constexpr uint32_t kCapTagPath = 0x48544150;    // "PATH"
constexpr uint32_t kCapTagThread = 0x44524854;  // "THRD"
constexpr uint32_t kCapTagRecord = 0x44434552;  // "RECD"
constexpr uint32_t kCapTagContainer = 0x544E4F43;  // "CONT"
constexpr uint32_t kCapTagEnd = 0x00444E45;     // "END\0"

class CaptureFormatError : public std::runtime_error {
 public:
  CaptureFormatError(const std::string& what, uint64_t offset)
      : std::runtime_error("capture file: " + what + " at byte " + std::to_string(offset)), offset(offset) {}
  uint64_t offset;
};

class CaptureWriter {
 public:
  ~CaptureWriter();
  void open(const std::string& path, uint64_t bootToEpochNs);  // throws std::runtime_error
  void writeState(const State& state);
  void writeName(bool group, uint32_t id, const std::string& name);
  void writePath(const std::string& in, const std::string& out);
  void writeThread(const ThreadInfo& t);
  /** `info` null: the container has no metadata (any more). */
  void writeContainer(const std::string& id, const ContainerInfo* info);
  void writeRecord(const void* data, size_t size);
  void close();  // writes the end marker
  bool isOpen() const { return f_ != nullptr; }

 private:
  void entry(uint32_t tag, const std::string& payload);
  FILE* f_ = nullptr;
};

struct CaptureEntry {
  uint32_t tag = 0;
  std::string payload;
  uint64_t offset = 0;  // of the entry's tag
};

class CaptureReader {
 public:
  ~CaptureReader();
  /** Opens and checks the header; throws CaptureFormatError or std::runtime_error. */
  void open(const std::string& path);
  /** Next entry; false after the end marker. Throws CaptureFormatError on truncation/corruption. */
  bool next(CaptureEntry& e);
  uint64_t bootToEpochNs() const { return bootToEpoch_; }

 private:
  FILE* f_ = nullptr;
  uint64_t offset_ = 0, size_ = 0, bootToEpoch_ = 0;
  bool ended_ = false;
};

/** Decodes a 'STAT' payload into the thread table (throws CaptureFormatError at `base` + offset). */
void parseState(const std::string& payload, uint64_t base, State& state);
/** Decodes a 'THRD' payload. */
ThreadInfo parseThread(const std::string& payload, uint64_t base);
/** Decodes a 'NAME' payload. */
void parseName(const std::string& payload, uint64_t base, bool& group, uint32_t& id, std::string& name);
/** Decodes a 'CONT' payload; `info` is null when the entry says the metadata is gone. */
void parseContainer(const std::string& payload, uint64_t base, std::string& id, std::shared_ptr<const ContainerInfo>& info);
/** Decodes a 'PATH' payload. */
void parsePath(const std::string& payload, uint64_t base, std::string& in, std::string& out);

}  // namespace saker
