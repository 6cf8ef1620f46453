// The Classified By grammar: every form quoted in domain.md §2 and the 203
// cablemap `classified_by` vectors, with the accepted disagreements pinned in
// tests/data/cablemap_classified_by_disagreements.tsv.
#include "declass/core/authority.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace declass::core {
namespace {

struct CbCase {
  const char* text;
  const char* name;
  const char* order;
  const char* reasons;
  bool truncated = false;
  bool derived = false;
};

const CbCase kForms[] = {
    {"Classified By: Amb. David N. Greenlee for reasons 1.4 (b) and (d).", "David N. Greenlee",
     "1.4", "bd"},
    {"CLASSIFIED BY: Michael S. Owen, Consul General, Mumbai, State. REASON: 1.4 (b), (d)",
     "Michael S. Owen", "1.4", "bd"},
    {"Classified By: Ambassador J. Thomas Schieffer for reasons 1.4 (b,d)", "J. Thomas Schieffer",
     "1.4", "bd"},
    {"Classified By: DCM Jane Doe for reasons 1.4 (b/d)", "Jane Doe", "1.4", "bd"},
    {"Classified By: DCM Jane Doe, reasons 1.4 (b)(d)", "Jane Doe", "1.4", "bd"},
    {"Classified By: DCM Jane Doe for reasons 1.4 (b&d)", "Jane Doe", "1.4", "bd"},
    {"Classified By: DCM Jane Doe for reasons 1.4 (B and D)", "Jane Doe", "1.4", "bd"},
    {"Classified By: DCM Jane Doe for reasons 1.4 b and d", "Jane Doe", "1.4", "bd"},
    {"Classified By: Ambassador Craig Kelly for reasons 1.5 (b and d)", "Craig Kelly", "1.5", "bd"},
    {"CLASSIFIED BY: DCM JOHN ROE, 1,4 (C) AND (D)", "JOHN ROE", "1.4", "cd"},
    {"Classified By: Pol Counselor Jane Doe, reasons 1.4(b)/(d)", "Jane Doe", "1.4", "bd"},
    {"Classified By: MULTIPLE SOURCES", "MULTIPLE SOURCES", "", "", true},
    {"Derived from Multiple Sources", "Multiple Sources", "", "", true, true},
    {"(U) Classified by Ambassador Jane Doe. Reason: 1.5(b) and (d)", "Jane Doe", "1.5", "bd"},
    {"Classified By: (U) CDA Nancy McEldowney; E.O. 12958, reasons 1.4 (b,d)", "Nancy McEldowney",
     "1.4", "bd"},
    {"Classified By: Political Counselor Jane Doe for reasons 1.4\n(b) and (d)", "Jane Doe", "1.4",
     "bd"},
    {"Classified By: Ambassador Jane Doe for reasons", "Jane Doe", "", "", true},
    {"Classified By: Ambassador Jane Doe for", "Jane Doe", "", "", true},
    {"1. (U) CLASSIFIED BY ROBERT P. FINN, DEPUTY CHIEF OF\nMISSION.  REASON: 1.5 (D)",
     "ROBERT P. FINN", "1.5", "d"},
    {"\xC2\xB6"
     "1. (U) Classified by DCM Jane Doe, reason 1.4 (d)",
     "Jane Doe", "1.4", "d"},
    {"Classified By: Ambassador Jane Doe\n\n1. (C) Summary: reasons 1.4 (a)", "Jane Doe", "", "",
     true},
};

class ClassifiedByForms : public ::testing::TestWithParam<CbCase> {};

TEST_P(ClassifiedByForms, ParsesAsDocumented) {
  const CbCase& c = GetParam();
  const auto a = parse_classified_by(c.text);
  ASSERT_TRUE(a.has_value()) << c.text;
  EXPECT_EQ(a->name, c.name) << c.text;
  EXPECT_EQ(a->order, c.order) << c.text;
  EXPECT_EQ(a->reasons, c.reasons) << c.text;
  EXPECT_EQ(a->truncated, c.truncated) << c.text;
  EXPECT_EQ(a->derived, c.derived) << c.text;
}

INSTANTIATE_TEST_SUITE_P(DomainForms, ClassifiedByForms, ::testing::ValuesIn(kForms));

TEST(ClassifiedBy, ClassifierKeepsTheTitle) {
  const auto a = parse_classified_by(
      "Classified By: Ambassador J. Thomas Schieffer for reasons 1.4 (b) and (d).");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->classifier, "Ambassador J. Thomas Schieffer");
  const auto b = parse_classified_by(
      "CLASSIFIED BY: Michael S. Owen, Consul General, Mumbai, State. REASON: 1.4 (b), (d)");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->classifier, "Michael S. Owen, Consul General, Mumbai, State");
}

TEST(ClassifiedBy, NotAClassifiedByBlock) {
  EXPECT_FALSE(parse_classified_by("").has_value());
  EXPECT_FALSE(parse_classified_by("The cable was classified by the embassy").has_value());
  EXPECT_FALSE(parse_classified_by("SUBJECT: CLASSIFIED BY WHOM?").has_value());
}

TEST(ClassifiedBy, FindsMisplacedBlocks) {
  const std::string ref =
      "REF: 10 GENEVA 231 (SFO-GVA-VIII-088) CLASSIFIED BY: Rose E. Gottemoeller, Assistant "
      "Secretary, Department of State, VCI; REASON: 1.4(B), (D) ";
  const size_t at = find_classified_by(ref);
  ASSERT_NE(at, std::string::npos);
  const auto a = parse_classified_by(std::string_view(ref).substr(at));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Rose E. Gottemoeller");
  EXPECT_EQ(a->reasons, "bd");
  EXPECT_EQ(find_classified_by("nothing here"), std::string::npos);
  EXPECT_EQ(find_classified_by("declassified by NARA"), std::string::npos);
}

TEST(ClassifiedBy, HardWrappedWordsAreRejoined) {
  // The first line is 71 bytes: the wrap cut "Yee" in two.
  const std::string text =
      "Classified By: Interagency Provincial Affairs Deputy Coordinator Hoyt Y \n"
      "ee for reasons 1.4 (b) and (d)";
  const auto a = parse_classified_by(text);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "Hoyt Yee");
  // A short line is an ordinary word wrap.
  const auto b = parse_classified_by("Classified By: Ambassador Hoyt Y\nEe for reasons 1.4 (b)");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name, "Hoyt Y Ee");
}

TEST(ClassifiedBy, PathologicalInputTerminates) {
  std::string big = "Classified By: ";
  for (int i = 0; i < 100000; ++i) big += "Ambassador ";
  const auto a = parse_classified_by(big);
  ASSERT_TRUE(a);
  std::string ands = "Classified By: Jane Doe for reasons 1.4 ";
  for (int i = 0; i < 100000; ++i) ands += "(b) and ";
  const auto b = parse_classified_by(ands);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->reasons, "b");
}

TEST(FormatReasons, StateReleaseStyle) {
  EXPECT_EQ(format_reasons("bd"), "1.4(B), 1.4(D)");
  EXPECT_EQ(format_reasons("a"), "1.4(A)");
  EXPECT_EQ(format_reasons(""), "");
}

// ---- the cablemap vectors ---------------------------------------------------

struct Vector {
  int line = 0;  // 1-based line in the JSONL file
  std::string cable;
  std::string input;
  std::string expected;  // a list is joined with "; "; an empty list is ""
};

std::string data_path(const std::string& rel) {
  return std::string(DECLASS_TEST_DATA) + "/" + rel;
}

std::vector<Vector> load_vectors() {
  std::vector<Vector> out;
  std::ifstream in(data_path("corpus/cablemap_vectors.jsonl"), std::ios::binary);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("kind", "") != "classified_by") continue;
    Vector v;
    v.line = n;
    v.cable = j.value("cable", "");
    v.input = j.value("input", "");
    const auto& e = j["expected"];
    if (e.is_array()) {
      for (const auto& x : e) v.expected += (v.expected.empty() ? "" : "; ") + x.get<std::string>();
    } else {
      v.expected = e.get<std::string>();
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::string ours(const Vector& v) {
  const size_t at = find_classified_by(v.input);
  if (at == std::string::npos) return "<no block>";
  const auto a = parse_classified_by(std::string_view(v.input).substr(at));
  return a ? a->name : "<no parse>";
}

struct Disagreement {
  std::string expected;
  std::string ours;
  std::string why;
};

// line -> accepted disagreement
std::map<int, Disagreement> load_disagreements() {
  std::map<int, Disagreement> out;
  std::ifstream in(data_path("cablemap_classified_by_disagreements.tsv"), std::ios::binary);
  std::string row;
  while (std::getline(in, row)) {
    if (row.empty() || row[0] == '#') continue;
    std::vector<std::string> f;
    std::istringstream r(row);
    std::string c;
    while (std::getline(r, c, '\t')) f.push_back(c);
    if (f.size() < 5) {
      ADD_FAILURE() << "bad row in disagreements file: " << row;
      continue;
    }
    out[std::stoi(f[0])] = {f[2], f[3], f[4]};
  }
  return out;
}

class CablemapClassifiedBy : public ::testing::TestWithParam<Vector> {};

TEST_P(CablemapClassifiedBy, NameAgreesOrIsADocumentedDisagreement) {
  static const auto accepted = load_disagreements();
  const Vector& v = GetParam();
  const std::string got = ours(v);
  const auto it = accepted.find(v.line);
  if (it == accepted.end()) {
    EXPECT_EQ(got, v.expected) << v.cable << " line " << v.line
                               << ": a new disagreement (fix it or document it)";
  } else {
    EXPECT_EQ(it->second.expected, v.expected) << "disagreements file out of date";
    EXPECT_NE(got, v.expected) << v.cable << " line " << v.line
                               << ": fixed; remove it from the disagreements file";
    EXPECT_EQ(got, it->second.ours) << v.cable << " line " << v.line << ": our answer changed";
  }
}

INSTANTIATE_TEST_SUITE_P(Vectors, CablemapClassifiedBy, ::testing::ValuesIn(load_vectors()),
                         [](const ::testing::TestParamInfo<Vector>& i) {
                           return "line" + std::to_string(i.param.line);
                         });

TEST(CablemapClassifiedByRate, AtLeastNinetyFivePercent) {
  const auto vectors = load_vectors();
  ASSERT_EQ(vectors.size(), 203u);
  size_t agree = 0;
  for (const auto& v : vectors) agree += ours(v) == v.expected ? 1u : 0u;
  const double rate = 100.0 * static_cast<double>(agree) / static_cast<double>(vectors.size());
  std::cout << "[ cablemap classified_by ] " << agree << "/" << vectors.size() << " agree (" << rate
            << "%), " << load_disagreements().size() << " documented disagreements\n";
  EXPECT_GE(rate, 95.0);
  EXPECT_EQ(vectors.size() - agree, load_disagreements().size());
}

}  // namespace
}  // namespace declass::core
