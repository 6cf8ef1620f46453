// Fuzz target for the release outputs: any bytes -> reader -> decisions drawn
// from the input (release / redact spans / withhold / omit per block, any
// placeholder style, sometimes too few decisions or DENIED IN FULL) -> the
// view, the text, the PDF and the logs -> verification. A `leak` or hygiene
// finding, or a crash, is a bug: the writers can only print released text and
// their own wording. (`term-released` is not: random decisions may withhold a
// term in one place and release it in another.)
//
// With DECLASS_FUZZ_STANDALONE the file has its own main(), which replays the
// files and directories given on the command line with several decision seeds
// each (tests/fuzz/CMakeLists.txt runs it over the corpus under ctest).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "declass/core/document.h"
#include "declass/render/release_builder.h"

namespace {

using namespace declass;

// A small deterministic generator seeded from the input.
struct Rng {
  uint64_t s;
  uint32_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<uint32_t>(s >> 16);
  }
};

render::PdfWriter* writer() {
  static std::unique_ptr<render::PdfWriter> w = [] {
    auto r = render::PdfWriter::create({});
    if (!r.value) {
      std::fprintf(stderr, "fuzz_release: cannot load the font\n");
      std::abort();
    }
    return std::move(*r.value);
  }();
  return w.get();
}

void run(std::string_view bytes, uint64_t seed) {
  core::Result<core::Source> src = core::decode("fuzz.txt", bytes);
  if (!src.value) return;
  const core::Document doc = core::read_document(std::move(*src.value));
  Rng rng{seed * 0x9E3779B97F4A7C15ull + bytes.size() + 1};
  core::Decisions d;
  d.blocks.resize(doc.blocks.size());
  if (!doc.blocks.empty() && rng.next() % 8 == 0) d.blocks.pop_back();  // too few decisions
  const uint32_t n = static_cast<uint32_t>(doc.source.text().size());
  for (size_t b = 0; b < d.blocks.size(); ++b) {
    core::BlockDecision& bd = d.blocks[b];
    bd.rule = "fuzz";
    switch (rng.next() % 4) {
      case 0:
        bd.action = core::Action::kRelease;
        break;
      case 1:
        bd.action = core::Action::kOmit;
        break;
      case 2: {
        bd.action = core::Action::kRedact;
        for (int k = 0; k < 2 && n > 0; ++k) {
          core::Redaction r;
          const core::Block& blk = doc.blocks[b];
          const uint32_t base = blk.pieces.empty() ? rng.next() % n : blk.pieces[0].begin;
          r.span.begin = std::min(n, base + rng.next() % 40);
          r.span.end = std::min(n, r.span.begin + 1 + rng.next() % 30);
          r.labels.add({core::Exemption::kB6, "", ""});
          r.rule = "fuzz-span";
          bd.redactions.push_back(r);
        }
        break;
      }
      default:
        bd.action = core::Action::kWithhold;
        bd.labels.add({core::Exemption::kB1, "bd", ""});
    }
  }
  const uint32_t disp = rng.next() % 4;
  d.disposition = disp == 0   ? core::DocumentDisposition::kDeniedInFull
                  : disp == 1 ? core::DocumentDisposition::kReleasedInFull
                              : core::DocumentDisposition::kReleasedInPart;
  d.placeholder = static_cast<core::PlaceholderStyle>(rng.next() % 3);
  d.placeholder_step = rng.next() % 7;
  d.review.review_date = core::Date(2024, 5, 1);
  d.review.case_id = "F-FUZZ";
  d.exemptions.add({core::Exemption::kB1, "b", ""});

  render::ReleaseOptions o;
  const render::ReleasedDocument r = render::release_document(doc, d, o, writer());
  for (const render::Finding& f : r.findings) {
    if (f.code == "term-released") continue;
    std::fprintf(stderr, "fuzz_release: %s: %s (seed %llu)\n", f.code.c_str(), f.message.c_str(),
                 static_cast<unsigned long long>(seed));
    std::abort();
  }
  for (const core::Diagnostic& e : r.errors) {
    std::fprintf(stderr, "fuzz_release: %s\n", e.format().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  run(bytes, size > 0 ? data[0] : 0);
  return 0;
}

#ifdef DECLASS_FUZZ_STANDALONE
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".txt")
          files.push_back(e.path().string());
    } else {
      files.push_back(p.string());
    }
  }
  std::sort(files.begin(), files.end());
  // More seeds for a longer local run: DECLASS_FUZZ_SEEDS=50.
  const char* env = std::getenv("DECLASS_FUZZ_SEEDS");
  const uint64_t seeds =
      env != nullptr && std::atoi(env) > 0 ? static_cast<uint64_t>(std::atoi(env)) : 3;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (uint64_t seed = 0; seed < seeds; ++seed) run(bytes, seed);
  }
  std::printf("fuzz_release: %zu inputs x %llu decision seeds: no leak, no hygiene finding\n",
              files.size(), static_cast<unsigned long long>(seeds));
  return 0;
}
#endif
