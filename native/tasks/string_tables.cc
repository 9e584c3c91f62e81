#include "string_tables.h"

#include "../common/error.h"

namespace tessera {

StringTables& StringTables::instance() {
  static StringTables t;
  return t;
}

int StringTables::open(StringTable strings) {
  std::lock_guard<std::mutex> lock(mu_);
  const int id = next_id_++;
  tables_[id] = std::make_shared<const StringTable>(std::move(strings));
  return id;
}

std::shared_ptr<const StringTable> StringTables::get(int id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(id);
  if (it == tables_.end()) throw Error("STRINGS_NOT_OPEN", "string table " + std::to_string(id) + " is not open", "this is a bug, please report it");
  return it->second;
}

void StringTables::close(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  tables_.erase(id);
}

}  // namespace tessera
