// Hostile policies load or fail cleanly, in bounded time and memory (ctest's
// TIMEOUT is only a hang guard; speed is measured in bench/).
#include <gtest/gtest.h>

#include <random>

#include "doc_builder.h"

namespace declass::policies {
namespace {

using core::Action;
using core::BlockKind;
using core::Level;
using testing::at;
using testing::DocBuilder;
using testing::errors_of;

core::Result<std::shared_ptr<const CompiledPolicy>> load(const std::string& xml) {
  return load_policy_text("hostile.xml", xml, LoadOptions{false});
}

std::string first_error(const core::Result<std::shared_ptr<const CompiledPolicy>>& r) {
  return r.diagnostics.empty() ? "" : r.diagnostics.front().format();
}

TEST(Hostile, DeeplyNestedConditionsAreBounded) {
  for (int depth : {33, 1000, 100000}) {
    std::string xml = "<policy name=\"p\"><rule id=\"r\"><when>";
    for (int i = 0; i < depth; ++i) xml += "<not>";
    xml += "<declassified/>";
    for (int i = 0; i < depth; ++i) xml += "</not>";
    xml += "</when><release/></rule></policy>";
    auto r = load(xml);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(first_error(r),
              "hostile.xml:1:" + std::to_string(37 + 5 * 32) +
                  ": error: conditions nested deeper than 32 levels [condition-too-deep]");
  }
  // 32 levels are fine.
  std::string xml = "<policy name=\"p\"><rule id=\"r\"><when>";
  for (int i = 0; i < 31; ++i) xml += "<all>";
  xml += "<declassified/>";
  for (int i = 0; i < 31; ++i) xml += "</all>";
  xml += "</when><release/></rule></policy>";
  EXPECT_TRUE(load(xml).ok()) << errors_of(load(xml));
}

TEST(Hostile, DeeplyNestedUnknownElementsStopAtTheFirst) {
  std::string xml = "<policy name=\"p\">";
  for (int i = 0; i < 200000; ++i) xml += "<x>";
  for (int i = 0; i < 200000; ++i) xml += "</x>";
  xml += "</policy>";
  auto r = load(xml);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.size(), 1u) << first_error(r);
}

std::vector<std::string> synthetic_names(size_t n) {
  std::mt19937 rng(7);
  static const char* kSyl[] = {"ka", "to", "ri", "ne", "sa",  "mi",  "yo",
                               "ha", "zu", "be", "lo", "gar", "ven", "dri"};
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    std::string a, b;
    for (unsigned k = 0; k < 2 + rng() % 3; ++k) a += kSyl[rng() % 14];
    for (unsigned k = 0; k < 2 + rng() % 3; ++k) b += kSyl[rng() % 14];
    a[0] = static_cast<char>(a[0] - 32);
    b[0] = static_cast<char>(b[0] - 32);
    out.push_back(a + " " + b + std::to_string(i));
  }
  return out;
}

TEST(Hostile, HundredThousandTermsLoadAndMatch) {
  const auto names = synthetic_names(100000);
  std::string xml = "<policy name=\"p\"><terms id=\"t\" exemption=\"B6\">";
  for (const auto& n : names) xml += "<term>" + n + "</term>";
  xml += "</terms><rule id=\"r\"><redact lists=\"t\"/></rule></policy>";
  auto r = load(xml);
  ASSERT_TRUE(r.ok()) << first_error(r);
  EXPECT_EQ(policy_info(**r.value).terms, 100000u);
  DocBuilder b;
  const size_t para =
      b.add(BlockKind::kParagraph,
            "we met " + names[0] + " and " + names[99999] + " and " + names[50000] + "x today",
            Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  const auto d = decide(**r.value, doc, at(2026, 1, 1));
  std::vector<std::string> got;
  for (const auto& red : d.blocks[para].redactions) got.push_back(testing::slice(doc, red.span));
  EXPECT_EQ(got, (std::vector<std::string>{names[0], names[99999]}));
}

TEST(Hostile, PathologicalRegexes) {
  // Too big for RE2's memory budget: rejected at load, positioned.
  auto big = load(
      "<policy name=\"p\"><pattern id=\"x\" exemption=\"B6\" "
      "regex=\"((a{100}){100}){100}\"/></policy>");
  EXPECT_FALSE(big.ok());
  EXPECT_EQ(first_error(big),
            "hostile.xml:1:56: error: RE2 rejects the pattern: invalid repetition size: {100} "
            "[bad-regex]");
  auto large = load(
      "<policy name=\"p\"><pattern id=\"x\" exemption=\"B6\" "
      "regex=\"[\\p{L}\\p{N}]{1000}\"/></policy>");
  EXPECT_EQ(first_error(large),
            "hostile.xml:1:56: error: RE2 rejects the pattern: pattern too large - compile failed "
            "[bad-regex]");
  // Backtracking bombs are linear in RE2: they load and run.
  auto bomb = load(
      "<policy name=\"p\"><pattern id=\"x\" exemption=\"B6\" regex=\"(a+)+$|(x|xx)+y\"/>"
      "<rule id=\"r\"><redact lists=\"x\"/></rule></policy>");
  ASSERT_TRUE(bomb.ok()) << first_error(bomb);
  DocBuilder b;
  const size_t para =
      b.add(BlockKind::kParagraph, std::string(100000, 'x') + "!" + std::string(50000, 'a') + "!",
            Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  const auto d = decide(**bomb.value, doc, at(2026, 1, 1));
  EXPECT_EQ(d.blocks[para].action, Action::kRelease);
}

TEST(Hostile, TenMegabytePolicies) {
  // 10 MB of comment: loads.
  std::string xml = "<policy name=\"p\"><!--" + std::string(10 << 20, 'c') +
                    "--><rule id=\"r\"><release/></rule></policy>";
  EXPECT_TRUE(load(xml).ok());
  // 10 MB of rules: loads (each rule is checked).
  std::string rules = "<policy name=\"p\">";
  for (int i = 0; rules.size() < (10u << 20); ++i)
    rules +=
        "<rule id=\"r" + std::to_string(i) + "\" priority=\"" + std::to_string(i % 100) +
        "\"><when><kind is=\"paragraph\"/><portion min-level=\"C\"/></when><withhold/></rule>\n";
  rules += "</policy>";
  auto r = load(rules);
  EXPECT_TRUE(r.ok()) << first_error(r);
  // Larger than the file limit: refused before parsing.
  std::string huge = "<policy name=\"p\"><!--" + std::string(65 << 20, 'c') + "--></policy>";
  auto h = load(huge);
  EXPECT_FALSE(h.ok());
  EXPECT_EQ(first_error(h),
            "hostile.xml: error: the policy is larger than 67108864 bytes [policy-too-large]");
}

TEST(Hostile, TermBytesAreBounded) {
  std::string xml = "<policy name=\"p\"><terms id=\"t\" exemption=\"B6\">";
  const std::string term(900, 'q');
  for (int i = 0; i < 19000; ++i) xml += "<term>" + term + std::to_string(i) + "</term>";
  xml += "</terms></policy>";
  auto r = load(xml);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(first_error(r).find("the term lists exceed 16777216 bytes together [terms-too-large]"),
            std::string::npos)
      << first_error(r);
}

TEST(Hostile, EntityTricks) {
  const char* billion_laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n"
      "<policy name=\"&lol3;\"/>\n";
  auto r = load(billion_laughs);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(first_error(r),
            "hostile.xml:2:1: error: a document type declaration (<!DOCTYPE>) is not allowed in a "
            "policy [xml-doctype]");
  EXPECT_NE(errors_of(r).find("hostile.xml:7:15: error: unknown entity '&lol3;'"),
            std::string::npos)
      << errors_of(r);
  auto xxe = load(
      "<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<policy name=\"p\">&x;</policy>");
  EXPECT_FALSE(xxe.ok());
  auto nul = load("<policy name=\"a&#0;b\"/>");
  EXPECT_EQ(first_error(nul),
            "hostile.xml:1:16: error: character reference '&#0;' names a character XML does not "
            "allow [xml-entity]");
  auto amp = load("<policy name=\"R&D\"/>");
  EXPECT_EQ(first_error(amp), "hostile.xml:1:16: error: '&' must be written '&amp;' [xml-entity]");
  // Predefined and character references are fine, and comments may say anything.
  auto fine = load("<policy name=\"R&amp;D &#x41;&#66;\"><!-- &bogus; --></policy>");
  EXPECT_TRUE(fine.ok()) << errors_of(fine);
  EXPECT_EQ(policy_info(**fine.value).name, "R&D AB");
}

TEST(Hostile, GarbageNeverThrows) {
  std::mt19937 rng(3);
  const std::string seed =
      "<policy name=\"p\"><terms id=\"t\" exemption=\"B6\"><term>x</term></terms>"
      "<rule id=\"r\" priority=\"2\"><when><any><kind "
      "is=\"paragraph\"/><not><declassified/></not></any></when>"
      "<redact lists=\"t\"/><justification>j</justification></rule></policy>";
  for (int i = 0; i < 2000; ++i) {
    std::string s = seed;
    for (int k = 0; k < 3; ++k) s[rng() % s.size()] = static_cast<char>(rng() % 256);
    EXPECT_NO_THROW(load(s));
  }
}

}  // namespace
}  // namespace declass::policies
