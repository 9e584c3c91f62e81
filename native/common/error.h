// One error type for the whole core: a stable code the UI and CLI can branch on, a message that
// says what happened, and a hint that says what to do. The binding layer turns it into a JS Error.
#pragma once
#include <stdexcept>
#include <string>

namespace tessera {

class Error : public std::runtime_error {
 public:
  Error(std::string code, const std::string& message, std::string hint = "")
      : std::runtime_error(message), code_(std::move(code)), hint_(std::move(hint)) {}
  const std::string& code() const { return code_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string code_;
  std::string hint_;
};

}  // namespace tessera
