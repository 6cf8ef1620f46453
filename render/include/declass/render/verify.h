// Proof that nothing leaked: each output of a document is searched for the
// document's withheld material, in every form the writers could have put it
// (docs/release-outputs.md, "Verification"). Independent of the release view:
// the withheld material is computed here again from the document and the
// decisions, so a bug in the view builder cannot hide its own leak.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/decisions.h"
#include "declass/core/document.h"
#include "declass/render/page_layout.h"

namespace declass::render {

class WithheldMaterial;

namespace detail {
class NeedleIndex;
struct NeedlePlan;
struct WordStore;
/// The compiled needles of `m` (for tests); nullptr if it has none.
const NeedlePlan* plan_of(const WithheldMaterial& m);
}  // namespace detail

/// What must never appear in the outputs of one document. Needles are
/// word sequences, compared case-folded (see docs/release-outputs.md for the rule):
/// - every redacted term (the text of a redaction span) of 3+ letters or digits,
///   trimmed of the writers' own words at either end (digits only: 6+);
/// - every word of withheld text of 3+ characters (numbers: 6+ digits) that is
///   not also released in the document nor part of the writers' own wording;
/// - every run of 3 consecutive withheld words (10+ characters) that does not
///   also occur in the released text or the writers' wording, unless one of
///   its words is a needle wherever the phrase would be searched.
class WithheldMaterial {
 public:
  struct Needle {
    /// Its words as they stand in the source (compare them folded): views
    /// into the material's own copy of the source, valid while the
    /// WithheldMaterial it came from (or a copy of it) lives.
    std::span<const std::string_view> tokens;
    uint32_t origin = 0;      ///< offset of its first occurrence in the source
    uint32_t chars = 0;       ///< code points, for messages
    uint32_t word_chars = 0;  ///< code points of its words alone (no blanks or punctuation)
    enum Kind : uint8_t { kTerm, kWord, kPhrase } kind = kWord;
    bool released_elsewhere = false;  ///< kTerm: the term also stands in released text
    bool numeric = false;    ///< only digits (not searched in the logs, whose numbers are ours)
    bool own_words = false;  ///< holds a number or a word the writers print on their own
  };

  const std::vector<Needle>& needles() const { return needles_; }
  /// Line:column in the source of a needle's first occurrence (worked out
  /// when asked: only findings print it).
  core::Position where(const Needle& n) const;
  const std::string& source_path() const { return source_path_; }
  const std::string& document_id() const { return document_id_; }
  /// Number of withheld bytes the material was built from.
  uint64_t withheld_bytes() const { return withheld_bytes_; }

 private:
  friend WithheldMaterial collect_withheld(const core::Document&, const core::Decisions&,
                                           const std::vector<std::string>&);
  friend class detail::NeedleIndex;
  friend const detail::NeedlePlan* detail::plan_of(const WithheldMaterial&);
  std::vector<Needle> needles_;
  std::shared_ptr<const detail::NeedlePlan> plan_;  // the needles compiled for search
  std::shared_ptr<const detail::WordStore> words_;  // what the needles' tokens view
  std::string source_path_;
  std::string document_id_;
  uint64_t withheld_bytes_ = 0;
};

/// Builds the withheld material of `doc` under `decisions`, with the same
/// fail-closed reading as make_release_view() (a block without decision, a
/// DENIED IN FULL document, uncovered text: withheld). `extra_wording` lists
/// more text the outputs legitimately hold (e.g. the Bates prefix).
WithheldMaterial collect_withheld(const core::Document& doc, const core::Decisions& decisions,
                                  const std::vector<std::string>& extra_wording = {});

/// One problem found in an output. Messages never quote withheld text: they
/// say where it came from (source line:col) and where it was found.
struct Finding {
  std::string code;  ///< "leak", "term-released", "pdf-hygiene", "pdf-unreadable"
  std::string message;
};

struct VerifyReport {
  std::vector<Finding> findings;
  uint64_t channels = 0;  ///< decoded views searched (for the record)
  bool ok() const { return findings.empty(); }
  /// Each finding as an error diagnostic on `output_path`.
  std::vector<core::Diagnostic> diagnostics(const std::string& output_path) const;
};

enum class OutputKind : uint8_t {
  kText,       ///< the text release
  kPdf,        ///< the release PDF: raw bytes, every stream, strings, fonts, hygiene
  kLog,        ///< a log (CSV or JSON Lines): numbers in it are ours, so digits are not needles
  kExtracted,  ///< text a PDF extractor got (e.g. pdftotext output)
};

/// Searches `bytes`, the output `name` of the document, for `material`.
VerifyReport verify_output(const WithheldMaterial& material, OutputKind kind,
                           std::string_view bytes, const std::string& name);

}  // namespace declass::render
