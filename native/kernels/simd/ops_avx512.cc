// The avx512 instantiation of the block kernels (flags set per file in CMakeLists.txt).
#define TESSERA_LEVEL avx512
#define TESSERA_LEVEL_NAME "avx512"
#include "ops_impl.h"
