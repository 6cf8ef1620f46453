// The pattern prefilter: the chains it derives (as text), the syntax it
// refuses, and that it never skips a pattern RE2 would match: random
// patterns on random texts, and the engine's pattern scan with and without
// it on every block of the corpus.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>
#include <tuple>

#include "declass/policies/engine.h"
#include "fast_normalize.h"
#include "pattern_prefilter.h"
#include "pattern_scan.h"

namespace declass::policies {
namespace {

std::string chain(std::string_view re, bool case_sensitive = true) {
  const auto c = required_chain(re, case_sensitive);
  return c ? to_string(*c) : "(none)";
}

TEST(PatternPrefilter, DerivesChainsOfTheBenchPatterns) {
  EXPECT_EQ(chain(R"(\b\d{3}-\d{2}-\d{4}\b)"), "[0-9][0-9]-[0-9][0-9]-[0-9][0-9]");
  EXPECT_EQ(chain(R"(\bF-\d{4}-\d{5}\b)"), "F-[0-9][0-9][0-9][0-9]-[0-9]");
  EXPECT_EQ(chain(R"(\bX{6,}\b)"), "XXXXXX");
  EXPECT_EQ(chain(R"(\b\d{1,2}/\d{1,2}/\d{2,4}\b)"), "[0-9]/[0-9][0-9]");
  EXPECT_EQ(chain(R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)"),
            "[-.0-9A-Za-z].[A-Za-z][A-Za-z]");
  EXPECT_EQ(chain(R"((?:\(\d{3}\) ?|\b\d{3}[.-])\d{3}[.-]\d{4}\b)"),
            "[0-9][0-9][0-9][-.][0-9][0-9][0-9][0-9]");
  EXPECT_EQ(chain(R"(\+\d{1,3}(?:[ .-]\d{1,4}){2,4}\b)"), "[0-9][ -.][0-9]");
  // Case folded: both cases, except letters RE2 also folds onto non-ASCII
  // characters (k: U+212A, s: U+017F), which end a chain.
  EXPECT_EQ(chain("port", false), "[Pp][Oo][Rr][Tt]");
  EXPECT_EQ(chain("(?i)passports?", true), "[Pp][Oo][Rr][Tt]");
  EXPECT_EQ(chain("(?i:ab)c", true), "[Aa][Bb]c");
  // (?i) lasts to the end of the group, across |.
  EXPECT_EQ(chain("a(?i)b|c", true), "[Cac]");
}

TEST(PatternPrefilter, GivesNoChainForWhatItDoesNotModel) {
  for (const char* re : {R"(\pL+)", "a{,3}", "[[:alpha:]]+", "(?i)s", ".*", "x*", R"(\x41)",
                         R"(\QAB\E)", "[^a]", "\\W", "a|", "(?i)\\w", "é", "[é]"})
    EXPECT_EQ(chain(re), "(none)") << re;
}

TEST(PatternPrefilter, ManyPatternsKeepABoundedNumberOfPasses) {
  std::vector<std::pair<std::string, bool>> specs;
  for (int i = 0; i < 100; ++i) specs.emplace_back(std::to_string(i) + "abcdefg", true);
  PatternPrefilter pf;
  pf.build(specs);
  size_t with_chain = 0;
  for (size_t i = 0; i < pf.size(); ++i)
    if (pf.chain(i)) ++with_chain;
  EXPECT_EQ(with_chain, 32u);  // 4 passes of 64 bits, 8 classes each
  std::vector<uint8_t> may;
  EXPECT_EQ(pf.candidates("nothing here", may), 68u);
  EXPECT_EQ(pf.candidates("xx 7abcdefg yy", may), 69u);
}

// Random patterns over the modelled syntax (and some that is not) against
// random texts: whenever RE2 finds a match, the prefilter lets it through.
TEST(PatternPrefilter, NeverSkipsAPatternThatMatchesRandomTexts) {
  std::mt19937 rng(7);
  auto pick = [&](std::initializer_list<const char*> v) {
    return std::string(*(v.begin() + rng() % v.size()));
  };
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    std::string out;
    const unsigned parts = 1 + rng() % 4;
    for (unsigned i = 0; i < parts; ++i) {
      std::string a;
      switch (depth > 2 ? rng() % 4 : rng() % 7) {
        case 0:
          a = pick({"a", "b", "k", "s", "K", "S", "1", "2", "-", "\\.", " ", "x", "X", "é"});
          break;
        case 1:
          a = pick({"\\d", "\\w", "\\s", "\\D", ".", "[a-c]", "[ks1]", "[^a]", "[-a]", "[\\d.]",
                    "[A-Z]", "[a-z0-9]", "[ȧa]"});
          break;
        case 2:
          a = pick({"\\b", "\\B", "^", "$", "(?i)", "(?-i)", "\\A", "\\z"});
          break;
        case 3:
          a = pick({"ab", "1-2", "kS", "x.y", "sa"});
          break;
        case 4:
          a = "(" + gen(depth + 1) + "|" + gen(depth + 1) + ")";
          break;
        case 5:
          a = pick({"(?:", "(?i:", "(", "(?P<n>"}) + gen(depth + 1) + ")";
          break;
        default:
          a = "(?:" + gen(depth + 1) + ")";
          break;
      }
      if (a != "(?i)" && a != "(?-i)" && a[0] != '\\' && rng() % 3 == 0)
        a += pick({"*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "+?", "{3}"});
      out += a;
    }
    return out;
  };
  const std::vector<std::string> alphabet = {"a",
                                             "b",
                                             "c",
                                             "k",
                                             "K",
                                             "s",
                                             "S",
                                             "x",
                                             "X",
                                             "1",
                                             "2",
                                             "-",
                                             ".",
                                             " ",
                                             "\xC5\xBF" /* ſ */,
                                             "\xE2\x84\xAA" /* Kelvin */,
                                             "é",
                                             "ȧ",
                                             "A"};
  size_t matched = 0, skipped = 0, with_chain = 0;
  for (int n = 0; n < 3000; ++n) {
    const std::string re = gen(0);
    const bool cs = rng() % 3 != 0;
    RE2::Options o;
    o.set_log_errors(false);
    o.set_case_sensitive(cs);
    RE2 r(re, o);
    if (!r.ok()) continue;
    PatternPrefilter pf;
    pf.build({{re, cs}});
    if (pf.chain(0)) ++with_chain;
    std::vector<uint8_t> may;
    for (int t = 0; t < 40; ++t) {
      std::string text;
      const auto len = static_cast<unsigned>(rng() % 24);
      for (unsigned i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
      const bool m = RE2::PartialMatch(text, r);
      const size_t c = pf.candidates(text, may);
      if (m) {
        ++matched;
        ASSERT_EQ(c, 1u) << "pattern " << re << (cs ? "" : " (case-insensitive)") << " matches '"
                         << text << "' but its chain "
                         << (pf.chain(0) ? to_string(*pf.chain(0)) : "") << " was not found";
      } else if (c == 0) {
        ++skipped;
      }
    }
  }
  EXPECT_GT(matched, 5000u);
  EXPECT_GT(skipped, 5000u);
  EXPECT_GT(with_chain, 1000u);
}

// candidates() steps the shift-and only around rare bytes; it must give the
// every-byte answer for any chains and texts, also with several words of
// chains, chains that overlap, rare bytes in runs and at the ends.
TEST(PatternPrefilter, SkippingScanEqualsEveryByteScan) {
  std::mt19937 rng(19);
  const std::vector<std::string> atoms = {"a",     "b", "e",     "p",   "P",    "q",
                                          " ",     ".", "-",     "\\d", "[ae]", "[-.]",
                                          "[0-9]", "x", "[a-z]", "\\s", "@"};
  const std::string alphabet = "aaeeebbp P q  ..-0123456789x@zZ";
  for (int round = 0; round < 400; ++round) {
    std::vector<std::pair<std::string, bool>> specs;
    const int npatterns = 1 + static_cast<int>(rng() % (round % 10 == 0 ? 40 : 6));
    for (int i = 0; i < npatterns; ++i) {
      std::string re;
      const int len = 1 + static_cast<int>(rng() % 9);
      for (int k = 0; k < len; ++k) re += atoms[rng() % atoms.size()];
      specs.emplace_back(re, rng() % 2 == 0);
    }
    PatternPrefilter pf;
    pf.build(specs);
    std::vector<uint8_t> fast, slow;
    for (int t = 0; t < 20; ++t) {
      std::string text;
      const auto len = static_cast<unsigned>(rng() % (t % 4 == 0 ? 400 : 40));
      for (unsigned i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
      const size_t a = pf.candidates(text, fast);
      const size_t b = pf.candidates_every_byte(text, slow);
      ASSERT_EQ(a, b) << "round " << round << " text '" << text << "'";
      ASSERT_EQ(fast, slow) << "round " << round << " text '" << text << "'";
    }
  }
}

TEST(PatternPrefilter, FoldedLettersOtherThanKAndSMatchOnlyAscii) {
  // The rule the analysis relies on: RE2's case folding maps no non-ASCII
  // character onto an ASCII letter other than k and s.
  RE2::Options o;
  o.set_log_errors(false);
  o.set_case_sensitive(false);
  RE2 other("[a-jl-rt-z0-9_]", o), ks("[ks]", o);
  ASSERT_TRUE(other.ok());
  std::string utf8;
  size_t ks_hits = 0;
  for (uint32_t cp = 0x80; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    utf8.clear();
    if (cp < 0x800) {
      utf8 += static_cast<char>(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      utf8 += static_cast<char>(0xE0 | (cp >> 12));
      utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    } else {
      utf8 += static_cast<char>(0xF0 | (cp >> 18));
      utf8 += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      utf8 += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    ASSERT_FALSE(RE2::FullMatch(utf8, other)) << "U+" << std::hex << cp;
    if (RE2::FullMatch(utf8, ks)) ++ks_hits;
  }
  EXPECT_EQ(ks_hits, 2u);  // U+017F and U+212A
}

// The engine's pattern scan on every block of the corpus, both hyphen modes,
// with and without the prefilter: the same matches.
TEST(PatternPrefilter, SameMatchesWithAndWithoutOnTheCorpus) {
  std::string xml = "<policy name=\"t\" version=\"1\"><settings default=\"withhold\"/>\n";
  const char* patterns[] = {
      R"(\+\d{1,3}(?:[ .-]\d{1,4}){2,4}\b)",
      R"((?:\(\d{3}\) ?|\b\d{3}[.-])\d{3}[.-]\d{4}\b)",
      R"(\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b)",
      R"((?i)\bpassports?\s*(?:number|no\.?|#)?\s*:?\s*[A-Z]{0,2}\d{6,9}\b)",
      R"(\b\d{3}-\d{2}-\d{4}\b)",
      R"(\b\d{1,2}/\d{1,2}/\d{2,4}\b)",
      R"(\bF-\d{4}-\d{5}\b)",
      R"(\b[A-Z]{2}\d{7}\b)",
      R"(\b\d{1,3}(?:\.\d{1,3}){3}\b)",
      R"(\bX{6,}\b)",
      // Patterns that match often, so that hits and several candidates occur.
      R"(\b\d{4}\b)",
      R"(\b[A-Z]{5,}\b)",
      R"((?i)\bminist(?:er|ry)\b)",
      R"(\bE\.O\. ?\d+)",
      R"(\d+\.\s)",
      R"((?i)embassy (\w+))",
      R"(\bS\w+ing\b)",
      R"(\b(?:January|February|March|April) \d{1,2}\b)",
      R"(\b\w+@\w+)",
      R"(\(\w\))",
      R"([^a-z ]{3}\d)",
      R"(\bkey\b)",
  };
  int i = 0;
  for (const char* p : patterns) {
    std::string escaped;
    for (const char* c = p; *c; ++c)
      escaped += *c == '&' ? "&amp;" : *c == '<' ? "&lt;" : std::string(1, *c);
    const std::string group =
        std::string(p).find("(\\w+)") != std::string::npos ? " group=\"1\"" : "";
    const std::string mode = i % 4 == 3 ? " case=\"insensitive\"" : "";
    xml += "<pattern id=\"p" + std::to_string(i) + "\" exemption=\"B6\"" + group + mode +
           " regex=\"" + escaped + "\"/>\n";
    ++i;
  }
  xml +=
      "<rule id=\"r\"><when><contains lists=\"p0\"/></when><redact lists=\"p0\"/></rule>"
      "</policy>\n";
  auto loaded = load_policy_text("t.xml", xml, {false});
  ASSERT_TRUE(loaded.value) << (loaded.diagnostics.empty() ? "" : loaded.diagnostics[0].message);
  const CompiledPolicy& policy = **loaded.value;
  ASSERT_EQ(policy.set_to_list.size(), std::size(patterns));

  namespace fs = std::filesystem;
  const fs::path root = fs::path(DECLASS_TEST_DATA) / "corpus";
  std::vector<fs::path> files;
  for (const fs::path& dir : {root, root / "raw"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 500u);
  PatternScratch scratch;
  std::vector<PatternHit> with, without;
  core::NormalizedText nt;
  std::vector<uint8_t> may;
  size_t hits = 0, texts = 0, skipped = 0;
  auto sorted = [](std::vector<PatternHit> v) {
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
    for (const auto& h : v) out.emplace_back(h.list, h.begin, h.end);
    std::sort(out.begin(), out.end());
    return out;
  };
  for (const auto& f : files) {
    auto r = core::read_file(f.string());
    ASSERT_TRUE(r.ok()) << f;
    const core::Document& doc = *r.value;
    for (const auto& b : doc.blocks) {
      for (const bool drop : {false, true}) {
        fast_normalize(doc.source, core::body_pieces(b), {drop}, nt);
        with.clear();
        without.clear();
        find_patterns(policy, nt.text, true, scratch, with);
        find_patterns(policy, nt.text, false, scratch, without);
        ASSERT_EQ(sorted(with), sorted(without)) << doc.id << ": " << nt.text;
        hits += with.size();
        ++texts;
        const size_t may_match = policy.prefilter.candidates(nt.text, may);
        skipped += may.size() - may_match;
      }
    }
  }
  EXPECT_GT(hits, 10000u);
  EXPECT_GT(skipped, texts * 10);  // of 22 patterns, most are skipped per text
}

}  // namespace
}  // namespace declass::policies
