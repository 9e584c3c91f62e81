// The scalar instantiation of the block kernels (flags set per file in CMakeLists.txt).
#define TESSERA_LEVEL scalar
#define TESSERA_LEVEL_NAME "scalar"
#include "ops_impl.h"
