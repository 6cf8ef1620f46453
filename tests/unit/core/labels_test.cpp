#include <gtest/gtest.h>

#include "declass/core/classification.h"
#include "declass/core/decisions.h"

namespace declass::core {
namespace {

TEST(Labels, B1ReasonsUnionAndStateStyleText) {
  LabelSet s;
  s.add({Exemption::kB6, "", ""});
  s.add({Exemption::kB1, "d", ""});
  s.add({Exemption::kB1, "bd", ""});
  EXPECT_EQ(s.text(), "B1 1.4(B), 1.4(D), B6");
}

TEST(Labels, B1ReasonsAlreadyPresentChangeNothing) {
  LabelSet s;
  s.add({Exemption::kB1, "db", ""});
  s.add({Exemption::kB1, "d", ""});
  s.add({Exemption::kB1, "bdb", ""});
  s.add({Exemption::kB1, "", ""});
  EXPECT_EQ(s.text(), "B1 1.4(B), 1.4(D)");
  s.add({Exemption::kB1, "ca", ""});
  EXPECT_EQ(s.text(), "B1 1.4(A), 1.4(B), 1.4(C), 1.4(D)");
}

TEST(Labels, B3KeepsOneEntryPerStatute) {
  LabelSet s;
  s.add({Exemption::kB3, "", "INA 222(F)"});
  s.add({Exemption::kB7C, "", ""});
  s.add({Exemption::kB3, "", "50 USC 3024(I)"});
  s.add({Exemption::kB3, "", "INA 222(F)"});
  EXPECT_EQ(s.text(), "B3 50 USC 3024(I), B3 INA 222(F), B7(C)");
}

TEST(Labels, AppendTextAppendsWhatTextReturns) {
  LabelSet s;
  s.add({Exemption::kB6, "", ""});
  s.add({Exemption::kB3, "", "INA 222(F)"});
  s.add({Exemption::kB1, "cab", ""});
  std::string out = "[";
  s.append_text(out);
  EXPECT_EQ(out, "[" + s.text());
  EXPECT_EQ(out, "[B1 1.4(A), 1.4(B), 1.4(C), B3 INA 222(F), B6");
  std::string one = "x ";
  s.labels()[1].append_text(one);
  EXPECT_EQ(one, "x B3 INA 222(F)");
  EXPECT_EQ(s.labels()[1].text(), "B3 INA 222(F)");
  std::string none = "kept";
  LabelSet{}.append_text(none);
  EXPECT_EQ(none, "kept");
}

TEST(Labels, ExemptionNamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(Exemption::kB9); ++i) {
    const auto e = static_cast<Exemption>(i);
    EXPECT_EQ(exemption_from_string(to_string(e)), e);
  }
  EXPECT_EQ(exemption_from_string("b7(c)"), Exemption::kB7C);
  EXPECT_EQ(exemption_from_string("B10"), std::nullopt);
}

TEST(ClassificationCombine, HigherLevelUnionOfControlsNofornAbsorbsRelTo) {
  Classification c;
  c.level = Level::kConfidential;
  c.add(Control::kRelTo);
  c.rel_to = {"GBR", "USA"};
  Classification s;
  s.level = Level::kSecret;
  s.add(Control::kNoforn);
  Classification both = c.combine(s);
  EXPECT_EQ(both.level, Level::kSecret);
  EXPECT_TRUE(both.has(Control::kNoforn));
  EXPECT_FALSE(both.has(Control::kRelTo));
  EXPECT_EQ(both.text(), "SECRET//NOFORN");
  EXPECT_EQ(both.portion_text(), "S//NF");
}

TEST(ClassificationCombine, RelToListsIntersect) {
  Classification a;
  a.level = Level::kSecret;
  a.add(Control::kRelTo);
  a.rel_to = {"AUS", "GBR", "USA"};
  Classification b = a;
  b.rel_to = {"GBR", "USA"};
  EXPECT_EQ(a.combine(b).text(), "SECRET//REL TO USA, GBR");
}

TEST(ClassificationCombine, SbuDisappearsOnClassifiedInformation) {
  Classification sbu;
  sbu.add(Control::kSbu);
  EXPECT_EQ(sbu.text(), "UNCLASSIFIED//SBU");
  Classification c;
  c.level = Level::kConfidential;
  EXPECT_EQ(sbu.combine(c).text(), "CONFIDENTIAL");
}

TEST(ClassificationCombine, Dominates) {
  Classification cnf;
  cnf.level = Level::kConfidential;
  cnf.add(Control::kNoforn);
  Classification s;
  s.level = Level::kSecret;
  EXPECT_FALSE(s.dominates(cnf));  // lacks NOFORN
  EXPECT_TRUE(s.combine(cnf).dominates(cnf));
}

}  // namespace
}  // namespace declass::core
