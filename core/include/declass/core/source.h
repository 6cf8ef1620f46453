// The bytes of one input, decoded to UTF-8 with LF line ends, and the map from
// every offset back to line:column and to the byte offset in the original file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace declass::core {

/// A half-open byte range [begin, end) into Source::text().
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;

  uint32_t size() const { return end - begin; }
  bool empty() const { return begin >= end; }
  bool contains(uint32_t offset) const { return offset >= begin && offset < end; }
  friend bool operator==(const Span&, const Span&) = default;
};

/// 1-based line and column. Columns count Unicode code points, as editors show them.
struct Position {
  uint32_t line = 1;
  uint32_t column = 1;
  friend bool operator==(const Position&, const Position&) = default;
};

/// How the original bytes were turned into UTF-8.
enum class Encoding : uint8_t {
  kUtf8,         ///< valid UTF-8 (a leading BOM is dropped)
  kWindows1252,  ///< not UTF-8: decoded as Windows-1252 (Latin-1 plus 0x80-0x9F), with a warning
};

/// One decoded input. Immutable once built; cheap to share by const reference.
class Source {
 public:
  Source() = default;

  /// Builds a Source from text that is already valid UTF-8 with LF line ends
  /// (tests, fuzzers). Offsets map 1:1 to the original.
  static Source from_utf8(std::string path, std::string text);

  const std::string& path() const { return path_; }
  /// The decoded text: UTF-8, LF line ends. Spans index into this.
  std::string_view text() const { return text_; }
  std::string_view slice(Span s) const { return std::string_view(text_).substr(s.begin, s.size()); }
  Encoding encoding() const { return encoding_; }
  /// True if CR or CRLF line ends were normalised to LF.
  bool had_cr() const { return had_cr_; }
  /// Size in bytes of the original input.
  uint64_t original_size() const { return original_size_; }

  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }
  /// Offset of the first byte of 1-based line `line`.
  uint32_t line_start(uint32_t line) const { return line_starts_[line - 1]; }
  /// The text of 1-based line `line`, without its LF.
  std::string_view line_text(uint32_t line) const;
  /// 1-based line containing `offset` (offset == text().size() is on the last line).
  uint32_t line_of(uint32_t offset) const;
  /// Line and code-point column of `offset`.
  Position position(uint32_t offset) const;
  /// Byte offset in the original file of decoded `offset` (undoes CRLF and transcoding).
  uint64_t original_offset(uint32_t offset) const;

 private:
  friend class SourceBuilder;
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  // Sparse map for transcoded or CR-normalised input: for each entry, decoded
  // offsets >= first map to original offsets starting at second. Empty when 1:1.
  std::vector<std::pair<uint32_t, uint64_t>> offset_map_;
  Encoding encoding_ = Encoding::kUtf8;
  bool had_cr_ = false;
  uint64_t original_size_ = 0;
};

}  // namespace declass::core
