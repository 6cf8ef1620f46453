// Pages of a release: view lines wrapped to the page width and cut into pages.
// The PDF writer draws exactly this; the Vaughn index cites its page numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "declass/render/release_view.h"

namespace declass::render {

struct PageGeometry {
  uint32_t columns = 80;        ///< monospace columns per row
  uint32_t rows_per_page = 50;  ///< body rows per page
};

enum class ItemKind : uint8_t {
  kText,    ///< released text
  kStruck,  ///< released text lined through
  kBox,  ///< a solid box standing for withheld material, `text` is its label ("" on a continuation)
};

/// One run on a row, placed at a column.
struct RowItem {
  ItemKind kind = ItemKind::kText;
  uint32_t column = 0;   ///< 0-based start column
  uint32_t columns = 0;  ///< width in columns (kBox: the box; text: its code points)
  std::string text;
  int32_t placeholder = -1;
};

struct Row {
  std::vector<RowItem> items;
  uint32_t view_line = 0;  ///< index into ReleaseView::lines()
};

struct Page {
  std::vector<Row> rows;
};

struct PageLayout {
  std::vector<Page> pages;  ///< at least one page, even for an empty view
  /// For each placeholder of the view: the 1-based pages it appears on, ascending.
  std::vector<std::vector<uint32_t>> placeholder_pages;
};

/// Wraps and paginates `view`. Long lines wrap at blanks (a word longer than a
/// row is cut); a placeholder row's box runs to the right margin; an inline
/// box wider than a row continues on the next. Geometry values of 0 are taken as 1.
PageLayout layout_pages(const ReleaseView& view, const PageGeometry& geometry = {});

/// The page numbers of a layout without the layout: what the Vaughn index
/// cites when no PDF is drawn. Always equal to the page count and
/// `placeholder_pages` of layout_pages(view, geometry), at a fraction of the
/// cost (rows are counted, not built).
struct PageNumbers {
  uint32_t pages = 1;  ///< at least one page, even for an empty view
  /// For each placeholder of the view: the 1-based pages it appears on, ascending.
  std::vector<std::vector<uint32_t>> placeholder_pages;
};
PageNumbers page_numbers(const ReleaseView& view, const PageGeometry& geometry = {});

/// Bates numbering: PREFIX + zero-padded number, continuous across a run.
struct BatesOptions {
  std::string prefix = "DECL";
  uint32_t digits = 7;
};
/// "DECLASS-000042". Numbers wider than `digits` are printed in full.
std::string format_bates(const BatesOptions& options, uint64_t number);
/// True if `prefix` is usable: 1-32 characters of A-Z a-z 0-9 . _ - (it goes
/// into every page and into file metadata, so no blanks or markup).
bool valid_bates_prefix(const std::string& prefix);

}  // namespace declass::render
