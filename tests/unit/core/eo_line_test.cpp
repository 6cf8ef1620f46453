// The E.O. / DECL grammar and its evaluation: every form quoted in domain.md
// §2, two-digit years, leap days, review dates either side of the effective
// date, and every E.O. line in the corpus (pinned in a golden table).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "declass/core/declass_instruction.h"

namespace declass::core {
namespace {

Date d(const char* iso) {
  const auto v = parse_iso_date(iso);
  if (!v) ADD_FAILURE() << "bad test date " << iso;
  return v.value_or(Date(2000, 1, 1));
}

std::optional<Date> opt(const char* iso) {
  if (iso == nullptr || *iso == '\0') return std::nullopt;
  return d(iso);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

struct EoCase {
  const char* line;
  const char* created;  // "" = unknown
  DeclassKind kind;
  const char* date;  // instruction.date, "" = none
  const char* exemptions = "";
  bool problem = false;  // a problem text is expected
};

// Every E.O. form quoted in domain.md §2 (with the cable it comes from).
const EoCase kForms[] = {
    {"E.O. 12958: DECL: 01/14/2019", "2009-01-14", DeclassKind::kDate, "2019-01-14"},
    {"E.O. 12958: DECL: 1/27/2020", "2010-01-27", DeclassKind::kDate, "2020-01-27"},
    {"E.O. 12958: DECL: 2019/02/23", "2009-11-30", DeclassKind::kDate, "2019-02-23"},
    {"E.O. 12958: DECL: 2019-12-21", "2009-12-21", DeclassKind::kDate, "2019-12-21"},
    {"E.O. 12958: DECL: 12/20/07", "1997-12-20", DeclassKind::kDate, "2007-12-20"},
    {"E.O. 12958: DECL: 08 OCTOBER 2019", "2009-10-08", DeclassKind::kDate, "2019-10-08"},
    {"E.O. 12958: DECL: 12-29-13", "2003-12-29", DeclassKind::kDate, "2013-12-29"},
    {"E.O. 12958: N/A", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"EO 12958 N/A", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"E.O.12958: N/A", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"E.o. 12958: n/a", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"E.O. 12958: NA", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"E.O.: 12958: N/A", "2009-01-01", DeclassKind::kNotApplicable, ""},
    {"E.O. 12958: N/A TAGS: PGOV PHUM KCRM SOCI SNAR ASEC BR", "2009-01-01",
     DeclassKind::kNotApplicable, ""},
    {"E.O. 12958: N/A AGS: PREL, OVIP, EINV, PINR, AR", "2009-01-01", DeclassKind::kNotApplicable,
     ""},
    {"\xE2\x80\xA6"
     "022025SIPDISNOFORN SIPDISE.O. 12958: DECL: 11/14/2016",
     "2006-11-14", DeclassKind::kDate, "2016-11-14"},
    {"E.O. 12958: DECL: 03/14/2019 TAGS: PREL PGOV", "2009-03-14", DeclassKind::kDate,
     "2019-03-14"},
    {"E.O. 12958: DECL: 03/14/2019SUBJECT: TALKS", "2009-03-14", DeclassKind::kDate, "2019-03-14"},
    {"E.O. 12958: DECL: 03/14/2019 TAG PTER, PGOV", "2009-03-14", DeclassKind::kDate, "2019-03-14"},
    {"E.O. 12958: DECL: TWENTY YEARS", "2009-01-22", DeclassKind::kDuration, ""},
    {"E.O. 12958: DECL: TEN YEARS", "2008-03-20", DeclassKind::kDuration, ""},
    {"E.O. 12958: DECL: 10 YEARS", "2008-03-20", DeclassKind::kDuration, ""},
    {"E.O. 12958: DECL: TEN YEARS AFTER KOREAN UNIFICATION", "2009-04-22", DeclassKind::kEvent, ""},
    {"E.o. 12958: decl: after korean unification", "2009-05-26", DeclassKind::kEvent, ""},
    {"EO 12958 DECL: CLOSURE OF ICTY", "2006-07-01", DeclassKind::kEvent, ""},
    {"E.O. 12958: DECL: 1.6 FIVE YEARS AFTER CLOSURE OF ICTY", "2003-11-12", DeclassKind::kEvent,
     ""},
    {"E.O. 12958: DECL: (X1)", "2006-03-08", DeclassKind::kExemption, "", "X1"},
    {"E.O. 12958: DECL: X6", "1999-03-08", DeclassKind::kExemption, "", "X6"},
    {"E.O. 12958: DECL: 25X1", "2008-07-30", DeclassKind::kExemption, "", "25X1"},
    {"E.O. 12958: DECL: 25X1-HUMAN", "2010-01-05", DeclassKind::kExemption, "", "25X1-HUMAN"},
    {"E.O. 12958: DECL: 25X1- HUMAN", "2010-01-05", DeclassKind::kExemption, "", "25X1-HUMAN"},
    {"E.O. 13526: DECL: 50X1-HUM", "2011-01-05", DeclassKind::kExemption, "", "50X1-HUM"},
    {"E.O. 13526: DECL: 50X2-WMD", "2011-01-05", DeclassKind::kExemption, "", "50X2-WMD"},
    {"E.O. 13526: DECL: 75X1", "2011-01-05", DeclassKind::kExemption, "", "75X1"},
    {"E.O. 11652: XGDS-2", "1975-01-05", DeclassKind::kExemption, "", "XGDS-2"},
    {"E.O. 11652: XGDS 3", "1975-01-05", DeclassKind::kExemption, "", "XGDS-3"},
    {"E.O. 12958: DECL: 25X1, 25X6", "2008-07-30", DeclassKind::kExemption, "", "25X1,25X6"},
    {"E.O. 12958: DECL: MR", "2009-06-18", DeclassKind::kManualReview, ""},
    {"E.O. 12356: DECL:OADR", "1989-12-20", DeclassKind::kOadr, ""},
    {"E.O. 12356: DECL:  OADR", "1986-05-01", DeclassKind::kOadr, ""},
    {"E.O. 12958: DNG: CO 04/08/2026", "2006-04-08", DeclassKind::kDowngrade, "2026-04-08"},
    {"E.O. 12958: DECLASSIFY 11/29/2027", "2007-11-29", DeclassKind::kDate, "2027-11-29"},
    {"E.O. 12958: Declassify on 8/31/2034", "2009-08-31", DeclassKind::kDate, "2034-08-31"},
    {"E.O. 12958: DECL ON: 03/03/2019", "2009-03-03", DeclassKind::kDate, "2019-03-03"},
    {"E.O. 12958: DECLl: 04/07/2018", "2008-04-07", DeclassKind::kDate, "2018-04-07"},
    {"E.O. 12958: DECL: DECL: 04/28/2016", "2006-04-28", DeclassKind::kDate, "2016-04-28"},
    {"E.O. 12958: 1.4 (B) 1.4(D) DECLASSIFY 11/07/2018 TAGS: ASEC CVIS", "2008-11-07",
     DeclassKind::kDate, "2018-11-07"},
    {"E.O. 12958, 1.4(D)", "2005-05-31", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009", "1966-01-01", DeclassKind::kDeclassified,
     "2009-09-02"},
    {"E.O. 12958: AS AMENDED; DECLASSIFIED JUNE 21, 2006", "1972-08-01", DeclassKind::kDeclassified,
     "2006-06-21"},
    {"E.O. 11652: GDS", "1975-03-01", DeclassKind::kGds, ""},
    {"E.O. 12065: GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P", "1979-08-12", DeclassKind::kGds,
     "1985-08-12"},
    {"E.O. 12958: DECL: (##)", "2010-01-01", DeclassKind::kUnknown, "", "", true},
    {"EO 12958 XXXXXXXXXXXXX", "2009-01-01", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958: DECL: 08...", "2008-03-21", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958: DECL...", "2008-03-21", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958:", "2005-02-01", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958", "2005-02-01", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12598: DECL: 01/14/2019", "2009-01-14", DeclassKind::kDate, "2019-01-14"},
    {"E.O. 19523: DECL: 01/14/2019", "2009-01-14", DeclassKind::kDate, "2019-01-14"},
    {"E.O. 12928: DECL: 01/14/2019", "2009-01-14", DeclassKind::kDate, "2019-01-14"},
    {"E.O. 12985: DECL: 01/14/2019", "2009-01-14", DeclassKind::kDate, "2019-01-14"},
    {"E.O. 13526: DECL: 06/30/2020", "2010-06-30", DeclassKind::kDate, "2020-06-30"},
    {"E.O. 12958: DECL: 02/30/2019", "2009-02-01", DeclassKind::kUnknown, "", "", true},
    {"E.O. 12958: DECL: 13/01/2019", "2009-02-01", DeclassKind::kUnknown, "", "", true},
    // Before creation: kept as a date but reported; evaluation falls back.
    {"E.O. 12958: DECL: 01/14/2005", "2009-01-14", DeclassKind::kDate, "2005-01-14", "", true},
    // Trailing text that is not TAGS is reported, not dropped.
    {"E.O. 12958: DECL: 01/14/2019 PER STATE 1234", "2009-01-14", DeclassKind::kDate, "2019-01-14",
     "", true},
};

class EoForms : public ::testing::TestWithParam<EoCase> {};

TEST_P(EoForms, ParsesAsDocumented) {
  const EoCase& c = GetParam();
  const EoParse p = parse_eo_line(c.line, opt(c.created));
  const DeclassInstruction& in = p.instruction;
  EXPECT_EQ(to_string(in.kind), to_string(c.kind)) << c.line << " / " << p.problem;
  EXPECT_EQ(in.date ? format_iso_date(*in.date) : "", c.date) << c.line;
  EXPECT_EQ(join(in.exemptions), c.exemptions) << c.line;
  EXPECT_EQ(!p.problem.empty(), c.problem) << c.line << " / " << p.problem;
}

INSTANTIATE_TEST_SUITE_P(DomainForms, EoForms, ::testing::ValuesIn(kForms));

TEST(EoLine, FieldsOfTheValue) {
  const auto ev =
      parse_eo_line("EO 12958 DECL: TEN YEARS AFTER KOREAN UNIFICATION", d("2009-04-22"));
  EXPECT_EQ(ev.instruction.order, "12958");
  EXPECT_EQ(ev.instruction.duration_years, 10);
  EXPECT_EQ(ev.instruction.event, "AFTER KOREAN UNIFICATION");
  EXPECT_EQ(ev.instruction.text, "DECL: TEN YEARS AFTER KOREAN UNIFICATION");

  const auto dur = parse_eo_line("E.O. 12958: DECL: TWENTY YEARS", d("2009-01-22"));
  EXPECT_EQ(dur.instruction.duration_years, 20);
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: TWENTY-FIVE YEARS", d("2009-01-22"))
                .instruction.duration_years,
            25);

  const auto dng = parse_eo_line("E.O. 12958: DNG: CO 04/08/2026", d("2006-04-08"));
  ASSERT_TRUE(dng.instruction.downgrade_to.has_value());
  EXPECT_EQ(*dng.instruction.downgrade_to, Level::kConfidential);

  const auto reasons =
      parse_eo_line("E.O. 12958: 1.4 (B) 1.4(D) DECLASSIFY 11/07/2018 TAGS: ASEC", d("2008-11-07"));
  EXPECT_EQ(join(reasons.instruction.reasons), "b,d");
  EXPECT_EQ(reasons.instruction.text, "1.4 (B) 1.4(D) DECLASSIFY 11/07/2018");
  EXPECT_EQ(join(parse_eo_line("E.O. 12958, 1.4(D)", d("2005-05-31")).instruction.reasons), "d");

  EXPECT_EQ(parse_eo_line("E.O. 12356: DECL:OADR", std::nullopt).instruction.order, "12356");
  EXPECT_EQ(parse_eo_line("E.O. 12598: DECL: 01/14/2019", std::nullopt).instruction.order, "12598");
  EXPECT_EQ(
      parse_eo_line("E.O. 12958: DECL: 01/14/2019\nTAGS: PREL", std::nullopt).instruction.text,
      "DECL: 01/14/2019");
}

TEST(EoLine, TwoDigitYearsResolveToFirstYearNotBeforeCreation) {
  auto year = [](const char* line, std::optional<Date> created) {
    const auto p = parse_eo_line(line, created);
    return p.instruction.date ? static_cast<int>(p.instruction.date->year()) : -1;
  };
  EXPECT_EQ(year("E.O. 12958: DECL: 12/20/07", d("1997-12-20")), 2007);
  EXPECT_EQ(year("EO 12958 DECL: 09/21/10", d("2000-09-27")), 2010);
  EXPECT_EQ(year("E.O. 12065: GDS 8/12/85", d("1979-08-12")), 1985);
  // Same year as creation is "not before".
  EXPECT_EQ(year("E.O. 12958: DECL: 12/31/09", d("2009-01-01")), 2009);
  // A year already past in this century goes to the next one (fail closed).
  EXPECT_EQ(year("E.O. 12958: DECL: 01/05/08", d("2009-01-01")), 2108);
  // Without a creation date: 20YY, and the guess is reported.
  const auto no_created = parse_eo_line("E.O. 12958: DECL: 12/20/07", std::nullopt);
  EXPECT_EQ(year("E.O. 12958: DECL: 12/20/07", std::nullopt), 2007);
  EXPECT_FALSE(no_created.problem.empty());
  EXPECT_EQ(year("E.O. 12065: GDS 8/12/85", std::nullopt), 2085);
}

TEST(EoLine, LeapDays) {
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: 02/29/2020", d("2010-02-28")).instruction.kind,
            DeclassKind::kDate);
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: 02/29/2019", d("2009-02-28")).instruction.kind,
            DeclassKind::kUnknown);
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: 02/29/2100", d("2009-02-28")).instruction.kind,
            DeclassKind::kUnknown);  // 2100 is not a leap year
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: 02/29/2000", d("1990-02-28")).instruction.kind,
            DeclassKind::kDate);  // 2000 is
  // Ten years from 29 Feb 2008 is the last day of February 2018.
  DeclassInstruction ten;
  ten.kind = DeclassKind::kDuration;
  ten.duration_years = 10;
  EXPECT_EQ(format_iso_date(*evaluate(ten, d("2008-02-29")).effective_date), "2018-02-28");
  DeclassInstruction twelve = ten;
  twelve.duration_years = 12;
  EXPECT_EQ(format_iso_date(*evaluate(twelve, d("2008-02-29")).effective_date), "2020-02-29");
}

TEST(EoLine, DerivativeSourceMarked) {
  const auto p = parse_declassify_on(
      "Declassify on: Source marked 25X1-human, Date of source: June 18, 2009", d("2009-06-20"));
  EXPECT_EQ(p.instruction.kind, DeclassKind::kExemption);
  EXPECT_EQ(join(p.instruction.exemptions), "25X1-HUMAN");
  ASSERT_TRUE(p.instruction.source_date.has_value());
  EXPECT_EQ(format_iso_date(*p.instruction.source_date), "2009-06-18");
  EXPECT_TRUE(p.problem.empty()) << p.problem;
  const auto ev = evaluate(p.instruction, d("2009-06-20"));
  EXPECT_EQ(format_iso_date(*ev.effective_date), "2034-12-31");
  EXPECT_TRUE(ev.exemption_hold);
  // Without our own creation date: source date + 25 years.
  EXPECT_EQ(format_iso_date(*evaluate(p.instruction, std::nullopt).effective_date), "2034-06-18");

  const auto oadr = parse_declassify_on(
      "Declassify on: Source marked OADR, Date of source: 12 March 1990", std::nullopt);
  EXPECT_EQ(oadr.instruction.kind, DeclassKind::kOadr);
  EXPECT_EQ(format_iso_date(*oadr.instruction.source_date), "1990-03-12");
  EXPECT_FALSE(evaluate(oadr.instruction, std::nullopt).exemption_hold);

  const auto plain = parse_declassify_on("DECL: 01/14/2019", d("2009-01-14"));
  EXPECT_EQ(plain.instruction.kind, DeclassKind::kDate);
  EXPECT_TRUE(plain.problem.empty());
  const auto bare = parse_eo_line("DECL: 01/14/2019", d("2009-01-14"));
  EXPECT_EQ(bare.instruction.kind, DeclassKind::kDate);
  EXPECT_FALSE(bare.problem.empty()) << "a line without E.O. is reported";
}

// ---- evaluation -------------------------------------------------------------

struct EvalCase {
  const char* line;
  const char* created;
  const char* effective;  // "" = none
  bool computable;
  bool hold;
  bool unclassified;
};

const EvalCase kEval[] = {
    {"E.O. 12958: DECL: 01/14/2019", "2009-01-14", "2019-01-14", true, false, false},
    {"E.O. 12958: DECL: TEN YEARS", "2008-03-20", "2018-03-20", true, false, false},
    {"E.O. 12958: DECL: TWENTY YEARS", "2009-01-22", "2029-01-22", true, false, false},
    {"E.O. 12958: N/A", "2009-01-01", "", false, false, true},
    {"E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009", "1966-01-01", "2009-09-02", true, false,
     true},
    {"E.O. 12958: DECL: (X1)", "2006-03-08", "2031-12-31", false, true, false},
    {"E.O. 12958: DECL: 25X1-HUMAN", "2010-01-05", "2035-12-31", false, true, false},
    {"E.O. 13526: DECL: 50X1-HUM", "2011-01-05", "2036-12-31", false, true, false},
    {"E.O. 11652: XGDS-2", "1975-01-05", "2000-12-31", false, true, false},
    {"E.O. 12958: DECL: MR", "2009-06-18", "2034-12-31", false, false, false},
    {"E.O. 12356: DECL:OADR", "1989-12-20", "2014-12-31", false, false, false},
    {"E.O. 12958: DECL: TEN YEARS AFTER KOREAN UNIFICATION", "2009-04-22", "2034-12-31", false,
     false, false},
    {"E.O. 12958: DNG: CO 04/08/2026", "2006-04-08", "2031-12-31", false, false, false},
    // A downgrade date after the 25-year date: never declassified before it.
    {"E.O. 12958: DNG: CO 04/08/2036", "2008-04-08", "2036-04-08", false, false, false},
    {"E.O. 12958: DECL: (##)", "2010-01-01", "2035-12-31", false, false, false},
    {"E.O. 12958:", "2005-02-01", "2030-12-31", false, false, false},
    {"E.O. 12958: DECL: 01/14/2005", "2009-01-14", "2034-12-31", false, false, false},
    {"E.O. 11652: GDS", "1975-03-01", "1985-12-31", true, false, false},
    {"E.O. 12065: GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P", "1979-08-12", "1985-08-12", true, false,
     false},
    // No creation date: explicit dates still count; nothing else is computable.
    {"E.O. 12958: DECL: 01/14/2019", "", "2019-01-14", true, false, false},
    {"E.O. 12958: DECL: TEN YEARS", "", "", false, false, false},
    {"E.O. 12958: DECL: MR", "", "", false, false, false},
};

class Evaluation : public ::testing::TestWithParam<EvalCase> {};

TEST_P(Evaluation, FailsClosed) {
  const EvalCase& c = GetParam();
  const auto created = opt(c.created);
  const DeclassEvaluation ev = evaluate(parse_eo_line(c.line, created).instruction, created);
  EXPECT_EQ(ev.effective_date ? format_iso_date(*ev.effective_date) : "", c.effective) << c.line;
  EXPECT_EQ(ev.computable, c.computable) << c.line;
  EXPECT_EQ(ev.exemption_hold, c.hold) << c.line;
  EXPECT_EQ(ev.unclassified_or_declassified, c.unclassified) << c.line;
  if (c.unclassified) {
    EXPECT_TRUE(declassified_as_of(ev, d("1900-01-01")));
    return;
  }
  if (!ev.effective_date) {
    EXPECT_FALSE(declassified_as_of(ev, d("9999-12-31"))) << c.line;
    return;
  }
  // The day before the effective date: still classified. On it and after:
  // declassified unless an exemption holds it.
  EXPECT_FALSE(declassified_as_of(ev, *ev.effective_date - boost::gregorian::days(1))) << c.line;
  EXPECT_EQ(declassified_as_of(ev, *ev.effective_date), !c.hold) << c.line;
  EXPECT_EQ(declassified_as_of(ev, *ev.effective_date + boost::gregorian::days(1)), !c.hold)
      << c.line;
}

INSTANTIATE_TEST_SUITE_P(Rules, Evaluation, ::testing::ValuesIn(kEval));

TEST(Evaluation, MissingInstructionFallsToTwentyFiveYears) {
  DeclassInstruction missing;
  const auto ev = evaluate(missing, d("2009-07-01"));
  EXPECT_EQ(format_iso_date(*ev.effective_date), "2034-12-31");
  EXPECT_FALSE(ev.computable);
  EXPECT_FALSE(declassified_as_of(ev, d("2034-12-30")));
  EXPECT_TRUE(declassified_as_of(ev, d("2034-12-31")));
}

TEST(IsoDate, StrictParseAndFormat) {
  EXPECT_EQ(format_iso_date(d("2026-02-28")), "2026-02-28");
  EXPECT_EQ(format_iso_date(Date(1400, 1, 1)), "1400-01-01");
  EXPECT_EQ(format_iso_date(Date(9999, 12, 31)), "9999-12-31");
  EXPECT_TRUE(parse_iso_date("2024-02-29").has_value());
  for (const char* bad : {"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
                          "2026-1-01", "2026/01/01", "26-01-01", "2026-01-011", " 2026-01-01",
                          "2026-01-01 ", "", "abcd-ef-gh", "0000-01-01"}) {
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
  }
  EXPECT_EQ(format_iso_date(Date(boost::gregorian::not_a_date_time)), "");
}

TEST(DeclassKind, JsonNames) {
  EXPECT_EQ(to_string(DeclassKind::kDate), "date");
  EXPECT_EQ(to_string(DeclassKind::kNotApplicable), "na");
  EXPECT_EQ(to_string(DeclassKind::kExemption), "exemption");
  EXPECT_EQ(to_string(DeclassKind::kOadr), "oadr");
  EXPECT_EQ(to_string(DeclassKind::kManualReview), "mr");
  EXPECT_EQ(to_string(DeclassKind::kDuration), "duration");
  EXPECT_EQ(to_string(DeclassKind::kEvent), "event");
  EXPECT_EQ(to_string(DeclassKind::kDeclassified), "declassified");
  EXPECT_EQ(to_string(DeclassKind::kDowngrade), "downgrade");
  EXPECT_EQ(to_string(DeclassKind::kGds), "gds");
  EXPECT_EQ(to_string(DeclassKind::kUnknown), "unknown");
  EXPECT_EQ(to_string(DeclassKind::kMissing), "missing");
}

TEST(EoLine, PathologicalInputTerminates) {
  std::string many(200000, '1');
  EXPECT_EQ(parse_eo_line("E.O. 12958: DECL: " + many, std::nullopt).instruction.kind,
            DeclassKind::kUnknown);
  std::string dots = "E.O. 12958: ";
  for (int i = 0; i < 20000; ++i) dots += "DECL: ";
  EXPECT_EQ(parse_eo_line(dots, std::nullopt).instruction.kind, DeclassKind::kUnknown);
  std::string eos;
  for (int i = 0; i < 20000; ++i) eos += "E.O ";
  EXPECT_EQ(parse_eo_line(eos, std::nullopt).instruction.kind, DeclassKind::kUnknown);
}

// ---- the corpus -------------------------------------------------------------

std::string data_path(const std::string& rel) {
  return std::string(DECLASS_TEST_DATA) + "/" + rel;
}

struct CorpusLine {
  std::string line;
  std::optional<Date> created;
};

std::optional<Date> created_of(const std::string& text) {
  const size_t at = text.find("Created: ");
  if (at == std::string::npos || at > 400) return std::nullopt;
  return parse_iso_date(text.substr(at + 9, 10));
}

// Every E.O. line in the corpus: "E.O. 12958", "EO 12958", "E.O.12356", also
// glued into a line ("...SIPDISE.O. 12958: DECL: ...").
std::vector<CorpusLine> corpus_eo_lines() {
  static const std::regex kEo(R"((?:E\.\s?O\.?|\bEO)\s?:?\s*1[0-9]{4}\b)", std::regex::icase);
  std::vector<CorpusLine> out;
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& dir : {data_path("corpus"), data_path("corpus/raw")})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const auto created = created_of(text);
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::smatch m;
      if (!std::regex_search(line, m, kEo)) continue;
      // Only the E.O. *line*: the order number must be 12958/12356/... followed
      // by the value, not prose such as "E.O. 13224 on ..." (sanctions orders).
      const std::string from = line.substr(static_cast<size_t>(m.position(0)));
      static const std::regex kHead(
          R"(^(?:E\.\s?O\.?|EO)\s?:?\s*(11652|12065|12356|12958|13292|13526|12598|19523|12928|12985)\b)",
          std::regex::icase);
      if (!std::regex_search(from, kHead)) continue;
      out.push_back({from.substr(0, 160), created});
    }
  }
  return out;
}

std::string describe(const CorpusLine& c) {
  const EoParse p = parse_eo_line(c.line, c.created);
  const DeclassEvaluation ev = evaluate(p.instruction, c.created);
  std::string out = std::string(to_string(p.instruction.kind)) + "\t" +
                    (p.instruction.date ? format_iso_date(*p.instruction.date) : "-") + "\t" +
                    (ev.effective_date ? format_iso_date(*ev.effective_date) : "-") + "\t" +
                    (p.instruction.exemptions.empty() ? "-" : join(p.instruction.exemptions)) +
                    "\t" + (ev.exemption_hold ? "hold" : "-") + "\t" +
                    (p.problem.empty() ? "-" : p.problem);
  return out;
}

TEST(CorpusEoLines, DateLikeValuesNeverYieldUnknown) {
  // A complete date in one of the five layouts of domain.md §2.
  static const std::regex kDateLike(
      R"((^|[^0-9])([0-9]{1,2}[/-][0-9]{1,2}[/-]([0-9]{2}|[0-9]{4})|[0-9]{4}[/-][0-9]{2}[/-][0-9]{2}|[0-9]{1,2} [A-Za-z]+ [0-9]{4}|[A-Za-z]+ [0-9]{1,2}, [0-9]{4})($|[^0-9]))");
  const auto lines = corpus_eo_lines();
  ASSERT_GT(lines.size(), 600u);
  size_t dated = 0;
  for (const auto& c : lines) {
    const EoParse p = parse_eo_line(c.line, c.created);
    const std::string value = p.instruction.text;
    if (!std::regex_search(value, kDateLike)) continue;
    ++dated;
    EXPECT_NE(p.instruction.kind, DeclassKind::kUnknown) << c.line << " / " << p.problem;
    EXPECT_TRUE(p.instruction.date.has_value()) << c.line;
  }
  EXPECT_GT(dated, 500u);
}

TEST(CorpusEoLines, EveryDistinctLineMatchesTheReviewedTable) {
  const std::string table = data_path("corpus_eo_lines.tsv");
  std::map<std::string, std::string> rows;
  for (const auto& c : corpus_eo_lines()) {
    const std::string key = c.line + "\t" + (c.created ? format_iso_date(*c.created) : "-");
    rows[key] = describe(c);
  }
  std::ostringstream now;
  now << "# eo line\tcreated\tkind\tdate\teffective\texemptions\thold\tproblem   (generated by "
         "eo_line_test; review diffs)\n";
  for (const auto& [key, value] : rows) now << key << "\t" << value << "\n";
  if (std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(table, std::ios::binary) << now.str();
    GTEST_SKIP() << "regenerated " << table;
  }
  std::ifstream in(table, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << table << " (run with DECLASS_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(now.str(), want.str()) << "E.O. lines changed; rerun with DECLASS_UPDATE_GOLDEN=1 "
                                      "and review the diff of "
                                   << table;
}

TEST(CorpusEoLines, IndexFormsParseToSensibleKinds) {
  // index.tsv column eo_line: the form as the corpus builder saw it.
  std::ifstream in(data_path("corpus/index.tsv"), std::ios::binary);
  ASSERT_TRUE(in);
  std::string header;
  std::getline(in, header);
  std::vector<std::string> cols;
  {
    std::istringstream h(header);
    std::string c;
    while (std::getline(h, c, '\t')) cols.push_back(c);
  }
  const auto col = [&](const char* name) {
    return static_cast<size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  const size_t eo_col = col("eo_line");
  const size_t created_col = col("created");
  ASSERT_LT(eo_col, cols.size());
  std::string row;
  std::map<std::string, int> kinds;
  // Which kind each recognisable value shape must give.
  static const std::regex kDate(R"(DECL[A-Za-z ]*:?\s*[0-9]{1,4}[/-][0-9]{1,2}[/-][0-9]{2,4})",
                                std::regex::icase);
  static const std::regex kNa(R"((^|[^A-Z])N/?A([^A-Z]|$))", std::regex::icase);
  while (std::getline(in, row)) {
    std::vector<std::string> f;
    std::istringstream r(row);
    std::string c;
    while (std::getline(r, c, '\t')) f.push_back(c);
    if (f.size() <= eo_col || f[eo_col].empty()) continue;
    const std::string& line = f[eo_col];
    const auto created = parse_iso_date(f[created_col].substr(0, 10));
    const EoParse p = parse_eo_line(line, created);
    ++kinds[std::string(to_string(p.instruction.kind))];
    EXPECT_NE(p.instruction.kind, DeclassKind::kMissing) << line;
    if (std::regex_search(line, kDate) && line.find("011/2/2019") == std::string::npos) {
      EXPECT_TRUE(p.instruction.kind == DeclassKind::kDate ||
                  p.instruction.kind == DeclassKind::kDeclassified)
          << line;
    }
    if (std::regex_search(p.instruction.text, kNa) && p.instruction.text.size() <= 8) {
      EXPECT_EQ(p.instruction.kind, DeclassKind::kNotApplicable) << line;
    }
    if (p.instruction.kind == DeclassKind::kUnknown) {
      EXPECT_FALSE(p.problem.empty()) << line;
    }
    // Every value is evaluated to something a reviewer can act on.
    const DeclassEvaluation ev = evaluate(p.instruction, created);
    EXPECT_TRUE(ev.unclassified_or_declassified || ev.effective_date.has_value()) << line;
  }
  std::string summary;
  for (const auto& [k, n] : kinds) summary += k + "=" + std::to_string(n) + " ";
  std::cout << "[ index.tsv eo_line kinds ] " << summary << "\n";
  EXPECT_GT(kinds["date"], 400);
  EXPECT_GT(kinds["na"], 10);
  EXPECT_LE(kinds["unknown"], 10);
}

}  // namespace
}  // namespace declass::core
