// libFuzzer target: the task decoder must reject any malformed encoding with a typed error, and a
// decoded task must never touch memory outside the chunks it names. Built with ASan + UBSan.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../common/error.h"
#include "../kernels/program_registry.h"
#include "../store/chunk_store.h"
#include "../tasks/registry.h"

namespace {
// A few real chunks and one program for the decoded tasks to use.
struct Fixture {
  std::vector<double> ids;
  Fixture() {
    for (int k = 0; k < 3; ++k) {
      auto c = tessera::ChunkStore::instance().allocate(tessera::DType::F64, {64}, 0);
      std::memset(c->data, 0, c->nbytes);
      ids.push_back(static_cast<double>(tessera::ChunkStore::instance().publish(c)));
    }
    tessera::Program p;
    p.nregs = 1;
    p.result = 0;
    p.result_type = tessera::CType::F64;
    tessera::Instr load{};
    load.op = tessera::Op::Load;
    load.type = tessera::CType::F64;
    load.a = 0;  // operand 0
    p.code.push_back(load);
    tessera::ProgramRegistry::instance().add(p);  // program id 1
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  // The input is a sequence of small numbers (-2..13, one byte each) so the fuzzer reaches deep
  // into the layout instead of producing random doubles. Every shape in a task is a product of
  // some of these numbers, so capping the product of all of them keeps each input cheap to run
  // (a real task may legitimately ask for gigabytes; that is not what is fuzzed here).
  std::vector<double> spec;
  spec.push_back(1);  // version
  double work = 1;
  for (size_t i = 0; i < size; ++i) {
    double v = static_cast<double>(data[i] % 16) - 2;
    if (v > 1) work *= v;
    spec.push_back(v);
  }
  if (work > 4194304) return -1;  // rejected: not added to the corpus
  try {
    tessera::TaskResult r = tessera::run_encoded(spec.data(), spec.size(), fixture.ids.data(), fixture.ids.size(), nullptr, 0);
    if (r.chunk) tessera::ChunkStore::instance().release(r.chunk);
  } catch (const tessera::Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
