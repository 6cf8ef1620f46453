#include "declass/render/release_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <type_traits>

#include "declass/render/text_writer.h"
#include "test_support.h"

namespace declass::render {
namespace {

using core::BlockKind;
using testing::b1;
using testing::b6;
using testing::labels;
using testing::make_document;
using testing::release_all;
using testing::span_of;

// Only make_release_view() can make a ReleaseView: no default or ad-hoc construction.
static_assert(!std::is_default_constructible_v<ReleaseView>);
static_assert(!std::is_constructible_v<ReleaseView, std::vector<ViewLine>>);
static_assert(std::is_copy_constructible_v<ReleaseView>);

constexpr const char* kCable =
    "C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003470\n"  // 1 banner
    "\n"                                                       // 2
    "SUBJECT: MEETING WITH DG NISHIMIYA\n"                     // 3 subject
    "\n"                                                       // 4
    "1. (C) Summary: MOFA officials took a cautious line\n"    // 5 paragraph 1
    "on the Six-Party talks. End Summary.\n"                   // 6
    "\n"                                                       // 7
    "2. (C) Director-General Shinichi Nishimiya said the\n"    // 8 paragraph 2
    "source CANARYALPHA was reliable and\n"                    // 9
    "\n"                                                       // 10
    "TOKYO 00003470 002 OF 002\n"                              // 11 page break
    "\n"                                                       // 12
    "would report again in August.\n"                          // 13 paragraph 2 (cont.)
    "\n"                                                       // 14
    "3. (U) Kathleen Stephens met the press.\n"                // 15 paragraph 3
    "\n"                                                       // 16
    "SCHIEFFER\n";                                             // 17 signature

core::Document cable() {
  auto doc = make_document("t.txt", kCable,
                           {{BlockKind::kBanner, 1, 1, ""},
                            {BlockKind::kSubject, 3, 3, ""},
                            {BlockKind::kParagraph, 5, 6, "1"},
                            {BlockKind::kParagraph, 8, 13, "2"},
                            {BlockKind::kPageBreak, 11, 11, ""},
                            {BlockKind::kParagraph, 15, 15, "3"},
                            {BlockKind::kSignature, 17, 17, ""}});
  // Paragraph 2's pieces skip the page break (an interruption).
  auto& p2 = doc.blocks[3];
  std::vector<core::Span> pieces;
  for (const auto& p : p2.pieces)
    if (doc.source.line_of(p.begin) != 11) pieces.push_back(p);
  p2.pieces = pieces;
  return doc;
}

core::Decisions decide(const core::Document& doc) {
  core::Decisions d = release_all(doc);
  d.blocks[4].action = core::Action::kOmit;  // page break
  testing::withhold(d, 3, labels({b1("bd")}));
  testing::redact(d, 5, span_of(doc, "Kathleen Stephens"), labels({b6()}));
  return d;
}

TEST(ReleaseBuilder, WithheldParagraphKeepsLabelAndMarkAndShowsOnlyItsPlaceholder) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  const std::string body = write_text_body(view);
  EXPECT_EQ(body,
            "C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003470\n"
            "\n"
            "SUBJECT: MEETING WITH DG NISHIMIYA\n"
            "\n"
            "1. (C) Summary: MOFA officials took a cautious line\n"
            "on the Six-Party talks. End Summary.\n"
            "\n"
            "2. (C) [B1 1.4(B), 1.4(D)]\n"
            "[B1 1.4(B), 1.4(D)]\n"
            "[B1 1.4(B), 1.4(D)]\n"
            "\n"
            "3. (U) [B6] met the press.\n"
            "\n"
            "SCHIEFFER\n");
  EXPECT_EQ(body.find("CANARYALPHA"), std::string::npos);
  EXPECT_EQ(body.find("Shinichi"), std::string::npos);
  EXPECT_EQ(body.find("Kathleen"), std::string::npos);
}

TEST(ReleaseBuilder, PlaceholdersCarryExtentRuleAndLabels) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  ASSERT_EQ(view.placeholders().size(), 2u);
  const Placeholder& p = view.placeholders()[0];
  EXPECT_EQ(p.scope, PlaceholderScope::kBlock);
  EXPECT_EQ(p.block_kind, "paragraph");
  EXPECT_EQ(p.paragraph, "2");
  EXPECT_EQ(p.first_source_line, 8u);
  EXPECT_EQ(p.last_source_line, 13u);
  EXPECT_EQ(p.withheld_lines, 3u);
  EXPECT_EQ(p.shown_lines, 3u);
  EXPECT_EQ(p.rule, "test-withhold");
  EXPECT_EQ(p.label, "[B1 1.4(B), 1.4(D)]");
  // "Director-General ... the" + "source ... and" + "would ... August."
  EXPECT_EQ(p.withheld_chars, 44u + 35u + 29u);
  const Placeholder& s = view.placeholders()[1];
  EXPECT_EQ(s.scope, PlaceholderScope::kSpan);
  EXPECT_EQ(s.withheld_chars, 17u);
  EXPECT_EQ(s.match, "test-terms");
  EXPECT_EQ(view.stamp().disposition, core::DocumentDisposition::kReleasedInPart);
  EXPECT_EQ(view.stamp().exemptions.text(), "B1 1.4(B), 1.4(D), B6");
  EXPECT_EQ(view.stamp().review_date, "2024-05-01");
}

TEST(ReleaseBuilder, ReleasedMarkingsAreStruckWithheldMarksAreNot) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  std::vector<std::string> struck;
  for (const auto& l : view.lines())
    for (const auto& s : l.segments)
      if (s.kind == SegmentKind::kStruck) struck.push_back(s.text);
  EXPECT_EQ(struck, (std::vector<std::string>{"C O N F I D E N T I A L", "(C)", "(U)"}));
}

TEST(ReleaseBuilder, PlaceholderStyles) {
  const auto doc = cable();
  auto d = decide(doc);
  d.placeholder = core::PlaceholderStyle::kFixed;
  std::string body = write_text_body(make_release_view(doc, d));
  EXPECT_NE(body.find("2. (C) [B1 1.4(B), 1.4(D)]\n\n3."), std::string::npos) << body;
  d.placeholder = core::PlaceholderStyle::kQuantized;
  d.placeholder_step = 5;
  const ReleaseView q = make_release_view(doc, d);
  EXPECT_EQ(q.placeholders()[0].shown_lines, 5u);
  EXPECT_EQ(q.placeholders()[0].rows.size(), 5u);
  // Inline placeholders: proportional keeps the width, quantized rounds it up
  // to 8 columns, fixed shows only the label.
  auto inline_cols = [&](core::PlaceholderStyle st) {
    d.placeholder = st;
    const ReleaseView v = make_release_view(doc, d);
    for (const auto& l : v.lines())
      for (const auto& s : l.segments)
        if (s.kind == SegmentKind::kPlaceholder && l.placeholder < 0) return s.columns;
    return 0u;
  };
  EXPECT_EQ(inline_cols(core::PlaceholderStyle::kProportional), 17u);
  EXPECT_EQ(inline_cols(core::PlaceholderStyle::kQuantized), 24u);
  EXPECT_EQ(inline_cols(core::PlaceholderStyle::kFixed), 4u);
}

TEST(ReleaseBuilder, MissingDecisionsAreWithheld) {
  const auto doc = cable();
  core::Decisions d = release_all(doc);
  d.blocks.resize(2);  // only banner and subject decided
  const std::string body = write_text_body(make_release_view(doc, d));
  EXPECT_EQ(body.find("MOFA"), std::string::npos);
  EXPECT_EQ(body.find("SCHIEFFER"), std::string::npos);
  EXPECT_NE(body.find("1. (C) [WITHHELD]"), std::string::npos) << body;
}

TEST(ReleaseBuilder, DeniedInFullReleasesNothing) {
  const auto doc = cable();
  core::Decisions d = release_all(doc);
  d.disposition = core::DocumentDisposition::kDeniedInFull;
  d.exemptions = labels({b1("d")});
  const ReleaseView v = make_release_view(doc, d);
  const std::string body = write_text_body(v);
  EXPECT_EQ(body.find("MOFA"), std::string::npos);
  EXPECT_EQ(body.find("NISHIMIYA"), std::string::npos);
  EXPECT_EQ(body.find("TOKYO"), std::string::npos);
  EXPECT_NE(body.find("SUBJECT: [B1 1.4(D)]"), std::string::npos) << body;
  EXPECT_EQ(v.stamp().disposition, core::DocumentDisposition::kDeniedInFull);
}

TEST(ReleaseBuilder, TextOutsideEveryBlockIsWithheld) {
  auto doc = cable();
  doc.blocks.pop_back();  // the signature line is no longer in any block
  const ReleaseView v = make_release_view(doc, release_all(doc));
  const std::string body = write_text_body(v);
  EXPECT_EQ(body.find("SCHIEFFER"), std::string::npos);
  ASSERT_FALSE(v.placeholders().empty());
  EXPECT_EQ(v.placeholders().back().scope, PlaceholderScope::kUncovered);
  EXPECT_EQ(v.placeholders().back().rule, "uncovered-text");
  // Released in full cannot stand with something withheld.
  EXPECT_EQ(v.stamp().disposition, core::DocumentDisposition::kReleasedInPart);
}

TEST(ReleaseBuilder, RedactionWithholdsBytesEvenOutsideItsBlock) {
  const auto doc = cable();
  core::Decisions d = release_all(doc);
  // Block 2 (paragraph 1) names a span that lies in the subject line.
  testing::redact(d, 2, span_of(doc, "NISHIMIYA"), labels({b6()}));
  const std::string body = write_text_body(make_release_view(doc, d));
  EXPECT_EQ(body.find("NISHIMIYA"), std::string::npos);
  EXPECT_NE(body.find("SUBJECT: MEETING WITH DG [B6]"), std::string::npos) << body;
}

TEST(ReleaseBuilder, OverlappingBlocksTakeTheMostRestrictiveAction) {
  auto doc = cable();
  // A second block claiming paragraph 3's line, withheld.
  core::Block extra = doc.blocks[5];
  extra.kind = BlockKind::kSubParagraph;
  extra.label.clear();
  extra.label_span = {};
  extra.mark.reset();
  doc.blocks.push_back(extra);
  core::Decisions d = release_all(doc);
  testing::withhold(d, doc.blocks.size() - 1, labels({b6()}));
  const std::string body = write_text_body(make_release_view(doc, d));
  EXPECT_EQ(body.find("Stephens"), std::string::npos) << body;
}

TEST(ReleaseBuilder, TabsExpandAndTrailingBlanksGo) {
  auto doc = make_document("t.txt", "A\tB   \n\n\n", {{BlockKind::kParagraph, 1, 1, ""}});
  const std::string body = write_text_body(make_release_view(doc, release_all(doc)));
  EXPECT_EQ(body, "A       B\n");
}

TEST(ReleaseBuilder, ReviewerLogQuotesWithheldTextUnderAWarning) {
  const auto doc = cable();
  const auto d = decide(doc);
  const ReleaseView v = make_release_view(doc, d);
  const std::string log = write_reviewer_log(doc, d, v);
  EXPECT_EQ(log.rfind("####", 0), 0u);
  EXPECT_NE(log.find("WARNING: INTERNAL REVIEWER LOG - IT QUOTES WITHHELD TEXT"),
            std::string::npos);
  EXPECT_NE(log.find("CANARYALPHA"), std::string::npos);
  EXPECT_NE(log.find("Kathleen Stephens"), std::string::npos);
  EXPECT_NE(std::string(kReviewerLogName).find("CONTAINS-WITHHELD-TEXT"), std::string::npos);
}

// Each placeholder quotes its own withheld runs, in source order: the runs
// are collected in byte order for all owners at once and grouped per owner.
TEST(ReleaseBuilder, ReviewerLogQuotesEachPlaceholdersRunsInOrder) {
  const auto doc = cable();
  const auto d = decide(doc);
  const ReleaseView v = make_release_view(doc, d);
  const std::string log = write_reviewer_log(doc, d, v);
  ASSERT_EQ(v.placeholders().size(), 2u);
  for (size_t k = 0; k < v.placeholders().size(); ++k) {
    const Placeholder& p = v.placeholders()[k];
    const std::string head = "\nP" + std::to_string(k + 1) + " ";
    size_t at = log.find(head);
    ASSERT_NE(at, std::string::npos) << head;
    at = log.find('\n', at + 1) + 1;
    std::vector<uint32_t> quoted;
    while (log.compare(at, 2, "  ") == 0) {
      const size_t bar = log.find("| ", at);
      quoted.push_back(static_cast<uint32_t>(std::stoul(log.substr(at + 2, bar - at - 2))));
      at = log.find('\n', at) + 1;
    }
    ASSERT_FALSE(quoted.empty()) << k;
    EXPECT_TRUE(std::is_sorted(quoted.begin(), quoted.end())) << k;
    EXPECT_EQ(quoted.front(), p.first_source_line) << k;
    EXPECT_EQ(quoted.back(), p.last_source_line) << k;
    quoted.erase(std::unique(quoted.begin(), quoted.end()), quoted.end());
    EXPECT_EQ(quoted.size(), p.withheld_lines) << k;
  }
}

TEST(ReleaseBuilder, PlaceholderLabelText) {
  EXPECT_EQ(placeholder_label(core::LabelSet{}), "[WITHHELD]");
  core::LabelSet s;
  s.add({core::Exemption::kB6, "", ""});
  EXPECT_EQ(placeholder_label(s), "[B6]");
  s.add({core::Exemption::kB1, "bd", ""});
  s.add({core::Exemption::kB3, "", "50 USC 3024(I) AND A VERY LONG STATUTE NAME"});
  EXPECT_EQ(placeholder_label(s),
            "[B1 1.4(B), 1.4(D), B3 50 USC 3024(I) AND A VERY LONG STATUTE NAME, B6]");
}

// count_code_points() counts 16 bytes at a time with per-lane counters that
// are summed every 255 rounds, then 8 at a time in a word: every length,
// every kind of byte, and texts long enough to pass that limit give the
// byte-by-byte count.
TEST(CountCodePoints, EqualsTheByteByByteCount) {
  auto naive = [](std::string_view s) {
    uint32_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
  };
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"a",    " ",    "\t",   "é",    "东",   "😀",
                                           "\x80", "\xBF", "\xC0", "\xFF", "\x7F", "\xC2\xA0"};
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const size_t len = round < 40 ? static_cast<size_t>(round) : rng() % 700;
    while (s.size() < len) s += pieces[rng() % pieces.size()];
    ASSERT_EQ(count_code_points(s), naive(s)) << "round " << round;
  }
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += i % 3 == 0 ? "东" : "é";
  long_text += "abc";
  EXPECT_EQ(count_code_points(long_text), naive(long_text));
  EXPECT_EQ(count_code_points(std::string(70000, '\x80')), 0u);
  EXPECT_EQ(count_code_points(std::string(70000, 'x')), 70000u);
}

}  // namespace
}  // namespace declass::render
