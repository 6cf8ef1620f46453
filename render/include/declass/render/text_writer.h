// The sanitized text release: the telegram as released, line for line, under a
// State Department style release header (docs/release-outputs.md).
#pragma once

#include <string>

#include "declass/render/release_view.h"

namespace declass::render {

/// The text release of `view` (UTF-8, LF line ends). Cannot fail: the view
/// holds nothing that may not be printed.
std::string write_text(const ReleaseView& view);

/// The body alone (no header or footer): released lines, placeholders as their
/// labels. What a text extractor should get from the release PDF's body.
std::string write_text_body(const ReleaseView& view);

}  // namespace declass::render
