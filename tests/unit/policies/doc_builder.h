// Builds core::Documents by hand, so the engine is tested without the reader.
#pragma once

#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace declass::policies::testing {

class DocBuilder {
 public:
  DocBuilder() {
    doc_.id = "99TEST1";
    doc_.origin = "Embassy Testville";
    doc_.created_date = core::Date(2007, 7, 30);
    doc_.created = "2007-07-30 05:58";
  }

  /// Appends a block whose text is `body` (may hold newlines). For paragraphs a
  /// label ("1") and a mark ("C") are written in front: "1. (C) body".
  size_t add(core::BlockKind kind, const std::string& body,
             core::Level level = core::Level::kUnclassified, const std::string& label = "",
             const std::string& mark = "") {
    core::Block b;
    b.kind = kind;
    const auto start = static_cast<uint32_t>(text_.size());
    if (!label.empty()) {
      text_ += label + ".";
      b.label = label;
      b.label_span = {start, static_cast<uint32_t>(text_.size())};
      text_ += ' ';
    }
    if (!mark.empty()) {
      const auto m = static_cast<uint32_t>(text_.size());
      text_ += "(" + mark + ")";
      core::PortionMark pm;
      pm.span = {m, static_cast<uint32_t>(text_.size())};
      pm.text = mark;
      pm.classification.level = level;
      b.mark = pm;
      b.marking = core::MarkingStatus::kMarked;
      text_ += ' ';
    } else if (kind == core::BlockKind::kParagraph || kind == core::BlockKind::kSubParagraph) {
      b.marking = core::MarkingStatus::kInherited;
    }
    text_ += body;
    b.span = {start, static_cast<uint32_t>(text_.size())};
    b.pieces = {b.span};
    b.classification.level = level;
    text_ += "\n\n";
    blocks_.push_back(b);
    return blocks_.size() - 1;
  }

  /// A paragraph interrupted by another block (a SIPDIS caption, a page break)
  /// between `first` and `second`.
  size_t add_interrupted(const std::string& label, const std::string& first,
                         core::BlockKind inter_kind, const std::string& inter,
                         const std::string& second,
                         core::Level level = core::Level::kUnclassified) {
    const size_t para = add(core::BlockKind::kParagraph, first, level, label, "");
    core::Block& p = blocks_[para];
    text_.pop_back();  // one blank line, then the interruption, then the rest
    core::Block ib;
    ib.kind = inter_kind;
    ib.parent = static_cast<int32_t>(para);
    const auto ib_start = static_cast<uint32_t>(text_.size());
    text_ += inter;
    ib.span = {ib_start, static_cast<uint32_t>(text_.size())};
    ib.pieces = {ib.span};
    text_ += '\n';
    const auto rest = static_cast<uint32_t>(text_.size());
    text_ += second;
    p.pieces.push_back({rest, static_cast<uint32_t>(text_.size())});
    p.span.end = static_cast<uint32_t>(text_.size());
    text_ += "\n\n";
    blocks_.push_back(ib);
    return para;
  }

  core::Block& block(size_t i) { return blocks_[i]; }
  core::Document& doc() { return doc_; }

  core::Document build() {
    core::Document d = doc_;
    d.source = core::Source::from_utf8("test.txt", text_);
    d.blocks = blocks_;
    std::stable_sort(
        d.blocks.begin(), d.blocks.end(),
        [](const core::Block& a, const core::Block& b) { return a.span.begin < b.span.begin; });
    return d;
  }

 private:
  core::Document doc_;
  std::string text_;
  std::vector<core::Block> blocks_;
};

/// Loads a policy from text; fails the test with the diagnostics if it does not load.
inline std::shared_ptr<const CompiledPolicy> must_load(const std::string& xml) {
  auto r = load_policy_text("policy.xml", xml, LoadOptions{false});
  std::string all;
  for (const auto& d : r.diagnostics) all += d.format() + "\n";
  EXPECT_TRUE(r.ok()) << all;
  return r.ok() ? *r.value : nullptr;
}

/// Every diagnostic, formatted, one per line.
template <class T>
std::string errors_of(const core::Result<T>& r) {
  std::string all;
  for (const auto& d : r.diagnostics) all += d.format() + "\n";
  return all;
}

inline ReviewContext at(int y, int m, int d) {
  ReviewContext c;
  c.review_date = core::Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
                             static_cast<unsigned short>(d));
  return c;
}

/// The source text a span covers.
inline std::string slice(const core::Document& doc, core::Span s) {
  return std::string(doc.source.slice(s));
}

}  // namespace declass::policies::testing
