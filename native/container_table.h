// Container metadata handed in from JS (host/container/ asks the runtime's API), keyed by the
// 12-hex container.id the consumer derives from the cgroup. The batch writer turns an entry into a
// container record with its mount records (engine-as/BATCH_ABI.md); a container with no entry yet
// gets none, so its metadata fields read as missing, as Falco's container plugin does before its
// lookup completes. Host processes (id "host") always get a fixed host record, as in Falco.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace saker {

struct ContainerMount {
  std::string source, dest, mode, propagation;
  bool rw = false;
};

struct ContainerInfo {
  std::string name, image, imageRepository, imageTag, imageDigest, type;
  // Missing (not empty) when the container has no io.kubernetes.pod.* label, as in Falco.
  std::optional<std::string> k8sNsName, k8sPodName;
  bool privilegedKnown = false, privileged = false;
  bool hasStartTs = false;
  uint64_t startTs = 0;
  std::vector<ContainerMount> mounts;
};

/** Thread-safe: JS sets entries while the consumer thread reads them. */
class ContainerTable {
 public:
  void set(const std::string& id, std::shared_ptr<const ContainerInfo> info);
  void remove(const std::string& id);
  std::shared_ptr<const ContainerInfo> find(const std::string& id) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const ContainerInfo>> byId_;
};

/** The process-wide table every capture (and replay) reads. */
ContainerTable& containerTable();

}  // namespace saker
