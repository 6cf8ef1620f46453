// Reads a PDF back for verification: the hygiene rules, and every place text
// could hide, as "channels" for the needle search: the raw bytes, every string
// object, every decoded stream (as Windows-1252, as UTF-16BE, as 2-byte codes
// through each font's ToUnicode map, and the hex strings inside it), and the
// text of each page as an extractor sees it. A channel refers to bytes the
// scan owns and says how to decode them; the matcher decodes as it searches.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "verify_text.h"

namespace declass::render::detail {

struct PdfChannel {
  /// "raw bytes", "page 2 text" ...; empty for a stream channel, whose name is
  /// made (only for a finding) from `stream`, `suffix` and `font`.
  std::string where;
  uint32_t stream = 0;      ///< index into PdfScan::streams
  const char* suffix = "";  ///< " as UTF-16BE", " strings as glyph codes of font " ...
  uint32_t font = 0;        ///< 1-based font number printed after the suffix, or 0
  const char* tail = "";    ///< " (odd)"
  Source source;
  bool binary = false;  ///< a guess inside binary data: searched for long needles only

  std::string name(const std::vector<std::string>& streams) const {
    if (!where.empty()) return where;
    std::string s = streams[stream] + suffix;
    if (font != 0) s += std::to_string(font);
    return s + tail;
  }
};

/// Which reader scans the objects: our strict reader, falling back to
/// PoDoFo (the default), or PoDoFo alone (for differential tests).
enum class PdfReaderChoice : uint8_t { kStrictFirst, kStrict, kPodofo };

struct PdfScan {
  bool loaded = false;
  PdfReaderChoice reader = PdfReaderChoice::kPodofo;  ///< kStrict or kPodofo: who read it
  std::string fallback_reason;  ///< why the strict reader gave the file to PoDoFo
  std::string error;
  uint32_t pages = 0;
  std::vector<PdfChannel> channels;
  std::vector<std::string> problems;  ///< hygiene violations, one message each
  // What the channels refer to (deques: elements never move).
  std::vector<std::string> streams;  ///< "object 12 0 stream"
  std::deque<std::string> buffers;
  std::deque<std::vector<uint32_t>> breaks;
  std::deque<FontMap> fonts;
  /// Entries of the per-thread stream cache the channels refer to.
  std::vector<std::shared_ptr<const void>> keep;
};

/// This thread's stream cache: how often a stream was served from it, and
/// emptying it (for tests). A stream is served only when its stored bytes
/// and filter equal those of an entry, compared in full.
uint64_t stream_cache_hits();
/// A number token of a content stream as strtod() reads it (C locale).
double pdf_number(const std::string& token);
void clear_stream_cache();

/// Scans `bytes`. Never throws: PoDoFo errors end up in `error` / `problems`.
PdfScan scan_pdf(std::string_view bytes, PdfReaderChoice choice = PdfReaderChoice::kStrictFirst);

}  // namespace declass::render::detail
