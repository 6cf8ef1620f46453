// Reviewer overrides win over the policy and are recorded as such.
#include <gtest/gtest.h>

#include "doc_builder.h"

namespace declass::policies {
namespace {

using core::Action;
using core::BlockKind;
using core::Level;
using testing::at;
using testing::DocBuilder;
using testing::errors_of;
using testing::must_load;
using testing::slice;

std::shared_ptr<const Overrides> must_load_overrides(const std::string& xml) {
  auto r = load_overrides_text("overrides.xml", xml);
  EXPECT_TRUE(r.ok()) << errors_of(r);
  return r.ok() ? *r.value : nullptr;
}

struct Fixture {
  Fixture() {
    subject = b.add(BlockKind::kSubject, "SUBJECT: MEETING", Level::kConfidential);
    p1 = b.add(BlockKind::kParagraph, "secret stuff", Level::kConfidential, "1", "C");
    p2 = b.add(BlockKind::kParagraph, "Smith said hello to Jones", Level::kUnclassified, "2", "U");
    sub = b.add(BlockKind::kSubParagraph, "lettered text", Level::kConfidential, "A", "C");
    b.block(sub).parent = static_cast<int32_t>(p2);
    doc = b.build();
    policy = must_load(
        "<policy name=\"t\">\n"
        "<terms id=\"names\" exemption=\"B6\"><term>Smith</term><term>Jones</term></terms>\n"
        "<rule id=\"classified\" priority=\"10\"><when><portion min-level=\"C\"/></when>"
        "<withhold exemption=\"B1\" reasons=\"b d\"/></rule>\n"
        "<rule id=\"privacy\"><redact lists=\"names\"/></rule>\n</policy>\n");
  }
  DocBuilder b;
  size_t subject = 0, p1 = 0, p2 = 0, sub = 0;
  core::Document doc;
  std::shared_ptr<const CompiledPolicy> policy;
};

TEST(Overrides, ReleaseAndWithholdWholeBlocks) {
  Fixture f;
  ReviewContext ctx = at(2010, 1, 1);
  ctx.overrides = must_load_overrides(
      "<overrides>\n"
      "  <cable id=\"99test1\">\n"
      "    <release paragraph=\"1\" reason=\"officially acknowledged in 2009\"/>\n"
      "    <withhold paragraph=\"2\" exemption=\"B5\" reason=\"deliberative\"/>\n"
      "    <release paragraph=\"2.a\" reason=\"public\"/>\n"
      "    <release kind=\"subject\" reason=\"subject line is public\"/>\n"
      "  </cable>\n"
      "  <cable id=\"OTHERCABLE\"><release paragraph=\"99\" reason=\"x\"/></cable>\n"
      "</overrides>\n");
  const auto r = decide_checked(*f.policy, f.doc, ctx);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& d = *r.value;
  EXPECT_EQ(d.blocks[f.p1].action, Action::kRelease);
  EXPECT_TRUE(d.blocks[f.p1].by_reviewer);
  EXPECT_EQ(d.blocks[f.p1].reviewer_reason, "officially acknowledged in 2009");
  EXPECT_EQ(d.blocks[f.p1].rule, "reviewer");
  EXPECT_EQ(d.blocks[f.p1].justification,
            "reviewer override at overrides.xml:3:5: officially acknowledged in 2009 (policy: "
            "withhold by rule classified)");
  EXPECT_EQ(d.blocks[f.p2].action, Action::kWithhold);
  EXPECT_EQ(d.blocks[f.p2].labels.text(), "B5");
  EXPECT_TRUE(d.blocks[f.p2].redactions.empty());
  EXPECT_EQ(d.blocks[f.sub].action, Action::kRelease);
  EXPECT_EQ(d.blocks[f.subject].action, Action::kRelease);
  EXPECT_EQ(d.exemptions.text(), "B5");
}

TEST(Overrides, Spans) {
  Fixture f;
  // Line 5 is "2. (U) Smith said hello to Jones"; columns 8-12 are "Smith",
  // 28-32 "Jones"; "hello" is 19-23.
  ASSERT_EQ(f.doc.source.line_text(5), "2. (U) Smith said hello to Jones");
  ReviewContext ctx = at(2010, 1, 1);
  ctx.overrides = must_load_overrides(
      "<overrides><cable id=\"99TEST1\">\n"
      "  <withhold from=\"5:19\" to=\"5:23\" exemption=\"B7(C)\" reason=\"informant greeting\"/>\n"
      "  <release from=\"5:28\" to=\"5:32\" reason=\"Jones is a public figure\"/>\n"
      "  <release from=\"3:8\" to=\"3:13\" reason=\"public part\"/>\n"
      "</cable></overrides>\n");
  const auto r = decide_checked(*f.policy, f.doc, ctx);
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto& p2 = r.value->blocks[f.p2];
  ASSERT_EQ(p2.action, Action::kRedact);
  std::vector<std::string> got;
  for (const auto& red : p2.redactions)
    got.push_back(slice(f.doc, red.span) + "|" + red.labels.text());
  EXPECT_EQ(got, (std::vector<std::string>{"Smith|B6", "hello|B7(C)"}));
  EXPECT_TRUE(p2.by_reviewer);
  // A withheld paragraph with a released span becomes a redaction of the rest.
  ASSERT_EQ(f.doc.source.line_text(3), "1. (C) secret stuff");
  const auto& p1 = r.value->blocks[f.p1];
  ASSERT_EQ(p1.action, Action::kRedact);
  ASSERT_EQ(p1.redactions.size(), 1u);
  EXPECT_EQ(slice(f.doc, p1.redactions[0].span), "stuff");
  EXPECT_EQ(p1.redactions[0].labels.text(), "B1 1.4(B), 1.4(D)");
}

TEST(Overrides, NamingAParagraphThatDoesNotExistIsAnError) {
  Fixture f;
  ReviewContext ctx = at(2010, 1, 1);
  ctx.overrides = must_load_overrides(
      "<overrides>\n  <cable id=\"99TEST1\">\n    <release paragraph=\"7\" reason=\"x\"/>\n"
      "    <withhold paragraph=\"1.B\" reason=\"y\"/>\n    <release from=\"200:1\" to=\"200:5\" "
      "reason=\"z\"/>\n"
      "    <release kind=\"signature\" reason=\"w\"/>\n  </cable>\n</overrides>\n");
  const auto r = decide_checked(*f.policy, f.doc, ctx);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(errors_of(r),
            "overrides.xml:3:5: error: cable 99TEST1 has no paragraph '7' [override-target]\n"
            "overrides.xml:4:5: error: cable 99TEST1 has no paragraph '1.B' [override-target]\n"
            "overrides.xml:5:5: error: cable 99TEST1 has no text between 200:1 and 200:5 "
            "[override-target]\n"
            "overrides.xml:6:5: error: cable 99TEST1 has no block of kind 'signature' "
            "[override-target]\n");
}

TEST(Overrides, BadFilesArePositioned) {
  struct Case {
    const char* xml;
    const char* expected;
  } cases[] = {
      {"<overrides>\n  <cable>\n</cable></overrides>",
       "overrides.xml:2:3: error: <cable> needs the attribute 'id' [missing-attribute]"},
      {"<overrides><cable id=\"x\">\n  <release paragraph=\"1\"/></cable></overrides>",
       "overrides.xml:2:3: error: <release> needs the attribute 'reason' [missing-attribute]"},
      {"<overrides><cable id=\"x\">\n  <release paragraph=\"1\" kind=\"subject\" "
       "reason=\"r\"/></cable></overrides>",
       "overrides.xml:2:3: error: <release> names exactly one of: paragraph, kind, or from and to "
       "[override-target]"},
      {"<overrides><cable id=\"x\">\n  <release from=\"a:b\" to=\"1:2\" "
       "reason=\"r\"/></cable></overrides>",
       "overrides.xml:2:18: error: bad position; expected LINE:COLUMN [bad-value]"},
      {"<overrides><cable id=\"x\">\n  <release paragraph=\"1\" exemption=\"B6\" "
       "reason=\"r\"/></cable></overrides>",
       "overrides.xml:2:26: error: unknown attribute 'exemption' on <release>; expected one of: "
       "paragraph, kind, from, to, reason [unknown-attribute]"},
      {"<overrides><cable id=\"x\">\n  <withhold paragraph=\"1\" exemption=\"B3\" "
       "reason=\"r\"/></cable></overrides>",
       "overrides.xml:2:38: error: B3 needs the statute named in 'statute' (e.g. statute=\"INA "
       "222(f)\") [b3-without-statute]"},
      {"<override/>", "overrides.xml:1:1: error: expected an <overrides> element [not-overrides]"},
  };
  for (const auto& c : cases) {
    auto r = load_overrides_text("overrides.xml", c.xml);
    EXPECT_FALSE(r.ok());
    ASSERT_FALSE(r.diagnostics.empty());
    EXPECT_EQ(r.diagnostics.front().format(), c.expected);
  }
}

}  // namespace
}  // namespace declass::policies
