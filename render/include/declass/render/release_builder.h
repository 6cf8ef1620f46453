// The only door from a document to its release: Document + Decisions ->
// ReleaseView. Besides verify.h this is the only render header that sees the
// document type (tests/check-layering.sh).
#pragma once

#include <string>

#include "declass/core/decisions.h"
#include "declass/core/document.h"
#include "declass/render/page_layout.h"
#include "declass/render/pdf_writer.h"
#include "declass/render/release_view.h"
#include "declass/render/verify.h"

namespace declass::render {

/// Builds the release view of `doc` under `decisions` (docs/release-outputs.md).
/// Never fails; every doubt is resolved towards withholding:
/// - a block without a decision (too few decisions) is withheld;
/// - a DENIED IN FULL document releases no block;
/// - bytes claimed by several blocks take the most restrictive action;
/// - a redaction span withholds its bytes whatever block they are in;
/// - non-blank text outside every block is withheld ("uncovered");
/// - a disposition of RELEASED IN FULL with something withheld becomes RELEASED IN PART.
/// Omitted blocks disappear without a trace; a withheld block keeps only its
/// label, portion mark and lead keyword ("SUBJECT:") and a placeholder.
ReleaseView make_release_view(const core::Document& doc, const core::Decisions& decisions);

/// The internal reviewer log: every placeholder of `view` with the withheld
/// text it stands for, quoted. It CONTAINS WITHHELD TEXT: written only on
/// explicit request, under kReviewerLogName, never verified as a release.
std::string write_reviewer_log(const core::Document& doc, const core::Decisions& decisions,
                               const ReleaseView& view);

/// File name of the internal reviewer log (the warning is part of the name).
inline constexpr const char* kReviewerLogName =
    "INTERNAL-CONTAINS-WITHHELD-TEXT-DO-NOT-RELEASE.reviewer-log.txt";

/// What release_document() makes.
struct ReleaseOptions {
  bool text = true;
  bool pdf = true;  ///< needs a PdfWriter
  bool log = true;
  /// Search every output for the withheld material before handing it out.
  /// Turning this off is for benchmarks and debugging only.
  bool verify = true;
  BatesOptions bates;  ///< for the Vaughn index (the PdfWriter numbers the pages)
};

/// One document's outputs, verified.
struct ReleasedDocument {
  std::string id;
  core::DocumentDisposition disposition = core::DocumentDisposition::kDeniedInFull;
  core::LabelSet exemptions;
  std::string text;       ///< the text release ("" if not asked for or on failure)
  std::string pdf;        ///< the release PDF
  std::string log_csv;    ///< this document's Vaughn index rows, CSV (no header)
  std::string log_jsonl;  ///< the same rows as JSON Lines
  uint32_t pages = 0;
  uint64_t first_bates = 0;              ///< Bates number of page 1 (0 without a PDF)
  std::vector<Finding> findings;         ///< verification findings, "output: message"
  std::vector<core::Diagnostic> errors;  ///< e.g. "pdf-error"
  bool leaked() const { return !findings.empty(); }
  bool ok() const { return findings.empty() && errors.empty(); }
};

/// Builds the view, runs the asked-for writers and verifies every output
/// against the withheld material (verify.h). On a finding or an error every
/// output is dropped (the strings are emptied) and the PDF writer's Bates
/// counter is handed back, so that nothing unverified can be written.
ReleasedDocument release_document(const core::Document& doc, const core::Decisions& decisions,
                                  const ReleaseOptions& options, PdfWriter* pdf_writer);

}  // namespace declass::render
