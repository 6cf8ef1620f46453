// Deflate and inflate in the zlib format (what PDF's FlateDecode holds),
// through libdeflate: whole-buffer coding only, which is all a PDF stream
// needs, at several times zlib's speed both ways (the release PDF's streams
// are deflated once and inflated again by verification, for every document).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct libdeflate_compressor;
struct libdeflate_decompressor;

namespace declass::render::detail {

/// A compressor kept for many streams (its state is allocated once).
/// Output depends only on the input, the level and the libdeflate version.
class Deflater {
 public:
  /// `level`: 1 (fastest) to 12 (smallest).
  explicit Deflater(int level);
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// `data` in the zlib format; the view is valid until the next call.
  /// Empty if libdeflate fails (the caller fails the document).
  std::string_view operator()(std::string_view data);

 private:
  libdeflate_compressor* c_;
  std::string buffer_;
};

/// `data` deflated at `level` into a new string (empty on failure).
std::string deflate(std::string_view data, int level);

/// Inflates the zlib data `in` into `out`. True only for one complete zlib
/// stream with a correct checksum, followed by at most `max_trailing` bytes
/// (a PDF writer's line break before `endstream`), inflating to at most
/// `max_out` bytes.
bool inflate(std::string_view in, size_t max_trailing, size_t max_out, std::string* out);

}  // namespace declass::render::detail
