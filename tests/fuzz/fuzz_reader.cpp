// libFuzzer target for the cable reader: decode() then read_document(), then
// the structural invariant (every non-blank byte in exactly one block, blocks in
// order, every paragraph classified) and the model dump. Any violation aborts,
// so the fuzzer reports it as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"
#include "reader_test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  declass::core::Result<declass::core::Source> src = declass::core::decode("fuzz.txt", bytes);
  if (!src.value) return 0;
  const declass::core::Document doc = declass::core::read_document(std::move(*src.value));
  const std::string problem = declass::core::testing::check_invariant(doc);
  if (!problem.empty()) {
    std::fprintf(stderr, "reader invariant violated: %s\n", problem.c_str());
    std::abort();
  }
  const std::string dump =
      declass::core::dump_model(doc, declass::core::parse_iso_date("2026-01-01"));
  if (dump.empty()) std::abort();
  return 0;
}
