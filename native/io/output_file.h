// A file written front to back under a temporary name in its final folder (`NAME.tmp-PID-N`, the
// pattern run/output-space.ts clears after a dead process) and renamed into place by commit(); the
// destructor and abort() remove the temporary file, so a failed or cancelled job leaves nothing
// under the real name. Errors are typed like the .npy writer's: DISK_FULL (ENOSPC, EDQUOT) or
// WRITE_FAILED, and a failed write removes the temporary file at once. Not thread-safe: the owner
// serialises calls.
#pragma once
#include <cstddef>
#include <string>

namespace tessera {

class OutputFile {
 public:
  explicit OutputFile(std::string final_path);
  // A fresh temporary name for `final_path` (for a scratch file of the same output).
  static std::string temp_name(const std::string& final_path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& final_path() const { return final_path_; }
  // A fresh temporary name beside the final one, for a writer that fills the file itself
  // (DuckDB's COPY).
  const std::string& temp_path() const { return temp_path_; }

  // Appends bytes (the file is created on first use).
  void append(const char* p, size_t n);
  // fsync, close and rename (creates an empty file if nothing was appended, unless `external`:
  // then the temporary file was written by someone else and is only renamed).
  void commit(bool external = false) {
    close_temp(external);
    publish();
  }
  // The first half of commit: the temporary file complete on disk (fsync'd), not yet renamed.
  void close_temp(bool external = false);
  // The second half: the temporary file renamed into place.
  void publish();
  void abort();

  [[noreturn]] static void fail(const std::string& what, const std::string& path, int err);

 private:
  void open();
  std::string final_path_, temp_path_;
  int fd_ = -1;
  bool done_ = false;
};

}  // namespace tessera
