// The avx2 instantiation of the block kernels (flags set per file in CMakeLists.txt).
#define TESSERA_LEVEL avx2
#define TESSERA_LEVEL_NAME "avx2"
#include "ops_impl.h"
