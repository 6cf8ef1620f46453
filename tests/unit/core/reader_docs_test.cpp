// docs/diagnostics.md is the list of diagnostic codes: every code the decoder
// and the reader emit on the corpus and the golden inputs is documented there,
// and every documented code is pinned by some golden model dump (except the
// decoding errors, which leave no document to dump).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>
#include <string>

#include "declass/core/document.h"
#include "reader_test_util.h"

namespace declass::core {
namespace {

using testing::corpus_files;
using testing::read_bytes;
using testing::slurp;
using testing::test_data;

std::set<std::string> documented_codes() {
  std::set<std::string> codes;
  std::istringstream in(
      slurp(std::filesystem::path(DECLASS_SOURCE_ROOT) / "docs" / "diagnostics.md"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const size_t e = line.find('`', 3);
    if (e != std::string::npos) codes.insert(line.substr(3, e - 3));
  }
  return codes;
}

TEST(ReaderDocs, EveryEmittedCodeIsDocumented) {
  const std::set<std::string> documented = documented_codes();
  ASSERT_GE(documented.size(), 20u);
  std::set<std::string> emitted;
  auto collect = [&](const std::vector<Diagnostic>& ds) {
    for (const auto& d : ds) emitted.insert(d.code);
  };
  for (const auto& f : corpus_files())
    collect(read_bytes(f.filename().string(), slurp(f)).diagnostics);
  collect(read_bytes("x", slurp(test_data() / "reader" / "handmade_marks.txt")).diagnostics);
  for (const std::string& bytes :
       {std::string(), std::string("a\0b", 3), std::string("\xC3\xA9\xE9")})
    collect(decode("x", bytes).diagnostics);
  collect(read_file("/nonexistent/declass-test").diagnostics);
  for (const auto& code : emitted)
    EXPECT_EQ(documented.count(code), 1u) << code << " is not in docs/diagnostics.md";
}

TEST(ReaderDocs, EveryDocumentedCodeIsInAGoldenDump) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(
           std::filesystem::path(DECLASS_SOURCE_ROOT) / "tests" / "golden" / "model"))
    if (e.path().extension() == ".txt") all += slurp(e.path());
  // Decoding errors leave no document to dump (source_test.cpp and the CLI
  // tests cover them); a Classified By block the grammar cannot read at all
  // never occurs in the corpus.
  const std::set<std::string> no_dump = {"empty-input",  "input-too-large",
                                         "binary-input", "invalid-utf8",
                                         "io-error",     "unparseable-classified-by"};
  for (const auto& code : documented_codes()) {
    if (no_dump.count(code)) continue;
    EXPECT_NE(all.find("[" + code + "]"), std::string::npos) << code << " is in no golden dump";
  }
}

}  // namespace
}  // namespace declass::core
