// Reads a PDF back for verification: the hygiene rules, and every place text
// could hide, decoded to UTF-8 "channels" for the needle search: the raw
// bytes, every string object, every decoded stream (as Windows-1252, as
// UTF-16BE, as 2-byte codes through each font's ToUnicode map, and the hex
// strings inside it), and the text of each page as an extractor sees it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace declass::render::detail {

struct PdfChannel {
  std::string where;    ///< "raw bytes", "object 12 0 stream as UTF-16BE", "page 2 text" ...
  std::string text;     ///< UTF-8
  bool binary = false;  ///< a guess inside binary data: searched for long needles only
};

struct PdfScan {
  bool loaded = false;
  std::string error;
  uint32_t pages = 0;
  std::vector<PdfChannel> channels;
  std::vector<std::string> problems;  ///< hygiene violations, one message each
};

/// Scans `bytes`. Never throws: PoDoFo errors end up in `error` / `problems`.
PdfScan scan_pdf(std::string_view bytes);

}  // namespace declass::render::detail
