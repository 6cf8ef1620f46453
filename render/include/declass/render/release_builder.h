// The only door from a document to its release: Document + Decisions ->
// ReleaseView. Besides verify.h this is the only render header that sees the
// document type (tests/check-layering.sh).
#pragma once

#include <string>

#include "declass/core/decisions.h"
#include "declass/core/document.h"
#include "declass/render/release_view.h"

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

}  // namespace declass::render
