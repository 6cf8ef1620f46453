// The portion-marking and banner grammars: every form quoted in domain.md §2,
// the garbled / not-a-marking boundary, combining, and every distinct mark
// found after a paragraph label in the corpus (pinned in a golden table).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "declass/core/classification.h"

namespace declass::core {
namespace {

using Kind = MarkingParse::Kind;

struct MarkCase {
  const char* inside;
  Kind kind;
  const char* portion;  // Classification::portion_text()
  bool entire_text = false;
};

// Every portion-marking form quoted in domain.md §2 and the issue.
const MarkCase kMarkings[] = {
    {"C", Kind::kMarking, "C"},
    {"C ", Kind::kMarking, "C"},
    {" C ", Kind::kMarking, "C"},
    {"c", Kind::kMarking, "C"},
    {"U", Kind::kMarking, "U"},
    {"u", Kind::kMarking, "U"},
    {"S", Kind::kMarking, "S"},
    {"s", Kind::kMarking, "S"},
    {"TS", Kind::kMarking, "TS"},
    {"SBU", Kind::kMarking, "U//SBU"},
    {"sbu", Kind::kMarking, "U//SBU"},
    {"SBU-N", Kind::kMarking, "U//SBU//NF"},
    {"SBU/NF", Kind::kMarking, "U//SBU//NF"},
    {"U//FOUO", Kind::kMarking, "U//FOUO"},
    {"S/NF", Kind::kMarking, "S//NF"},
    {"s/nf", Kind::kMarking, "S//NF"},
    {"C/NF", Kind::kMarking, "C//NF"},
    {"S//NF", Kind::kMarking, "S//NF"},
    {"C//NF", Kind::kMarking, "C//NF"},
    {"S-NF", Kind::kMarking, "S//NF"},
    {"S NF", Kind::kMarking, "S//NF"},
    {"SNF", Kind::kMarking, "S//NF"},
    {"C NF", Kind::kMarking, "C//NF"},
    {"S/NOFORN", Kind::kMarking, "S//NF"},
    {"S//NOFORN", Kind::kMarking, "S//NF"},
    {"S/Noforn", Kind::kMarking, "S//NF"},
    {"S//REL TO USA, FVEY", Kind::kMarking, "S//REL TO USA, FVEY"},
    {"S//FGI//NF", Kind::kMarking, "S//FGI//NF"},
    {"C//REL TO USA, KEN, GBR//", Kind::kMarking, "C//REL TO USA, GBR, KEN"},
    {"S/REL NATO", Kind::kMarking, "S//REL TO USA, NATO"},
    {"C/ REL ISAF", Kind::kMarking, "C//REL TO USA, ISAF"},
    {"SBU//Rel NATO, ISAF", Kind::kMarking, "U//SBU//REL TO USA, ISAF, NATO"},
    {"S/Rel to Russia, Latvia", Kind::kMarking, "S//REL TO USA, LVA, RUS"},
    {"S//REL MLT, GBR, AND GER", Kind::kMarking, "S//REL TO USA, DEU, GBR, MLT"},
    {"C/Releasable to Italy", Kind::kMarking, "C//REL TO USA, ITA"},
    {"S/NF/rel Panama", Kind::kMarking, "S//NF"},  // NOFORN absorbs REL TO
    {"SECRET/REL FRANCE", Kind::kMarking, "S//REL TO USA, FRA"},
    {"Secret/Rel Armenia", Kind::kMarking, "S//REL TO USA, ARM"},
    {"S/REL TO NATO/AUS", Kind::kMarking, "S//REL TO USA, AUS, NATO"},
    {"C/REL NATO and AUS", Kind::kMarking, "C//REL TO USA, AUS, NATO"},
    {"S/Rel China and UK", Kind::kMarking, "S//REL TO USA, CHN, GBR"},
    {"S/REL CH", Kind::kMarking, "S//REL TO USA, CHN"},
    {"C//REL TO FIVE EYES", Kind::kMarking, "C//REL TO USA, FVEY"},
    {"S//REL to USA, ACGU", Kind::kMarking, "S//REL TO USA, ACGU"},
    {"C//REL AUSTRALIA GROUP", Kind::kMarking, "C//REL TO USA, AUSTRALIA GROUP"},
    {"C/REL UK, CANADA, AUSTRALIA", Kind::kMarking, "C//REL TO USA, AUS, CAN, GBR"},
    {"S/REL South Korea", Kind::kMarking, "S//REL TO USA, KOR"},
    {"C - ENTIRE TEXT", Kind::kMarking, "C", true},
    {"S-ENTIRE TEXT", Kind::kMarking, "S", true},
    {"CONFIDENTIAL -- ENTIRE PARAGRAPH", Kind::kMarking, "C", true},
    {"Confidential", Kind::kMarking, "C"},
    {"//DEU TS", Kind::kMarking, "TS//FGI DEU"},
    {"TS//NF", Kind::kMarking, "TS//NF"},
    {"TOP SECRET", Kind::kMarking, "TS"},
    {"S//OC", Kind::kMarking, "S//OC"},
    {"S//ORCON", Kind::kMarking, "S//OC"},
    {"S//PR", Kind::kMarking, "S//PR"},
    {"C//PROPIN", Kind::kMarking, "C//PR"},
    {"S//RELIDO", Kind::kMarking, "S//RELIDO"},
    {"S//NF/OC", Kind::kMarking, "S//NF//OC"},
    {"UNCLASSIFIED", Kind::kMarking, "U"},
    {"LOU", Kind::kMarking, "U//SBU"},
    // Garbled: most restrictive plausible reading.
    {"SE", Kind::kGarbled, "S"},
    {"SB", Kind::kGarbled, "S"},
    {"SU", Kind::kGarbled, "S"},
    {"NC", Kind::kGarbled, "C//NF"},
    {"N/SF", Kind::kGarbled, "S//NF"},
    {"C/F", Kind::kGarbled, "C//NF"},
    {"S/XYZ", Kind::kGarbled, "S"},
    {"TS//SI//NF", Kind::kGarbled, "TS//NF"},
    {"SECRT", Kind::kGarbled, "S"},
    {"CONFIDENTAL", Kind::kGarbled, "C"},
    {"/Rel UK", Kind::kGarbled, "S//REL TO USA, GBR"},  // level missing
    {"NF", Kind::kGarbled, "S//NF"},                    // level missing
    // Not a marking.
    {"1", Kind::kNotMarking, "U"},
    {"3", Kind::kNotMarking, "U"},
    {"19", Kind::kNotMarking, "U"},
    {"U.S.", Kind::kNotMarking, "U"},
    {"Afghanistan", Kind::kNotMarking, "U"},
    {"Mideast", Kind::kNotMarking, "U"},
    {"Economic", Kind::kNotMarking, "U"},
    {"Iran", Kind::kNotMarking, "U"},
    {"B", Kind::kNotMarking, "U"},
    {"D", Kind::kNotMarking, "U"},
    {"E", Kind::kNotMarking, "U"},
    {"F", Kind::kNotMarking, "U"},
    {"N", Kind::kNotMarking, "U"},
    {"b", Kind::kNotMarking, "U"},
    {"e", Kind::kNotMarking, "U"},
    {"UN", Kind::kNotMarking, "U"},
    {"EU", Kind::kNotMarking, "U"},
    {"US", Kind::kNotMarking, "U"},
    {"NATO", Kind::kNotMarking, "U"},
    {"", Kind::kNotMarking, "U"},
    {"   ", Kind::kNotMarking, "U"},
    {"\"the source\"", Kind::kNotMarking, "U"},
    {"Confidential sources", Kind::kNotMarking, "U"},
    {"TF/Embassy Tbilisi telcon", Kind::kNotMarking, "U"},
    {"This point for November 3 Delivery", Kind::kNotMarking, "U"},
    {"Reftel", Kind::kNotMarking, "U"},
};

class MarkingForms : public ::testing::TestWithParam<MarkCase> {};

TEST_P(MarkingForms, ParsesAsDocumented) {
  const MarkCase& c = GetParam();
  const MarkingParse m = parse_portion_marking(c.inside);
  EXPECT_EQ(static_cast<int>(m.kind), static_cast<int>(c.kind)) << "(" << c.inside << ")";
  EXPECT_EQ(m.classification.portion_text(), c.portion) << "(" << c.inside << ")";
  EXPECT_EQ(m.entire_text, c.entire_text) << "(" << c.inside << ")";
  // Garbled marks always say why; clean ones never do.
  EXPECT_EQ(m.problem.empty(), c.kind != Kind::kGarbled) << "(" << c.inside << ")";
}

INSTANTIATE_TEST_SUITE_P(DomainForms, MarkingForms, ::testing::ValuesIn(kMarkings));

TEST(Marking, ContradictionsAreNotedAndResolvedRestrictively) {
  const MarkingParse nf_rel = parse_portion_marking("S/NF/rel Panama");
  EXPECT_EQ(nf_rel.kind, Kind::kMarking);
  EXPECT_FALSE(nf_rel.classification.has(Control::kRelTo));
  EXPECT_TRUE(nf_rel.classification.rel_to.empty());
  EXPECT_FALSE(nf_rel.note.empty());
  // SBU / FOUO may not sit on classified information (32 CFR 2001.23(a)).
  const MarkingParse s_fouo = parse_portion_marking("S//FOUO");
  EXPECT_EQ(s_fouo.classification.portion_text(), "S");
  EXPECT_FALSE(s_fouo.note.empty());
  EXPECT_TRUE(parse_portion_marking("S//NF").note.empty());
}

TEST(Marking, LevelMissingIsFlagged) {
  const MarkingParse m = parse_portion_marking("/Rel UK");
  EXPECT_TRUE(m.level_missing);
  EXPECT_EQ(m.classification.level, Level::kSecret);
  EXPECT_FALSE(parse_portion_marking("SE").level_missing);
  EXPECT_FALSE(parse_portion_marking("S/REL UK").level_missing);
}

TEST(Marking, FgiCountriesAndRelListsAreCanonical) {
  const MarkingParse fgi = parse_portion_marking("//DEU TS");
  EXPECT_EQ(fgi.classification.level, Level::kTopSecret);
  EXPECT_TRUE(fgi.classification.has(Control::kFgi));
  EXPECT_EQ(fgi.classification.fgi, std::vector<std::string>{"DEU"});
  const MarkingParse rel = parse_portion_marking("S//REL MLT, GBR, AND GER");
  EXPECT_EQ(rel.classification.rel_to, (std::vector<std::string>{"DEU", "GBR", "MLT", "USA"}));
  // Unknown names are kept, upper-cased.
  EXPECT_EQ(parse_portion_marking("S/REL ROYG").classification.rel_to,
            (std::vector<std::string>{"ROYG", "USA"}));
  EXPECT_EQ(parse_portion_marking("C/REL EU MEMBER STATES").classification.rel_to,
            (std::vector<std::string>{"EU MEMBER STATES", "USA"}));
}

TEST(Marking, LongOrBinaryInputIsRejectedCheaply) {
  EXPECT_EQ(parse_portion_marking(std::string(10000, 'S')).kind, Kind::kNotMarking);
  EXPECT_EQ(parse_portion_marking(std::string(121, 'C')).kind, Kind::kNotMarking);
  EXPECT_EQ(parse_portion_marking(std::string("S\0NF", 4)).kind, Kind::kNotMarking);
  EXPECT_EQ(parse_portion_marking("\xFF\xFE").kind, Kind::kNotMarking);
  // Repeated separators terminate and read restrictively.
  std::string seps = "S";
  for (int i = 0; i < 50; ++i) seps += "//";
  EXPECT_EQ(parse_portion_marking(seps).kind, Kind::kGarbled);
}

TEST(Marking, CombineTakesHigherLevelUnionAndIntersection) {
  const Classification c_rel = parse_portion_marking("C//REL TO USA, GBR, KEN").classification;
  const Classification s_rel = parse_portion_marking("S//REL TO USA, GBR").classification;
  const Classification both = c_rel.combine(s_rel);
  EXPECT_EQ(both.portion_text(), "S//REL TO USA, GBR");
  const Classification nf = parse_portion_marking("C/NF").classification;
  EXPECT_EQ(both.combine(nf).portion_text(), "S//NF");
  const Classification sbu = parse_portion_marking("SBU").classification;
  EXPECT_EQ(sbu.combine(parse_portion_marking("U").classification).portion_text(), "U//SBU");
  EXPECT_EQ(sbu.combine(parse_portion_marking("C").classification).portion_text(), "C");
  const Classification garbled = parse_portion_marking("NC").classification;
  EXPECT_TRUE(garbled.dominates(parse_portion_marking("C").classification));
  EXPECT_FALSE(parse_portion_marking("C").classification.dominates(garbled));
}

struct BannerCase {
  const char* line;
  const char* text;  // Classification::text(), or "" for no match
  size_t consumed;
};

const BannerCase kBanners[] = {
    {"C O N F I D E N T I A L SECTION 01 OF 03 TOKYO 003470", "CONFIDENTIAL", 23},
    {"S E C R E T STATE 086156", "SECRET", 11},
    {"T O P S E C R E T STATE 000001", "TOP SECRET", 17},
    {"S e c r e t ulaanbaatar 000234", "SECRET", 11},
    {"C o n f i d e n t i a l section 01 of 04 ankara 000348", "CONFIDENTIAL", 23},
    {"SS E C R E T BOGOTA 000123", "SECRET", 12},
    {"UNCLAS SECTION 01 OF 02 REYKJAVIK 000526", "UNCLASSIFIED", 6},
    {"UNCLAS E F T O LONDON 002618", "UNCLASSIFIED//EFTO", 14},
    {"UNCLAS EFTO LONDON 002618", "UNCLASSIFIED//EFTO", 11},
    {"UNCLASSIFIED", "UNCLASSIFIED", 12},
    {"CONFIDENTIAL", "CONFIDENTIAL", 12},
    {"SECRET", "SECRET", 6},
    {"TOP SECRET", "TOP SECRET", 10},
    {"   CONFIDENTIAL     PTQN", "CONFIDENTIAL", 15},
    {"SECRET SECTION 01 of 03 RIYADH 000123", "SECRET", 6},
    {"SECRET//FGI//NOFORN", "SECRET//FGI//NOFORN", 19},
    {"SECRET//NOFORN", "SECRET//NOFORN", 14},
    {"CONFIDENTIAL//NOFORN", "CONFIDENTIAL//NOFORN", 20},
    {"UNCLASSIFIED//FOR OFFICIAL USE ONLY", "UNCLASSIFIED//FOUO", 35},
    {"SECRET//FGI//NOFORN//MR", "SECRET//FGI//NOFORN", 23},
    {"SECRET//REL TO USA, GBR", "SECRET//REL TO USA, GBR", 23},
    {"LIMITED OFFICIAL USE", "UNCLASSIFIED//SBU", 20},
    // An unknown CAPCO group stops consumption before it, for the caller to report.
    {"SECRET//SI//NOFORN", "SECRET", 6},
    {"C O N F I D E N T I A L\nSIPDIS", "CONFIDENTIAL", 23},
    // Not banners.
    {"Secretary Rice met the minister", "", 0},
    {"Confidential sources said", "", 0},
    {"SECRETARY RICE", "", 0},
    {"S E C R E T A R Y", "", 0},
    {"Secret", "", 0},
    {"CONFIDENTIAL - ENTIRE TEXT", "", 0},
    {"SUBJECT: SECRET TALKS", "", 0},
    {"", "", 0},
};

class BannerForms : public ::testing::TestWithParam<BannerCase> {};

TEST_P(BannerForms, ParsesHeadAndReportsConsumedBytes) {
  const BannerCase& c = GetParam();
  size_t consumed = 999;
  const auto got = parse_classification_line(c.line, &consumed);
  if (std::string(c.text).empty()) {
    EXPECT_FALSE(got.has_value()) << c.line;
    EXPECT_EQ(consumed, 999u) << "consumed must be untouched on no match";
    return;
  }
  ASSERT_TRUE(got.has_value()) << c.line;
  EXPECT_EQ(got->text(), c.text) << c.line;
  EXPECT_EQ(consumed, c.consumed) << c.line;
}

INSTANTIATE_TEST_SUITE_P(DomainForms, BannerForms, ::testing::ValuesIn(kBanners));

// ---- every distinct mark after a paragraph label in the corpus --------------

std::string data_path(const std::string& rel) {
  return std::string(DECLASS_TEST_DATA) + "/" + rel;
}

std::string kind_name(Kind k) {
  switch (k) {
    case Kind::kMarking:
      return "marking";
    case Kind::kGarbled:
      return "garbled";
    case Kind::kNotMarking:
      return "not-marking";
  }
  return "?";
}

std::string describe(const std::string& inside) {
  const MarkingParse m = parse_portion_marking(inside);
  std::string out = kind_name(m.kind) + "\t" + m.classification.portion_text() + "\t" +
                    (m.entire_text ? "entire" : "-") + "\t" +
                    (m.problem.empty() ? "-" : m.problem) + "\t" + (m.note.empty() ? "-" : m.note);
  return out;
}

// Parenthesised text right after a paragraph label: "1. (C)", "¶1. (C)",
// "1.(C)", "A. (C)", "-- (S/NF)", "(1) (C)".
std::map<std::string, int> corpus_marks() {
  static const std::regex kHead(
      R"(^[ \t]*(?:\xC2\xB6[ \t]*)?(?:[0-9]{1,2}[.)]|[A-Z][.)]|--?|\([0-9]+\))[ \t]*\(([^()\n]{0,40})\))");
  std::map<std::string, int> marks;
  namespace fs = std::filesystem;
  for (const auto& dir : {data_path("corpus"), data_path("corpus/raw")}) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".txt") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::smatch m;
        if (std::regex_search(line, m, kHead)) ++marks[m[1].str()];
      }
    }
  }
  return marks;
}

TEST(CorpusMarks, EveryDistinctMarkMatchesTheReviewedTable) {
  const std::string table = data_path("corpus_portion_marks.tsv");
  const auto marks = corpus_marks();
  ASSERT_GT(marks.size(), 150u) << "corpus scan found too few marks";
  std::ostringstream now;
  now << "# mark\tkind\tportion\tentire\tproblem\tnote   (generated by marking_test; review "
         "diffs)\n";
  for (const auto& [mark, count] : marks) now << "(" << mark << ")\t" << describe(mark) << "\n";
  if (std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(table, std::ios::binary) << now.str();
    GTEST_SKIP() << "regenerated " << table;
  }
  std::ifstream in(table, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << table << " (run with DECLASS_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(now.str(), want.str()) << "corpus marks changed; rerun with DECLASS_UPDATE_GOLDEN=1 "
                                      "and review the diff of "
                                   << table;
}

TEST(CorpusMarks, CommonFormsAreCleanMarkings) {
  const auto marks = corpus_marks();
  size_t garbled = 0;
  for (const auto& [mark, count] : marks) {
    const MarkingParse m = parse_portion_marking(mark);
    if (m.kind == Kind::kGarbled) ++garbled;
    // Any mark seen five times or more is a real form and must parse cleanly,
    // except the damaged ones domain.md lists and REF letters / numbers.
    if (count >= 5 && mark != "SE" && mark.size() > 1 && m.kind == Kind::kGarbled)
      ADD_FAILURE() << "(" << mark << ") seen " << count << " times is garbled";
  }
  EXPECT_LE(garbled, 8u);
}

}  // namespace
}  // namespace declass::core
