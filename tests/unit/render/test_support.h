// Hand-built documents and decisions for renderer tests: the reader and the
// engine are tested elsewhere; here every block is placed by line range.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/decisions.h"
#include "declass/core/document.h"

namespace declass::render::testing {

struct BlockSpec {
  core::BlockKind kind = core::BlockKind::kParagraph;
  uint32_t first_line = 1;  ///< 1-based, inclusive
  uint32_t last_line = 1;
  std::string label;  ///< "3" for a line starting "3. (C) ..."
};

/// A Document over `text` with one block per spec: pieces are the non-blank
/// extent of each line in range; a label "N" covers "N." at the start and a
/// following "(...)" becomes the portion mark.
core::Document make_document(std::string path, std::string text,
                             const std::vector<BlockSpec>& specs);

/// Decisions releasing every block, with review data filled in.
core::Decisions release_all(const core::Document& doc);

/// The small cable most render tests share ("v.txt"): a SUBJECT line and
/// paragraphs 1 (with "Kathleen Stephens"), 2 (with "QUILLFEATHER") and 3.
core::Document minister_cable();
/// Its usual decisions: paragraph 2 withheld (B1 1.4(B), 1.4(D)), "Kathleen
/// Stephens" redacted (B6), everything else released.
core::Decisions minister_decisions(const core::Document& doc);

/// The span of the `nth` (0-based) occurrence of `needle` in the document text.
core::Span span_of(const core::Document& doc, std::string_view needle, int nth = 0);

core::LabelSet labels(std::initializer_list<core::ExemptionLabel> l);
inline core::ExemptionLabel b1(std::string reasons) {
  return {core::Exemption::kB1, std::move(reasons), ""};
}
inline core::ExemptionLabel b6() {
  return {core::Exemption::kB6, "", ""};
}

/// Withholds block `b` with `labels`.
void withhold(core::Decisions& d, size_t b, core::LabelSet labels,
              std::string rule = "test-withhold");
/// Redacts `span` inside block `b` with `labels`.
void redact(core::Decisions& d, size_t b, core::Span span, core::LabelSet labels,
            std::string rule = "test-redact");

/// Reads a file into a string (test data); empty on failure.
std::string read_file(const std::string& path);

/// Every cable of the test corpus (tests/data/corpus and corpus/raw), sorted
/// by path.
std::vector<std::string> corpus_files();

/// zlib deflate (level 6) of `s`, for hand-made PDF streams.
std::string deflate(const std::string& s);

/// A hand-made PDF from object bodies ("<< ... >>" or "<< ... >>\nstream\n...
/// \nendstream"), numbered from 1, with a binary-marker comment and a correct
/// xref; object 1 must be the catalog.
std::string make_pdf(const std::vector<std::string>& objects,
                     const std::string& trailer_extra = "");

}  // namespace declass::render::testing

namespace declass::render::testing {

/// Runs a shell command, returns its stdout; `status` gets the exit status.
std::string run(const std::string& command, int* status = nullptr);

/// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Writes `bytes` to `path`; false on failure.
bool write_file(const std::string& path, std::string_view bytes);

/// Whitespace runs collapsed to single spaces, ends trimmed.
std::string squash(std::string_view s);

}  // namespace declass::render::testing
