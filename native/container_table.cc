#include "container_table.h"

namespace saker {

void ContainerTable::set(const std::string& id, std::shared_ptr<const ContainerInfo> info) {
  std::lock_guard<std::mutex> lock(mu_);
  byId_[id] = std::move(info);
}

void ContainerTable::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  byId_.erase(id);
}

std::shared_ptr<const ContainerInfo> ContainerTable::find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = byId_.find(id);
  return it == byId_.end() ? nullptr : it->second;
}

size_t ContainerTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return byId_.size();
}

ContainerTable& containerTable() {
  static ContainerTable table;
  return table;
}

}  // namespace saker
