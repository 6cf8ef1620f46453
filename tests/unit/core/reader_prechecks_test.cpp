// The first-bytes prechecks of reader_internal.h: dispatch() runs a matcher
// only when its precheck holds, so each precheck must be implied by its matcher
// accepting. Every corpus line and every word start in it (with the line end
// and a short end as bounds), and the keyword forms below, go through the full
// matcher and the prechecked one; the answers must be the same.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "declass/core/document.h"
#include "reader_internal.h"
#include "reader_test_util.h"

namespace declass::core {
namespace {

using reader::kNo;

// Both answers of every matcher at s[i] with bound `end`; a failure names the
// matcher and the text.
void expect_same(std::string_view s, size_t i, size_t end) {
  const std::string where = std::string(s.substr(i, std::min<size_t>(end - i, 40)));
  for (bool line_start : {true, false}) {
    const size_t tags = reader::match_tags_start(s, i, end, line_start);
    EXPECT_EQ(reader::may_match_tags_start(s, i) ? tags : kNo, tags) << "tags: " << where;
    const size_t subject = reader::match_subject_start(s, i, end, line_start);
    EXPECT_EQ(reader::may_match_subject_start(s, i) ? subject : kNo, subject)
        << "subject: " << where;
  }
  const bool eo = reader::is_eo_start(s, i, end);
  EXPECT_EQ(reader::may_be_eo_start(s, i, end) && eo, eo) << "eo: " << where;
  const bool declassify = reader::is_declassify_on(s, i, end);
  EXPECT_EQ(reader::may_be_declassify_on(s, i) && declassify, declassify)
      << "declassify: " << where;
  const size_t ref = reader::match_ref_start(s, i, end);
  EXPECT_EQ(reader::may_match_ref_start(s, i) ? ref : kNo, ref) << "ref: " << where;
  const size_t by = reader::match_classified_by_start(s, i, end);
  EXPECT_EQ(reader::may_match_classified_by_start(s, i) ? by : kNo, by) << "by: " << where;
  for (bool glued : {true, false}) {
    uint32_t bits = 0;
    const size_t captions = reader::match_captions(s, i, end, glued, &bits);
    EXPECT_EQ(reader::may_match_captions(s, i, end) ? captions : kNo, captions)
        << "captions: " << where;
  }
  const bool rule = reader::is_rule(s, i, end);
  EXPECT_EQ(reader::may_be_rule(s, i, end) && rule, rule) << "rule: " << where;
  const bool extract = reader::is_partial_extract(s, i, end);
  EXPECT_EQ(reader::may_be_partial_extract(s, i) && extract, extract) << "extract: " << where;
}

// Every word start of every line of `s`: the line start and every byte after a
// byte that is not a letter or digit.
void check_text(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t e = s.find('\n', b);
    if (e == std::string_view::npos) e = s.size();
    for (size_t i = b; i < e; ++i) {
      if (i != b && reader::is_alnum(s[i - 1])) continue;
      expect_same(s, i, e);
      expect_same(s, i, std::min(e, i + 3));
      if (::testing::Test::HasFailure()) return;
    }
    b = e + 1;
  }
}

TEST(ReaderPrechecks, KeywordFormsPassTheirPrechecks) {
  const std::vector<std::string> lines = {"E.O. 12958: DECL: 07/30/2017",
                                          "E.0. 12958",
                                          "EO 12958",
                                          "E. O. 12958",
                                          "e.o. 12958",
                                          "E.O.: N/A",
                                          "DECLASSIFY ON: 1.4",
                                          "Declassify on: 2030",
                                          "TAGS: PREL, PGOV",
                                          "Tags: prel",
                                          "tags x",
                                          "TAGS PREL",
                                          "TAG PREL PGOV",
                                          "TAGES: X",
                                          "TABS: X",
                                          "TAS: X",
                                          "TGS: X",
                                          "AGS: X",
                                          "SUBJECT: FOO",
                                          "Subject: foo",
                                          "SUBJ: X",
                                          "SUBJECT FOO",
                                          "UBJECT: LOST S",
                                          "REF: A. STATE 1",
                                          "REFS: X",
                                          "REFTEL: X",
                                          "REFTELS X",
                                          "REF A: X",
                                          "REF (A) X",
                                          "REFERENCE: X",
                                          "REF(S): X",
                                          "Ref: x",
                                          "Re: x",
                                          "Classified By: Amb",
                                          "CLASSIFIED BY: X",
                                          "(U) Classified by: X",
                                          "Derived From: X",
                                          "DERIVED FROM X",
                                          "C O R R E C T E D  C O P Y",
                                          "CORRECTED COPY",
                                          "SIPDIS",
                                          "SIPDISNOFORN",
                                          "NOFORN",
                                          "SENSITIVE BUT UNCLASSIFIED",
                                          "SENSITIVE",
                                          "EXDIS",
                                          "NODIS",
                                          "LIMDIS",
                                          "STADIS",
                                          "SPECAT",
                                          "-----",
                                          "= = = =",
                                          "___",
                                          "***",
                                          "  ---",
                                          "This record is a partial extract of the original cable.",
                                          "THIS RECORD IS A PARTIAL EXTRACT",
                                          "The Ambassador",
                                          "THE AMBASSADOR",
                                          "Tagalog",
                                          "T",
                                          "E",
                                          "(",
                                          "R",
                                          "C",
                                          "S",
                                          "A",
                                          "U",
                                          "D"};
  for (const std::string& line : lines) {
    check_text(line);
    ASSERT_FALSE(HasFailure()) << line;
  }
  // The keyword forms themselves are accepted (so the checks above are not vacuous).
  EXPECT_NE(reader::match_tags_start("TGS: X", 0, 6, true), kNo);
  EXPECT_NE(reader::match_subject_start("UBJECT: X", 0, 9, true), kNo);
  EXPECT_NE(reader::match_classified_by_start("(U) Classified by: X", 0, 20), kNo);
  EXPECT_TRUE(reader::is_eo_start("E.0. 12958", 0, 10));
  EXPECT_NE(reader::match_captions("C O R R E C T E D", 0, 17, true, nullptr), kNo);
}

TEST(ReaderPrechecks, EveryCorpusLineAndWordGetsTheSameAnswers) {
  const auto files = testing::corpus_files();
  ASSERT_GT(files.size(), 700u);
  for (const auto& f : files) {
    Result<Source> src = decode(f.string(), testing::slurp(f));
    ASSERT_TRUE(src.value) << f;
    check_text(src.value->text());
    ASSERT_FALSE(HasFailure()) << f;
  }
}

// The body scan: the SSE2 version must find what the byte loop finds,
// from every start and for every end near the text's end (where the wide loads
// stop and the masked or byte-wise tails take over).
void expect_same_scan(std::string_view text) {
  const char* t = text.data();
  const size_t size = text.size();
  auto check = [&](size_t b, size_t e) {
    const size_t want = reader::find_body_candidate_scalar(t, b, e);
#if defined(__SSE2__)
    EXPECT_EQ(reader::find_body_candidate_sse2(t, b, e, size), want) << b << ".." << e;
#endif
    EXPECT_EQ(reader::find_body_candidate(t, b, e, size), want) << b << ".." << e;
  };
  if (size < 2) return;
  // Every start, scanning to each candidate found and on (as next_boundary does).
  for (size_t b = 1; b < size; b += 1 + b % 7) {
    const size_t e = std::min(size, b + 1 + (b * 37) % 200);
    for (size_t r = b; r < e; ++r) {
      check(r, e);
      r = reader::find_body_candidate_scalar(t, r, e);
    }
  }
  for (size_t b = size > 80 ? size - 80 : 1; b < size; ++b)
    for (size_t e = b; e <= size; ++e) check(b, e);
}

TEST(ReaderPrechecks, BodyScansAgree) {
  // Every byte kind at every offset of a block: blanks (incl. U+00A0 and a
  // stray 0xA0), start bytes, and neither.
  const std::string pieces[] = {" 1", "\t2", "\xC2\xA0S", "\xA0P", " (", " \xC2\xB6",
                                "x ", " S",  "ab",        "  ",    "P",  "9"};
  std::string text = " ";
  for (int i = 0; i < 400; ++i) text += pieces[(i * 7 + i / 5) % 12];
  expect_same_scan(text);
  for (size_t n = 2; n < 70; ++n) expect_same_scan(std::string_view(text).substr(0, n));
  const auto files = testing::corpus_files();
  ASSERT_GT(files.size(), 700u);
  for (size_t i = 0; i < files.size(); i += 50) {
    Result<Source> src = decode(files[i].string(), testing::slurp(files[i]));
    ASSERT_TRUE(src.value) << files[i];
    expect_same_scan(src.value->text());
    ASSERT_FALSE(HasFailure()) << files[i];
  }
}

}  // namespace
}  // namespace declass::core
