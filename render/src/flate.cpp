#include "flate.h"

#include <libdeflate.h>

#include <algorithm>
#include <memory>
#include <new>

namespace declass::render::detail {

Deflater::Deflater(int level) : c_(libdeflate_alloc_compressor(level)) {
  if (c_ == nullptr) throw std::bad_alloc();
}

Deflater::~Deflater() {
  libdeflate_free_compressor(c_);
}

std::string_view Deflater::operator()(std::string_view data) {
  const size_t bound = libdeflate_zlib_compress_bound(c_, data.size());
  if (buffer_.size() < bound) buffer_.resize(bound);
  const size_t n = libdeflate_zlib_compress(c_, data.data(), data.size(), buffer_.data(), bound);
  return {buffer_.data(), n};  // n == 0: failed
}

std::string deflate(std::string_view data, int level) {
  Deflater d(level);
  return std::string(d(data));
}

bool inflate(std::string_view in, size_t max_trailing, size_t max_out, std::string* out) {
  // One decompressor per thread: allocating one costs more than inflating a
  // small content stream.
  struct Decompressor {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Decompressor() { libdeflate_free_decompressor(d); }
  };
  thread_local Decompressor tls;
  if (tls.d == nullptr) return false;
  // libdeflate needs room for the whole output. It goes into a per-thread
  // buffer that keeps its size (no zero-filling, and most streams fit the
  // first time), doubled until the output fits or max_out is reached.
  thread_local std::unique_ptr<char[]> buffer;
  thread_local size_t capacity = 0;
  auto trim = [] {  // an unusually large stream's room is not kept
    if (capacity > (size_t{1} << 22)) {
      buffer.reset();
      capacity = 0;
    }
  };
  size_t room = std::min(max_out, std::max<size_t>({in.size() * 8, size_t{1} << 16, capacity}));
  for (;;) {
    if (room > capacity) {
      buffer = std::make_unique_for_overwrite<char[]>(room);
      capacity = room;
    }
    size_t used_in = 0;
    size_t produced = 0;
    const libdeflate_result r = libdeflate_zlib_decompress_ex(
        tls.d, in.data(), in.size(), buffer.get(), room, &used_in, &produced);
    if (r == LIBDEFLATE_SUCCESS) {
      out->assign(buffer.get(), produced);
      trim();
      return in.size() - used_in <= max_trailing;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE || room >= max_out) {
      out->clear();
      trim();
      return false;
    }
    room = std::min(max_out, room * 2);
  }
}

}  // namespace declass::render::detail
