// The scalar instantiation of the block kernels (flags set per file in CMakeLists.txt).
#define TESSERA_LEVEL scalar
#define TESSERA_LEVEL_NAME "scalar"
// Hand-written SSE2 paths (csv_delimiters.h) take their byte-by-byte reference form here.
#define TESSERA_SCALAR
#include "ops_impl.h"
