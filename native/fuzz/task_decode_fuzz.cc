// libFuzzer target: the task decoder must reject any malformed encoding with a typed error, and a
// decoded task must never touch memory outside the chunks it names; the check-only decoder must
// agree with the one that runs. Built with ASan + UBSan.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

#include "../common/error.h"
#include "../io/mapped_file.h"
#include "../kernels/program_registry.h"
#include "../store/chunk_store.h"
#include "../tasks/registry.h"

namespace {
// A few real chunks, one program, one small CSV file and a string table for the decoded tasks to
// use (file accesses read the CSV's bytes as raw data; read_csv tasks parse it).
struct Fixture {
  std::vector<double> ids;
  std::vector<double> files;
  std::vector<std::string> strings = {",", "\"", "a", "b", "NA", "", ";", "x"};
  Fixture() {
    char path[] = "/tmp/tessera-fuzz-XXXXXX";
    const int fd = mkstemp(path);
    const char text[] = "a,b\n1,x\n2,\"y\nz\"\n3,NA\n-4,\"\"\n";
    if (fd < 0 || write(fd, text, sizeof text - 1) != static_cast<ssize_t>(sizeof text - 1)) __builtin_trap();
    close(fd);
    files.push_back(tessera::FileRegistry::instance().open(path));
    unlink(path);  // the mapping stays valid
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

// "" when f returns, else the error's code and message.
template <class F> std::string outcome(F&& f) {
  try {
    f();
    return "";
  } catch (const tessera::Error& e) {
    return e.code() + " " + e.what();
  } catch (const std::bad_alloc&) {
    return "bad_alloc";
  }
}

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
  // check_encoded decodes exactly as run_encoded does, without running: it must fail exactly when
  // run_encoded's decoding fails, with the same error, and a task it accepts must not fail to
  // run as malformed (decoder errors, and only they, start "malformed task:").
  const std::string checked = outcome([&] {
    tessera::check_encoded(spec.data(), spec.size(), fixture.ids.data(), fixture.ids.size(), fixture.files.data(), fixture.files.size(), &fixture.strings);
  });
  const std::string ran = outcome([&] {
    tessera::TaskResult r =
        tessera::run_encoded(spec.data(), spec.size(), fixture.ids.data(), fixture.ids.size(), fixture.files.data(), fixture.files.size(), &fixture.strings);
    if (r.chunk) tessera::ChunkStore::instance().release(r.chunk);
  });
  if (!checked.empty() && checked != ran) __builtin_trap();
  if (checked.empty() && ran.rfind("BAD_TASK malformed task:", 0) == 0) __builtin_trap();
  return 0;
}
