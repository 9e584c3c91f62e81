// The job's table of strings (file-independent text a task needs: a CSV's column names, its
// missing-value strings, its separator), made native once per job and thread so a task names a
// string by its index like it names a file. The JS side (engine/executor.ts) opens a job's
// table the first time a native task of the job runs on a thread and closes it with the job's
// files; tasks read it through Reader::string_ref().
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera {

using StringTable = std::vector<std::string>;

class StringTables {
 public:
  static StringTables& instance();
  int open(StringTable strings);
  std::shared_ptr<const StringTable> get(int id) const;  // throws Error("STRINGS_NOT_OPEN")
  void close(int id);

 private:
  mutable std::mutex mu_;
  std::unordered_map<int, std::shared_ptr<const StringTable>> tables_;
  int next_id_ = 1;
};

}  // namespace tessera
