// Checks a Program before it is registered, so a malformed one fails once with a clear error
// instead of reading a wrong register inside a task.
#pragma once
#include "program.h"

namespace tessera {
void check_program(const Program& p);  // throws Error("BAD_PROGRAM")
}
