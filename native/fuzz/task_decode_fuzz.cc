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
#include "../table/table_builder.h"
#include "../tasks/registry.h"

namespace {
// A few real chunks (dense and table partitions), one program, one small CSV file and a string
// table for the decoded tasks to use (file accesses read the CSV's bytes as raw data; read_csv
// tasks parse it; the table kinds read the partitions).
struct Fixture {
  std::vector<double> ids;
  std::vector<double> tables;
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
    // Two partitions of one table: int64, float64 (a NaN), string (a null), bool, timestamp.
    for (int k = 0; k < 2; ++k) {
      static const int64_t ints[4] = {3, -1, 3, 7};
      static const double floats[4] = {0.5, __builtin_nan(""), -2.0, 0.5};
      static const int32_t codes[4] = {0, 1, 0, 0};
      static const uint8_t valid[4] = {1, 1, 0, 1};
      static const uint8_t bools[4] = {1, 0, 0, 1};
      static const uint64_t offsets[3] = {0, 1, 3};
      static const uint8_t bytes[3] = {'a', 'b', 'c'};
      tessera::table::TableBuilder b(4);
      b.add({"a", tessera::table::ColumnType::Int64, ints, nullptr});
      b.add({"b", tessera::table::ColumnType::Float64, floats, nullptr});
      b.add({"x", tessera::table::ColumnType::String, codes, valid, 2, offsets, bytes});
      b.add({"NA", tessera::table::ColumnType::Bool, bools, nullptr});
      b.add({";", tessera::table::ColumnType::Timestamp, ints, valid});
      tables.push_back(static_cast<double>(tessera::ChunkStore::instance().publish(b.build(0))));
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
  // The first byte is the kind's code (any below 64), the second picks the chunks the task is
  // given (dense chunks, one table partition, two, or a table and a dense chunk); the rest is a
  // sequence of small numbers (-2..13, one byte each) so the fuzzer reaches deep into the layout
  // instead of producing random doubles. Every shape in a task is a product of some of these
  // numbers, so capping the product of all of them keeps each input cheap to run (a real task may
  // legitimately ask for gigabytes; that is not what is fuzzed here).
  if (size < 2) return -1;
  std::vector<double> spec;
  spec.push_back(1);  // version
  spec.push_back(static_cast<double>(data[0] % 64));
  const std::vector<double>& t = fixture.tables;
  const std::vector<std::vector<double>> given = {fixture.ids, {t[0]}, {t[0], t[1]}, {t[1], fixture.ids[0]}};
  const std::vector<double>& ids = given[data[1] % 4];
  double work = 1;
  for (size_t i = 2; i < size; ++i) {
    double v = static_cast<double>(data[i] % 16) - 2;
    if (v > 1) work *= v;
    spec.push_back(v);
  }
  if (work > 4194304) return -1;  // rejected: not added to the corpus
  // check_encoded decodes exactly as run_encoded does, without running: it must fail exactly when
  // run_encoded's decoding fails, with the same error, and a task it accepts must not fail to
  // run as malformed (decoder errors, and only they, start "malformed task:").
  const std::string checked = outcome([&] {
    tessera::check_encoded(spec.data(), spec.size(), ids.data(), ids.size(), fixture.files.data(), fixture.files.size(), &fixture.strings);
  });
  const std::string ran = outcome([&] {
    tessera::TaskResult r =
        tessera::run_encoded(spec.data(), spec.size(), ids.data(), ids.size(), fixture.files.data(), fixture.files.size(), &fixture.strings);
    if (r.chunk) tessera::ChunkStore::instance().release(r.chunk);
  });
  if (!checked.empty() && checked != ran) __builtin_trap();
  if (checked.empty() && ran.rfind("BAD_TASK malformed task:", 0) == 0) __builtin_trap();
  return 0;
}
