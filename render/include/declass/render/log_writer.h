// The redaction log / Vaughn index: one row per document and one per
// withholding, as CSV and as JSON Lines. Built from the release view only, so
// it cannot contain withheld text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "declass/render/page_layout.h"
#include "declass/render/release_view.h"

namespace declass::render {

struct LogOptions {
  BatesOptions bates;
  /// Bates number of the document's first page; none when no PDF is made.
  std::optional<uint64_t> first_bates;
};

/// The CSV header line (with its LF).
std::string log_csv_header();

/// The CSV rows of one document: a "document" row, then one row per
/// placeholder in view order. `layout` must be layout_pages(view).
std::string write_log_csv(const ReleaseView& view, const PageLayout& layout,
                          const LogOptions& options);

/// The same rows as JSON objects, one per line.
std::string write_log_jsonl(const ReleaseView& view, const PageLayout& layout,
                            const LogOptions& options);

/// The same, from page numbers alone (page_numbers(view) when no PDF is drawn).
std::string write_log_csv(const ReleaseView& view, const PageNumbers& numbers,
                          const LogOptions& options);
std::string write_log_jsonl(const ReleaseView& view, const PageNumbers& numbers,
                            const LogOptions& options);

/// Both logs at once (their rows are built once): what release_document() writes.
void write_logs(const ReleaseView& view, const PageNumbers& numbers, const LogOptions& options,
                std::string* csv, std::string* jsonl);

/// Column names, in order (also the JSON keys).
const std::vector<std::string>& log_columns();

}  // namespace declass::render
