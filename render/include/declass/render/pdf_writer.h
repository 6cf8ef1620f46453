// The release PDF: US Letter, monospace, laid out by our own code (page_layout.h),
// solid boxes with their labels where text is withheld, a release stamp on top
// and a footer with page x of y and a Bates number. Written with PoDoFo as a
// complete, deterministic file (docs/release-outputs.md). PoDoFo itself stays
// behind render/src/pdf_*.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "declass/core/diagnostic.h"
#include "declass/render/page_layout.h"
#include "declass/render/release_view.h"

namespace declass::render {

namespace detail {
struct PdfWriterTestAccess;
}

/// DejaVu Sans Mono from Debian's fonts-dejavu-core.
inline constexpr const char* kDefaultFontPath =
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

struct PdfOptions {
  BatesOptions bates;
  uint64_t first_bates = 1;  ///< Bates number of the first page of the first document
  std::string font_path = kDefaultFontPath;
  std::string producer = "declass 0.1.0";
  /// Page text as binary literal strings of glyph codes, `(..)` with `(`, `)`,
  /// `\`, CR and LF escaped (2 bytes a glyph), instead of hex `<..>` (4 bytes
  /// a glyph): a third less to deflate, inflate and lex. The Bates label
  /// stays hex either way (rebase_pdf_bates() rewrites it in place).
  bool literal_strings = true;
};

struct PdfOutput {
  std::string bytes;
  uint32_t pages = 0;
  uint64_t first_bates = 0;  ///< Bates number of page 1
  PageLayout layout;         ///< what was drawn (the Vaughn index cites its pages)
};

/// Writes release PDFs for one run. Keeps the Bates counter (continuous across
/// the documents of the run) and a small cache of embedded font subsets keyed
/// by their exact character set. Not thread-safe: one writer per thread.
class PdfWriter {
 public:
  /// Loads the font. Errors (font missing or unreadable) come back as
  /// diagnostics and no writer.
  static core::Result<std::unique_ptr<PdfWriter>> create(const PdfOptions& options);
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  /// Renders `view` and takes its pages' Bates numbers. A PDF library error is
  /// returned as a diagnostic "pdf-error" (no bytes) and takes no numbers.
  core::Result<PdfOutput> write(const ReleaseView& view);

  /// The Bates number the next page gets.
  uint64_t next_bates() const;
  /// Hands back numbers (a document whose outputs were removed): the next page gets `n`.
  void set_next_bates(uint64_t n);

 private:
  friend struct detail::PdfWriterTestAccess;
  struct Impl;
  explicit PdfWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Characters every release PDF's font holds whatever its text: printable
/// ASCII, the no-break space, "¶" and the typographic quotes and dashes of the
/// corpus. Fixed, so they say nothing about any document.
const std::u32string& base_repertoire();

}  // namespace declass::render
