// Programs are registered once per layer and shared by every thread; tasks name them by id.
#pragma once
#include <memory>
#include <mutex>
#include <unordered_map>

#include "program.h"

namespace tessera {

class ProgramRegistry {
 public:
  static ProgramRegistry& instance();
  int add(Program p);  // checks it first (throws Error("BAD_PROGRAM"))
  std::shared_ptr<const Program> get(int id) const;
  void remove(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<const Program>> programs_;
  int next_id_ = 1;
};

}  // namespace tessera
