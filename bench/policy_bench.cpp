// Speed of the policy engine (issue 3):
//   * BM_Decide/N: decide() over every corpus cable with a policy of N terms and
//     10 patterns, every block scanned (the privacy rule's <contains> is
//     evaluated on every block); bytes/s is cable bytes per second, one core.
//     Target: >= 100 MB/s at N = 10,000; N = 100,000 costs < 2x of N = 10.
//   * BM_LoadPolicy/N: load_policy_text() (parse, check, compile) of a policy
//     with N inline terms. Target: < 2 s at N = 100,000.
// Reading the cables is not measured (see reader_bench).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "term_matcher.h"

namespace {

namespace fs = std::filesystem;
using declass::core::Document;

const std::vector<Document>& corpus() {
  static const std::vector<Document> docs = [] {
    std::vector<std::string> paths;
    const fs::path root = fs::path(DECLASS_TEST_DATA) / "corpus";
    for (const fs::path& dir : {root, root / "raw"}) {
      if (!fs::is_directory(dir)) continue;
      for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".txt")
          paths.push_back(e.path().string());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Document> out;
    for (const auto& p : paths) {
      auto r = declass::core::read_file(p);
      if (r.value) out.push_back(std::move(*r.value));
    }
    return out;
  }();
  return docs;
}

// Terms: capitalised word pairs that occur in the corpus (so some match), then
// synthetic names that do not, up to n.
std::vector<std::string> terms(size_t n) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Document& d : corpus()) {
    const std::string_view t = d.source.text();
    for (size_t i = 0; i + 1 < t.size() && out.size() < std::min<size_t>(n, 200); ++i) {
      if (!(t[i] >= 'A' && t[i] <= 'Z') ||
          (i > 0 && std::isalpha(static_cast<unsigned char>(t[i - 1]))))
        continue;
      size_t j = i + 1;
      while (j < t.size() && t[j] >= 'a' && t[j] <= 'z') ++j;
      if (j - i < 4 || j >= t.size() || t[j] != ' ' || j + 1 >= t.size() ||
          !(t[j + 1] >= 'A' && t[j + 1] <= 'Z'))
        continue;
      size_t k = j + 2;
      while (k < t.size() && t[k] >= 'a' && t[k] <= 'z') ++k;
      if (k - j < 5) continue;
      std::string pair(t.substr(i, k - i));
      if (seen.insert(pair).second) out.push_back(pair);
    }
    if (out.size() >= std::min<size_t>(n, 200)) break;
  }
  std::mt19937 rng(42);
  static const char* kSyl[] = {"ka", "to",  "ri",  "ne",  "sa",  "mi",  "yo",  "ha",  "zu", "be",
                               "lo", "gar", "ven", "dri", "pol", "tek", "mar", "shi", "an", "el"};
  while (out.size() < n) {
    std::string a, b;
    for (unsigned k = 0; k < 2 + rng() % 3; ++k) a += kSyl[rng() % 20];
    for (unsigned k = 0; k < 2 + rng() % 3; ++k) b += kSyl[rng() % 20];
    a[0] = static_cast<char>(a[0] - 32);
    b[0] = static_cast<char>(b[0] - 32);
    if (seen.insert(a + " " + b).second) out.push_back(a + " " + b);
  }
  return out;
}

std::string policy_xml(size_t n) {
  std::string xml =
      "<policy name=\"bench\" version=\"1\">\n"
      "<settings default=\"withhold\"/>\n"
      "<terms id=\"names\" exemption=\"B6\" case=\"insensitive\">\n";
  for (const auto& t : terms(n)) xml += "<term>" + t + "</term>\n";
  xml += "</terms>\n";
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
  };
  int i = 0;
  for (const char* p : patterns) {
    std::string escaped;
    for (const char* c = p; *c; ++c) {
      if (*c == '&')
        escaped += "&amp;";
      else if (*c == '<')
        escaped += "&lt;";
      else if (*c == '"')
        escaped += "&quot;";
      else
        escaped += *c;
    }
    xml += "<pattern id=\"p" + std::to_string(i++) + "\" exemption=\"B6\" regex=\"" + escaped +
           "\"/>\n";
  }
  xml +=
      "<rule id=\"furniture\" priority=\"1000\"><when><kind is=\"preamble notice "
      "page-break\"/></when><omit/></rule>\n"
      "<rule id=\"still-classified\" priority=\"100\"><when><kind is=\"subject ref paragraph "
      "sub-paragraph\"/>"
      "<portion min-level=\"C\"/><not><declassified/></not></when><withhold exemption=\"B1\" "
      "reasons=\"from-cable\"/></rule>\n"
      "<rule id=\"header\"><when><kind is=\"routing banner caption addressee eo-line tags "
      "classified-by signature\"/></when>"
      "<release/></rule>\n"
      "<rule id=\"content\"><when><any><portion "
      "max-level=\"U\"/><declassified/></any></when><release/></rule>\n"
      "<rule id=\"privacy\"><when><contains lists=\"names p0 p1 p2 p3 p4 p5 p6 p7 p8 p9\"/></when>"
      "<redact lists=\"names p0 p1 p2 p3 p4 p5 p6 p7 p8 p9\"/></rule>\n"
      "</policy>\n";
  return xml;
}

std::shared_ptr<const declass::policies::CompiledPolicy> load(size_t n) {
  auto r = declass::policies::load_policy_text("bench.xml", policy_xml(n), {false});
  return r.value ? *r.value : nullptr;
}

void BM_Decide(benchmark::State& state) {
  const auto& docs = corpus();
  auto policy = load(static_cast<size_t>(state.range(0)));
  if (docs.empty() || !policy) {
    state.SkipWithError("no corpus or the bench policy does not load");
    return;
  }
  declass::policies::ReviewContext ctx;
  ctx.review_date = declass::core::Date(2026, 11, 28);
  int64_t bytes = 0;
  size_t redactions = 0;
  for (auto _ : state) {
    for (const Document& d : docs) {
      const auto decisions = declass::policies::decide(*policy, d, ctx);
      for (const auto& b : decisions.blocks) redactions += b.redactions.size();
      benchmark::DoNotOptimize(decisions.blocks.data());
      bytes += static_cast<int64_t>(d.source.text().size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["redactions/run"] = static_cast<double>(redactions) /
                                     static_cast<double>(std::max<int64_t>(1, state.iterations()));
}
BENCHMARK(BM_Decide)->Arg(10)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_LoadPolicy(benchmark::State& state) {
  const std::string xml = policy_xml(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = declass::policies::load_policy_text("bench.xml", xml, {false});
    if (!r.value) state.SkipWithError("the bench policy does not load");
    benchmark::DoNotOptimize(r.value);
  }
}
BENCHMARK(BM_LoadPolicy)->Arg(10)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The term automaton alone: build from N terms, then scan the raw corpus text.
std::vector<declass::policies::TermSpec> specs(size_t n) {
  std::vector<declass::policies::TermSpec> out;
  for (auto& t : terms(n)) out.push_back({t, 0, false, true});
  return out;
}

void BM_BuildTerms(benchmark::State& state) {
  const auto s = specs(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    declass::policies::TermMatcher m;
    m.build(s);
    benchmark::DoNotOptimize(m.state_count());
  }
}
BENCHMARK(BM_BuildTerms)->Arg(10)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_ScanTerms(benchmark::State& state) {
  declass::policies::TermMatcher m;
  m.build(specs(static_cast<size_t>(state.range(0))));
  std::vector<declass::policies::TermMatcher::Hit> hits;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const Document& d : corpus()) {
      hits.clear();
      m.scan(d.source.text(), hits);
      bytes += static_cast<int64_t>(d.source.text().size());
    }
    benchmark::DoNotOptimize(hits.data());
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ScanTerms)->Arg(10)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
