// The timeseries kind: one partition of a generated table like dask.datasets.timeseries, rows
// [row0, row0 + nrows) of the whole table, holding only the columns asked for (projection). Its
// TS twin and the planner: src-main/collections/dataframe/kinds/timeseries.ts and
// timeseries-source.ts.
//   fields: seed, start (whole seconds since 1970 UTC), start (ns within that second), freq (ns),
//           row0, nrows, ncols, ncols x [generator, stream, name (string)]
//
// Every value is a pure function of (seed, global row index, column stream), so any partitioning
// and any worker count give the same table (ADR 0003's Philox4x32-10, key = seed):
//   timestamp  start + row * freq, exactly (int64 ns)
//   uniform    float64 in [-1, 1): 2u - 1 with u the row's ADR 0003 uniform in the column's stream
//   choice     int32 code into dask's 26 names, from the top of the row's ADR 0003 64 random bits
//   poisson    int64, Poisson(1000) by PTRS (Hoermann 1993, numpy's method for lam >= 10); row i's
//              k-th attempt takes the counter (i, stream, k): a rejection never shifts another row
// Streams come from the planner (one per column, from its name), so a column's values do not
// depend on which other columns a task generates.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "../../kernels/philox.h"
#include "../../store/chunk_store.h"
#include "../../table/table_builder.h"
#include "../kind.h"
#include "../publish_result.h"

namespace tessera {

namespace {

enum class Generator : uint8_t { Timestamp = 1, Uniform = 2, Choice = 3, Poisson = 4 };

// dask/datasets.py's names; the dictionary of every partition's string column, in this order.
constexpr const char* kNames[] = {"Alice", "Bob", "Charlie", "Dan", "Edith", "Frank", "George", "Hannah", "Ingrid",
                                  "Jerry", "Kevin", "Laura", "Michael", "Norbert", "Oliver", "Patricia", "Quinn", "Ray",
                                  "Sarah", "Tim", "Ursula", "Victor", "Wendy", "Xavier", "Yvonne", "Zelda"};
constexpr uint32_t kNameCount = sizeof(kNames) / sizeof(kNames[0]);
// dask's id column: numpy's poisson(1000).
constexpr double kLam = 1000;

struct Column {
  Generator gen;
  uint32_t stream;
  std::string name;
};

struct TimeseriesTask {
  uint64_t seed = 0;
  int64_t start_ns = 0;
  int64_t freq_ns = 1;
  uint64_t row0 = 0, nrows = 0;
  std::vector<Column> columns;
  int owner = 0;
};

TimeseriesTask decode(Reader& r, int owner) {
  TimeseriesTask t;
  t.owner = owner;
  t.seed = static_cast<uint64_t>(r.integer(0, (int64_t{1} << 53)));
  // Split in two: ns since 1970 pass 2^53 in 1970-04, and a field is a double.
  const int64_t start_s = r.integer(-(int64_t{1} << 34), int64_t{1} << 34);
  const int64_t start_frac = r.integer(0, 999'999'999);
  t.freq_ns = r.integer(1, int64_t{1} << 53);
  t.row0 = static_cast<uint64_t>(r.integer(0, int64_t{1} << 53));
  t.nrows = static_cast<uint64_t>(r.integer(0, int64_t{1} << 31));
  // Every timestamp of the partition must be an int64: checked in 128 bits.
  const __int128 first = static_cast<__int128>(start_s) * 1'000'000'000 + start_frac;
  const __int128 last = first + static_cast<__int128>(t.row0 + t.nrows) * t.freq_ns;
  if (first < INT64_MIN || last > INT64_MAX) Reader::bad("timeseries timestamps past the int64 range");
  t.start_ns = static_cast<int64_t>(first);
  const size_t ncols = r.count(1024);
  for (size_t k = 0; k < ncols; ++k) {
    Column c;
    c.gen = static_cast<Generator>(r.integer(1, 4));
    c.stream = static_cast<uint32_t>(r.integer(0, UINT32_MAX));
    c.name = r.string_ref();
    for (const Column& o : t.columns)
      if (o.name == c.name) Reader::bad("timeseries names a column twice");
    t.columns.push_back(std::move(c));
  }
  return t;
}

inline double unit(uint64_t bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

// The 64 random bits of elements [i0, i0 + n) of a stream, by ADR 0003's mapping: element
// i = 32B + j takes the low 64 bits of counter 16B + j % 16 for j < 16, the high ones for j >= 16.
// One counter serves two elements; the ends of the range use half of theirs.
void stream_bits(uint64_t seed, uint32_t stream, uint64_t i0, uint64_t n, uint64_t* out) {
  const uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  const uint64_t end = i0 + n;
  for (uint64_t block = i0 >> 5; block << 5 < end; ++block) {
    const uint64_t e0 = block << 5;
    for (uint32_t l = 0; l < 16; ++l) {
      const uint64_t lo = e0 + l, hi = e0 + 16 + l;
      const bool want_lo = lo >= i0 && lo < end, want_hi = hi >= i0 && hi < end;
      if (!want_lo && !want_hi) continue;
      const uint64_t counter = (block << 4) | l;
      uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32), c2 = stream, c3 = 0;
      philox_block(c0, c1, c2, c3, k0, k1);
      if (want_lo) out[lo - i0] = static_cast<uint64_t>(c1) << 32 | c0;
      if (want_hi) out[hi - i0] = static_cast<uint64_t>(c3) << 32 | c2;
    }
  }
}

// log(Gamma(x)) as numpy's random_loggam computes it (Stirling's series, shifted up to x >= 7):
// PTRS's acceptance test, the same function numpy's poisson uses. std::lgamma is not thread-safe
// in glibc (it writes signgam).
double loggam(double x) {
  static constexpr double a[10] = {8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
                                   8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
                                   1.796443723688307e-01, -1.39243221690590e+00};
  if (x == 1.0 || x == 2.0) return 0.0;
  const int64_t n = x < 7.0 ? static_cast<int64_t>(7 - x) : 0;
  double x0 = x + static_cast<double>(n);
  const double x2 = (1.0 / x0) * (1.0 / x0);
  double gl0 = a[9];
  for (int k = 8; k >= 0; --k) gl0 = gl0 * x2 + a[k];
  double gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * std::log(x0) - x0;
  for (int64_t k = 1; k <= n; ++k) {
    gl -= std::log(x0 - 1.0);
    x0 -= 1.0;
  }
  return gl;
}

// PTRS's constants for one lam, computed once per task.
struct Ptrs {
  double lam, slam, loglam, b, a, invalpha, vr, log_invalpha;
  explicit Ptrs(double l) : lam(l), slam(std::sqrt(l)), loglam(std::log(l)) {
    b = 0.931 + 2.53 * slam;
    a = -0.059 + 0.02483 * b;
    invalpha = 1.1239 + 1.1328 / (b - 3.4);
    vr = 0.9277 - 3.6224 / (b - 2);
    log_invalpha = std::log(invalpha);
  }
};

// One Poisson draw for `row`: numpy's random_poisson_ptrs, its k-th (U, V) pair from the counter
// (row, stream, k). Rejection rates are about 10% at lam = 1000; 2^32 attempts never run out.
int64_t poisson_row(const Ptrs& p, uint64_t seed, uint32_t stream, uint64_t row) {
  const uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (uint32_t attempt = 0;; ++attempt) {
    uint32_t c0 = static_cast<uint32_t>(row), c1 = static_cast<uint32_t>(row >> 32), c2 = stream, c3 = attempt;
    philox_block(c0, c1, c2, c3, k0, k1);
    const double U = unit(static_cast<uint64_t>(c1) << 32 | c0) - 0.5;
    const double V = unit(static_cast<uint64_t>(c3) << 32 | c2);
    const double us = 0.5 - std::fabs(U);
    const int64_t k = static_cast<int64_t>(std::floor((2 * p.a / us + p.b) * U + p.lam + 0.43));
    if (us >= 0.07 && V <= p.vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    // log(V) of V = 0 is -inf, which accepts: as numpy.
    if (std::log(V) + p.log_invalpha - std::log(p.a / (us * us) + p.b) <= -p.lam + static_cast<double>(k) * p.loglam - loggam(static_cast<double>(k) + 1))
      return k;
  }
}

// The names as a table dictionary: offsets and bytes, built once.
struct NameDictionary {
  std::vector<uint64_t> offsets{0};
  std::vector<uint8_t> bytes;
  NameDictionary() {
    for (const char* s : kNames) {
      bytes.insert(bytes.end(), s, s + std::char_traits<char>::length(s));
      offsets.push_back(bytes.size());
    }
  }
};
const NameDictionary& names() {
  static const NameDictionary d;
  return d;
}

TaskResult run(const TimeseriesTask& t) {
  const uint64_t n = t.nrows;
  // Each column is generated into its own buffer, then the builder lays the table out (one copy:
  // small next to the generation, and it keeps this module free of the layout's offsets).
  std::vector<std::vector<int64_t>> wide;    // timestamp, int64 and float64 values (8 bytes)
  std::vector<std::vector<int32_t>> codes;   // string codes
  std::vector<uint64_t> bits;
  wide.reserve(t.columns.size());
  codes.reserve(t.columns.size());
  table::TableBuilder builder(n);
  for (const Column& c : t.columns) {
    table::ColumnBuffers b;
    b.name = c.name;
    switch (c.gen) {
      case Generator::Timestamp: {
        auto& v = wide.emplace_back(n);
        for (uint64_t k = 0; k < n; ++k) v[k] = t.start_ns + static_cast<int64_t>(t.row0 + k) * t.freq_ns;
        b.type = table::ColumnType::Timestamp;
        b.data = v.data();
        break;
      }
      case Generator::Uniform: {
        auto& v = wide.emplace_back(n);
        bits.resize(n);
        stream_bits(t.seed, c.stream, t.row0, n, bits.data());
        double* d = reinterpret_cast<double*>(v.data());
        for (uint64_t k = 0; k < n; ++k) d[k] = 2 * unit(bits[k]) - 1;  // exact: [-1, 1) on a 2^-52 grid
        b.type = table::ColumnType::Float64;
        b.data = v.data();
        break;
      }
      case Generator::Choice: {
        auto& v = codes.emplace_back(n);
        bits.resize(n);
        stream_bits(t.seed, c.stream, t.row0, n, bits.data());
        // floor(bits * 26 / 2^64): each code has 2^64 / 26 rounded up or down preimages (bias < 2^-59).
        for (uint64_t k = 0; k < n; ++k) v[k] = static_cast<int32_t>((static_cast<unsigned __int128>(bits[k]) * kNameCount) >> 64);
        b.type = table::ColumnType::String;
        b.data = v.data();
        b.dict_count = kNameCount;
        b.dict_offsets = names().offsets.data();
        b.dict_bytes = names().bytes.data();
        break;
      }
      case Generator::Poisson: {
        auto& v = wide.emplace_back(n);
        const Ptrs p(kLam);
        for (uint64_t k = 0; k < n; ++k) v[k] = poisson_row(p, t.seed, c.stream, t.row0 + k);
        b.type = table::ColumnType::Int64;
        b.data = v.data();
        break;
      }
    }
    builder.add(std::move(b));
  }
  auto out = builder.build(t.owner);
  return publish_result(out, 0);
}

}  // namespace

extern const TaskKind kTimeseriesKind = task_kind<TimeseriesTask, decode, run>();

}  // namespace tessera
