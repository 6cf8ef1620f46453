// Fuzz target for the policy and overrides loaders (and, when a policy loads,
// decide() on a small cable). Built with libFuzzer when DECLASS_FUZZ=ON; else a
// standalone runner that replays the seeds given on the command line (files
// or directories) plus deterministic mutations of them, so ctest runs it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace {

const declass::core::Document& sample_doc() {
  static const declass::core::Document doc = [] {
    using namespace declass::core;
    Document d;
    d.id = "07FUZZ1";
    d.created_date = Date(2007, 7, 30);
    d.source = Source::from_utf8(
        "fuzz.txt",
        "SUBJECT: TEST\n\n1. (C) Kenichiro\nSasae met the gov-\nernment, +81 3 3224 5000.\n\n"
        "SIPDIS\n\n2. (U) Nothing.\n");
    Block subject;
    subject.kind = BlockKind::kSubject;
    subject.span = subject.pieces.emplace_back(Span{0, 13});
    Block p1;
    p1.kind = BlockKind::kParagraph;
    p1.label = "1";
    p1.label_span = {15, 17};
    p1.classification.level = Level::kConfidential;
    p1.marking = MarkingStatus::kMarked;
    p1.span = p1.pieces.emplace_back(Span{15, 80});
    Block caption;
    caption.kind = BlockKind::kCaption;
    caption.span = caption.pieces.emplace_back(Span{82, 88});
    Block p2;
    p2.kind = BlockKind::kParagraph;
    p2.label = "2";
    p2.label_span = {90, 92};
    p2.marking = MarkingStatus::kMarked;
    p2.span = p2.pieces.emplace_back(Span{90, 105});
    d.blocks = {subject, p1, caption, p2};
    d.declass.kind = DeclassKind::kDate;
    d.declass_eval.effective_date = Date(2017, 7, 30);
    d.declass_eval.computable = true;
    return d;
  }();
  return doc;
}

void one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return;
  const std::string text(reinterpret_cast<const char*>(data), size);
  declass::policies::LoadOptions options;
  options.allow_files = false;  // never read the disk from fuzz input
  auto policy = declass::policies::load_policy_text("fuzz.xml", text, options);
  if (policy.ok() != !policy.has_errors())
    __builtin_trap();  // a value exactly when there is no error
  auto overrides = declass::policies::load_overrides_text("fuzz.xml", text);
  if (policy.ok()) {
    declass::policies::ReviewContext ctx;
    ctx.review_date = declass::core::Date(2026, 11, 28);
    if (overrides.ok()) ctx.overrides = *overrides.value;
    auto d = declass::policies::decide_checked(**policy.value, sample_doc(), ctx);
    if (d.ok() && d.value->blocks.size() != sample_doc().blocks.size()) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  one_input(data, size);
  return 0;
}

#ifdef DECLASS_FUZZ_STANDALONE
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;  // libFuzzer flags such as -runs=0
    const std::filesystem::path p = argv[i];
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  size_t runs = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string seed = ss.str();
    auto run = [&](const std::string& s) {
      one_input(reinterpret_cast<const uint8_t*>(s.data()), s.size());
      ++runs;
    };
    run(seed);
    // Deterministic mutations: every truncation point on a stride, and byte
    // flips to the characters XML cares about.
    const size_t stride = std::max<size_t>(1, seed.size() / 64);
    for (size_t cut = 0; cut < seed.size(); cut += stride) run(seed.substr(0, cut));
    static const char kSwap[] = {'<', '>', '"', '&', '/', '=', '\0', '\xff', 'x', ' '};
    for (size_t at = 0, k = 0; at < seed.size(); at += stride, ++k) {
      std::string m = seed;
      m[at] = kSwap[k % sizeof kSwap];
      run(m);
    }
  }
  std::cout << "fuzz_policy: " << files.size() << " seeds, " << runs << " inputs, no crash\n";
  return files.empty() ? 1 : 0;
}
#endif
