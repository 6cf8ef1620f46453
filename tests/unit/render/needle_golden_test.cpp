// The needles (and their compiled plan) of every corpus cable under two
// policies, pinned to a reviewed golden: collect_withheld() and NeedlePlan are
// tuned for speed, and a change there must not change which needles exist,
// their words, origins, sizes and flags, or the channels and grams they are
// searched with. Each cable's dump is reduced to a 64-bit digest (the golden
// holds one line per cable). Regenerate with DECLASS_UPDATE_GOLDEN=1 only
// when the needle rule itself changes, then review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "declass/render/verify.h"
#include "test_support.h"
#include "verify_text.h"

namespace declass::render {
namespace {

namespace fs = std::filesystem;

uint64_t fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// Every needle field, then the plan: per needle its word hashes, token count
// and channels (and that its table chain reaches it), the ring size, and the
// gram sets (as sets: their order is the plan's business).
std::string dump(const WithheldMaterial& m) {
  std::ostringstream o;
  o << m.source_path() << ' ' << m.document_id() << ' ' << m.withheld_bytes() << '\n';
  for (const auto& n : m.needles()) {
    o << static_cast<int>(n.kind) << ' ' << n.origin << ' ' << m.where(n).line << ':'
      << m.where(n).column << ' ' << n.chars << ' ' << n.word_chars << ' ' << n.released_elsewhere
      << n.numeric << n.own_words;
    for (const auto& t : n.tokens) o << " [" << detail::fold(t) << ']';  // as compared
    o << '\n';
  }
  const detail::NeedlePlan* p = detail::plan_of(m);
  if (p == nullptr) return o.str() + "no plan\n";
  o << "ring " << p->ring_mask_ << '\n';
  for (size_t k = 0; k < m.needles().size(); ++k) {
    o << k << ' ' << p->count_[k] << ' ' << static_cast<int>(p->channels_[k]);
    for (uint32_t t = 0; t < p->count_[k]; ++t) o << ' ' << p->hashes_[p->first_[k] + t];
    if (p->channels_[k] != 0) {
      // Reachable from the table of its last word (or last two words).
      const uint32_t c = p->count_[k];
      const uint64_t last = p->hashes_[p->first_[k] + c - 1];
      uint32_t head = UINT32_MAX;
      if (c == 1) {
        head = p->tables_.single.find(last);
      } else {
        const uint64_t before = p->hashes_[p->first_[k] + c - 2];
        uint64_t h = before * 0x9E3779B97F4A7C15ull;
        h = (h ^ (h >> 29)) + last * 0xBF58476D1CE4E5B9ull;
        head = p->tables_.multi.find(h ^ (h >> 32));
      }
      bool reached = false;
      for (uint32_t i = head; i != UINT32_MAX && !reached; i = p->next_[i]) reached = i == k;
      o << (reached ? " reached" : " UNREACHED");
    }
    o << '\n';
  }
  for (const detail::NeedlePlan::Grams* g : {&p->cp1252_grams_, &p->utf16_grams_}) {
    std::vector<uint32_t> grams = g->sorted;
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    o << "grams " << g->usable << ' ' << std::is_sorted(g->sorted.begin(), g->sorted.end());
    for (const uint32_t x : grams) o << ' ' << x;
    o << '\n';
    // Every gram passes the Bloom filter.
    for (const uint32_t x : grams) {
      std::string b(4, '\0');
      for (int i = 0; i < 4; ++i) b[static_cast<size_t>(i)] = static_cast<char>(x >> (24 - 8 * i));
      if (!g->any(b)) o << "gram not found " << x << '\n';
    }
  }
  return o.str();
}

TEST(NeedleGolden, NeedlesAndPlanOfTheCorpusMatchTheReviewedDigests) {
  const std::string root = DECLASS_SOURCE_ROOT;
  const std::string data = DECLASS_TEST_DATA;
  const std::vector<std::string> inputs = testing::corpus_files();
  ASSERT_GE(inputs.size(), 700u);
  policies::ReviewContext ctx;
  ctx.review_date = core::Date(2024, 5, 1);
  ctx.case_id = "F-2024-00001";
  ctx.reviewer = "A. REVIEWER";
  const std::vector<std::string> bates = {"DOS"};
  std::string got;
  size_t needles = 0;
  for (const char* name : {"strict-prepublication", "foia-standard"}) {
    auto policy = policies::load_policy(root + "/policy-samples/" + name + ".xml");
    ASSERT_TRUE(policy.value) << name;
    for (const std::string& in : inputs) {
      // Read under its path relative to the test data: the source path is
      // allowed wording (outputs may print it), so the absolute path would
      // make the needles depend on where the checkout is.
      const std::string rel = fs::path(in).lexically_relative(data).string();
      auto src = core::decode(rel, testing::read_file(in));
      ASSERT_TRUE(src.value) << in;
      const core::Document doc = core::read_document(std::move(*src.value));
      const core::Decisions d = policies::decide(**policy.value, doc, ctx);
      const WithheldMaterial m = collect_withheld(doc, d, bates);
      needles += m.needles().size();
      const std::string text = dump(m);
      ASSERT_EQ(text.find("UNREACHED"), std::string::npos) << in << '\n' << text;
      ASSERT_EQ(text.find("gram not found"), std::string::npos) << in << '\n' << text;
      char digest[17];
      std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(fnv(text)));
      got += std::string(name) + ' ' + rel + ' ' + std::to_string(m.needles().size()) + ' ' +
             digest + '\n';
    }
  }
  EXPECT_GT(needles, 10000u);
  const std::string golden = root + "/tests/golden/needles/corpus.txt";
  if (std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(fs::path(golden).parent_path());
    ASSERT_TRUE(testing::write_file(golden, got));
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " missing (DECLASS_UPDATE_GOLDEN=1 makes it)";
  const std::string want = testing::read_file(golden);
  if (want == got) return;
  // The first cable that differs.
  std::istringstream a(want);
  std::istringstream b(got);
  std::string la;
  std::string lb;
  while (std::getline(a, la) && std::getline(b, lb))
    ASSERT_EQ(la, lb) << "needles differ from " << golden;
  FAIL() << "needle golden has a different number of cables: " << golden;
}

}  // namespace
}  // namespace declass::render
