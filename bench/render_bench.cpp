// Speed of the release outputs over the whole test corpus (issue 4): the
// documents are read and decided once (strict sample policy, or
// DECLASS_BENCH_POLICY), then timed:
// - text release (view + text writer) in MB/s of cable text, target >= 50 MB/s per core;
// - PDF release (view + PDF writer) in cables/s, target >= 500 cables/s per core;
// - the Vaughn index rows; verification of each output; and the whole
//   release_document() (all outputs + verification) as `declass redact` runs it.
// Peak memory: BM_PdfReleaseManyDocuments renders the corpus N times through
// one writer; its max RSS (reported as a counter) must not grow with N.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "declass/render/log_writer.h"
#include "declass/render/pdf_writer.h"
#include "declass/render/release_builder.h"
#include "declass/render/text_writer.h"
#include "declass/render/verify.h"

namespace {

using namespace declass;

struct Case {
  core::Document doc;
  core::Decisions decisions;
};

const std::vector<Case>& corpus() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> out;
    const std::filesystem::path root = std::filesystem::path(DECLASS_TEST_DATA) / "corpus";
    std::vector<std::string> paths;
    for (const auto& dir : {root, root / "raw"})
      for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".txt")
          paths.push_back(e.path().string());
    std::sort(paths.begin(), paths.end());
    // DECLASS_BENCH_POLICY=foia-standard (any policy-samples/ name) to compare
    // with `declass batch`, which the issue measures with that policy.
    const char* name = std::getenv("DECLASS_BENCH_POLICY");
    auto policy =
        policies::load_policy(std::string(DECLASS_SOURCE_ROOT) + "/policy-samples/" +
                              (name != nullptr ? name : "strict-prepublication") + ".xml");
    if (!policy.value) return out;
    policies::ReviewContext ctx;
    ctx.review_date = core::Date(2024, 5, 1);
    ctx.case_id = "F-2024-00001";
    ctx.reviewer = "BENCH";
    for (const std::string& p : paths) {
      auto r = core::read_file(p);
      if (!r.value) continue;
      Case c{std::move(*r.value), {}};
      c.decisions = policies::decide(**policy.value, c.doc, ctx);
      out.push_back(std::move(c));
    }
    return out;
  }();
  return cases;
}

// The writer's default (binary literal strings); DECLASS_BENCH_LITERAL=0
// draws page text as hex strings instead, =1 as literal strings.
render::PdfOptions pdf_options() {
  render::PdfOptions o;
  if (const char* lit = std::getenv("DECLASS_BENCH_LITERAL"))
    o.literal_strings = std::string(lit) == "1";
  return o;
}

int64_t corpus_bytes() {
  int64_t n = 0;
  for (const Case& c : corpus()) n += static_cast<int64_t>(c.doc.source.text().size());
  return n;
}

long max_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void BM_TextRelease(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  for (auto _ : state)
    for (const Case& c : cases) {
      std::string t = render::write_text(render::make_release_view(c.doc, c.decisions));
      benchmark::DoNotOptimize(t.data());
    }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_TextRelease)->Unit(benchmark::kMillisecond);

void BM_ReleaseView(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  for (auto _ : state)
    for (const Case& c : cases) {
      render::ReleaseView v = render::make_release_view(c.doc, c.decisions);
      benchmark::DoNotOptimize(v.lines().data());
    }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_ReleaseView)->Unit(benchmark::kMillisecond);

void BM_PdfRelease(benchmark::State& state) {
  const auto& cases = corpus();
  auto w = render::PdfWriter::create(pdf_options());
  if (cases.empty() || !w.value) return state.SkipWithError("no corpus, policy or font");
  int64_t bytes_out = 0;
  for (auto _ : state)
    for (const Case& c : cases) {
      auto r = (*w.value)->write(render::make_release_view(c.doc, c.decisions));
      bytes_out += static_cast<int64_t>(r.value->bytes.size());
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
  state.counters["pdf_bytes_per_cable"] =
      static_cast<double>(bytes_out) /
      static_cast<double>(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_PdfRelease)->Unit(benchmark::kMillisecond);

void BM_VaughnIndex(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  for (auto _ : state)
    for (const Case& c : cases) {
      const render::ReleaseView v = render::make_release_view(c.doc, c.decisions);
      // As release_document() does without a PDF: page numbers only.
      const render::PageNumbers n = render::page_numbers(v);
      std::string csv;
      std::string jsonl;
      render::write_logs(v, n, {}, &csv, &jsonl);
      benchmark::DoNotOptimize(csv.data());
      benchmark::DoNotOptimize(jsonl.data());
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_VaughnIndex)->Unit(benchmark::kMillisecond);

// Verification alone, on outputs made once.
void BM_VerifyPdf(benchmark::State& state) {
  const auto& cases = corpus();
  auto w = render::PdfWriter::create(pdf_options());
  if (cases.empty() || !w.value) return state.SkipWithError("no corpus, policy or font");
  std::vector<std::string> pdfs;
  for (const Case& c : cases)
    pdfs.push_back((*w.value)->write(render::make_release_view(c.doc, c.decisions)).value->bytes);
  for (auto _ : state)
    for (size_t i = 0; i < cases.size(); ++i) {
      const render::WithheldMaterial m = render::collect_withheld(cases[i].doc, cases[i].decisions);
      const render::VerifyReport r =
          render::verify_output(m, render::OutputKind::kPdf, pdfs[i], "x.pdf");
      if (!r.ok()) state.SkipWithError("unexpected finding");
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_VerifyPdf)->Unit(benchmark::kMillisecond);

void BM_VerifyText(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  std::vector<std::string> texts;
  for (const Case& c : cases)
    texts.push_back(render::write_text(render::make_release_view(c.doc, c.decisions)));
  for (auto _ : state)
    for (size_t i = 0; i < cases.size(); ++i) {
      const render::WithheldMaterial m = render::collect_withheld(cases[i].doc, cases[i].decisions);
      const render::VerifyReport r =
          render::verify_output(m, render::OutputKind::kText, texts[i], "x.txt");
      if (!r.ok()) state.SkipWithError("unexpected finding");
    }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_VerifyText)->Unit(benchmark::kMillisecond);

// Everything `declass redact` does per cable after deciding: text, PDF, logs,
// and the verification of each.
void BM_ReleaseDocumentVerified(benchmark::State& state) {
  const auto& cases = corpus();
  auto w = render::PdfWriter::create(pdf_options());
  if (cases.empty() || !w.value) return state.SkipWithError("no corpus, policy or font");
  render::ReleaseOptions o;
  o.verify = state.range(0) != 0;
  for (auto _ : state)
    for (const Case& c : cases) {
      render::ReleasedDocument r = render::release_document(c.doc, c.decisions, o, w.value->get());
      if (!r.ok()) state.SkipWithError("unexpected finding");
      benchmark::DoNotOptimize(r.pdf.data());
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_ReleaseDocumentVerified)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// What `declass batch --format text,log` does per cable after deciding: text
// and logs (no PDF, so page numbers without a layout), verified with /1.
void BM_ReleaseDocumentTextLog(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  render::ReleaseOptions o;
  o.pdf = false;
  o.verify = state.range(0) != 0;
  for (auto _ : state)
    for (const Case& c : cases) {
      render::ReleasedDocument r = render::release_document(c.doc, c.decisions, o, nullptr);
      if (!r.ok()) state.SkipWithError("unexpected finding");
      benchmark::DoNotOptimize(r.log_jsonl.data());
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_ReleaseDocumentTextLog)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Memory: the same writer over 1, 4 and 16 passes of the corpus.
void BM_PdfReleaseManyDocuments(benchmark::State& state) {
  const auto& cases = corpus();
  auto w = render::PdfWriter::create(pdf_options());
  if (cases.empty() || !w.value) return state.SkipWithError("no corpus, policy or font");
  for (auto _ : state)
    for (int64_t pass = 0; pass < state.range(0); ++pass)
      for (const Case& c : cases) {
        auto r = (*w.value)->write(render::make_release_view(c.doc, c.decisions));
        benchmark::DoNotOptimize(r.value->bytes.data());
      }
  state.SetItemsProcessed(state.iterations() * state.range(0) * static_cast<int64_t>(cases.size()));
  state.counters["max_rss_kb"] = static_cast<double>(max_rss_kb());
}
BENCHMARK(BM_PdfReleaseManyDocuments)
    ->Arg(1)
    ->Arg(4)
    ->Arg(16)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// The withheld material alone (collect_withheld() and its needle plan), which
// every output kind pays once per document.
namespace {
void BM_WithheldMaterial(benchmark::State& state) {
  const auto& cases = corpus();
  if (cases.empty()) return state.SkipWithError("no corpus or policy");
  for (auto _ : state)
    for (const Case& c : cases) {
      const render::WithheldMaterial m = render::collect_withheld(c.doc, c.decisions);
      benchmark::DoNotOptimize(m.needles().data());
    }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}
BENCHMARK(BM_WithheldMaterial)->Unit(benchmark::kMillisecond);
}  // namespace
