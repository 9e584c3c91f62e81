// Node-API bindings: each function converts its arguments, calls the core, converts the result.
// No logic lives here. The addon is context-aware, so it loads in the main thread and in every
// worker thread; the store, files, programs and writers are process-wide and shared by all.
#include <napi.h>

#include <algorithm>
#include <cstring>

#include "binding/convert.h"
#include "binding/hdf5_convert.h"
#include "binding/parquet_convert.h"
#include "binding/table_convert.h"
#include "csv/dialect.h"
#include "hdf5/hdf5_plan.h"
#include "hdf5/hdf5_writer.h"
#include "zarr/zarr_writer.h"
#include "csv/row_scan.h"
#include "csv/sniff.h"
#include "io/decompress.h"
#include "io/mapped_file.h"
#include "io/mapped_guard.h"
#include "io/npy_header.h"
#include "io/npy_writer.h"
#include "io/read_file.h"
#include "io/table_output.h"
#include "kernels/op_table.h"
#include "kernels/philox.h"
#include "kernels/program_registry.h"
#include "parquet/parquet_plan.h"
#include "store/chunk_store.h"
#include "store/process_memory.h"
#include "table/table_view.h"
#include "store/spill.h"
#include "tasks/registry.h"
#include "tasks/string_tables.h"
#include "text/word_counts.h"

namespace tessera::binding {

namespace {

template <class F> Napi::Value guarded(const Napi::CallbackInfo& info, F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    throw_js(info.Env(), e);
  } catch (const std::bad_alloc&) {
    throw_js(info.Env(), Error("OUT_OF_MEMORY", "out of memory", "use smaller chunks or a lower --memory-limit"));
  }
}

Napi::Object arg_object(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsObject()) throw Error("BAD_ARGUMENT", "expected an object argument", "");
  return info[i].As<Napi::Object>();
}

double arg_number(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Error("BAD_ARGUMENT", "expected a number argument", "");
  return info[i].As<Napi::Number>().DoubleValue();
}

std::string arg_string(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || !info[i].IsString()) throw Error("BAD_ARGUMENT", "expected a string argument", "");
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Value SimdLevel(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return Napi::String::New(info.Env(), op_table().name); });
}

Napi::Value SimdLevels(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return Napi::String::New(info.Env(), supported_simd_levels()); });
}

Napi::Value SetSimdLevel(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    set_simd_level(arg_string(info, 0).c_str());
    return info.Env().Undefined();
  });
}

Napi::Value RegisterProgram(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return Napi::Number::New(info.Env(), ProgramRegistry::instance().add(to_program(arg_object(info, 0))));
  });
}

Napi::Value DropProgram(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ProgramRegistry::instance().remove(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// The first `count` arguments must be Float64Arrays; `usage` is the error's message.
void expect_float64_arrays(const Napi::CallbackInfo& info, size_t count, const char* usage) {
  for (size_t k = 0; k < count; ++k)
    if (info.Length() <= k || !info[k].IsTypedArray() || info[k].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      throw Error("BAD_ARGUMENT", usage, "");
}

// The job's string table a task call names (optional trailing argument: its id from openStrings).
std::shared_ptr<const StringTable> arg_strings(const Napi::CallbackInfo& info, size_t i) {
  if (info.Length() <= i || info[i].IsUndefined() || (info[i].IsNumber() && info[i].As<Napi::Number>().DoubleValue() == 0)) return nullptr;
  return StringTables::instance().get(static_cast<int>(arg_number(info, i)));
}

// runEncoded(spec, ids, fileIds, out: Float64Array(3), strings?: number), the arrays Float64Arrays:
// runs one task on this thread and writes [chunk, bytesIn, bytesOut] into `out` (no object is made
// per task). `strings`: the job's string table (openStrings), for kinds with string fields.
Napi::Value RunEncoded(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    expect_float64_arrays(info, 4, "runEncoded(spec, ids, fileIds, out) takes four Float64Arrays");
    auto spec = info[0].As<Napi::Float64Array>(), ids = info[1].As<Napi::Float64Array>();
    auto files = info[2].As<Napi::Float64Array>(), out = info[3].As<Napi::Float64Array>();
    if (out.ElementLength() < 3) throw Error("BAD_ARGUMENT", "runEncoded: out needs 3 elements", "");
    const auto strings = arg_strings(info, 4);
    TaskResult r = run_encoded(spec.Data(), spec.ElementLength(), ids.Data(), ids.ElementLength(), files.Data(), files.ElementLength(), strings.get());
    out[0] = static_cast<double>(r.chunk);
    out[1] = static_cast<double>(r.bytes_in);
    out[2] = static_cast<double>(r.bytes_out);
    return info.Env().Undefined();
  });
}

// checkEncoded(spec, ids, fileIds, strings?: string[]), Float64Arrays: decodes and checks a task
// without running it; returns its kind's name (tests of the encoder).
Napi::Value CheckEncoded(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    expect_float64_arrays(info, 3, "checkEncoded(spec, ids, fileIds) takes three Float64Arrays");
    auto spec = info[0].As<Napi::Float64Array>(), ids = info[1].As<Napi::Float64Array>(), files = info[2].As<Napi::Float64Array>();
    const bool has_strings = info.Length() > 3 && !info[3].IsUndefined();
    const StringTable strings = has_strings ? to_strings(info[3], "strings") : StringTable{};
    const char* kind = check_encoded(spec.Data(), spec.ElementLength(), ids.Data(), ids.ElementLength(), files.Data(), files.ElementLength(),
                                     has_strings ? &strings : nullptr);
    return Napi::String::New(info.Env(), kind);
  });
}

// openStrings(list: string[]): a job's string table made native; its id. closeStrings(id).
Napi::Value OpenStrings(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    if (info.Length() < 1) throw Error("BAD_ARGUMENT", "openStrings(list) takes an array of strings", "");
    return Napi::Number::New(info.Env(), StringTables::instance().open(to_strings(info[0], "openStrings' list")));
  });
}

Napi::Value CloseStrings(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    StringTables::instance().close(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// sniffCsv(path, opts): the file's separator, header, columns and their types (csv/sniff.h).
Napi::Value SniffCsv(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const std::string path = arg_string(info, 0);
    return from_sniff_result(info.Env(), csv::sniff_csv(path, to_sniff_options(info.Length() > 1 ? info[1] : info.Env().Undefined())));
  });
}

// csvRowStarts(path, { sep, quote, dataOffset }, targets: number[]): per target, the first row
// start at or after it (csv/row_scan.h).
Napi::Value CsvRowStarts(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const std::string path = arg_string(info, 0);
    Napi::Object o = arg_object(info, 1);
    const csv::CsvDialect d = csv::make_dialect(get_string(o, "sep"), o.Get("quote").IsUndefined() ? std::string("\"") : get_string(o, "quote"));
    const int64_t data_offset = get_int(o, "dataOffset", 0);
    if (data_offset < 0) throw Error("BAD_ARGUMENT", "csvRowStarts: dataOffset must not be negative", "");
    if (info.Length() < 3 || !info[2].IsArray()) throw Error("BAD_ARGUMENT", "csvRowStarts: targets must be an array of byte offsets", "");
    Napi::Array a = info[2].As<Napi::Array>();
    std::vector<double> targets(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i) {
      if (!a.Get(i).IsNumber()) throw Error("BAD_ARGUMENT", "csvRowStarts: targets must be numbers", "");
      targets[i] = a.Get(i).As<Napi::Number>().DoubleValue();
    }
    const std::vector<uint64_t> starts = csv::csv_row_starts(path, d, static_cast<uint64_t>(data_offset), targets);
    Napi::Array out = Napi::Array::New(info.Env(), starts.size());
    for (size_t i = 0; i < starts.size(); ++i) out.Set(static_cast<uint32_t>(i), static_cast<double>(starts[i]));
    return out;
  });
}

// parquetPlan(library, paths): each Parquet file's columns and row groups, from its footer
// (parquet/parquet_plan.h); loads DuckDB from `library` on first use.
Napi::Value ParquetPlan(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return from_parquet_plan(info.Env(), parquet::plan_parquet(arg_string(info, 0), to_strings(info.Length() > 1 ? info[1] : info.Env().Undefined(), "paths")));
  });
}

// readTable(id): a copy of a table partition (a Table chunk), validated first (table/table_view.h).
Napi::Value ReadTable(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const table::TableView t = table::TableView::of_chunk(ChunkStore::instance().get_table(static_cast<uint64_t>(arg_number(info, 0))));
    return from_table(info.Env(), t);
  });
}

// putTable(owner, { nrows, columns }): a new table partition of `owner` from the columns' buffers
// (to_table_columns), checked as any reader checks one (BAD_TABLE); its id.
Napi::Value PutTable(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int owner = static_cast<int>(arg_number(info, 0));
    const TableColumns cols = to_table_columns(info.Length() > 1 ? info[1] : info.Env().Undefined());
    table::TableBuilder builder(cols.nrows);
    for (const table::ColumnBuffers& c : cols.columns) builder.add(c);
    std::shared_ptr<Chunk> chunk = builder.build(owner);
    table::TableView::of_chunk(chunk);
    return Napi::Number::New(info.Env(), static_cast<double>(ChunkStore::instance().publish(chunk)));
  });
}

// tableRows(id): a table partition's row count, without copying its columns.
Napi::Value TableRows(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const table::TableView t = table::TableView::of_chunk(ChunkStore::instance().get_table(static_cast<uint64_t>(arg_number(info, 0))));
    return Napi::Number::New(info.Env(), static_cast<double>(t.nrows()));
  });
}

Napi::Value ProcessMemoryNow(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Env env = info.Env();
    tessera::ProcessMemory m = tessera::process_memory();
    Napi::Object o = Napi::Object::New(env);
    o.Set("rssBytes", Napi::Number::New(env, static_cast<double>(m.rss_bytes)));
    o.Set("fileBytes", Napi::Number::New(env, static_cast<double>(m.file_bytes)));
    return o;
  });
}

Napi::Value StoreStats(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Env env = info.Env();
    tessera::StoreStats s = ChunkStore::instance().stats();
    Napi::Object o = Napi::Object::New(env);
    o.Set("currentBytes", Napi::Number::New(env, static_cast<double>(s.current_bytes)));
    o.Set("peakBytes", Napi::Number::New(env, static_cast<double>(s.peak_bytes)));
    o.Set("chunks", Napi::Number::New(env, static_cast<double>(s.chunks)));
    Napi::Object owners = Napi::Object::New(env);
    for (const auto& [id, b] : s.owners) {
      Napi::Object ob = Napi::Object::New(env);
      ob.Set("currentBytes", Napi::Number::New(env, static_cast<double>(b.current)));
      ob.Set("peakBytes", Napi::Number::New(env, static_cast<double>(b.peak)));
      owners.Set(std::to_string(id), ob);
    }
    o.Set("owners", owners);
    return o;
  });
}

Napi::Value ResetPeak(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ChunkStore::instance().reset_peak();
    return info.Env().Undefined();
  });
}

Napi::Value Release(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return Napi::Boolean::New(info.Env(), ChunkStore::instance().release(static_cast<uint64_t>(arg_number(info, 0))));
  });
}

Napi::Value ReleaseOwner(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    int owner = static_cast<int>(arg_number(info, 0));
    int64_t n = ChunkStore::instance().release_owner(owner);
    return Napi::Number::New(info.Env(), static_cast<double>(n));
  });
}

Napi::Value ForgetOwner(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    ChunkStore::instance().forget_owner(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// Copies a (small) chunk out to JS: results only, never a hot path. Arrays only: a bytes chunk is
// refused (NOT_DENSE) rather than passed off as a uint8 array; getBytes reads it.
Napi::Value ReadChunk(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Env env = info.Env();
    auto c = ChunkStore::instance().get_dense(static_cast<uint64_t>(arg_number(info, 0)));
    Napi::Object o = Napi::Object::New(env);
    o.Set("dtype", Napi::String::New(env, dtype_name(c->dtype)));
    o.Set("shape", from_ints(env, c->shape));
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, c->nbytes);
    if (c->nbytes) std::memcpy(buf.Data(), c->data, c->nbytes);
    o.Set("data", buf);
    return o;
  });
}

// Copies bytes from JS into a new chunk (tests and small literal inputs).
Napi::Value PutChunk(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Object o = arg_object(info, 0);
    DType d = get_dtype(o, "dtype");
    std::vector<int64_t> shape = get_ints(o, "shape");
    Napi::Value data = o.Get("data");
    if (!data.IsTypedArray()) throw Error("BAD_ARGUMENT", "data must be a typed array", "");
    Napi::TypedArray ta = data.As<Napi::TypedArray>();
    auto c = ChunkStore::instance().allocate(d, shape, static_cast<int>(get_int(o, "owner", 0)));
    if (ta.ByteLength() != c->nbytes) throw Error("BAD_ARGUMENT", "data length does not match dtype and shape", "");
    std::memcpy(c->data, static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), c->nbytes);
    return Napi::Number::New(info.Env(), static_cast<double>(ChunkStore::instance().publish(c)));
  });
}

// putBytes(owner, data: Uint8Array): copies an opaque payload into a new bytes chunk; its id.
Napi::Value PutBytes(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    int owner = static_cast<int>(arg_number(info, 0));
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw Error("BAD_ARGUMENT", "putBytes(owner, data) takes a Uint8Array", "");
    Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
    return Napi::Number::New(info.Env(), static_cast<double>(ChunkStore::instance().put_bytes(data.Data(), data.ByteLength(), owner)));
  });
}

// A chunk's bytes in a buffer of their own (Electron forbids handing store memory to JS as an
// external buffer).
Napi::Uint8Array copy_of(Napi::Env env, const Chunk& c) {
  Napi::Uint8Array out = Napi::Uint8Array::New(env, c.nbytes);
  if (c.nbytes) std::memcpy(out.Data(), c.data, c.nbytes);
  return out;
}

// getBytes(id): a copy of a bytes chunk's payload.
Napi::Value GetBytes(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return copy_of(info.Env(), *ChunkStore::instance().get_bytes(static_cast<uint64_t>(arg_number(info, 0)))); });
}

// putTableBytes(owner, data: Uint8Array): a table partition's bytes from another process, checked
// (BAD_TABLE) and published as a table chunk of `owner`; its id.
Napi::Value PutTableBytes(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    int owner = static_cast<int>(arg_number(info, 0));
    if (info.Length() < 2 || !info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw Error("BAD_ARGUMENT", "putTableBytes(owner, data) takes a Uint8Array", "");
    Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
    return Napi::Number::New(info.Env(), static_cast<double>(table::publish_table_bytes(data.Data(), data.ByteLength(), owner)));
  });
}

// getTableBytes(id): a copy of a table partition's bytes (to send to another process).
Napi::Value GetTableBytes(const Napi::CallbackInfo& info) {
  return guarded(info, [&] { return copy_of(info.Env(), *ChunkStore::instance().get_table(static_cast<uint64_t>(arg_number(info, 0)))); });
}

// openSpillFile(path): creates a job's spill file (store/spill.h); its handle.
Napi::Value OpenSpillFile(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    if (info.Length() < 1 || !info[0].IsString()) throw Error("BAD_ARGUMENT", "openSpillFile(path) takes a path", "");
    return Napi::Number::New(info.Env(), open_spill_file(info[0].As<Napi::String>().Utf8Value()));
  });
}

// spillChunk(file, id): appends a chunk to a spill file; the caller releases the chunk. Its offset.
Napi::Value SpillChunk(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return Napi::Number::New(info.Env(), static_cast<double>(spill_chunk(static_cast<int>(arg_number(info, 0)), static_cast<uint64_t>(arg_number(info, 1)))));
  });
}

// returnFreeMemory(): the allocator's free memory back to the system (store/spill.h).
Napi::Value ReturnFreeMemory(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return_free_memory();
    return info.Env().Undefined();
  });
}

// unspillChunk(file, offset, owner): a spilled chunk read back into a new chunk of `owner`; its id.
Napi::Value UnspillChunk(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const uint64_t id = unspill_chunk(static_cast<int>(arg_number(info, 0)), static_cast<uint64_t>(arg_number(info, 1)), static_cast<int>(arg_number(info, 2)));
    return Napi::Number::New(info.Env(), static_cast<double>(id));
  });
}

// dropSpilled(file, offset): a spilled chunk no longer needed; its region goes back to the disk.
Napi::Value DropSpilled(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    drop_spilled(static_cast<int>(arg_number(info, 0)), static_cast<uint64_t>(arg_number(info, 1)));
    return info.Env().Undefined();
  });
}

// closeSpillFile(file): closes and removes a spill file.
Napi::Value CloseSpillFile(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    close_spill_file(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// readWordCounts(id): a word-count chunk (text/word_counts.h) as { words, counts }, in its order.
Napi::Value ReadWordCounts(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto c = ChunkStore::instance().get_bytes(static_cast<uint64_t>(arg_number(info, 0)));
    text::WordCounts t;
    t.merge_encoded(c->data, c->nbytes);
    Napi::Env env = info.Env();
    Napi::Array words = Napi::Array::New(env, t.size());
    Napi::Array counts = Napi::Array::New(env, t.size());
    const std::vector<uint64_t> n = t.counts();
    for (size_t i = 0; i < t.size(); ++i) {
      const std::string_view w = t.word(i);
      words.Set(static_cast<uint32_t>(i), Napi::String::New(env, w.data(), w.size()));
      counts.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(n[i])));
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("words", words);
    out.Set("counts", counts);
    return out;
  });
}

// readDecompressed(path, codec, errorPrefix): a compressed file's bytes (io/decompress.h), for
// the bag programs that read compressed text in JS.
Napi::Value ReadDecompressed(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const ReadOnlyFile f(arg_string(info, 0));
    const double codec = arg_number(info, 1);
    if (!(codec >= 1 && codec <= 3)) throw Error("BAD_ARGUMENT", "readDecompressed: codec must be 1 (gzip), 2 (bzip2) or 3 (zstd)", "");
    const std::vector<uint8_t> bytes = decompress(static_cast<Codec>(codec), [&](uint64_t at, uint8_t* out, size_t n) { f.read_at(at, out, n); }, f.size(), f.path(), arg_string(info, 2));
    return Napi::Buffer<uint8_t>::Copy(info.Env(), bytes.data(), bytes.size());
  });
}

// chunkLayout(id): "dense" (an array), "bytes" (a payload) or "table" (a table partition).
Napi::Value ChunkLayoutOf(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto c = ChunkStore::instance().get(static_cast<uint64_t>(arg_number(info, 0)));
    return Napi::String::New(info.Env(), layout_name(c->layout));
  });
}

// openFile(path, [size, mtimeSec, mtimeNsec, keepPages]): maps a file; with the stamp the job
// planned with, a file that differs from it is refused with INPUT_CHANGED. keepPages: the job's
// tasks leave the pages they read mapped (io/mapped_file.h).
Napi::Value OpenFile(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    FileStamp expect;
    if (info.Length() > 1 && info[1].IsNumber()) {
      expect.size = static_cast<int64_t>(arg_number(info, 1));
      expect.mtime_sec = static_cast<int64_t>(arg_number(info, 2));
      expect.mtime_nsec = static_cast<int64_t>(arg_number(info, 3));
    }
    const bool keep_pages = info.Length() > 4 && info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
    int id = FileRegistry::instance().open(arg_string(info, 0), expect, keep_pages);
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("id", Napi::Number::New(info.Env(), id));
    o.Set("size", Napi::Number::New(info.Env(), static_cast<double>(FileRegistry::instance().get(id)->size())));
    return o;
  });
}

Napi::Value CloseFile(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    FileRegistry::instance().close(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// Reads one byte of a mapped file the way a task reads (guarded): for the tests of what a file
// truncated under a mapping does. Throws INPUT_CHANGED when the read faults.
Napi::Value ReadFileByte(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto f = FileRegistry::instance().get(static_cast<int>(arg_number(info, 0)));
    double at = arg_number(info, 1);
    if (!(at >= 0) || at >= static_cast<double>(f->size())) throw Error("BAD_ARGUMENT", "offset outside the mapped file", "");
    struct Read { const uint8_t* p; uint8_t v; } r{f->data() + static_cast<size_t>(at), 0};
    MappedRange range{f->data(), f->size()};
    if (guarded_read([](void* a) { auto* x = static_cast<Read*>(a); x->v = *static_cast<const volatile uint8_t*>(x->p); }, &r, &range, 1) >= 0)
      throw_input_changed(f->path(), "it shrank while it was being read");
    return Napi::Number::New(info.Env(), r.v);
  });
}

Napi::Value ParseNpyHeader(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsTypedArray()) throw Error("BAD_ARGUMENT", "expected header bytes", "");
    Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
    const uint8_t* bytes = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    uint64_t file_size = info.Length() > 1 ? static_cast<uint64_t>(arg_number(info, 1)) : 0;
    size_t need = 0;
    NpyHeader h = parse_npy_header(bytes, ta.ByteLength(), file_size, &need);
    Napi::Object o = Napi::Object::New(env);
    if (need) {
      o.Set("needBytes", Napi::Number::New(env, static_cast<double>(need)));
      return o;
    }
    o.Set("version", Napi::String::New(env, std::to_string(h.major) + "." + std::to_string(h.minor)));
    o.Set("dtype", Napi::String::New(env, dtype_name(h.dtype)));
    o.Set("bigEndian", Napi::Boolean::New(env, h.big_endian));
    o.Set("fortranOrder", Napi::Boolean::New(env, h.fortran_order));
    o.Set("complex", Napi::Boolean::New(env, h.complex));
    o.Set("shape", from_ints(env, h.shape));
    o.Set("dataOffset", Napi::Number::New(env, static_cast<double>(h.data_offset)));
    o.Set("dataBytes", Napi::Number::New(env, static_cast<double>(h.data_bytes)));
    return o;
  });
}

// hdf5Datasets(path): every dataset of an HDF5 file (hdf5/hdf5_plan.h), metadata only.
Napi::Value Hdf5Datasets(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto list = hdf5::list_datasets(arg_string(info, 0));
    Napi::Array out = Napi::Array::New(info.Env(), list.size());
    for (size_t k = 0; k < list.size(); ++k) out.Set(static_cast<uint32_t>(k), from_hdf5_dataset(info.Env(), list[k]));
    return out;
  });
}

// hdf5Dataset(path, name): one dataset, with `chunkIndex` (a Float64Array of address, stored
// size and filter mask per stored chunk, C order of its chunk grid) when it is chunked.
Napi::Value Hdf5Dataset(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    std::vector<double> index;
    auto d = hdf5::describe_dataset(arg_string(info, 0), arg_string(info, 1), &index);
    Napi::Object o = from_hdf5_dataset(info.Env(), d);
    Napi::Float64Array a = Napi::Float64Array::New(info.Env(), index.size());
    std::copy(index.begin(), index.end(), a.Data());
    o.Set("chunkIndex", a);
    return o;
  });
}

// declareWriter({path, dtype, shape, tempPath?, attach?, complex?}): complex writes (re, im) pairs
// along the last axis as numpy's complex dtype; attach writes into the temporary file
// another process opened (a cluster's task hosts, ADR 0029). With {hdf5Dataset, chunks}, the
// output is that dataset of the HDF5 file at `path` (hdf5/hdf5_writer.h); with {zarrArray,
// chunks}, that array of the Zarr store (a folder) at `path` (zarr/zarr_writer.h).
Napi::Value DeclareWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Object o = arg_object(info, 0);
    const bool complex = o.Has("complex") && o.Get("complex").ToBoolean().Value();
    if (o.Has("hdf5Dataset")) {
      return Napi::Number::New(info.Env(), declare_store_writer<hdf5::Hdf5Output>(get_string(o, "path"), get_string(o, "hdf5Dataset"), get_dtype(o, "dtype"),
                                                                        get_ints(o, "shape"), get_ints(o, "chunks"), complex));
    }
    if (o.Has("zarrArray")) {
      return Napi::Number::New(info.Env(), declare_store_writer<zarr::ZarrOutput>(get_string(o, "path"), get_string(o, "zarrArray"), get_dtype(o, "dtype"),
                                                                      get_ints(o, "shape"), get_ints(o, "chunks"), complex));
    }
    std::string temp = o.Has("tempPath") ? get_string(o, "tempPath") : std::string();
    bool attach = o.Has("attach") && o.Get("attach").ToBoolean().Value();
    int id = WriterRegistry::instance().declare(get_string(o, "path"), get_dtype(o, "dtype"), get_ints(o, "shape"), temp, attach, complex);
    return Napi::Number::New(info.Env(), id);
  });
}

// openWriter(id): creates and sizes the output's temporary file now; returns its name.
Napi::Value OpenWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    return Napi::String::New(info.Env(), WriterRegistry::instance().get(static_cast<int>(arg_number(info, 0)))->open());
  });
}

Napi::Value AbortWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    int id = static_cast<int>(arg_number(info, 0));
    WriterRegistry::instance().get(id)->abort();
    WriterRegistry::instance().forget(id);
    return info.Env().Undefined();
  });
}

Napi::Value ForgetWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    WriterRegistry::instance().forget(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// declareTableWriter({path, format, names, types, limit, library}): a CSV or Parquet file for a
// table output, filled by write_table tasks, completed by commit_table and renamed into place by
// publishTableWriter after the run (ADR 0017).
Napi::Value DeclareTableWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Object o = arg_object(info, 0);
    TableOutputSpec s;
    s.path = get_string(o, "path");
    s.format = get_string(o, "format");
    s.columns.names = to_strings(o.Get("names"), "names");
    for (const std::string& t : to_strings(o.Get("types"), "types")) {
      table::ColumnType ct;
      if (t == "timedelta") ct = table::ColumnType::Timedelta;
      else if (!table::column_type_from_name(t, &ct)) throw Error("BAD_ARGUMENT", "unknown column type '" + t + "'", "");
      s.columns.types.push_back(ct);
    }
    const int64_t limit = get_int(o, "limit", -1);
    if (limit >= 0) s.limit = static_cast<uint64_t>(limit);
    s.inline_rows = static_cast<uint64_t>(std::max<int64_t>(0, get_int(o, "inlineRows", 0)));
    if (!o.Get("library").IsUndefined()) s.library = get_string(o, "library");
    return Napi::Number::New(info.Env(), declare_table_output(std::move(s)));
  });
}

Napi::Value AbortTableWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    // An id already forgotten is nothing to abort: an error path must not hide the job's own error.
    const int id = static_cast<int>(arg_number(info, 0));
    if (auto w = table::TableWriterRegistry::instance().find(id)) w->abort();
    table::TableWriterRegistry::instance().forget(id);
    return info.Env().Undefined();
  });
}

// publishTableWriter(id): a committed table output's file renamed into place (after the job).
Napi::Value PublishTableWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    table::TableWriterRegistry::instance().get(static_cast<int>(arg_number(info, 0)))->publish();
    return info.Env().Undefined();
  });
}

// tableWriterRows(id): the rows a table output holds (all of them once committed).
Napi::Value TableWriterRows(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const uint64_t rows = table::TableWriterRegistry::instance().get(static_cast<int>(arg_number(info, 0)))->rows();
    return Napi::Number::New(info.Env(), static_cast<double>(rows));
  });
}

Napi::Value ForgetTableWriter(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    table::TableWriterRegistry::instance().forget(static_cast<int>(arg_number(info, 0)));
    return info.Env().Undefined();
  });
}

// Philox4x32-10 on one counter and key: for the known-answer tests of the generator.
Napi::Value Philox(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    Napi::Object o = arg_object(info, 0);
    std::vector<int64_t> c = get_ints(o, "counter"), k = get_ints(o, "key");
    if (c.size() != 4 || k.size() != 2) throw Error("BAD_ARGUMENT", "counter needs 4 words and key 2", "");
    uint32_t w[4] = {static_cast<uint32_t>(c[0]), static_cast<uint32_t>(c[1]), static_cast<uint32_t>(c[2]), static_cast<uint32_t>(c[3])};
    philox_block(w[0], w[1], w[2], w[3], static_cast<uint32_t>(k[0]), static_cast<uint32_t>(k[1]));
    return from_ints(info.Env(), {w[0], w[1], w[2], w[3]});
  });
}

// Reads every byte of a chunk once: the benchmarks' memory-bandwidth probe. Returns the OR of its
// 64-bit words (so the read cannot be optimised away).
Napi::Value ReadProbe(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    auto c = ChunkStore::instance().get(static_cast<uint64_t>(arg_number(info, 0)));
    uint64_t r = op_table().read_probe(reinterpret_cast<const uint64_t*>(c->data), static_cast<int64_t>(c->nbytes / 8));
    return Napi::Number::New(info.Env(), static_cast<double>(r & 0xffffffff));
  });
}

}  // namespace

class TesseraAddon : public Napi::Addon<TesseraAddon> {
 public:
  TesseraAddon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
        InstanceMethod("simdLevel", &TesseraAddon::Call<SimdLevel>),
        InstanceMethod("simdLevels", &TesseraAddon::Call<SimdLevels>),
        InstanceMethod("setSimdLevel", &TesseraAddon::Call<SetSimdLevel>),
        InstanceMethod("registerProgram", &TesseraAddon::Call<RegisterProgram>),
        InstanceMethod("dropProgram", &TesseraAddon::Call<DropProgram>),
        InstanceMethod("runEncoded", &TesseraAddon::Call<RunEncoded>),
        InstanceMethod("checkEncoded", &TesseraAddon::Call<CheckEncoded>),
        InstanceMethod("openStrings", &TesseraAddon::Call<OpenStrings>),
        InstanceMethod("closeStrings", &TesseraAddon::Call<CloseStrings>),
        InstanceMethod("sniffCsv", &TesseraAddon::Call<SniffCsv>),
        InstanceMethod("csvRowStarts", &TesseraAddon::Call<CsvRowStarts>),
        InstanceMethod("parquetPlan", &TesseraAddon::Call<ParquetPlan>),
        InstanceMethod("readTable", &TesseraAddon::Call<ReadTable>),
        InstanceMethod("tableRows", &TesseraAddon::Call<TableRows>),
        InstanceMethod("putTable", &TesseraAddon::Call<PutTable>),
        InstanceMethod("storeStats", &TesseraAddon::Call<StoreStats>),
        InstanceMethod("processMemory", &TesseraAddon::Call<ProcessMemoryNow>),
        InstanceMethod("resetPeak", &TesseraAddon::Call<ResetPeak>),
        InstanceMethod("release", &TesseraAddon::Call<Release>),
        InstanceMethod("releaseOwner", &TesseraAddon::Call<ReleaseOwner>),
        InstanceMethod("forgetOwner", &TesseraAddon::Call<ForgetOwner>),
        InstanceMethod("readChunk", &TesseraAddon::Call<ReadChunk>),
        InstanceMethod("putChunk", &TesseraAddon::Call<PutChunk>),
        InstanceMethod("putBytes", &TesseraAddon::Call<PutBytes>),
        InstanceMethod("getBytes", &TesseraAddon::Call<GetBytes>),
        InstanceMethod("putTableBytes", &TesseraAddon::Call<PutTableBytes>),
        InstanceMethod("getTableBytes", &TesseraAddon::Call<GetTableBytes>),
        InstanceMethod("openSpillFile", &TesseraAddon::Call<OpenSpillFile>),
        InstanceMethod("spillChunk", &TesseraAddon::Call<SpillChunk>),
        InstanceMethod("unspillChunk", &TesseraAddon::Call<UnspillChunk>),
        InstanceMethod("dropSpilled", &TesseraAddon::Call<DropSpilled>),
        InstanceMethod("closeSpillFile", &TesseraAddon::Call<CloseSpillFile>),
        InstanceMethod("returnFreeMemory", &TesseraAddon::Call<ReturnFreeMemory>),
        InstanceMethod("chunkLayout", &TesseraAddon::Call<ChunkLayoutOf>),
        InstanceMethod("readWordCounts", &TesseraAddon::Call<ReadWordCounts>),
        InstanceMethod("readDecompressed", &TesseraAddon::Call<ReadDecompressed>),
        InstanceMethod("openFile", &TesseraAddon::Call<OpenFile>),
        InstanceMethod("closeFile", &TesseraAddon::Call<CloseFile>),
        InstanceMethod("readFileByte", &TesseraAddon::Call<ReadFileByte>),
        InstanceMethod("parseNpyHeader", &TesseraAddon::Call<ParseNpyHeader>),
        InstanceMethod("declareWriter", &TesseraAddon::Call<DeclareWriter>),
        InstanceMethod("hdf5Datasets", &TesseraAddon::Call<Hdf5Datasets>),
        InstanceMethod("hdf5Dataset", &TesseraAddon::Call<Hdf5Dataset>),
        InstanceMethod("openWriter", &TesseraAddon::Call<OpenWriter>),
        InstanceMethod("abortWriter", &TesseraAddon::Call<AbortWriter>),
        InstanceMethod("forgetWriter", &TesseraAddon::Call<ForgetWriter>),
        InstanceMethod("declareTableWriter", &TesseraAddon::Call<DeclareTableWriter>),
        InstanceMethod("abortTableWriter", &TesseraAddon::Call<AbortTableWriter>),
        InstanceMethod("forgetTableWriter", &TesseraAddon::Call<ForgetTableWriter>),
        InstanceMethod("tableWriterRows", &TesseraAddon::Call<TableWriterRows>),
        InstanceMethod("publishTableWriter", &TesseraAddon::Call<PublishTableWriter>),
        InstanceMethod("philox", &TesseraAddon::Call<Philox>),
        InstanceMethod("readProbe", &TesseraAddon::Call<ReadProbe>),
    });
  }

 private:
  template <Napi::Value (*F)(const Napi::CallbackInfo&)> Napi::Value Call(const Napi::CallbackInfo& info) { return F(info); }
};

}  // namespace tessera::binding

using TesseraAddon = tessera::binding::TesseraAddon;
NODE_API_ADDON(TesseraAddon)
