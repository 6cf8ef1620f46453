#include "declass/render/page_layout.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "ascii.h"

namespace declass::render {

namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// End of the code point starting at byte `i` of UTF-8 `s`: the byte and its
// continuation bytes (a stray continuation byte starts a code point of its own).
size_t cp_end(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && is_continuation(static_cast<unsigned char>(s[j]))) ++j;
  return j;
}

bool blank_at(std::string_view s, size_t i) {
  return s[i] == ' ' &&
         (i + 1 == s.size() || !is_continuation(static_cast<unsigned char>(s[i + 1])));
}

// Lays out the rows of every view line, in order, onto pages of `per_page`
// rows. With kFull it builds the rows and their items (what the PDF draws);
// without, it only counts rows and notes the pages of placeholder boxes (what
// the Vaughn index cites). One code path for both, so the page numbers cannot
// differ (pinned by a test over the corpus).
template <bool kFull>
class Paginator {
 public:
  Paginator(uint32_t columns, uint32_t per_page, size_t placeholders, size_t lines)
      : columns_(columns), per_page_(per_page) {
    placeholder_pages_.resize(placeholders);
    if constexpr (kFull) {
      // Every view line takes at least one row: a lower bound on the pages.
      pages_.reserve(lines / per_page + 1);
      pages_.emplace_back();
    }
  }

  void begin_line(uint32_t view_line) {
    view_line_ = view_line;
    new_row();
  }

  void text(ItemKind kind, std::string_view s) {
    // Most runs fit on the row: then no blank run can wrap and the run is one
    // item, so the code points need only counting. Most runs are ASCII: then
    // a byte is a code point and a blank is a ' '.
    const bool ascii = detail::all_ascii(s);
    const uint32_t n = ascii ? static_cast<uint32_t>(s.size()) : count_cps(s);
    if (col_ + n <= columns_) {
      if (n > 0) put(kind, s, n);
      return;
    }
    if (ascii)
      wrap_ascii(kind, s);
    else
      wrap_utf8(kind, s);
  }

  void box(std::string_view label, uint32_t width, bool to_margin, int32_t placeholder) {
    const uint32_t label_cols = count_cps(label);
    if (to_margin) {
      if (col_ >= columns_ || columns_ - col_ < std::min(label_cols, columns_)) new_row();
      width = std::max(columns_ - col_, label_cols);
    } else {
      width = std::max(width, label_cols);
      if (col_ > 0 && col_ + std::min(width, columns_) > columns_) new_row();
    }
    // A box wider than the row continues on the next rows; its label is drawn
    // from its start (a label longer than a row continues too).
    size_t at = 0;  // byte offset of the label not yet drawn
    while (width > 0) {
      const uint32_t take = std::min(width, columns_ - col_);
      if constexpr (kFull) {
        RowItem item;
        item.kind = ItemKind::kBox;
        item.column = col_;
        item.columns = take;
        item.placeholder = placeholder;
        size_t e = at;
        for (uint32_t n = 0; n < take && e < label.size(); ++n) e = cp_end(label, e);
        item.text.assign(label.substr(at, e - at));
        at = e;
        pages_.back().rows.back().items.push_back(std::move(item));
      }
      if (placeholder >= 0) {
        auto& pages = placeholder_pages_[static_cast<size_t>(placeholder)];
        if (pages.empty() || pages.back() != page_) pages.push_back(page_);
      }
      col_ += take;
      width -= take;
      if (width > 0) new_row();
    }
  }

  uint32_t page_count() const { return std::max<uint32_t>(page_, 1); }
  std::vector<Page> take_pages() { return std::move(pages_); }
  std::vector<std::vector<uint32_t>> take_placeholder_pages() {
    return std::move(placeholder_pages_);
  }

 private:
  // text() for a run that does not fit on the row: it wraps at blanks (a
  // word longer than a row is cut).
  void wrap_utf8(ItemKind kind, std::string_view s) {
    auto blank = [&](size_t i) { return blank_at(s, i); };
    auto next = [&](size_t i) { return cp_end(s, i); };
    // The runs placed on one row follow each other in `s`: they are put as
    // one piece when the row ends (the item they would have merged into).
    size_t from = 0;
    size_t to = 0;
    uint32_t cols = 0;
    auto place = [&](size_t a, size_t b, uint32_t len) {
      if (cols == 0) from = a;
      to = b;
      cols += len;
      col_ += len;
    };
    auto flush = [&] {
      if (cols > 0) put_at(kind, s.substr(from, to - from), col_ - cols, cols);
      cols = 0;
    };
    auto next_row = [&] {
      flush();
      new_row();
    };
    for (size_t i = 0; i < s.size();) {
      const bool is_blank = blank(i);
      size_t j = i;
      uint32_t len = 0;
      while (j < s.size() && blank(j) == is_blank) {
        j = is_blank ? j + 1 : next(j);
        ++len;
      }
      if (is_blank) {
        // Blanks that do not fit end the row and are not carried over.
        if (col_ + len > columns_) {
          next_row();
        } else {
          place(i, j, len);
        }
      } else {
        if (col_ + len > columns_ && col_ > 0) next_row();
        size_t k = i;
        uint32_t left = len;
        while (left > 0) {
          const uint32_t take = std::min(left, columns_ - col_);
          size_t e = k;
          if constexpr (kFull) {
            for (uint32_t c = 0; c < take; ++c) e = cp_end(s, e);
          }
          place(k, e, take);
          k = e;
          left -= take;
          if (left > 0) next_row();
        }
      }
      i = j;
    }
    flush();
  }

  // wrap() for an all-ASCII run, a row at a time: from the first byte that
  // does not fit back to the start of the run that holds it (the rows and
  // items of wrap()'s run-by-run walk, without visiting every byte).
  void wrap_ascii(ItemKind kind, std::string_view s) {
    const size_t n = s.size();
    auto put_piece = [&](size_t a, size_t b) {
      if (b > a) put(kind, s.substr(a, b - a), static_cast<uint32_t>(b - a));
    };
    size_t i = 0;  // start of a run (or of the rest of a cut word)
    while (i < n) {
      const size_t room = columns_ - col_;
      if (n - i <= room) return put_piece(i, n);  // the rest fits
      const size_t limit = i + room;              // the first byte that does not fit
      if (s[limit] == ' ') {
        // The blanks across the margin end the row and are not carried
        // over; the runs before them fit.
        size_t b = limit;
        while (b > i && s[b - 1] == ' ') --b;
        size_t e = limit;
        while (e < n && s[e] == ' ') ++e;
        put_piece(i, b);
        new_row();
        i = e;
        continue;
      }
      size_t w = limit;  // start of the word across the margin
      while (w > i && s[w - 1] != ' ') --w;
      if (w > i) {
        put_piece(i, w);  // the runs before the word fit; it goes to the next row
        new_row();
        i = w;
      } else if (col_ > 0) {
        new_row();  // the word goes to the next row
      } else {
        put_piece(i, i + columns_);  // a word longer than a row is cut
        new_row();
        i += columns_;
      }
    }
  }

  // The label's code points, counted as code_points() splits them.
  static uint32_t count_cps(std::string_view s) {
    if (s.empty()) return 0;
    uint32_t n = is_continuation(static_cast<unsigned char>(s[0])) ? 1u : 0u;
    for (const char c : s) n += is_continuation(static_cast<unsigned char>(c)) ? 0u : 1u;
    return n;
  }

  void new_row() {
    if (rows_on_page_ == per_page_ || page_ == 0) {
      rows_on_page_ = 0;
      ++page_;
      if constexpr (kFull) {
        if (page_ > 1) pages_.emplace_back();
        // One allocation per page rather than one per doubling (a full
        // page is the common case; an absurd geometry is not reserved for).
        pages_.back().rows.reserve(std::min<uint32_t>(per_page_, kMaxReservedRows));
      }
    }
    ++rows_on_page_;
    if constexpr (kFull) {
      pages_.back().rows.emplace_back();
      pages_.back().rows.back().view_line = view_line_;
    }
    col_ = 0;
  }

  void put(ItemKind kind, std::string_view bytes, uint32_t cols) {
    put_at(kind, bytes, col_, cols);
    col_ += cols;
  }

  // put() at `column` of the current row, leaving col_ alone.
  void put_at(ItemKind kind, std::string_view bytes, uint32_t column, uint32_t cols) {
    if constexpr (kFull) {
      std::vector<RowItem>& items = pages_.back().rows.back().items;
      if (items.empty() || items.back().kind != kind ||
          items.back().column + items.back().columns != column) {
        RowItem item;
        item.kind = kind;
        item.column = column;
        items.push_back(std::move(item));
      }
      items.back().text.append(bytes);
      items.back().columns += cols;
    } else {
      (void)kind;
      (void)bytes;
      (void)column;
      (void)cols;
    }
  }

  static constexpr uint32_t kMaxReservedRows = 256;

  uint32_t columns_;
  uint32_t per_page_;
  uint32_t view_line_ = 0;
  uint32_t col_ = 0;
  uint32_t page_ = 0;  // 1-based page of the current row; 0 before the first row
  uint32_t rows_on_page_ = 0;
  std::vector<Page> pages_;
  std::vector<std::vector<uint32_t>> placeholder_pages_;
};

template <bool kFull>
void paginate(const ReleaseView& view, Paginator<kFull>& p) {
  const auto& lines = view.lines();
  for (uint32_t li = 0; li < lines.size(); ++li) {
    const ViewLine& line = lines[li];
    p.begin_line(li);
    for (size_t si = 0; si < line.segments.size(); ++si) {
      const Segment& s = line.segments[si];
      switch (s.kind) {
        case SegmentKind::kText:
          p.text(ItemKind::kText, s.text);
          break;
        case SegmentKind::kStruck:
          p.text(ItemKind::kStruck, s.text);
          break;
        case SegmentKind::kPlaceholder: {
          const bool to_margin = line.placeholder >= 0 && si + 1 == line.segments.size();
          p.box(s.text, std::max(s.columns, count_code_points(s.text)), to_margin, s.placeholder);
          break;
        }
      }
    }
  }
}

uint32_t columns_of(const PageGeometry& g) {
  return std::max<uint32_t>(g.columns, 1);
}
uint32_t rows_of(const PageGeometry& g) {
  return std::max<uint32_t>(g.rows_per_page, 1);
}

}  // namespace

PageLayout layout_pages(const ReleaseView& view, const PageGeometry& geometry) {
  Paginator<true> p(columns_of(geometry), rows_of(geometry), view.placeholders().size(),
                    view.lines().size());
  paginate(view, p);
  PageLayout layout;
  layout.pages = p.take_pages();
  layout.placeholder_pages = p.take_placeholder_pages();
  return layout;
}

PageNumbers page_numbers(const ReleaseView& view, const PageGeometry& geometry) {
  Paginator<false> p(columns_of(geometry), rows_of(geometry), view.placeholders().size(),
                     view.lines().size());
  paginate(view, p);
  PageNumbers numbers;
  numbers.pages = p.page_count();
  numbers.placeholder_pages = p.take_placeholder_pages();
  return numbers;
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
