// Conditions, actions, labels and precedence, on documents built by hand.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "doc_builder.h"

namespace declass::policies {
namespace {

using core::Action;
using core::BlockKind;
using core::Level;
using testing::at;
using testing::DocBuilder;
using testing::must_load;
using testing::slice;

std::string policy(const std::string& body) {
  return "<policy name=\"t\" version=\"1\">\n" + body + "\n</policy>\n";
}

// One rule that releases blocks matching `cond`; everything else is withheld by default.
std::shared_ptr<const CompiledPolicy> release_when(const std::string& cond) {
  return must_load(policy("<rule id=\"r\"><when>" + cond + "</when><release/></rule>"));
}

Action action_of(const CompiledPolicy& p, const core::Document& doc, size_t block,
                 const ReviewContext& ctx = at(2026, 11, 28)) {
  return decide(p, doc, ctx).blocks.at(block).action;
}

TEST(Conditions, Kind) {
  DocBuilder b;
  const size_t subj = b.add(BlockKind::kSubject, "SUBJECT: TEST");
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto p = release_when("<kind is=\"subject sub-paragraph\"/>");
  EXPECT_EQ(action_of(*p, doc, subj), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, para), Action::kWithhold);
}

TEST(Conditions, PortionLevelsAndMarking) {
  DocBuilder b;
  const size_t u = b.add(BlockKind::kParagraph, "u", Level::kUnclassified, "1", "U");
  const size_t c = b.add(BlockKind::kParagraph, "c", Level::kConfidential, "2", "C");
  const size_t s = b.add(BlockKind::kParagraph, "s", Level::kSecret, "3", "S");
  const size_t inh = b.add(BlockKind::kParagraph, "i", Level::kSecret, "4");
  const auto doc = b.build();
  auto at_least_c = release_when("<portion min-level=\"C\"/>");
  EXPECT_EQ(action_of(*at_least_c, doc, u), Action::kWithhold);
  EXPECT_EQ(action_of(*at_least_c, doc, c), Action::kRelease);
  EXPECT_EQ(action_of(*at_least_c, doc, s), Action::kRelease);
  auto at_most_c = release_when("<portion max-level=\"CONFIDENTIAL\"/>");
  EXPECT_EQ(action_of(*at_most_c, doc, u), Action::kRelease);
  EXPECT_EQ(action_of(*at_most_c, doc, c), Action::kRelease);
  EXPECT_EQ(action_of(*at_most_c, doc, s), Action::kWithhold);
  auto inherited = release_when("<portion marking=\"inherited garbled\"/>");
  EXPECT_EQ(action_of(*inherited, doc, inh), Action::kRelease);
  EXPECT_EQ(action_of(*inherited, doc, s), Action::kWithhold);
}

TEST(Conditions, Controls) {
  DocBuilder b;
  const size_t nf = b.add(BlockKind::kParagraph, "nf", Level::kSecret, "1", "S/NF");
  const size_t rel = b.add(BlockKind::kParagraph, "rel", Level::kSecret, "2", "S//REL TO USA, GBR");
  const size_t plain = b.add(BlockKind::kParagraph, "plain", Level::kSecret, "3", "S");
  b.block(nf).classification.add(core::Control::kNoforn);
  b.block(rel).classification.add(core::Control::kRelTo);
  b.block(rel).classification.rel_to = {"GBR", "USA"};
  const auto doc = b.build();
  auto p = release_when("<controls any=\"NOFORN REL-TO\"/>");
  EXPECT_EQ(action_of(*p, doc, nf), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, rel), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, plain), Action::kWithhold);
  auto all = release_when("<controls all=\"NF REL-TO\"/>");
  EXPECT_EQ(action_of(*all, doc, nf), Action::kWithhold);
}

TEST(Conditions, DeclassifiedFollowsTheReviewDate) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kConfidential, "1", "C");
  b.doc().declass.kind = core::DeclassKind::kDate;
  b.doc().declass.date = core::Date(2017, 7, 30);
  b.doc().declass_eval.effective_date = core::Date(2017, 7, 30);
  b.doc().declass_eval.computable = true;
  const auto doc = b.build();
  auto p = release_when("<declassified/>");
  EXPECT_EQ(action_of(*p, doc, para, at(2010, 1, 1)), Action::kWithhold);
  EXPECT_EQ(action_of(*p, doc, para, at(2017, 7, 29)), Action::kWithhold);
  EXPECT_EQ(action_of(*p, doc, para, at(2017, 7, 30)), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, para, at(2026, 11, 28)), Action::kRelease);
}

TEST(Conditions, UnknownFactsNeverRelease) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kConfidential, "1", "C");
  b.doc().created_date.reset();
  b.doc().origin.clear();
  // No effective declassification date: "declassified" is unknown.
  const auto doc = b.build();
  for (const char* cond :
       {"<declassified/>", "<not><declassified/></not>", "<age at-least=\"25\"/>",
        "<age under=\"25\"/>", "<created before=\"2030-01-01\"/>", "<origin is=\"*\"/>",
        "<reasons any=\"b\"/>", "<tags any=\"*\"/>"}) {
    auto release = release_when(cond);
    EXPECT_EQ(action_of(*release, doc, para), Action::kWithhold) << cond;
    auto withhold =
        must_load(policy(std::string("<settings default=\"release\"/><rule id=\"w\"><when>") +
                         cond + "</when><withhold exemption=\"B6\"/></rule>"));
    const auto d = decide(*withhold, doc, at(2026, 11, 28));
    EXPECT_EQ(d.blocks[para].action, Action::kWithhold) << cond;
    EXPECT_NE(d.blocks[para].justification.find("unknown"), std::string::npos)
        << d.blocks[para].justification;
  }
}

TEST(Conditions, DeclassKindAndCodesWithWildcards) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kSecret, "1", "S");
  b.doc().declass.kind = core::DeclassKind::kExemption;
  b.doc().declass.exemptions = {"25X1-HUMAN"};
  const auto doc = b.build();
  EXPECT_EQ(action_of(*release_when("<declass codes=\"25X*\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<declass codes=\"50X*\"/>"), doc, para), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<declass kind=\"exemption oadr\"/>"), doc, para),
            Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<declass kind=\"date\"/>"), doc, para), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<declass kind=\"exemption\" codes=\"x?\"/>"), doc, para),
            Action::kWithhold);
}

TEST(Conditions, AgeInYearsAtTheReviewDate) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kSecret, "1", "S");
  const auto doc = b.build();  // created 2007-07-30
  auto p = release_when("<age at-least=\"25\"/>");
  EXPECT_EQ(action_of(*p, doc, para, at(2032, 7, 29)), Action::kWithhold);
  EXPECT_EQ(action_of(*p, doc, para, at(2032, 7, 30)), Action::kRelease);
  // E.O. 13526 §3.3(a): on 31 December of origin year + 25.
  auto dec = release_when("<age at-least=\"25\" from=\"december-31\"/>");
  EXPECT_EQ(action_of(*dec, doc, para, at(2032, 12, 30)), Action::kWithhold);
  EXPECT_EQ(action_of(*dec, doc, para, at(2032, 12, 31)), Action::kRelease);
  auto young = release_when("<age under=\"10\"/>");
  EXPECT_EQ(action_of(*young, doc, para, at(2017, 7, 29)), Action::kRelease);
  EXPECT_EQ(action_of(*young, doc, para, at(2017, 7, 30)), Action::kWithhold);
}

TEST(Conditions, ReasonsTagsOriginCreated) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kSecret, "1", "S");
  core::ClassificationAuthority auth;
  auth.reasons = "bd";
  b.doc().classified_by = auth;
  b.doc().tags = {"PREL", "KNNP", "JA"};
  const auto doc = b.build();
  EXPECT_EQ(action_of(*release_when("<reasons any=\"d h\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<reasons any=\"c\"/>"), doc, para), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<reasons all=\"b d\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<reasons all=\"b c\"/>"), doc, para), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<tags any=\"K*\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<tags all=\"PREL JA\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<tags all=\"PREL KS\"/>"), doc, para), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<origin is=\"embassy test*\"/>"), doc, para),
            Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<origin is=\"Embassy Tokyo\"/>"), doc, para),
            Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<created before=\"2007-07-31\"/>"), doc, para),
            Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<created before=\"2007-07-30\"/>"), doc, para),
            Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<created after=\"2007-07-29\"/>"), doc, para),
            Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<created after=\"2007-07-30\"/>"), doc, para),
            Action::kWithhold);
}

TEST(Conditions, IssuesRepeatedAndContains) {
  DocBuilder b;
  const size_t para =
      b.add(BlockKind::kParagraph, "met Kenichiro Sasae today", Level::kUnclassified, "1");
  const size_t other = b.add(BlockKind::kParagraph, "nothing here", Level::kUnclassified, "2", "U");
  b.block(para).issues = {"unmarked-paragraph"};
  b.block(other).repeated = true;
  const auto doc = b.build();
  EXPECT_EQ(action_of(*release_when("<issue any=\"unmarked-*\"/>"), doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<issue any=\"unmarked-*\"/>"), doc, other), Action::kWithhold);
  EXPECT_EQ(action_of(*release_when("<repeated/>"), doc, other), Action::kRelease);
  EXPECT_EQ(action_of(*release_when("<repeated/>"), doc, para), Action::kWithhold);
  auto p =
      must_load(policy("<terms id=\"names\"><term>kenichiro sasae</term></terms>"
                       "<rule id=\"r\"><when><contains lists=\"names\"/></when><release/></rule>"));
  EXPECT_EQ(action_of(*p, doc, para), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, other), Action::kWithhold);
}

TEST(Conditions, AllAnyNotCombine) {
  DocBuilder b;
  const size_t c = b.add(BlockKind::kParagraph, "c", Level::kConfidential, "1", "C");
  const size_t u = b.add(BlockKind::kParagraph, "u", Level::kUnclassified, "2", "U");
  const size_t s = b.add(BlockKind::kSubject, "SUBJECT: s", Level::kConfidential);
  const auto doc = b.build();
  auto p = release_when(
      "<any><all><kind is=\"paragraph\"/><portion min-level=\"C\"/></all>"
      "<not><any><kind is=\"paragraph subject\"/></any></not></any>");
  EXPECT_EQ(action_of(*p, doc, c), Action::kRelease);
  EXPECT_EQ(action_of(*p, doc, u), Action::kWithhold);
  EXPECT_EQ(action_of(*p, doc, s), Action::kWithhold);
}

TEST(Actions, WithholdLabelsFromCableAndGiven) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kConfidential, "1", "C");
  core::ClassificationAuthority auth;
  auth.reasons = "bd";
  b.doc().classified_by = auth;
  const auto doc = b.build();
  auto p = must_load(
      policy("<rule id=\"w\"><withhold exemption=\"B1 B6\" reasons=\"from-cable\"/></rule>"));
  auto d = decide(*p, doc, at(2010, 1, 1));
  EXPECT_EQ(d.blocks[para].labels.text(), "B1 1.4(B), 1.4(D), B6");
  EXPECT_EQ(d.exemptions.text(), "B1 1.4(B), 1.4(D), B6");
  EXPECT_EQ(d.disposition, core::DocumentDisposition::kDeniedInFull);
  auto given =
      must_load(policy("<rule id=\"w\"><withhold exemption=\"B1, B3, B7(C)\" reasons=\"1.4(a), "
                       "1.4(h)\" statute=\"INA 222(f)\"/></rule>"));
  EXPECT_EQ(decide(*given, doc, at(2010, 1, 1)).blocks[para].labels.text(),
            "B1 1.4(A), 1.4(H), B3 INA 222(f), B7(C)");
}

TEST(Actions, FromCableWithoutReasonsStillB1AndSaysSo) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kConfidential, "1", "C");
  const auto doc = b.build();
  auto p = must_load(
      policy("<rule id=\"w\"><withhold exemption=\"B1\" reasons=\"from-cable\"/></rule>"));
  const auto d = decide(*p, doc, at(2010, 1, 1));
  EXPECT_EQ(d.blocks[para].labels.text(), "B1");
  EXPECT_NE(d.blocks[para].justification.find("no classification reasons"), std::string::npos);
}

TEST(Actions, DefaultIsWithholdUnderB1FromTheCable) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kUnclassified, "1", "U");
  core::ClassificationAuthority auth;
  auth.reasons = "d";
  b.doc().classified_by = auth;
  const auto doc = b.build();
  auto p = must_load(
      policy("<rule id=\"never\"><when><kind is=\"signature\"/></when><release/></rule>"));
  const auto d = decide(*p, doc, at(2010, 1, 1));
  EXPECT_EQ(d.blocks[para].action, Action::kWithhold);
  EXPECT_EQ(d.blocks[para].rule, "default");
  EXPECT_EQ(d.blocks[para].labels.text(), "B1 1.4(D)");
  auto rel = must_load(policy("<settings default=\"release\"/>"));
  EXPECT_EQ(decide(*rel, doc, at(2010, 1, 1)).blocks[para].action, Action::kRelease);
  auto b6 = must_load(policy("<settings default-exemption=\"B6\"/>"));
  EXPECT_EQ(decide(*b6, doc, at(2010, 1, 1)).blocks[para].labels.text(), "B6");
}

TEST(Actions, RedactMapsMatchesToExactSourceSpans) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph,
                            "Director-General Kenichiro\nSasae and  Deputy Vice Minister\nChikao "
                            "Kawai met; call +81 3 3224 5000.",
                            Level::kUnclassified, "2", "U");
  const auto doc = b.build();
  auto p = must_load(
      policy("<terms id=\"officials\" exemption=\"B6\"><term>Kenichiro Sasae</term><term>Chikao "
             "Kawai</term></terms>"
             "<pattern id=\"phone\" exemption=\"B6\" regex=\"\\+\\d{1,3}( \\d{1,4}){2,4}\"/>"
             "<rule id=\"r\"><redact lists=\"officials phone\"/></rule>"));
  const auto d = decide(*p, doc, at(2026, 11, 28)).blocks[para];
  ASSERT_EQ(d.action, Action::kRedact);
  std::vector<std::string> got;
  for (const auto& r : d.redactions)
    got.push_back(slice(doc, r.span) + "|" + r.labels.text() + "|" + r.match);
  EXPECT_EQ(got,
            (std::vector<std::string>{"Kenichiro|B6|officials", "Sasae|B6|officials",
                                      "Chikao Kawai|B6|officials", "+81 3 3224 5000|B6|phone"}));
}

TEST(Actions, MatchingSeesThroughSipdisAndPageBreaksAndHyphens) {
  DocBuilder b;
  const size_t para =
      b.add_interrupted("1", "the National Security", BlockKind::kCaption, "SIPDIS",
                        "Advisor and the Six-\nParty talks on the gov-\nernment side");
  const size_t para2 = b.add_interrupted("2", "met Kenichiro", BlockKind::kPageBreak,
                                         "TOKYO 00003470  002 OF 003", "Sasae in Tokyo");
  const auto doc = b.build();
  auto p =
      must_load(policy("<terms id=\"t\" exemption=\"B6\"><term>National Security "
                       "Advisor</term><term>Six-Party</term>"
                       "<term>government</term><term>Kenichiro Sasae</term></terms>"
                       "<rule id=\"r\"><redact lists=\"t\"/></rule>"));
  const auto dec = decide(*p, doc, at(2026, 11, 28));
  std::vector<std::string> got;
  for (size_t i : {para, para2})
    for (const auto& r : dec.blocks[i].redactions) got.push_back(slice(doc, r.span));
  EXPECT_EQ(got, (std::vector<std::string>{"National Security", "Advisor", "Six-", "Party", "gov-",
                                           "ernment", "Kenichiro", "Sasae"}));
}

TEST(Actions, WholeWordSubstringAndCase) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "Sasaes SASAE sasae Tokyo-based Kyotoite",
                            Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto spans = [&](const std::string& terms_attrs, const std::string& term) {
    auto p = must_load(policy("<terms id=\"t\" exemption=\"B6\" " + terms_attrs + "><term>" + term +
                              "</term></terms><rule id=\"r\"><redact lists=\"t\"/></rule>"));
    std::vector<std::string> got;
    const core::Decisions d = decide(*p, doc, at(2026, 11, 28));
    for (const auto& r : d.blocks[para].redactions) got.push_back(slice(doc, r.span));
    return got;
  };
  EXPECT_EQ(spans("", "Sasae"), (std::vector<std::string>{"SASAE", "sasae"}));
  EXPECT_EQ(spans("case=\"sensitive\"", "SASAE"), (std::vector<std::string>{"SASAE"}));
  EXPECT_EQ(spans("match=\"substring\"", "sasae"),
            (std::vector<std::string>{"Sasae", "SASAE", "sasae"}));
  EXPECT_EQ(spans("", "Tokyo"), (std::vector<std::string>{"Tokyo"}));
  EXPECT_EQ(spans("match=\"substring\"", "kyoto"), (std::vector<std::string>{"Kyoto"}));
}

TEST(Actions, OverlappingRedactionsMergeAndUniteLabels) {
  DocBuilder b;
  const size_t para = b.add(BlockKind::kParagraph, "the informant John Smith Jr said",
                            Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto p =
      must_load(policy("<terms id=\"names\" exemption=\"B6\"><term>John Smith</term></terms>"
                       "<terms id=\"sources\" exemption=\"B7(C)\"><term>Smith Jr</term></terms>"
                       "<rule id=\"a\"><redact lists=\"names\"/></rule>"
                       "<rule id=\"b\"><redact lists=\"sources\"/></rule>"));
  const auto d = decide(*p, doc, at(2026, 11, 28)).blocks[para];
  ASSERT_EQ(d.redactions.size(), 1u);
  EXPECT_EQ(slice(doc, d.redactions[0].span), "John Smith Jr");
  EXPECT_EQ(d.redactions[0].labels.text(), "B6, B7(C)");
  EXPECT_EQ(d.redactions[0].rule, "a,b");
  EXPECT_EQ(d.redactions[0].match, "names,sources");
}

TEST(Actions, RedactWithNothingFoundReleases) {
  DocBuilder b;
  const size_t para =
      b.add(BlockKind::kParagraph, "nothing personal", Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto p =
      must_load(policy("<terms id=\"t\" exemption=\"B6\"><term>Smith</term></terms>"
                       "<rule id=\"r\"><redact lists=\"t\"/></rule>"));
  const auto d = decide(*p, doc, at(2026, 11, 28));
  EXPECT_EQ(d.blocks[para].action, Action::kRelease);
  EXPECT_EQ(d.blocks[para].rule, "r");
  EXPECT_EQ(d.disposition, core::DocumentDisposition::kReleasedInFull);
}

TEST(Actions, OmitOnlyNonRecordAndDisposition) {
  DocBuilder b;
  const size_t notice = b.add(BlockKind::kNotice, "pdf how-to read a cable");
  const size_t para = b.add(BlockKind::kParagraph, "text", Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto p =
      must_load(policy("<rule id=\"o\"><when><kind is=\"notice page-break\"/></when><omit/></rule>"
                       "<rule id=\"r\"><when><kind is=\"paragraph\"/></when><release/></rule>"));
  const auto d = decide(*p, doc, at(2026, 11, 28));
  EXPECT_EQ(d.blocks[notice].action, Action::kOmit);
  EXPECT_EQ(d.blocks[para].action, Action::kRelease);
  EXPECT_EQ(d.disposition, core::DocumentDisposition::kReleasedInFull);
}

// Precedence table: for two matching rules (priority, action) x (priority,
// action), which one decides.
TEST(Precedence, Table) {
  struct Row {
    int pa;
    const char* a;
    int pb;
    const char* b;
    const char* winner;
  };
  const Row rows[] = {
      {0, "withhold", 0, "release", "a"}, {0, "release", 0, "withhold", "b"},
      {0, "redact", 0, "release", "a"},   {0, "release", 0, "redact", "b"},
      {0, "withhold", 0, "redact", "a"},  {0, "redact", 0, "withhold", "b"},
      {0, "release", 0, "release", "a"},  {0, "withhold", 0, "withhold", "a"},
      {1, "release", 0, "withhold", "a"}, {0, "withhold", 1, "release", "b"},
      {5, "redact", 9, "release", "b"},   {-1, "withhold", -2, "release", "a"},
      {0, "omit", 0, "withhold", "b"},    {9, "omit", 0, "withhold", "a"},
      {0, "omit", 0, "release", "b"},
  };
  DocBuilder b;
  const size_t notice = b.add(BlockKind::kNotice, "Smith says");
  const auto doc = b.build();
  for (const Row& row : rows) {
    auto act = [](const char* a) {
      const std::string s = a;
      if (s == "redact") return std::string("<redact lists=\"t\"/>");
      if (s == "withhold") return std::string("<withhold exemption=\"B6\"/>");
      return "<" + s + "/>";
    };
    auto p =
        must_load(policy("<terms id=\"t\" exemption=\"B6\"><term>Smith</term></terms>"
                         "<rule id=\"a\" priority=\"" +
                         std::to_string(row.pa) + "\"><when><kind is=\"notice\"/></when>" +
                         act(row.a) + "</rule><rule id=\"b\" priority=\"" + std::to_string(row.pb) +
                         "\"><when><kind is=\"notice\"/></when>" + act(row.b) + "</rule>"));
    const auto d = decide(*p, doc, at(2026, 11, 28)).blocks[notice];
    EXPECT_EQ(d.rule, row.winner) << row.pa << row.a << " vs " << row.pb << row.b;
    const std::string loser = std::string(row.winner) == "a" ? "b" : "a";
    EXPECT_EQ(d.also_matched, std::vector<std::string>{loser});
  }
}

TEST(Precedence, EveryMatchingRedactRuleContributes) {
  DocBuilder b;
  const size_t para =
      b.add(BlockKind::kParagraph, "Smith called 555-1234", Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  auto p =
      must_load(policy("<terms id=\"t\" exemption=\"B6\"><term>Smith</term></terms>"
                       "<pattern id=\"ph\" exemption=\"B6\" regex=\"\\d{3}-\\d{4}\"/>"
                       "<rule id=\"hi\" priority=\"10\"><redact lists=\"t\"/></rule>"
                       "<rule id=\"lo\" priority=\"0\"><redact lists=\"ph\"/></rule>"
                       "<rule id=\"rel\" priority=\"5\"><release/></rule>"));
  const auto d = decide(*p, doc, at(2026, 11, 28)).blocks[para];
  EXPECT_EQ(d.rule, "hi");
  ASSERT_EQ(d.redactions.size(), 2u);
  EXPECT_EQ(slice(doc, d.redactions[1].span), "555-1234");
  EXPECT_EQ(d.also_matched, (std::vector<std::string>{"lo", "rel"}));
}

TEST(Decisions, DispositionAndReviewInfo) {
  DocBuilder b;
  b.add(BlockKind::kParagraph, "c", Level::kConfidential, "1", "C");
  b.add(BlockKind::kParagraph, "u", Level::kUnclassified, "2", "U");
  const auto doc = b.build();
  auto p = must_load(policy(
      "<settings placeholder=\"quantized\" placeholder-step=\"3\"/>"
      "<rule id=\"w\" priority=\"1\"><when><portion min-level=\"C\"/></when><withhold/></rule>"
      "<rule id=\"r\"><release/></rule>"));
  ReviewContext ctx = at(2010, 1, 1);
  ctx.case_id = "F-2010-001";
  ctx.reviewer = "J. Doe";
  const auto d = decide(*p, doc, ctx);
  EXPECT_EQ(d.disposition, core::DocumentDisposition::kReleasedInPart);
  EXPECT_EQ(d.placeholder, core::PlaceholderStyle::kQuantized);
  EXPECT_EQ(d.placeholder_step, 3u);
  EXPECT_EQ(d.review.case_id, "F-2010-001");
  EXPECT_EQ(d.review.reviewer, "J. Doe");
  EXPECT_EQ(d.review.policy_name, "t");
  EXPECT_EQ(d.review.policy_version, "1");
}

}  // namespace
}  // namespace declass::policies

namespace declass::policies {
namespace {

// A compiled policy is shared by threads: concurrent decisions equal the
// sequential ones.
TEST(Decisions, OnePolicyManyThreads) {
  auto r = load_policy(std::string(DECLASS_SOURCE_ROOT) + "/policy-samples/foia-standard.xml");
  ASSERT_TRUE(r.ok());
  auto doc = core::read_file(std::string(DECLASS_TEST_DATA) + "/samples/07TOKYO3470.txt");
  ASSERT_TRUE(doc.ok());
  const auto expected = decide(**r.value, *doc.value, testing::at(2026, 11, 28));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto d = decide(**r.value, *doc.value, testing::at(2026, 11, 28));
        bool same =
            d.blocks.size() == expected.blocks.size() && d.disposition == expected.disposition;
        for (size_t b = 0; same && b < d.blocks.size(); ++b)
          same = d.blocks[b].action == expected.blocks[b].action &&
                 d.blocks[b].redactions.size() == expected.blocks[b].redactions.size() &&
                 d.blocks[b].rule == expected.blocks[b].rule;
        if (!same) ++mismatches;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace declass::policies
