#include "declass/render/page_layout.h"

#include <algorithm>

namespace declass::render {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Splits UTF-8 `s` into code points (as byte strings).
std::vector<std::string_view> code_points(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t j = i + 1;
    while (j < s.size() && is_continuation(static_cast<unsigned char>(s[j]))) ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

class Wrapper {
 public:
  Wrapper(uint32_t columns, uint32_t view_line) : columns_(columns), view_line_(view_line) {
    rows_.emplace_back();
    rows_.back().view_line = view_line;
  }

  void text(ItemKind kind, std::string_view s) {
    const std::vector<std::string_view> cps = code_points(s);
    for (size_t i = 0; i < cps.size();) {
      const bool blank = cps[i] == " ";
      size_t j = i;
      while (j < cps.size() && (cps[j] == " ") == blank) ++j;
      const auto len = static_cast<uint32_t>(j - i);
      if (blank) {
        // Blanks that do not fit end the row and are not carried over.
        if (col_ + len > columns_) {
          new_row();
        } else {
          put(kind, cps, i, j);
        }
      } else {
        if (col_ + len > columns_ && col_ > 0) new_row();
        size_t k = i;
        while (k < j) {
          const size_t take = std::min<size_t>(j - k, columns_ - col_);
          put(kind, cps, k, k + take);
          k += take;
          if (k < j) new_row();
        }
      }
      i = j;
    }
  }

  void box(const std::string& label, uint32_t width, bool to_margin, int32_t placeholder) {
    const std::vector<std::string_view> cps = code_points(label);
    const auto label_cols = static_cast<uint32_t>(cps.size());
    if (to_margin) {
      if (col_ >= columns_ || columns_ - col_ < std::min(label_cols, columns_)) new_row();
      width = std::max(columns_ - col_, label_cols);
    } else {
      width = std::max(width, label_cols);
      if (col_ > 0 && col_ + std::min(width, columns_) > columns_) new_row();
    }
    // A box wider than the row continues on the next rows; its label is drawn
    // from its start (a label longer than a row continues too).
    size_t placed = 0;
    while (width > 0) {
      const uint32_t take = std::min(width, columns_ - col_);
      RowItem item;
      item.kind = ItemKind::kBox;
      item.column = col_;
      item.columns = take;
      item.placeholder = placeholder;
      const size_t n = std::min<size_t>(take, cps.size() - placed);
      for (size_t k = placed; k < placed + n; ++k) item.text += cps[k];
      placed += n;
      rows_.back().items.push_back(std::move(item));
      col_ += take;
      width -= take;
      if (width > 0) new_row();
    }
  }

  std::vector<Row> take() { return std::move(rows_); }

 private:
  void new_row() {
    rows_.emplace_back();
    rows_.back().view_line = view_line_;
    col_ = 0;
  }
  void put(ItemKind kind, const std::vector<std::string_view>& cps, size_t a, size_t b) {
    std::vector<RowItem>& items = rows_.back().items;
    if (items.empty() || items.back().kind != kind ||
        items.back().column + items.back().columns != col_) {
      RowItem item;
      item.kind = kind;
      item.column = col_;
      items.push_back(std::move(item));
    }
    for (size_t k = a; k < b; ++k) items.back().text += cps[k];
    items.back().columns += static_cast<uint32_t>(b - a);
    col_ += static_cast<uint32_t>(b - a);
  }

  uint32_t columns_;
  uint32_t view_line_;
  uint32_t col_ = 0;
  std::vector<Row> rows_;
};

}  // namespace

PageLayout layout_pages(const ReleaseView& view, const PageGeometry& geometry) {
  const uint32_t columns = std::max<uint32_t>(geometry.columns, 1);
  const uint32_t per_page = std::max<uint32_t>(geometry.rows_per_page, 1);
  PageLayout layout;
  layout.placeholder_pages.resize(view.placeholders().size());
  layout.pages.emplace_back();
  const auto& lines = view.lines();
  for (uint32_t li = 0; li < lines.size(); ++li) {
    const ViewLine& line = lines[li];
    Wrapper w(columns, li);
    for (size_t si = 0; si < line.segments.size(); ++si) {
      const Segment& s = line.segments[si];
      switch (s.kind) {
        case SegmentKind::kText:
          w.text(ItemKind::kText, s.text);
          break;
        case SegmentKind::kStruck:
          w.text(ItemKind::kStruck, s.text);
          break;
        case SegmentKind::kPlaceholder: {
          const bool to_margin = line.placeholder >= 0 && si + 1 == line.segments.size();
          w.box(s.text, std::max(s.columns, count_code_points(s.text)), to_margin, s.placeholder);
          break;
        }
      }
    }
    for (Row& r : w.take()) {
      if (layout.pages.back().rows.size() == per_page) layout.pages.emplace_back();
      const auto page = static_cast<uint32_t>(layout.pages.size());
      for (const RowItem& item : r.items) {
        if (item.placeholder < 0) continue;
        auto& pages = layout.placeholder_pages[static_cast<size_t>(item.placeholder)];
        if (pages.empty() || pages.back() != page) pages.push_back(page);
      }
      layout.pages.back().rows.push_back(std::move(r));
    }
  }
  return layout;
}

std::string format_bates(const BatesOptions& options, uint64_t number) {
  std::string digits = std::to_string(number);
  if (digits.size() < options.digits) digits.insert(0, options.digits - digits.size(), '0');
  return options.prefix + digits;
}

bool valid_bates_prefix(const std::string& prefix) {
  if (prefix.empty() || prefix.size() > 32) return false;
  return std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace declass::render
