// Golden `explain` outputs: the real binary on the sample cable with each
// sample policy at two review dates, plus check-policy errors and overrides.
// Regenerate with DECLASS_UPDATE_GOLDEN=1, then review the diff.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

struct CliRun {
  std::string out;
  std::string err;
  int status = -1;
};

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `declass ARGS` in the source root so that paths in the output are relative.
CliRun run(const std::string& args) {
  // Per process: ctest runs the tests of this binary in parallel processes.
  const std::string err_file =
      ::testing::TempDir() + "/declass-golden-stderr." + std::to_string(::getpid()) + ".txt";
  const std::string cmd = std::string("cd '") + DECLASS_SOURCE_ROOT + "' && '" + DECLASS_BINARY +
                          "' " + args + " 2>'" + err_file + "'";
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = read_all(err_file);
  std::remove(err_file.c_str());
  return r;
}

const char* kGolden = DECLASS_SOURCE_ROOT "/tests/golden/policies/";

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(kGolden) + name;
  if (std::getenv("DECLASS_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  const std::string expected = read_all(path);
  EXPECT_FALSE(expected.empty()) << path << " is missing: run with DECLASS_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, expected) << "differs from " << path;
}

const char* kSample = "tests/data/samples/07TOKYO3470.txt";

struct Case {
  const char* policy;
  const char* date;
};

class ExplainGolden : public ::testing::TestWithParam<Case> {};

TEST_P(ExplainGolden, MatchesTheGoldenFile) {
  const Case c = GetParam();
  const CliRun r =
      run(std::string("explain --policy policy-samples/") + c.policy + ".xml --as-of " + c.date +
          " --case-id F-2026-00042 --reviewer 'J. Doe' " + kSample);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  expect_golden(std::string(c.policy) + "." + c.date + ".explain.txt", r.out);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, ExplainGolden,
    ::testing::Values(Case{"foia-standard", "2010-01-01"}, Case{"foia-standard", "2026-11-28"},
                      Case{"eo13526-25-year", "2010-01-01"}, Case{"eo13526-25-year", "2026-11-28"},
                      Case{"strict-prepublication", "2010-01-01"},
                      Case{"strict-prepublication", "2026-11-28"}, Case{"privacy-b6", "2010-01-01"},
                      Case{"privacy-b6", "2026-11-28"}),
    [](const auto& param_info) {
      std::string n = std::string(param_info.param.policy) + "_" + param_info.param.date;
      for (char& ch : n)
        if (ch == '-' || ch == '.') ch = '_';
      return n;
    });

// The review date changes the outcome for the date-sensitive policies, and
// does not for the strict one or the privacy module (by design).
TEST(ExplainGolden, TheDateChangesTheOutcome) {
  auto body = [](const char* policy, const char* date) {
    std::string out = run(std::string("explain --policy policy-samples/") + policy +
                          ".xml --as-of " + date + " " + kSample)
                          .out;
    const size_t at = out.find("  disposition:");
    return at == std::string::npos ? out : out.substr(at);
  };
  for (const char* p : {"foia-standard", "eo13526-25-year"}) {
    const std::string early = body(p, "2010-01-01");
    const std::string late = body(p, "2026-11-28");
    EXPECT_NE(early, late) << p;
    EXPECT_NE(early.find("#19 paragraph 1 (C), lines 68-89: withhold [B1 1.4(B), 1.4(D)]"),
              std::string::npos)
        << p;
    EXPECT_NE(late.find("#19 paragraph 1 (C), lines 68-89: release"), std::string::npos) << p;
  }
  EXPECT_EQ(body("strict-prepublication", "2010-01-01"),
            body("strict-prepublication", "2026-11-28"));
  // Privacy does not lapse with classification: the module alone redacts the
  // same names at either date.
  EXPECT_EQ(body("privacy-b6", "2010-01-01"), body("privacy-b6", "2026-11-28"));
}

TEST(ExplainGolden, JsonForTools) {
  const CliRun r = run(
      std::string("explain --json --policy policy-samples/foia-standard.xml --as-of 2026-11-28 ") +
      kSample);
  EXPECT_EQ(r.status, 0) << r.err;
  expect_golden("foia-standard.2026-11-28.explain.jsonl", r.out);
}

TEST(ExplainGolden, ReviewerOverrides) {
  const CliRun r =
      run(std::string("explain --policy policy-samples/foia-standard.xml --as-of 2026-11-28 "
                      "--overrides tests/golden/policies/overrides.xml ") +
          kSample);
  EXPECT_EQ(r.status, 0) << r.err;
  expect_golden("foia-standard.2026-11-28.overrides.explain.txt", r.out);
}

// The overrides above are a consistent review: a name released in one place
// is released wherever it occurs, so the release passes verification (a name
// released at one place and withheld at another is refused as a leak).
TEST(ExplainGolden, ReviewerOverridesGiveAVerifiedRelease) {
  const std::string out =
      ::testing::TempDir() + "/declass-overrides-release." + std::to_string(::getpid());
  const CliRun r =
      run("redact --policy policy-samples/foia-standard.xml --as-of 2026-11-28 "
          "--overrides tests/golden/policies/overrides.xml --format text -o '" +
          out + "' " + kSample);
  EXPECT_EQ(r.status, 0) << r.err;
  const std::string text = read_all(out + "/07TOKYO3470.txt");
  EXPECT_NE(text.find("MANILA FOR D/KAYE LEE"), std::string::npos) << text;
  EXPECT_EQ(text.find("Chikao Kawai"), std::string::npos) << text;
  std::filesystem::remove_all(out);
}

TEST(ExplainGolden, CheckPolicyReportsEveryErrorPositioned) {
  const CliRun r =
      run("check-policy policy-samples/foia-standard.xml tests/golden/policies/bad-policy.xml");
  EXPECT_EQ(r.status, 2);
  expect_golden("check-policy.stdout.txt", r.out);
  expect_golden("check-policy.stderr.txt", r.err);
}

TEST(ExplainGolden, UsageErrors) {
  CliRun r =
      run(std::string("explain --policy policy-samples/foia-standard.xml --as-of 2026-13-01 ") +
          kSample);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "declass: error: --as-of '2026-13-01' is not a date of the form YYYY-MM-DD\n");
  r = run(std::string("explain --policy tests/golden/policies/bad-policy.xml --as-of 2026-01-01 ") +
          kSample);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  r = run(
      "explain --policy policy-samples/foia-standard.xml --as-of 2026-01-01 no-such-cable.txt " +
      std::string(kSample));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("07TOKYO3470"), std::string::npos);
  EXPECT_NE(r.err.find("no-such-cable.txt"), std::string::npos);
}

}  // namespace
