// The real `declass redact` and `declass verify` binaries: exit codes, files,
// stdout and stderr (style.md: golden tests run the real binary).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "test_support.h"

namespace declass::render {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run;
using testing::TempDir;

const std::string kBin = DECLASS_BINARY;
const std::string kRoot = DECLASS_SOURCE_ROOT;
const std::string kSample = std::string(DECLASS_TEST_DATA) + "/samples/07TOKYO3470.txt";
const std::string kFoia = kRoot + "/policy-samples/foia-standard.xml";
const std::string kStrict = kRoot + "/policy-samples/strict-prepublication.xml";

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs declass with `args` (already quoted where needed) under `env`.
CliRun declass(const std::string& args, const std::string& env = "TZ=UTC LC_ALL=C") {
  TempDir io;
  CliRun r;
  run("env " + env + " " + kBin + " " + args + " > " + io.file("out") + " 2> " + io.file("err"),
      &r.status);
  r.out = read_file(io.file("out"));
  r.err = read_file(io.file("err"));
  return r;
}

bool exists(const std::string& p) {
  return fs::exists(p);
}

TEST(RedactCli, WritesTextPdfAndLogsAndSaysWhatItDid) {
  TempDir dir;
  const CliRun r = declass("redact --policy " + kFoia +
                           " --as-of 2024-05-01 --case-id F-2024-00001 --reviewer 'JANE DOE' -o " +
                           dir.path() + " " + kSample);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "07TOKYO3470: RELEASED IN PART B6 -> " + dir.file("07TOKYO3470.txt") + ", " +
                       dir.file("07TOKYO3470.pdf") + " (6 pages, DECL0000001-DECL0000006)\n");
  EXPECT_EQ(r.err, "");
  for (const char* f : {"07TOKYO3470.txt", "07TOKYO3470.pdf", "log.csv", "log.jsonl"})
    EXPECT_TRUE(exists(dir.file(f))) << f;
  int status = -1;
  run("qpdf --check " + dir.file("07TOKYO3470.pdf") + " > /dev/null 2>&1", &status);
  EXPECT_EQ(status, 0);
  // No temp files left behind.
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  const CliRun v = declass("verify --policy " + kFoia +
                           " --as-of 2024-05-01 --case-id F-2024-00001 --reviewer 'JANE DOE' -o " +
                           dir.path() + " " + kSample);
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_EQ(v.out.rfind("07TOKYO3470: clean (4 outputs, ", 0), 0u) << v.out;
}

TEST(RedactCli, SameBytesUnderAnotherTimeZoneAndLocale) {
  TempDir a;
  TempDir b;
  const std::string args =
      "redact --policy " + kStrict + " --as-of 2024-05-01 --case-id C-1 --reviewer R " + kSample;
  ASSERT_EQ(declass(args + " -o " + a.path(), "TZ=UTC LC_ALL=C").status, 0);
  ASSERT_EQ(
      declass(args + " -o " + b.path(), "TZ=Asia/Kolkata LC_ALL=C.UTF-8 LANG=de_DE.UTF-8").status,
      0);
  for (const char* f : {"07TOKYO3470.txt", "07TOKYO3470.pdf", "log.csv", "log.jsonl"}) {
    const std::string x = read_file(a.file(f));
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, read_file(b.file(f))) << f;
  }
}

TEST(RedactCli, UsageErrorsWriteNothing) {
  TempDir dir;
  const std::string out = " -o " + dir.file("o") + " " + kSample;
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"--policy " + kFoia + " --as-of 2024-13-01", "--as-of '2024-13-01' is not a date"},
      {"--policy " + kFoia + " --as-of 2024-05-01 --format text,html",
       "--format 'html' is not one of"},
      {"--policy " + kFoia + " --as-of 2024-05-01 --bates-prefix 'A B'",
       "--bates-prefix 'A B' must be"},
      {"--policy " + kFoia + " --as-of 2024-05-01 --bates-digits 0",
       "--bates-digits must be between"},
      {"--policy /nonexistent.xml --as-of 2024-05-01", "nonexistent.xml"},
  };
  for (const Case& c : cases) {
    const CliRun r = declass("redact " + c.args + out);
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_FALSE(exists(dir.file("o/07TOKYO3470.txt"))) << c.args;
  }
  EXPECT_EQ(declass("redact --as-of 2024-05-01 " + kSample).status, 2);  // --policy missing
}

TEST(RedactCli, AnUnreadableCableFailsAloneAndTheOthersAreReleased) {
  TempDir dir;
  const CliRun r = declass("redact --policy " + kFoia + " --as-of 2024-05-01 -o " + dir.path() +
                           " " + dir.file("missing.txt") + " " + kSample);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
  EXPECT_TRUE(exists(dir.file("07TOKYO3470.pdf")));
}

TEST(RedactCli, NeverOverwritesAnInput) {
  TempDir dir;
  const std::string input = dir.file("07TOKYO3470.txt");
  fs::copy_file(kSample, input);
  const std::string before = read_file(input);
  const CliRun r =
      declass("redact --policy " + kFoia + " --as-of 2024-05-01 -o " + dir.path() + " " + input);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("refusing to overwrite input file"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(input), before);
  EXPECT_FALSE(exists(dir.file("07TOKYO3470.pdf")));  // a document is all or nothing
}

TEST(RedactCli, SameIdTwiceGetsDistinctNamesAndBatesContinue) {
  TempDir dir;
  fs::create_directories(dir.file("in"));
  fs::copy_file(kSample, dir.file("in/copy.txt"));
  const CliRun r =
      declass("redact --policy " + kStrict +
              " --as-of 2024-05-01 --bates-prefix F- --bates-digits 3 --bates-start 7 -o " +
              dir.file("out") + " " + kSample + " " + dir.file("in/copy.txt"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("07TOKYO3470.pdf (2 pages, F-007-F-008)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("07TOKYO3470~2.pdf (2 pages, F-009-F-010)"), std::string::npos) << r.out;
  const std::string csv = read_file(dir.file("out/log.csv"));
  EXPECT_NE(csv.find("F-009-F-010"), std::string::npos) << csv;
}

TEST(RedactCli, OutputNamesAreSafeWhateverTheId) {
  TempDir dir;
  fs::create_directories(dir.file("in"));
  // No preamble or routing: the id falls back to the file stem.
  const std::string odd = dir.file("in/..we ird;$(x)name.txt");
  ASSERT_TRUE(testing::write_file(odd, "1. (U) A short unclassified note.\n"));
  const CliRun r = declass("redact --policy " + kFoia + " --as-of 2024-05-01 -o " +
                           dir.file("out") + " '" + odd + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.file("out")))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"_.we_ird___x_name.pdf", "_.we_ird___x_name.txt",
                                             "log.csv", "log.jsonl"}));
}

TEST(RedactCli, FormatsSelectTheOutputs) {
  TempDir dir;
  ASSERT_EQ(declass("redact --policy " + kFoia + " --as-of 2024-05-01 --format text -o " +
                    dir.path() + " " + kSample)
                .status,
            0);
  EXPECT_TRUE(exists(dir.file("07TOKYO3470.txt")));
  EXPECT_FALSE(exists(dir.file("07TOKYO3470.pdf")));
  EXPECT_FALSE(exists(dir.file("log.csv")));
  TempDir logs;
  ASSERT_EQ(declass("redact --policy " + kFoia + " --as-of 2024-05-01 --format log -o " +
                    logs.path() + " " + kSample)
                .status,
            0);
  EXPECT_FALSE(exists(logs.file("07TOKYO3470.txt")));
  EXPECT_TRUE(exists(logs.file("log.jsonl")));
  // Without a PDF the log has no Bates numbers but still cites the pages.
  EXPECT_NE(read_file(logs.file("log.csv")).find(",1-6,,"), std::string::npos);
}

TEST(RedactCli, ExplainTracesEveryBlockWithoutQuotingWithheldText) {
  TempDir dir;
  const CliRun r = declass("redact --explain --policy " + kStrict + " --as-of 2024-05-01 -o " +
                           dir.path() + " " + kSample);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("explain 07TOKYO3470 ("), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("  #19 paragraph 1 lines 68-89: withhold rule=classified [B1 1.4(B), 1.4(D)]"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  #0 preamble lines 1-13: omit rule=page-furniture"), std::string::npos);
  EXPECT_EQ(r.out.find("Nagamine"), std::string::npos);
}

TEST(RedactCli, ReviewerLogOnlyWhenAskedAndWithAWarning) {
  TempDir dir;
  ASSERT_EQ(
      declass("redact --policy " + kStrict + " --as-of 2024-05-01 -o " + dir.path() + " " + kSample)
          .status,
      0);
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find("INTERNAL"), std::string::npos);
  const CliRun r = declass("redact --reviewer-log --policy " + kStrict + " --as-of 2024-05-01 -o " +
                           dir.path() + " " + kSample);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string log =
      dir.file("INTERNAL-CONTAINS-WITHHELD-TEXT-DO-NOT-RELEASE.reviewer-log.txt");
  EXPECT_NE(r.err.find("QUOTES WITHHELD TEXT"), std::string::npos);
  const std::string text = read_file(log);
  EXPECT_NE(text.find("WARNING: INTERNAL REVIEWER LOG"), std::string::npos);
  EXPECT_NE(text.find("Nagamine"), std::string::npos);
  EXPECT_EQ(read_file(dir.file("07TOKYO3470.txt")).find("Nagamine"), std::string::npos);
}

TEST(RedactCli, InconsistentDecisionsAreALeakNothingIsWrittenAndStaleOutputsGo) {
  TempDir dir;
  // The reviewer withholds "Nagamine" in paragraph 4 only; the policy releases
  // it everywhere else, so the withholding would be pointless: fail closed.
  const std::string ov = dir.file("ov.xml");
  ASSERT_TRUE(testing::write_file(
      ov,
      "<overrides><cable id=\"07TOKYO3470\">"
      "<withhold from=\"129:12\" to=\"129:19\" exemption=\"B6\" reason=\"name\"/>"
      "</cable></overrides>"));
  fs::create_directories(dir.file("out"));
  ASSERT_TRUE(
      testing::write_file(dir.file("out/07TOKYO3470.txt"), "stale output of an earlier run"));
  const CliRun r = declass("redact --policy " + kFoia + " --overrides " + ov +
                           " --as-of 2024-05-01 -o " + dir.file("out") + " " + kSample);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("declass: LEAK: " + kSample), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("term-released: withheld term from " + kSample + ":129:12"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("Nagamine"), std::string::npos);  // never quoted
  EXPECT_FALSE(exists(dir.file("out/07TOKYO3470.txt")));
  EXPECT_FALSE(exists(dir.file("out/07TOKYO3470.pdf")));
  EXPECT_EQ(read_file(dir.file("out/log.csv")).find("07TOKYO3470"), std::string::npos);
}

TEST(VerifyCli, CatchesATamperedOutputAndRemovesTheOutputs) {
  TempDir dir;
  const std::string args =
      "--policy " + kStrict + " --as-of 2024-05-01 -o " + dir.path() + " " + kSample;
  ASSERT_EQ(declass("redact " + args).status, 0);
  ASSERT_EQ(declass("verify " + args).status, 0);
  // Someone pastes withheld text into the release.
  std::string text = read_file(dir.file("07TOKYO3470.txt"));
  ASSERT_TRUE(testing::write_file(dir.file("07TOKYO3470.txt"),
                                  text + "DDG Nagamine questioned the involvement\n"));
  CliRun keep = declass("verify --keep " + args);
  EXPECT_EQ(keep.status, 3);
  EXPECT_NE(keep.err.find("declass: LEAK:"), std::string::npos);
  EXPECT_EQ(keep.err.find("Nagamine"), std::string::npos);
  EXPECT_TRUE(exists(dir.file("07TOKYO3470.txt")));
  CliRun rm = declass("verify " + args);
  EXPECT_EQ(rm.status, 3);
  EXPECT_FALSE(exists(dir.file("07TOKYO3470.txt")));
  EXPECT_FALSE(exists(dir.file("07TOKYO3470.pdf")));
  // Nothing left to verify is an input error.
  EXPECT_EQ(declass("verify " + args).status, 1);
}

TEST(VerifyCli, ChecksAnyOtherFileAgainstTheCable) {
  TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("notes.txt"),
                                  "Kawai opined that neither ARF nor OSCE was a model\n"));
  const CliRun r = declass("verify --policy " + kStrict + " --as-of 2024-05-01 -o " + dir.path() +
                           " --output " + dir.file("notes.txt") + " " + kSample);
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("found in " + dir.file("notes.txt")), std::string::npos) << r.err;
}

TEST(RedactCli, PdfExtractsToTheTextRelease) {
  TempDir dir;
  ASSERT_EQ(
      declass("redact --policy " + kFoia + " --as-of 2024-05-01 -o " + dir.path() + " " + kSample)
          .status,
      0);
  const std::string text = read_file(dir.file("07TOKYO3470.txt"));
  std::string pdf_text = run("pdftotext -raw -enc UTF-8 " + dir.file("07TOKYO3470.pdf") + " -");
  // Drop the per-page stamp and footer lines, which the text release has once.
  std::string body;
  std::istringstream in(pdf_text);
  for (std::string line; std::getline(in, line);) {
    if (line == "UNCLASSIFIED" || line.rfind("U.S. Department of State", 0) == 0 ||
        line.rfind("RELEASED IN PART", 0) == 0 || line.rfind("REVIEW AUTHORITY", 0) == 0 ||
        line.rfind("UNCLASSIFIED Page", 0) == 0 || line.rfind("Page ", 0) == 0 ||
        line.rfind("\f", 0) == 0)
      continue;
    body += line + "\n";
  }
  const size_t a = text.find("====\n") + 5;
  const size_t z = text.rfind("\n====");
  const std::string released = text.substr(a, z - a);
  EXPECT_EQ(testing::squash(body), testing::squash(released));
}

}  // namespace
}  // namespace declass::render
