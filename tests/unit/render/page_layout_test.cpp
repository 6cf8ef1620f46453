// Page layout: the rows-only page numbers (what the Vaughn index cites when no
// PDF is drawn) must equal the full layout's, and the byte-walking layout must
// equal the code-point-vector layout it replaced, on the whole corpus under
// two policies and several geometries (narrow ones force every wrap path).
#include "declass/render/page_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "declass/render/release_builder.h"
#include "test_support.h"

namespace declass::render {
namespace {

namespace fs = std::filesystem;

// The layout as it was written before the byte-walking rewrite, kept verbatim
// as the reference.

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

PageLayout reference_layout(const ReleaseView& view, const PageGeometry& geometry) {
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

void expect_same(const ReleaseView& view, const PageGeometry& g, const std::string& what) {
  const PageLayout ref = reference_layout(view, g);
  const PageLayout got = layout_pages(view, g);
  const PageNumbers numbers = page_numbers(view, g);
  ASSERT_EQ(got.pages.size(), ref.pages.size()) << what;
  for (size_t p = 0; p < ref.pages.size(); ++p) {
    ASSERT_EQ(got.pages[p].rows.size(), ref.pages[p].rows.size()) << what << " page " << p;
    for (size_t r = 0; r < ref.pages[p].rows.size(); ++r) {
      const Row& a = got.pages[p].rows[r];
      const Row& b = ref.pages[p].rows[r];
      ASSERT_EQ(a.view_line, b.view_line) << what;
      ASSERT_EQ(a.items.size(), b.items.size()) << what << " page " << p << " row " << r;
      for (size_t i = 0; i < b.items.size(); ++i) {
        EXPECT_EQ(a.items[i].kind, b.items[i].kind) << what;
        EXPECT_EQ(a.items[i].column, b.items[i].column) << what;
        EXPECT_EQ(a.items[i].columns, b.items[i].columns) << what;
        EXPECT_EQ(a.items[i].text, b.items[i].text) << what;
        EXPECT_EQ(a.items[i].placeholder, b.items[i].placeholder) << what;
      }
    }
  }
  EXPECT_EQ(got.placeholder_pages, ref.placeholder_pages) << what;
  EXPECT_EQ(numbers.pages, ref.pages.size()) << what;
  EXPECT_EQ(numbers.placeholder_pages, ref.placeholder_pages) << what;
}

const PageGeometry kGeometries[] = {{80, 50}, {80, 1}, {13, 7}, {3, 2}, {1, 1}, {0, 0}};

TEST(PageLayout, PageNumbersAndLayoutMatchReferenceOnCorpus) {
  const std::string root = DECLASS_SOURCE_ROOT;
  const std::string data = DECLASS_TEST_DATA;
  const std::vector<std::string> inputs = testing::corpus_files();
  ASSERT_GE(inputs.size(), 700u);
  policies::ReviewContext ctx;
  ctx.review_date = core::Date(2024, 5, 1);
  ctx.case_id = "F-2024-00001";
  ctx.reviewer = "TEST";
  size_t placeholders = 0;
  for (const char* name : {"strict-prepublication", "foia-standard"}) {
    auto policy = policies::load_policy(root + "/policy-samples/" + name + ".xml");
    ASSERT_TRUE(policy.value) << name;
    for (const std::string& in : inputs) {
      auto r = core::read_file(in);
      if (!r.value) continue;
      const core::Decisions d = policies::decide(**policy.value, *r.value, ctx);
      const ReleaseView view = make_release_view(*r.value, d);
      placeholders += view.placeholders().size();
      for (const PageGeometry& g : kGeometries) {
        expect_same(view, g,
                    in + " " + name + " " + std::to_string(g.columns) + "x" +
                        std::to_string(g.rows_per_page));
        if (HasFatalFailure()) return;
      }
    }
  }
  EXPECT_GT(placeholders, 1000u);
}

// Odd bytes: stray continuation bytes, a blank followed by one, long words and
// long labels, an empty view line.
TEST(PageLayout, OddUtf8MatchesReference) {
  const std::string line = "1. (U) \x80\x80 abc \xC3\xA9\xC3\xA9 x \x20\x80 y  " +
                           std::string(100, 'W') + " \xE2\x80\x9Cquoted\xE2\x80\x9D " +
                           std::string(90, ' ') + "end";
  const auto doc = testing::make_document(
      "o.txt", line + "\n\n" + line + "\n",
      {{core::BlockKind::kParagraph, 1, 1, "1"}, {core::BlockKind::kParagraph, 3, 3, "2"}});
  auto d = testing::release_all(doc);
  testing::redact(d, 0, testing::span_of(doc, "abc"), testing::labels({testing::b6()}));
  testing::withhold(d, 1, testing::labels({testing::b1("1.4(B)"), testing::b6()}), "r");
  const ReleaseView view = make_release_view(doc, d);
  for (const PageGeometry& g : kGeometries)
    expect_same(view, g, std::to_string(g.columns) + "x" + std::to_string(g.rows_per_page));
}

}  // namespace
}  // namespace declass::render
