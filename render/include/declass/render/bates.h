// Moving a document's Bates numbers after it was rendered. A batch renders
// documents in parallel with provisional numbers and learns each document's
// place only when it commits them in order; a merge of shard runs renumbers
// across shards. Both rewrite only the fixed-width Bates labels, so the result
// is byte-identical to rendering with the final numbers in the first place.
#pragma once

#include <cstdint>
#include <string>

#include "declass/render/page_layout.h"

namespace declass::render {

/// Rewrites the page labels of a PDF made by PdfWriter whose first page is
/// `from_first` so that it starts at `to_first`. False (PDF unchanged) if a
/// new number does not fit the width or a page label is not found exactly once.
bool rebase_pdf_bates(std::string& pdf, const BatesOptions& options, uint32_t pages,
                      uint64_t from_first, uint64_t to_first);

/// Rewrites the "bates" column of Vaughn index rows (CSV rows as written by
/// write_log_csv, or JSON Lines as written by write_log_jsonl) by
/// `to_first - from_first`. False (rows unchanged) on a malformed row or a
/// number that does not fit the width.
bool rebase_log_bates(std::string& rows, const BatesOptions& options, uint64_t from_first,
                      uint64_t to_first);

}  // namespace declass::render
