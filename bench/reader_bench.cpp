// Speed of the cable reader: decode() + read_document() over every corpus cable
// (tests/data/corpus/*.txt and raw/*.txt), reported as bytes per second.
// The target in issue 2 is at least 200 MB/s per core.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"

namespace {

struct Input {
  std::string path;
  std::string bytes;
};

std::vector<Input> load_dir(const std::filesystem::path& dir) {
  std::vector<Input> out;
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".txt") continue;
    std::ifstream in(e.path(), std::ios::binary);
    out.push_back({e.path().string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  // Directory order is unspecified; sort so runs are comparable.
  std::sort(out.begin(), out.end(), [](const Input& a, const Input& b) { return a.path < b.path; });
  return out;
}

const std::vector<Input>& corpus() {
  static const std::vector<Input> inputs = [] {
    const std::filesystem::path root = std::filesystem::path(DECLASS_TEST_DATA) / "corpus";
    std::vector<Input> all = load_dir(root);
    std::vector<Input> raw = load_dir(root / "raw");
    all.insert(all.end(), std::make_move_iterator(raw.begin()), std::make_move_iterator(raw.end()));
    return all;
  }();
  return inputs;
}

// decode + read: what `declass inspect` and every later stage pay per cable.
void BM_ReadCorpus(benchmark::State& state) {
  const auto& inputs = corpus();
  if (inputs.empty()) {
    state.SkipWithError("no corpus under " DECLASS_TEST_DATA "/corpus");
    return;
  }
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const Input& in : inputs) {
      auto src = declass::core::decode(in.path, in.bytes);
      if (!src.value) continue;
      declass::core::Document doc = declass::core::read_document(std::move(*src.value));
      benchmark::DoNotOptimize(doc.blocks.data());
      bytes += static_cast<int64_t>(in.bytes.size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["cables"] = static_cast<double>(inputs.size());
}
BENCHMARK(BM_ReadCorpus)->Unit(benchmark::kMillisecond);

// decode alone: the byte checks, transcoding and the line table.
void BM_DecodeOnly(benchmark::State& state) {
  const auto& inputs = corpus();
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const Input& in : inputs) {
      auto src = declass::core::decode(in.path, in.bytes);
      benchmark::DoNotOptimize(src.value);
      bytes += static_cast<int64_t>(in.bytes.size());
    }
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_DecodeOnly)->Unit(benchmark::kMillisecond);

// read_document alone, on sources decoded once up front.
void BM_ReadDocumentOnly(benchmark::State& state) {
  std::vector<declass::core::Source> sources;
  int64_t per_pass = 0;
  for (const Input& in : corpus()) {
    auto src = declass::core::decode(in.path, in.bytes);
    if (!src.value) continue;
    per_pass += static_cast<int64_t>(in.bytes.size());
    sources.push_back(std::move(*src.value));
  }
  int64_t bytes = 0;
  for (auto _ : state) {
    for (const auto& s : sources) {
      declass::core::Document doc = declass::core::read_document(s);
      benchmark::DoNotOptimize(doc.blocks.data());
    }
    bytes += per_pass;
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ReadDocumentOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
