// Golden model dumps (tests/golden/model): the reader's whole model of each
// chosen cable, as `declass inspect` prints it, with review date 2026-01-01.
// The expected files are the specification; regenerate them with
// DECLASS_UPDATE_GOLDEN=1 and review every changed line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"
#include "reader_test_util.h"

namespace declass::core {
namespace {

using testing::read_bytes;
using testing::slurp;
using testing::test_data;

std::filesystem::path golden_dir() {
  return std::filesystem::path(DECLASS_SOURCE_ROOT) / "tests" / "golden" / "model";
}

struct GoldenCase {
  std::string input;  // relative to tests/data
  std::string why;
};

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.input;
}

std::vector<GoldenCase> cases() {
  std::vector<GoldenCase> out;
  std::istringstream in(slurp(golden_dir() / "cases.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    out.push_back({line.substr(0, tab), tab == std::string::npos ? "" : line.substr(tab + 1)});
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string s = std::filesystem::path(info.param.input).stem().string();
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class ReaderGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ReaderGolden, ModelDumpMatches) {
  const GoldenCase& c = GetParam();
  const std::filesystem::path in = test_data() / c.input;
  ASSERT_TRUE(std::filesystem::exists(in)) << in;
  const Document doc = read_bytes(in.filename().string(), slurp(in));
  const std::string got = dump_model(doc, parse_iso_date("2026-01-01"));
  const std::filesystem::path expected = golden_dir() / (in.stem().string() + ".txt");
  if (std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected, std::ios::binary) << got;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(expected))
      << expected << " is missing: run with DECLASS_UPDATE_GOLDEN=1 and review it";
  const std::string want = slurp(expected);
  if (got == want) return;
  // Point at the first differing line: the files are long.
  std::istringstream g(got), w(want);
  std::string gl, wl;
  int line = 0;
  while (true) {
    ++line;
    const bool gm = static_cast<bool>(std::getline(g, gl));
    const bool wm = static_cast<bool>(std::getline(w, wl));
    if (!gm && !wm) break;
    if (gl != wl || gm != wm) {
      ADD_FAILURE() << expected.filename() << ":" << line << " (" << c.why
                    << ")\n  expected: " << wl << "\n  got:      " << gl;
      return;
    }
  }
  ADD_FAILURE() << expected.filename() << " differs";
}

INSTANTIATE_TEST_SUITE_P(Corpus, ReaderGolden, ::testing::ValuesIn(cases()), case_name);

TEST(ReaderGoldenSet, EveryExpectedFileHasACase) {
  std::vector<std::string> stems;
  for (const auto& c : cases()) stems.push_back(std::filesystem::path(c.input).stem().string());
  EXPECT_GE(stems.size(), 30u);
  for (const auto& e : std::filesystem::directory_iterator(golden_dir())) {
    if (e.path().extension() != ".txt") continue;
    EXPECT_NE(std::find(stems.begin(), stems.end(), e.path().stem().string()), stems.end())
        << e.path() << " has no line in cases.tsv";
  }
}

}  // namespace
}  // namespace declass::core
