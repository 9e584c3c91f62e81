// The sse2 instantiation of the block kernels (flags set per file in CMakeLists.txt).
#define TESSERA_LEVEL sse2
#define TESSERA_LEVEL_NAME "sse2"
#include "ops_impl.h"
