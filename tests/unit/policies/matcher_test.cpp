// The term automaton against a brute-force search, case folding and word
// boundaries; the fast normalization against core::normalize on the corpus.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <random>
#include <set>

#include "fast_normalize.h"
#include "term_matcher.h"

namespace declass::policies {
namespace {

std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> brute_force(
    const std::vector<TermSpec>& specs, std::string_view text) {
  std::string folded_text;
  fold_case(text, folded_text);
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
  for (uint32_t t = 0; t < specs.size(); ++t) {
    std::string ft;
    fold_case(specs[t].text, ft);
    for (size_t at = folded_text.find(ft); at != std::string::npos;
         at = folded_text.find(ft, at + 1)) {
      const auto b = static_cast<uint32_t>(at), e = static_cast<uint32_t>(at + ft.size());
      if (specs[t].case_sensitive && text.substr(b, e - b) != specs[t].text) continue;
      if (specs[t].whole_word) {
        if (word_char_after(specs[t].text, 0) && word_char_before(text, b)) continue;
        if (word_char_before(specs[t].text, specs[t].text.size()) && word_char_after(text, e))
          continue;
      }
      out.emplace_back(t, b, e);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(TermMatcher, AgreesWithBruteForceOnRandomInput) {
  std::mt19937 rng(11);
  const std::string alphabet = "abAB -xyÉé";  // includes a two-byte letter in both cases
  for (int round = 0; round < 300; ++round) {
    std::vector<TermSpec> specs;
    std::set<std::string> seen;
    const int nterms = 1 + static_cast<int>(rng() % 12);
    auto random_text = [&](size_t len) {
      std::string s;
      while (s.size() < len) {
        const size_t pick = rng() % 9;
        s += pick < 7 ? std::string(1, alphabet[pick]) : (pick == 7 ? "É" : "é");
      }
      return s;
    };
    for (int i = 0; i < nterms; ++i) {
      std::string t = random_text(1 + rng() % 4);
      while (!t.empty() && t.front() == ' ') t.erase(0, 1);
      while (!t.empty() && t.back() == ' ') t.pop_back();
      if (t.empty() || !seen.insert(t).second) continue;
      specs.push_back({t, static_cast<uint32_t>(i % 3), (rng() % 3) == 0, (rng() % 2) == 0});
    }
    if (specs.empty()) continue;
    TermMatcher m;
    m.build(specs);
    const std::string text = random_text(200);
    std::vector<TermMatcher::Hit> hits;
    m.scan(text, hits);
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> got;
    for (const auto& h : hits) got.emplace_back(h.term, h.begin, h.end);
    std::sort(got.begin(), got.end());
    ASSERT_EQ(got, brute_force(specs, text)) << "round " << round << " text " << text;
  }
}

TEST(TermMatcher, FoldsLatinGreekCyrillicButNotOtherScripts) {
  std::string out;
  fold_case("MÜLLER Łódź ΑΘΗΝΑ МОСКВА Ÿ", out);
  EXPECT_EQ(out, "müller łódź αθηνα москва ÿ");
  EXPECT_FALSE(has_unfolded_letters("Müller Москва 東京"));
  EXPECT_TRUE(has_unfolded_letters("Nguyễn"));
}

TEST(TermMatcher, WordBoundariesAroundPunctuationAndNonAscii) {
  TermMatcher m;
  m.build({{"Sasae", 0, false, true}, {"+81", 0, false, true}});
  std::vector<TermMatcher::Hit> hits;
  const std::string text = "Sasae’s “Sasae” Sasaeé Sasae_x call +81 3";
  m.scan(text, hits);
  std::vector<std::string> got;
  for (const auto& h : hits)
    got.push_back(text.substr(h.begin, h.end - h.begin) + "@" + std::to_string(h.begin));
  EXPECT_EQ(got, (std::vector<std::string>{"Sasae@0", "Sasae@13", "+81@43"}));
}

TEST(TermMatcher, LargeListUsesTheSparseTailCorrectly) {
  // Enough states to overflow the dense rows, so the sparse path is exercised.
  std::vector<TermSpec> specs;
  for (int i = 0; i < 200000; ++i)
    specs.push_back({"term" + std::to_string(i * 7919) + "x", 0, false, false});
  TermMatcher m;
  m.build(specs);
  const std::string text = "a term0x b term7919x c TERM1583799999x term1583800x";
  std::vector<TermMatcher::Hit> hits;
  m.scan(text, hits);
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> got;
  for (const auto& h : hits) got.emplace_back(h.term, h.begin, h.end);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, brute_force(specs, text));
  EXPECT_EQ(got.size(), 3u);
}

std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> as_tuples(
    const std::vector<TermMatcher::Hit>& hits) {
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
  for (const auto& h : hits) out.emplace_back(h.term, h.begin, h.end);
  return out;
}

// Random term lists and texts from `alphabet` (terms of 1 to `term_len`
// bytes, or to `long_term_len` every fourth round; texts of `text_min` plus
// up to `text_spread` bytes; `base` terms in every list): scan() gives the
// one-stream hits in order and the brute-force hits. Returns how many
// rounds' matchers skip.
struct RandomScans {
  unsigned seed;
  std::vector<std::string> alphabet;
  int rounds;
  int max_terms;
  size_t term_len;
  size_t long_term_len;
  size_t text_min;
  size_t text_spread;
  std::vector<TermSpec> base;

  int check() const {
    std::mt19937 rng(seed);
    int skipping = 0;
    for (int round = 0; round < rounds; ++round) {
      auto random_text = [&](size_t len) {
        std::string s;
        while (s.size() < len) s += alphabet[rng() % alphabet.size()];
        return s;
      };
      std::vector<TermSpec> specs = base;
      std::set<std::string> seen;
      for (const TermSpec& b : base) seen.insert(b.text);
      const int nterms = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_terms));
      for (int i = 0; i < nterms; ++i) {
        std::string t = random_text(
            1 + rng() % (round % 4 == 0 && long_term_len > 0 ? long_term_len : term_len));
        while (!t.empty() && t.front() == ' ') t.erase(0, 1);
        while (!t.empty() && t.back() == ' ') t.pop_back();
        if (t.empty() || !seen.insert(t).second) continue;
        specs.push_back({t, 0, (rng() % 4) == 0, (rng() % 2) == 0});
      }
      if (specs.empty()) continue;
      TermMatcher m;
      m.build(specs);
      skipping += m.skips() ? 1 : 0;
      const std::string text = random_text(text_min + rng() % text_spread);
      std::vector<TermMatcher::Hit> one, two;
      m.scan_one_stream(text, one);
      m.scan(text, two);
      EXPECT_EQ(as_tuples(two), as_tuples(one)) << "round " << round << " text " << text;
      auto sorted = as_tuples(two);
      std::sort(sorted.begin(), sorted.end());
      EXPECT_EQ(sorted, brute_force(specs, text)) << "round " << round;
      if (::testing::Test::HasFailure()) break;
    }
    return skipping;
  }
};

// scan() splits a long text into two interleaved streams; it must give the
// one-stream hits in the same order (not only the same set), for terms that
// overlap, straddle the split point, end the text or hold folded two-byte
// letters at the split.
TEST(TermMatcher, InterleavedScanEqualsOneStreamInOrder) {
  RandomScans{
      23, {"a", "b", "A", " ", "-", "é", "É", "ж", "Ж", "ab", "东"}, 400, 20, 6, 40, 60, 600, {}}
      .check();
}

TEST(TermMatcher, InterleavedScanFindsTermsAcrossTheSplitAndAtTheEnds) {
  // A text of 300 bytes: the split is near byte 150. One long term covers it,
  // short overlapping ones sit on either side, and terms start and end the text.
  std::string text = "Müller " + std::string(136, 'x') + " ÉLYSÉE PALACE MEETING " +
                     std::string(120, 'y') + " müller";
  TermMatcher m;
  m.build({{"müller", 0, false, true},
           {"élysée palace meeting", 0, false, true},
           {"palace", 0, false, true},
           {"élysée palace", 0, false, true},
           {"ace meet", 0, false, false}});
  std::vector<TermMatcher::Hit> one, two;
  m.scan_one_stream(text, one);
  m.scan(text, two);
  EXPECT_EQ(as_tuples(two), as_tuples(one));
  std::vector<std::string> got;
  for (const auto& h : two) got.push_back(text.substr(h.begin, h.end - h.begin));
  EXPECT_EQ(got, (std::vector<std::string>{"Müller", "ÉLYSÉE PALACE", "PALACE", "ACE MEET",
                                           "ÉLYSÉE PALACE MEETING", "müller"}));
}

// With few start bytes scan() skips the bytes that cannot start a term. It
// must stop at a capital whose lead byte differs from its small letter's
// (Ѐ D0 80 -> ѐ D1 90, Ρ CE A1 -> ρ CF 81, Р D0 A0 -> р D1 80), and at a
// continuation byte only through its lead.
TEST(TermMatcher, SkippingScanEqualsOneStreamInOrder) {
  const int skipping = RandomScans{
      31,
      {"q", "x", " ", "-", "Ѐ", "ѐ", "Ρ", "ρ", "Р", "р", "É", "é", "K", "k", "东", "\x80", "\xD0"},
      400,
      6,
      5,
      0,
      0,
      300,
      {}}.check();
  EXPECT_GT(skipping, 300);
}

// A stop at a continuation byte whose lead was skipped (no letter under that
// lead folds to a start byte) but folds with it: "À" (C3 80) folds to "à"
// (C3 A0), so a term starting with the raw byte 0x80 must not match there;
// the scan steps the pair from its lead, as the one-stream scan does.
TEST(TermMatcher, SkippingScanStepsAFoldedPairFromItsLead) {
  TermMatcher m;
  m.build({{"\x80", 0, true, false}});
  ASSERT_TRUE(m.skips());
  const std::string text = std::string(40, 'z') + " \xC3\x80 " + std::string(20, 'z');
  std::vector<TermMatcher::Hit> one, two;
  m.scan_one_stream(text, one);
  m.scan(text, two);
  EXPECT_EQ(as_tuples(two), as_tuples(one));
}

TEST(TermMatcher, SkippingScanStopsAtFoldedCapitalsOnly) {
  TermMatcher m;
  m.build({{"ѐx", 0, false, false}, {"ρ", 0, false, true}, {"kaye lee", 0, false, true}});
  ASSERT_TRUE(m.skips());
  const std::string text =
      std::string(40, 'z') + " ЀX ΡΣ Ρ " + std::string(33, '.') + "KAYE LEE, Kaye Leeé kaye lee";
  std::vector<TermMatcher::Hit> one, two;
  m.scan_one_stream(text, one);
  m.scan(text, two);
  EXPECT_EQ(as_tuples(two), as_tuples(one));
  std::vector<std::string> got;
  for (const auto& h : two) got.push_back(text.substr(h.begin, h.end - h.begin));
  EXPECT_EQ(got, (std::vector<std::string>{"ЀX", "Ρ", "KAYE LEE", "kaye lee"}));
}

// Start bytes as common in text as "t", "a" and "s": stepping the automaton
// costs less than stopping so often, so scan() does not skip.
TEST(TermMatcher, CommonStartLettersDoNotSkip) {
  TermMatcher common;
  common.build(
      {{"the embassy", 0, false, true}, {"Ambassador", 0, false, true}, {"said", 0, false, true}});
  EXPECT_FALSE(common.skips());
  TermMatcher rare;
  rare.build({{"Kaye Lee", 0, false, true}});
  EXPECT_TRUE(rare.skips());
  const std::string text = "The Ambassador said the embassy would call Kaye Lee.";
  std::vector<TermMatcher::Hit> one, two;
  common.scan_one_stream(text, one);
  common.scan(text, two);
  EXPECT_EQ(as_tuples(two), as_tuples(one));
  EXPECT_EQ(two.size(), 3u);
}

// Many start bytes: scan() runs the interleaved streams, which must still
// give the one-stream hits in order.
TEST(TermMatcher, InterleavedScanEqualsOneStreamWithManyStartBytes) {
  // Terms starting with 20 other bytes, so that scan() does not skip.
  std::vector<TermSpec> base;
  for (char c = 'c'; c < 'w'; ++c) base.push_back({std::string(1, c) + "q", 1, false, false});
  const int skipping =
      RandomScans{
          37,  {"a", "b", "A", " ", "-", "é", "É", "ж", "Ж", "ab", "东"}, 300, 20, 6, 40, 60, 600,
          base}
          .check();
  EXPECT_EQ(skipping, 0);
}

// The whole corpus with a large list that matches: the interleaved scan and
// the one-stream reference agree hit for hit, block text by block text.
TEST(TermMatcher, InterleavedScanEqualsOneStreamOnTheCorpus) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(DECLASS_TEST_DATA) / "corpus";
  std::vector<fs::path> files;
  for (const fs::path& dir : {root, root / "raw"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);
  // Every capitalised word of the first cables, alone and paired, as terms.
  std::vector<TermSpec> specs;
  std::set<std::string> seen;
  std::vector<core::Document> docs;
  for (const auto& f : files) {
    auto r = core::read_file(f.string());
    ASSERT_TRUE(r.ok()) << f;
    docs.push_back(std::move(*r.value));
  }
  for (size_t d = 0; d < 40 && d < docs.size(); ++d) {
    const std::string_view t = docs[d].source.text();
    std::string prev;
    for (size_t i = 0; i < t.size();) {
      size_t j = i;
      while (j < t.size() && std::isalpha(static_cast<unsigned char>(t[j]))) ++j;
      if (j > i + 2 && std::isupper(static_cast<unsigned char>(t[i]))) {
        const std::string w(t.substr(i, j - i));
        if (seen.insert(w).second) specs.push_back({w, 0, specs.size() % 5 == 0, true});
        if (!prev.empty() && seen.insert(prev + " " + w).second)
          specs.push_back({prev + " " + w, 1, false, specs.size() % 3 != 0});
        prev = w;
      } else if (j > i) {
        prev.clear();
      }
      i = j > i ? j : i + 1;
    }
  }
  ASSERT_GT(specs.size(), 1000u);
  TermMatcher m;
  m.build(specs);
  size_t total = 0;
  core::NormalizedText nt;
  std::vector<TermMatcher::Hit> one, two;
  for (const auto& doc : docs) {
    for (const auto& b : doc.blocks) {
      fast_normalize(doc.source, core::body_pieces(b), {false}, nt);
      one.clear();
      two.clear();
      m.scan_one_stream(nt.text, one);
      m.scan(nt.text, two);
      ASSERT_EQ(as_tuples(two), as_tuples(one)) << doc.id << " " << nt.text.substr(0, 80);
      total += two.size();
    }
    one.clear();
    two.clear();
    m.scan_one_stream(doc.source.text(), one);
    m.scan(doc.source.text(), two);
    ASSERT_EQ(as_tuples(two), as_tuples(one)) << doc.id;
  }
  EXPECT_GT(total, 10000u);
}

TEST(FastNormalize, IdenticalToCoreNormalizeOnEveryCorpusBlock) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(DECLASS_TEST_DATA) / "corpus";
  std::vector<fs::path> files;
  for (const fs::path& dir : {root, root / "raw"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);
  size_t blocks = 0, joined = 0;
  core::NormalizedText fast;
  for (const auto& f : files) {
    auto r = core::read_file(f.string());
    ASSERT_TRUE(r.ok()) << f;
    const core::Document& doc = *r.value;
    for (const auto& b : doc.blocks) {
      for (const bool drop : {false, true}) {
        const auto pieces = core::body_pieces(b);
        const core::NormalizedText slow = core::normalize(doc.source, pieces, {drop});
        size_t joins = 0;
        fast_normalize(doc.source, pieces, {drop}, fast, &joins);
        ASSERT_EQ(fast.text, slow.text) << f;
        ASSERT_EQ(fast.origin, slow.origin)
            << f << " drop " << drop << " text " << slow.text.substr(0, 80);
        if (drop && joins > 0) ++joined;
      }
      ++blocks;
    }
  }
  EXPECT_GT(blocks, 10000u);
  EXPECT_GT(joined, 10u);  // the hyphen modes really differ somewhere
}

// Random texts and pieces (adjacent, overlapping the text end, ending on a
// blank, lone spaces next to piece ends and line-end hyphens): the 16-byte
// copy, which takes lone spaces along and may look past a piece's end, gives
// core::normalize()'s text and origins in both hyphen modes, and the
// text-only variant its text.
TEST(FastNormalize, IdenticalToCoreNormalizeOnRandomPieces) {
  std::mt19937 rng(5);
  const std::vector<std::string> atoms = {"a",    "b",  "Z",   "7",  " ",  " ",
                                          "  ",   "\n", "\t",  "\f", "\v", "\xC2\xA0",
                                          "\xC2", "-",  "-\n", "é",  ".",  "abcdefghij"};
  core::NormalizedText fast, text_only;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t len = rng() % 120;
    while (text.size() < len) text += atoms[rng() % atoms.size()];
    const core::Source src = core::Source::from_utf8("r.txt", text);
    const auto size = static_cast<uint32_t>(src.text().size());
    std::vector<core::Span> pieces;
    uint32_t at = static_cast<uint32_t>(rng() % 4);
    while (at < size && pieces.size() < 6) {
      const uint32_t b = at;
      const uint32_t e = b + 1 + static_cast<uint32_t>(rng() % 40);
      pieces.push_back({b, std::min<uint32_t>(e, size)});
      at = e + static_cast<uint32_t>(rng() % 3);
    }
    for (const bool drop : {false, true}) {
      const core::NormalizedText slow = core::normalize(src, pieces, {drop});
      size_t joins = 0;
      fast_normalize(src, pieces, {drop}, fast, &joins);
      ASSERT_EQ(fast.text, slow.text) << "round " << round << " drop " << drop;
      ASSERT_EQ(fast.origin, slow.origin) << "round " << round << " drop " << drop;
      // The text-only variant: the same text and hyphen count, and no origin,
      // though its output held a longer text with its map in an earlier round.
      size_t text_joins = 0;
      fast_normalize_text(src, pieces, {drop}, text_only, &text_joins);
      ASSERT_EQ(text_only.text, slow.text) << "round " << round << " drop " << drop;
      ASSERT_EQ(text_joins, joins) << "round " << round << " drop " << drop;
      ASSERT_TRUE(text_only.origin.empty());
      if (round % 2 == 0) fast_normalize(src, pieces, {drop}, text_only);  // a map to clear
    }
  }
}

}  // namespace
}  // namespace declass::policies
