#include "csv_parser.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <fast_float/fast_float.h>
#include <limits>

#include "../common/error.h"
#include "../table/table_builder.h"
#include "csv_column_values.h"
#include "values.h"

namespace tessera::csv {

using table::ColumnType;

namespace {

// keep[r] &= v[r] op literal for r < rows, the operator chosen once for the loop.
template <class T>
void keep_where(table::Compare op, const T* v, T literal, uint8_t* keep, size_t rows) {
  using table::Compare;
  switch (op) {
    case Compare::Eq: for (size_t r = 0; r < rows; ++r) keep[r] &= v[r] == literal; break;
    case Compare::Lt: for (size_t r = 0; r < rows; ++r) keep[r] &= v[r] < literal; break;
    case Compare::Le: for (size_t r = 0; r < rows; ++r) keep[r] &= v[r] <= literal; break;
    case Compare::Gt: for (size_t r = 0; r < rows; ++r) keep[r] &= v[r] > literal; break;
    case Compare::Ge: for (size_t r = 0; r < rows; ++r) keep[r] &= v[r] >= literal; break;
    case Compare::NotNull: break;
  }
}

}  // namespace

CsvPartitionParser::CsvPartitionParser(CsvParseOptions opts, CsvErrorContext errors)
    : opts_(std::move(opts)), errors_(std::move(errors)), na_(opts_.na_values) {
  if (opts_.nfields == 0) throw Error("BAD_ARGUMENT", "a CSV partition needs its rows' field count", "");
  by_field_.assign(opts_.nfields, nullptr);
  for (const CsvColumn& spec : opts_.columns) {
    if (spec.index >= opts_.nfields) throw Error("BAD_ARGUMENT", "column '" + spec.name + "' is field " + std::to_string(spec.index) + " of rows with " + std::to_string(opts_.nfields), "");
    if (by_field_[spec.index]) throw Error("BAD_ARGUMENT", "field " + std::to_string(spec.index) + " is asked for twice", "");
    auto c = std::make_unique<Column>();
    c->spec = spec;
    // Values are read first and missing values looked up only for text that is no value, unless a
    // missing-value string is itself a value of this type ("-999" for numbers; NaN is a missing
    // value either way).
    for (const std::string& v : na_.values()) {
      const auto* p = reinterpret_cast<const uint8_t*>(v.data());
      int64_t i;
      double f;
      uint8_t b;
      switch (spec.type) {
        case ColumnType::Int64: c->check_na_first |= parse_int64(p, v.size(), &i); break;
        case ColumnType::Float64: c->check_na_first |= parse_float64(p, v.size(), &f) && !std::isnan(f); break;
        case ColumnType::Bool: c->check_na_first |= parse_bool(p, v.size(), &b); break;
        case ColumnType::Timestamp: c->check_na_first |= parse_timestamp(p, v.size(), &i); break;
        default: break;
      }
    }
    if (spec.type == ColumnType::String) c->dict = std::make_unique<StringDict>(na_);
    by_field_[spec.index] = c.get();
    cols_.push_back(std::move(c));
  }
  for (const table::ReadTerm& t : opts_.where) {
    if (t.column >= cols_.size()) throw Error("BAD_ARGUMENT", "a filter term names column " + std::to_string(t.column) + " of " + std::to_string(cols_.size()), "");
    terms_.push_back(Term{cols_[t.column].get(), t.op, t.op == table::Compare::NotNull ? table::Literal{} : table::parse_literal(cols_[t.column]->spec.type, t.literal), {}});
  }
  delim_[opts_.dialect.sep] = delim_['\n'] = delim_['\r'] = true;
  // A separator that can appear inside a number ("1.5" with sep '.') would be read as part of it.
  const uint8_t s = opts_.dialect.sep;
  fused_numbers_ = !(is_digit(s) || std::strchr("+-.eEiInNfFaAtTyY", s));
}

CsvPartitionParser::~CsvPartitionParser() = default;

// Eight bytes at a time (SWAR): a byte equal to the separator, \n or \r becomes zero after the
// xor, and the lowest zero byte is found exactly by the borrow trick (false hits can only appear
// above a true one). Fields are short, so this beats both a byte loop and SIMD set-up.
const uint8_t* CsvPartitionParser::field_end(const uint8_t* p, const uint8_t* end) const {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t sep = kOnes * opts_.dialect.sep, nl = kOnes * '\n', cr = kOnes * '\r';
  auto zero_bytes = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t m = zero_bytes(w ^ sep) | zero_bytes(w ^ nl) | zero_bytes(w ^ cr);
    if (m) return p + (__builtin_ctzll(m) >> 3);
    p += 8;
  }
  while (p < end && !delim_[*p]) ++p;
  return p;
}

void CsvPartitionParser::null(Column& c) {
  if (!c.has_null) {
    c.valid.assign(c.size(), 1);
    c.has_null = true;
  }
  c.valid.push_back(0);
  switch (c.spec.type) {
    case ColumnType::Float64: c.f64.push_back(std::numeric_limits<double>::quiet_NaN()); break;
    case ColumnType::Bool: c.u8.push_back(0); break;
    case ColumnType::String: c.codes.push_back(0); break;
    default: c.i64.push_back(0); break;
  }
}

// p is at an opening quote. Sets the field's text (into the buffer, or into scratch_ when doubled
// quotes had to be undone or text followed the closing quote) and returns where the field ends.
const uint8_t* CsvPartitionParser::quoted(const uint8_t* p, const uint8_t* end, const std::string& name, size_t field, const uint8_t** text, size_t* n) {
  const uint8_t q = static_cast<uint8_t>(opts_.dialect.quote);
  const uint8_t* run = p + 1;  // the text not yet copied to scratch_
  const uint8_t* s = run;
  bool copied = false;
  for (;;) {
    const void* hit = s < end ? std::memchr(s, q, static_cast<size_t>(end - s)) : nullptr;
    if (!hit) throw_unterminated_quote(errors_, offset_of(p), name, field);
    const uint8_t* c = static_cast<const uint8_t*>(hit);
    if (c + 1 < end && c[1] == q) {  // "" is one quote
      if (!copied) scratch_.clear();
      scratch_.insert(scratch_.end(), run, c + 1);
      copied = true;
      s = run = c + 2;
      continue;
    }
    const uint8_t* after = c + 1;
    const uint8_t* fe = field_end(after, end);
    if (!copied && fe == after) {
      *text = p + 1;
      *n = static_cast<size_t>(c - (p + 1));
      return after;
    }
    if (!copied) scratch_.clear();
    scratch_.insert(scratch_.end(), run, c);
    scratch_.insert(scratch_.end(), after, fe);  // pandas keeps what follows the closing quote
    *text = scratch_.data();
    *n = scratch_.size();
    return fe;
  }
}

const uint8_t* CsvPartitionParser::skip_field(const uint8_t* p, const uint8_t* end, size_t field) {
  if (p < end && static_cast<int>(*p) == opts_.dialect.quote) {
    const uint8_t* text;
    size_t n;
    return quoted(p, end, std::string(), field, &text, &n);
  }
  return field_end(p, end);
}

void CsvPartitionParser::convert(Column& c, const uint8_t* text, size_t n, const uint8_t* at) {
  if (c.spec.type == ColumnType::String) {
    const int32_t code = c.dict->code(text, n);
    if (code == StringDict::kNull) return null(c);
    if (code == StringDict::kInvalidUtf8) throw_invalid_utf8(errors_, offset_of(at), c.spec.name, c.spec.index + 1);
    c.codes.push_back(code);
    return c.ok();
  }
  if (c.check_na_first && na_.contains(text, n)) return null(c);
  bool good = false;
  switch (c.spec.type) {
    case ColumnType::Int64: {
      int64_t v;
      if ((good = parse_int64(text, n, &v))) c.i64.push_back(v);
      break;
    }
    case ColumnType::Float64: {
      double v;
      // NaN text ("nan", "NaN") is a value only when it is not a missing-value string.
      if ((good = parse_float64(text, n, &v) && !(std::isnan(v) && na_.contains(text, n)))) c.f64.push_back(v);
      break;
    }
    case ColumnType::Bool: {
      uint8_t v;
      if ((good = parse_bool(text, n, &v))) c.u8.push_back(v);
      break;
    }
    case ColumnType::Timestamp: {
      int64_t v;
      if ((good = parse_timestamp(text, n, &v))) c.i64.push_back(v);
      break;
    }
    default: break;
  }
  if (!good && !c.check_na_first && na_.contains(text, n)) return null(c);
  if (!good) throw_bad_value(errors_, offset_of(at), c.spec.name, c.spec.index + 1, table::column_type_name(c.spec.type), text, n);
  c.ok();
}

const uint8_t* CsvPartitionParser::parse_field(Column& c, const uint8_t* p, const uint8_t* end) {
  if (p < end && static_cast<int>(*p) == opts_.dialect.quote) {
    const uint8_t* text;
    size_t n;
    const uint8_t* next = quoted(p, end, c.spec.name, c.spec.index + 1, &text, &n);
    convert(c, text, n, p);
    return next;
  }
  // The common case, read in place: a plain integer or float that ends at a separator or line end.
  if (fused_numbers_ && !c.check_na_first) {
    if (c.spec.type == ColumnType::Int64) {
      int64_t v;
      const uint8_t* q = plain_int(p, end, &v);
      if (q && (q == end || delim_[*q])) {
        c.i64.push_back(v);
        c.ok();
        return q;
      }
    } else if (c.spec.type == ColumnType::Float64) {
      double v;
      const auto r = fast_float::from_chars(reinterpret_cast<const char*>(p), reinterpret_cast<const char*>(end), v);
      const auto* q = reinterpret_cast<const uint8_t*>(r.ptr);
      if (r.ec == std::errc() && q != p && (q == end || delim_[*q]) && !std::isnan(v)) {  // NaN: maybe a missing value
        c.f64.push_back(v);
        c.ok();
        return q;
      }
    }
  }
  const uint8_t* q = field_end(p, end);
  convert(c, p, static_cast<size_t>(q - p), p);
  return q;
}

void CsvPartitionParser::parse(const uint8_t* buf, size_t n, uint64_t offset) {
  buf_ = buf;
  offset_ = offset;
  if (!(opts_.columnwise && parse_plain_block(buf, n))) parse_rows(buf, n);
  parsed_bytes_ += n;
  if (!reserved_) reserve_for_expected();
}

void CsvPartitionParser::parse_rows(const uint8_t* buf, size_t n) {
  const uint8_t* p = buf;
  const uint8_t* const end = buf + n;
  const uint8_t sep = opts_.dialect.sep;
  const size_t nfields = opts_.nfields;
  while (p < end) {
    // Empty lines and lines of only spaces and tabs are skipped (pandas' skip_blank_lines).
    const uint8_t first = *p;
    if (is_line_end(first) || ((first == ' ' || first == '\t') && first != sep)) {
      const uint8_t* q = p;
      while (q < end && (*q == ' ' || *q == '\t') && *q != sep) ++q;
      if (q == end || is_line_end(*q)) {
        p = q;
        if (p < end && *p++ == '\r' && p < end && *p == '\n') ++p;
        continue;
      }
    }
    const uint8_t* row = p;
    size_t f = 0;
    for (;;) {
      Column* c = f < nfields ? by_field_[f] : nullptr;
      p = c ? parse_field(*c, p, end) : skip_field(p, end, f + 1);
      if (p < end && *p == sep) {
        ++p;
        ++f;
        continue;
      }
      break;
    }
    if (f + 1 != nfields) throw_ragged_row(errors_, offset_of(row), nfields, f + 1);
    if (p < end && *p++ == '\r' && p < end && *p == '\n') ++p;  // the line end
    uint8_t keep = 1;
    if (!terms_.empty()) keep_rows(nrows_, 1, &keep);
    if (keep) ++nrows_;
    else drop_row();
  }
}

// keep[r]: the values base + r of the terms' columns pass every term, a column at a time (the
// row-by-row parse asks for one row, the column-wise one for a block). A null fails every term
// (notna included) and a NaN every comparison, as in pandas; strings compare as bytes, as UTF-8
// orders code points. A string term is decided once per dictionary entry, then looked up by code.
void CsvPartitionParser::keep_rows(size_t base, size_t rows, uint8_t* keep) {
  std::fill(keep, keep + rows, uint8_t{1});
  for (Term& t : terms_) {
    const Column& c = *t.column;
    if (c.has_null) {
      const uint8_t* valid = c.valid.data() + base;
      for (size_t r = 0; r < rows; ++r) keep[r] &= valid[r];
    }
    switch (c.spec.type) {
      case ColumnType::Float64: keep_where(t.op, c.f64.data() + base, t.value.f, keep, rows); break;
      case ColumnType::Bool: {
        if (t.op == table::Compare::NotNull) break;
        const uint8_t* v = c.u8.data() + base;
        for (size_t r = 0; r < rows; ++r) keep[r] &= table::compare(t.op, int64_t{v[r]}, t.value.i);
        break;
      }
      case ColumnType::String: {
        if (t.op == table::Compare::NotNull) break;
        const auto& off = c.dict->offsets();
        const auto* bytes = reinterpret_cast<const char*>(c.dict->bytes().data());
        // One entry more than the dictionary: a null's code is 0 even when it is empty.
        std::vector<uint8_t>& decided = t.code_passes;
        const size_t known = decided.empty() ? 0 : decided.size() - 1;
        decided.resize(c.dict->count() + 1, 0);
        for (size_t k = known; k < c.dict->count(); ++k)
          decided[k] = table::compare(t.op, std::string_view(bytes + off[k], off[k + 1] - off[k]), std::string_view(t.value.s));
        const int32_t* codes = c.codes.data() + base;
        for (size_t r = 0; r < rows; ++r) keep[r] &= decided[static_cast<size_t>(codes[r])];  // a null's code 0 is masked above
        break;
      }
      default: keep_where(t.op, c.i64.data() + base, t.value.i, keep, rows); break;
    }
  }
}

// Takes back the values the last row pushed (its dictionary strings stay: they are harmless).
void CsvPartitionParser::drop_row() {
  for (auto& c : cols_) c->truncate(nrows_);
}

void CsvPartitionParser::reserve_for_expected() {
  reserved_ = true;
  if (!nrows_ || expected_bytes_ <= parsed_bytes_) return;
  // The rows of the whole range at this buffer's bytes per row, and a little more.
  const double rows = static_cast<double>(nrows_) * static_cast<double>(expected_bytes_) / static_cast<double>(parsed_bytes_) * 1.05 + 16;
  if (rows > 1e10) return;
  const size_t want = static_cast<size_t>(rows);
  for (auto& c : cols_) {
    switch (c->spec.type) {
      case ColumnType::Float64: c->f64.reserve(want); break;
      case ColumnType::Bool: c->u8.reserve(want); break;
      case ColumnType::String: c->codes.reserve(want); break;
      default: c->i64.reserve(want); break;
    }
    if (c->has_null) c->valid.reserve(want);
  }
}

table::TableBuilder CsvPartitionParser::table() const {
  table::TableBuilder t(nrows_);
  for (const auto& c : cols_) {
    table::ColumnBuffers b;
    b.name = c->spec.name;
    b.type = c->spec.type;
    switch (c->spec.type) {
      case ColumnType::Float64: b.data = c->f64.data(); break;
      case ColumnType::Bool: b.data = c->u8.data(); break;
      case ColumnType::String:
        b.data = c->codes.data();
        b.dict_count = c->dict->count();
        b.dict_offsets = c->dict->offsets().data();
        b.dict_bytes = c->dict->bytes().data();
        break;
      default: b.data = c->i64.data(); break;
    }
    b.validity = c->has_null ? c->valid.data() : nullptr;
    t.add(std::move(b));
  }
  return t;
}

size_t CsvPartitionParser::table_size() const { return table().size(); }

void CsvPartitionParser::write_table(uint8_t* out) const { table().write(out); }

std::shared_ptr<Chunk> CsvPartitionParser::build(int owner) const { return table().build(owner); }

}  // namespace tessera::csv
