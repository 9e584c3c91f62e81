#include "program_registry.h"

#include <string>

#include "../common/error.h"
#include "program_check.h"

namespace tessera {

ProgramRegistry& ProgramRegistry::instance() {
  static ProgramRegistry r;
  return r;
}

int ProgramRegistry::add(Program p) {
  check_program(p);
  auto shared = std::make_shared<const Program>(std::move(p));
  std::lock_guard<std::mutex> lock(mu_);
  int id = next_id_++;
  programs_[id] = std::move(shared);
  return id;
}

std::shared_ptr<const Program> ProgramRegistry::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = programs_.find(id);
  if (it == programs_.end())
    throw Error("INTERNAL", "program " + std::to_string(id) + " is not registered", "this is a bug, please report it");
  return it->second;
}

void ProgramRegistry::remove(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  programs_.erase(id);
}

}  // namespace tessera
