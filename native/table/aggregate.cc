#include "aggregate.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "../common/error.h"
#include "../kernels/compensated_sum.h"

namespace tessera::table {

namespace {

using T = ColumnType;

[[noreturn]] void bad(const std::string& why) { throw Error("BAD_TASK", "group-by: " + why, "this is a bug in the planner, please report it"); }

bool numeric(T t) { return t == T::Int64 || t == T::Float64 || t == T::Bool; }
bool picks(AggFn f) { return f == AggFn::Min || f == AggFn::Max || f == AggFn::First || f == AggFn::Last; }
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A value of a (non-string) column as 64 bits, and whether it is there (not null, not NaN).
bool value_bits(const Vec& v, size_t i, uint64_t* bits) {
  const size_t r = v.at(i);
  switch (v.type) {
    case T::Float64: {
      const double x = v.as<double>()[r];
      std::memcpy(bits, &x, 8);
      return !std::isnan(x);
    }
    case T::Bool: *bits = v.as<uint8_t>()[r]; return v.ok(i);
    default: *bits = static_cast<uint64_t>(v.as<int64_t>()[r]); return v.ok(i);
  }
}

double as_double(T t, uint64_t bits) {
  if (t == T::Float64) {
    double x;
    std::memcpy(&x, &bits, 8);
    return x;
  }
  return t == T::Bool ? static_cast<double>(bits) : static_cast<double>(static_cast<int64_t>(bits));
}

bool less(T t, uint64_t a, uint64_t b) {
  if (t == T::Float64) return as_double(t, a) < as_double(t, b);
  if (t == T::Bool) return a < b;
  return static_cast<int64_t>(a) < static_cast<int64_t>(b);
}

// Chan et al.: the (n, mean, m2) of two sets from each one's.
void chan_merge(int64_t& n, double& mean, double& m2, int64_t nb, double meanb, double m2b) {
  if (nb == 0) return;
  if (n == 0) {
    n = nb;
    mean = meanb;
    m2 = m2b;
    return;
  }
  const double N = static_cast<double>(n + nb);
  const double delta = meanb - mean;
  mean += delta * static_cast<double>(nb) / N;
  m2 += m2b + delta * delta * static_cast<double>(n) * static_cast<double>(nb) / N;
  n += nb;
}

OwnedColumn column_of(const std::string& name, T type, const std::vector<uint32_t>& order, const std::vector<uint64_t>* bits,
                      const std::vector<std::string>* strings, const std::vector<uint8_t>* has) {
  const size_t n = order.size();
  Vec v = make_vec(type, n, has != nullptr && type != T::Float64);
  std::vector<std::string_view> entries;
  for (size_t i = 0; i < n; ++i) {
    const size_t g = order[i];
    const bool there = !has || (*has)[g];
    if (type == T::String) {
      v.mut<int32_t>()[i] = static_cast<int32_t>(entries.size());
      entries.push_back(there ? std::string_view((*strings)[g]) : std::string_view());
    } else if (type == T::Bool) {
      v.mut<uint8_t>()[i] = static_cast<uint8_t>((*bits)[g]);
    } else if (type == T::Float64 && !there) {
      v.mut<double>()[i] = kNaN;
    } else {
      v.mut<uint64_t>()[i] = (*bits)[g];
    }
    if (v.valid) v.mut_valid()[i] = there;
  }
  if (type == T::String) v.dict = StringDict::of_strings(entries);
  return gather(name, v, nullptr, n);
}

OwnedColumn int_column(const std::string& name, const std::vector<uint32_t>& order, const std::vector<int64_t>& xs) {
  Vec v = make_vec(T::Int64, order.size(), false);
  for (size_t i = 0; i < order.size(); ++i) v.mut<int64_t>()[i] = xs[order[i]];
  return gather(name, v, nullptr, order.size());
}

OwnedColumn float_column(const std::string& name, const std::vector<uint32_t>& order, const std::vector<double>& xs) {
  Vec v = make_vec(T::Float64, order.size(), false);
  for (size_t i = 0; i < order.size(); ++i) v.mut<double>()[i] = xs[order[i]];
  return gather(name, v, nullptr, order.size());
}

}  // namespace

ColumnType agg_result_type(AggFn fn, ColumnType t) {
  switch (fn) {
    case AggFn::Count:
    case AggFn::Size: return T::Int64;
    case AggFn::Sum:
      if (!numeric(t)) bad(std::string("sum of ") + column_type_name(t));
      return t == T::Float64 ? T::Float64 : T::Int64;
    case AggFn::Mean:
    case AggFn::Var:
    case AggFn::Std:
      if (!numeric(t)) bad(std::string("a mean or variance of ") + column_type_name(t));
      return T::Float64;
    case AggFn::Min:
    case AggFn::Max:
    case AggFn::First:
    case AggFn::Last: return t;
  }
  bad("unknown aggregation");
}

AggState::AggState(AggFn fn, ColumnType input) : fn_(fn), input_(input) { agg_result_type(fn, input); }

size_t AggState::state_columns() const {
  switch (fn_) {
    case AggFn::Count:
    case AggFn::Size: return 1;
    case AggFn::Sum: return input_ == T::Float64 ? 2 : 1;
    case AggFn::Mean:
    case AggFn::Var:
    case AggFn::Std: return 3;
    default: return 1;
  }
}

void AggState::resize(size_t groups) {
  n_.resize(groups, 0);
  if (fn_ == AggFn::Sum && input_ != T::Float64) si_.resize(groups, 0);
  if (fn_ == AggFn::Sum || fn_ == AggFn::Mean) {
    s_.resize(groups, 0);
    c_.resize(groups, 0);
  }
  if (fn_ == AggFn::Var || fn_ == AggFn::Std) {
    mean_.resize(groups, 0);
    m2_.resize(groups, 0);
  }
  if (picks(fn_)) {
    has_.resize(groups, 0);
    if (input_ == T::String) sv_.resize(groups);
    else v_.resize(groups, 0);
  }
}

// Neumaier's compensated sum (the kernels' one definition): s + c carries the sum to about twice
// double precision.
void AggState::add(size_t g, double x) { neumaier(s_[g], c_[g], x); }

void AggState::take(size_t g, uint64_t bits, const std::string_view* s) {
  bool set = !has_[g];
  if (!set) {
    switch (fn_) {
      case AggFn::First: break;
      case AggFn::Last: set = true; break;
      case AggFn::Min: set = s ? *s < sv_[g] : less(input_, bits, v_[g]); break;
      default: set = s ? sv_[g] < *s : less(input_, v_[g], bits); break;
    }
  }
  if (!set) return;
  has_[g] = 1;
  // A string is copied only when it becomes the group's value, not for every row offered.
  if (s) sv_[g].assign(s->data(), s->size());
  else v_[g] = bits;
}

void AggState::update(const Vec* v, const int32_t* gids, size_t nrows) {
  if (fn_ == AggFn::Size) {
    for (size_t i = 0; i < nrows; ++i) if (gids[i] >= 0) ++n_[static_cast<size_t>(gids[i])];
    return;
  }
  if (!v || v->type != input_) bad("an aggregated column has another type than planned");
  if (fn_ == AggFn::Var || fn_ == AggFn::Std) {
    // Two passes over this partition per group (mean, then squared deviations), merged into the state.
    // The deviations' own sum corrects the rounding of the mean (the corrected two-pass algorithm of
    // Chan, Golub and LeVeque).
    const size_t G = n_.size();
    std::vector<int64_t> bn(G, 0);
    // Both sums are compensated (Neumaier): a plain sum of 500k squares drifted by 1.5e-12 relative.
    std::vector<double> bsum(G, 0), bsumc(G, 0), bm2(G, 0), bm2c(G, 0), bdev(G, 0);
    uint64_t bits;
    for (size_t i = 0; i < nrows; ++i)
      if (gids[i] >= 0 && value_bits(*v, i, &bits)) {
        const size_t g = static_cast<size_t>(gids[i]);
        ++bn[g];
        neumaier(bsum[g], bsumc[g], as_double(input_, bits));
      }
    for (size_t g = 0; g < G; ++g) bsum[g] = bn[g] ? (bsum[g] + bsumc[g]) / static_cast<double>(bn[g]) : 0;  // now the means
    for (size_t i = 0; i < nrows; ++i)
      if (gids[i] >= 0 && value_bits(*v, i, &bits)) {
        const size_t g = static_cast<size_t>(gids[i]);
        const double d = as_double(input_, bits) - bsum[g];
        neumaier(bm2[g], bm2c[g], d * d);
        bdev[g] += d;
      }
    for (size_t g = 0; g < G; ++g) {
      bm2[g] += bm2c[g];
      if (bn[g]) {
        const double nb = static_cast<double>(bn[g]);
        bm2[g] -= bdev[g] * bdev[g] / nb;
        bsum[g] += bdev[g] / nb;
      }
      chan_merge(n_[g], mean_[g], m2_[g], bn[g], bsum[g], bm2[g]);
    }
    return;
  }
  if (input_ == T::String) {
    if (fn_ == AggFn::Count) {
      for (size_t i = 0; i < nrows; ++i) if (gids[i] >= 0 && v->ok(i)) ++n_[static_cast<size_t>(gids[i])];
      return;
    }
    // min/max/first/last of strings: compared as strings, once per row.
    for (size_t i = 0; i < nrows; ++i) {
      if (gids[i] < 0 || !v->ok(i)) continue;
      const std::string_view e = v->dict->at(static_cast<uint64_t>(v->as<int32_t>()[v->at(i)]));
      take(static_cast<size_t>(gids[i]), 0, &e);
    }
    return;
  }
  uint64_t bits;
  for (size_t i = 0; i < nrows; ++i) {
    if (gids[i] < 0 || !value_bits(*v, i, &bits)) continue;
    const size_t g = static_cast<size_t>(gids[i]);
    switch (fn_) {
      case AggFn::Count: ++n_[g]; break;
      case AggFn::Sum:
        if (input_ == T::Float64) add(g, as_double(input_, bits));
        else si_[g] = static_cast<int64_t>(static_cast<uint64_t>(si_[g]) + bits);
        break;
      case AggFn::Mean:
        ++n_[g];
        add(g, as_double(input_, bits));
        break;
      default: take(g, bits, nullptr); break;
    }
  }
}

void AggState::merge(const TableView& p, size_t first, const int32_t* gids) {
  if (first + state_columns() > p.ncols()) bad("a partial result has too few columns");
  const size_t rows = static_cast<size_t>(p.nrows());
  auto col = [&](size_t k, T want) -> const ColumnView& {
    const ColumnView& c = p.column(first + k);
    if (c.type != want) bad("a partial result's state column has another type than planned");
    return c;
  };
  switch (fn_) {
    case AggFn::Count:
    case AggFn::Size: {
      const int64_t* n = col(0, T::Int64).i64();
      for (size_t i = 0; i < rows; ++i) if (gids[i] >= 0) n_[static_cast<size_t>(gids[i])] += n[i];
      return;
    }
    case AggFn::Sum:
      if (input_ != T::Float64) {
        const int64_t* s = col(0, T::Int64).i64();
        for (size_t i = 0; i < rows; ++i)
          if (gids[i] >= 0) si_[static_cast<size_t>(gids[i])] = static_cast<int64_t>(static_cast<uint64_t>(si_[static_cast<size_t>(gids[i])]) + static_cast<uint64_t>(s[i]));
        return;
      }
      [[fallthrough]];
    case AggFn::Mean: {
      const bool mean = fn_ == AggFn::Mean;
      const int64_t* n = mean ? col(0, T::Int64).i64() : nullptr;
      const double* s = col(mean ? 1 : 0, T::Float64).f64();
      const double* c = col(mean ? 2 : 1, T::Float64).f64();
      for (size_t i = 0; i < rows; ++i) {
        if (gids[i] < 0) continue;
        const size_t g = static_cast<size_t>(gids[i]);
        if (mean) n_[g] += n[i];
        add(g, s[i]);
        c_[g] += c[i];
      }
      return;
    }
    case AggFn::Var:
    case AggFn::Std: {
      const int64_t* n = col(0, T::Int64).i64();
      const double* mean = col(1, T::Float64).f64();
      const double* m2 = col(2, T::Float64).f64();
      for (size_t i = 0; i < rows; ++i)
        if (gids[i] >= 0) chan_merge(n_[static_cast<size_t>(gids[i])], mean_[static_cast<size_t>(gids[i])], m2_[static_cast<size_t>(gids[i])], n[i], mean[i], m2[i]);
      return;
    }
    default: {
      const ColumnView& c = col(0, input_);
      const Vec v = view_column(c, rows);
      uint64_t bits;
      for (size_t i = 0; i < rows; ++i) {
        if (gids[i] < 0) continue;
        if (input_ == T::String) {
          if (!v.ok(i)) continue;
          const std::string_view e = c.dict_entry(static_cast<uint64_t>(c.codes()[i]));
          take(static_cast<size_t>(gids[i]), 0, &e);
        } else if (value_bits(v, i, &bits)) {
          take(static_cast<size_t>(gids[i]), bits, nullptr);
        }
      }
      return;
    }
  }
}

void AggState::write_state(std::vector<OwnedColumn>& out, const std::string& prefix, const std::vector<uint32_t>& order) const {
  switch (fn_) {
    case AggFn::Count:
    case AggFn::Size: out.push_back(int_column(prefix + "n", order, n_)); return;
    case AggFn::Sum:
      if (input_ != T::Float64) {
        out.push_back(int_column(prefix + "s", order, si_));
        return;
      }
      out.push_back(float_column(prefix + "s", order, s_));
      out.push_back(float_column(prefix + "c", order, c_));
      return;
    case AggFn::Mean:
      out.push_back(int_column(prefix + "n", order, n_));
      out.push_back(float_column(prefix + "s", order, s_));
      out.push_back(float_column(prefix + "c", order, c_));
      return;
    case AggFn::Var:
    case AggFn::Std:
      out.push_back(int_column(prefix + "n", order, n_));
      out.push_back(float_column(prefix + "mean", order, mean_));
      out.push_back(float_column(prefix + "m2", order, m2_));
      return;
    default: out.push_back(column_of(prefix + "v", input_, order, &v_, &sv_, &has_)); return;
  }
}

OwnedColumn AggState::finish(const std::string& name, const std::vector<uint32_t>& order) const {
  std::vector<double> r;
  switch (fn_) {
    case AggFn::Count:
    case AggFn::Size: return int_column(name, order, n_);
    case AggFn::Sum:
      if (input_ != T::Float64) return int_column(name, order, si_);
      r.resize(s_.size());
      for (size_t g = 0; g < r.size(); ++g) r[g] = s_[g] + c_[g];
      return float_column(name, order, r);
    case AggFn::Mean:
      r.resize(s_.size());
      for (size_t g = 0; g < r.size(); ++g) r[g] = n_[g] ? (s_[g] + c_[g]) / static_cast<double>(n_[g]) : kNaN;
      return float_column(name, order, r);
    case AggFn::Var:
    case AggFn::Std:
      r.resize(m2_.size());
      for (size_t g = 0; g < r.size(); ++g) {
        const double var = n_[g] > 1 ? m2_[g] / static_cast<double>(n_[g] - 1) : kNaN;
        r[g] = fn_ == AggFn::Std ? std::sqrt(var) : var;
      }
      return float_column(name, order, r);
    default: return column_of(name, input_, order, &v_, &sv_, &has_);
  }
}

}  // namespace tessera::table
