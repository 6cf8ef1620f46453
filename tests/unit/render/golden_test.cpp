// Golden text releases and Vaughn indexes (tests/golden/release/<policy>/) for
// the sample policies on 28 cables, made through the real CLI and again
// through the library; both must match the reviewed files byte for byte.
// Regenerate with DECLASS_UPDATE_GOLDEN=1, then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "declass/render/release_builder.h"
#include "declass/render/text_writer.h"
#include "test_support.h"

namespace declass::render {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

const std::vector<std::string> kCables = {
    "corpus/66BUENOSAIRES2481", "corpus/75TEHRAN2069",   "corpus/79TEHRAN8980",
    "corpus/86MADRID5480",      "corpus/89PANAMA8545",   "corpus/00HARARE6677",
    "corpus/04ANKARA348",       "corpus/05REYKJAVIK526", "corpus/06BRASILIA476",
    "corpus/06CARACAS958",      "corpus/06GENEVA2654",   "corpus/06MADRID621",
    "corpus/06NAIROBI1114",     "corpus/06NAIROBI1187",  "corpus/06PARIS1113",
    "corpus/06SANTIAGO2378",    "corpus/06TOKYO1363",    "corpus/07ASUNCION396",
    "corpus/08STATE86156",      "corpus/08TRIPOLI564",   "corpus/09BEIJING1336",
    "corpus/09BERLIN1148",      "corpus/09LONDON2768",   "corpus/09MEXICO880",
    "corpus/09QUITO177",        "corpus/10STATE369",     "corpus/raw/07BOGOTA1165",
    "samples/07TOKYO3470",
};

struct GoldenRun {
  const char* policy;  // policy-samples/<policy>.xml and tests/golden/release/<policy>/
  const char* as_of;
};
const GoldenRun kRuns[] = {
    {"strict-prepublication", "2024-05-01"},
    {"foia-standard", "2012-06-30"},
    {"eo13526-25-year", "2024-05-01"},
    {"privacy-b6", "2024-05-01"},
};

const char* kCase = "F-2024-00042";
const char* kReviewer = "A. REVIEWER";

bool update() {
  return std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr;
}

void compare(const std::string& golden_path, const std::string& got, const std::string& how) {
  if (update()) {
    fs::create_directories(fs::path(golden_path).parent_path());
    ASSERT_TRUE(testing::write_file(golden_path, got));
    return;
  }
  ASSERT_TRUE(fs::exists(golden_path))
      << golden_path << " missing (DECLASS_UPDATE_GOLDEN=1 makes it)";
  EXPECT_EQ(read_file(golden_path), got) << golden_path << " differs (" << how << ")";
}

class Golden : public ::testing::TestWithParam<GoldenRun> {};

TEST_P(Golden, CliAndLibraryMatchTheReviewedReleases) {
  const GoldenRun run = GetParam();
  const std::string root = DECLASS_SOURCE_ROOT;
  const std::string golden = root + "/tests/golden/release/" + run.policy;
  const std::string policy = root + "/policy-samples/" + run.policy + ".xml";
  std::string files;
  for (const std::string& c : kCables)
    files += " " + std::string(DECLASS_TEST_DATA) + "/" + c + ".txt";
  testing::TempDir out;
  int status = -1;
  const std::string err =
      testing::run(std::string("TZ=UTC ") + DECLASS_BINARY + " redact --format text,log --policy " +
                       policy + " --as-of " + run.as_of + " --case-id " + kCase + " --reviewer '" +
                       kReviewer + "' -o " + out.path() + files + " 2>&1 >/dev/null",
                   &status);
  ASSERT_EQ(status, 0) << err;

  auto pol = policies::load_policy(policy);
  ASSERT_TRUE(pol.value);
  policies::ReviewContext ctx;
  ctx.review_date = *core::parse_iso_date(run.as_of);
  ctx.case_id = kCase;
  ctx.reviewer = kReviewer;
  for (const std::string& c : kCables) {
    auto doc = core::read_file(std::string(DECLASS_TEST_DATA) + "/" + c + ".txt");
    ASSERT_TRUE(doc.value) << c;
    const std::string name = doc.value->id + ".txt";
    compare(golden + "/" + name, read_file(out.file(name)), "cli");
    if (!update()) {
      const core::Decisions d = policies::decide(**pol.value, *doc.value, ctx);
      compare(golden + "/" + name, write_text(make_release_view(*doc.value, d)), "library");
    }
  }
  compare(golden + "/log.csv", read_file(out.file("log.csv")), "cli");
  compare(golden + "/log.jsonl", read_file(out.file("log.jsonl")), "cli");
}

INSTANTIATE_TEST_SUITE_P(SamplePolicies, Golden, ::testing::ValuesIn(kRuns),
                         [](const ::testing::TestParamInfo<GoldenRun>& i) {
                           std::string n = i.param.policy;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace declass::render
