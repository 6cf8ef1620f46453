// Includes, list files, digests: errors in an included file name that file.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "doc_builder.h"

namespace declass::policies {
namespace {

namespace fs = std::filesystem;
using testing::errors_of;

class PolicyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("declass-policy-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(PolicyFiles, IncludeCycleIsAnErrorInTheFileThatClosesIt) {
  write("a.xml", "<policy name=\"a\">\n  <include href=\"b.xml\"/>\n</policy>\n");
  write("b.xml", "<policy name=\"b\">\n\n  <include href=\"a.xml\"/>\n</policy>\n");
  auto r = load_policy(path("a.xml"));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(
      errors_of(r),
      path("b.xml") + ":3:18: error: include cycle: a.xml -> b.xml -> a.xml [include-cycle]\n");
}

TEST_F(PolicyFiles, SelfIncludeIsACycle) {
  write("a.xml", "<policy name=\"a\">\n  <include href=\"./a.xml\"/>\n</policy>\n");
  auto r = load_policy(path("a.xml"));
  EXPECT_EQ(errors_of(r),
            path("a.xml") + ":2:18: error: include cycle: a.xml -> a.xml [include-cycle]\n");
}

TEST_F(PolicyFiles, MissingIncludeAndMissingListFile) {
  write("a.xml",
        "<policy name=\"a\">\n  <include href=\"nowhere.xml\"/>\n"
        "  <terms id=\"t\" exemption=\"B6\" file=\"names.txt\"/>\n</policy>\n");
  auto r = load_policy(path("a.xml"));
  ASSERT_EQ(r.diagnostics.size(), 2u) << errors_of(r);
  EXPECT_EQ(r.diagnostics[0].format(), path("a.xml") + ":2:18: error: cannot read '" +
                                           path("nowhere.xml") +
                                           "': No such file or directory [missing-include]");
  EXPECT_EQ(r.diagnostics[1].format(), path("a.xml") + ":3:38: error: cannot read '" +
                                           path("names.txt") +
                                           "': No such file or directory [missing-list-file]");
}

TEST_F(PolicyFiles, DuplicateIdAcrossIncludesNamesBothPlaces) {
  write("privacy.xml",
        "<policy name=\"privacy\">\n  <pattern id=\"phone\" exemption=\"B6\" "
        "regex=\"\\d{3}-\\d{4}\"/>\n</policy>\n");
  write("main.xml",
        "<policy name=\"main\">\n  <include href=\"privacy.xml\"/>\n"
        "  <terms id=\"phone\" exemption=\"B6\"><term>x</term></terms>\n</policy>\n");
  auto r = load_policy(path("main.xml"));
  EXPECT_EQ(errors_of(r), path("main.xml") + ":3:14: error: the id 'phone' is already defined at " +
                              path("privacy.xml") + ":2:3 [duplicate-id]\n");
}

TEST_F(PolicyFiles, ErrorsInAnIncludedFileNameThatFile) {
  write("mod.xml",
        "<policy name=\"mod\">\n  <rule id=\"r\">\n    <when><portion min-level=\"Q\"/></when>\n   "
        " <release/>\n  </rule>\n</policy>\n");
  write("main.xml",
        "<policy name=\"main\">\n  <include href=\"mod.xml\"/>\n  <settings "
        "default=\"withhold\"/>\n</policy>\n");
  auto r = load_policy(path("main.xml"));
  EXPECT_EQ(errors_of(r),
            path("mod.xml") + ":3:31: error: bad level 'Q'; expected U, C, S or TS [bad-value]\n");
}

TEST_F(PolicyFiles, SettingsBelongToTheMainPolicyAndIncludesOnce) {
  write("mod.xml", "<policy name=\"mod\">\n  <settings default=\"release\"/>\n</policy>\n");
  write("main.xml",
        "<policy name=\"main\">\n  <include href=\"mod.xml\"/>\n  <include "
        "href=\"mod.xml\"/>\n</policy>\n");
  auto r = load_policy(path("main.xml"));
  EXPECT_EQ(errors_of(r), path("mod.xml") +
                              ":2:3: error: <settings> belongs in the main policy, not in an "
                              "included module [settings-in-include]\n" +
                              path("main.xml") +
                              ":3:18: error: 'mod.xml' is already included (at " +
                              path("main.xml") + ":2:3) [include-twice]\n");
}

TEST_F(PolicyFiles, ListFilesCommentsBlankLinesCrlfAndHash) {
  write("names.txt",
        "# officials named in cables\r\n\r\nKenichiro Sasae\r\n  Chikao   Kawai  \n\\#hashtag\n");
  write("p.xml",
        "<policy name=\"p\">\n  <terms id=\"t\" exemption=\"B6\" file=\"names.txt\"/>\n"
        "  <rule id=\"r\"><redact lists=\"t\"/></rule>\n</policy>\n");
  auto r = load_policy(path("p.xml"));
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const auto info = policy_info(**r.value);
  EXPECT_EQ(info.terms, 3u);
  EXPECT_EQ(info.files, (std::vector<std::string>{path("p.xml"), path("names.txt")}));
  testing::DocBuilder b;
  const size_t para =
      b.add(core::BlockKind::kParagraph, "Chikao Kawai saw #hashtag and Kenichiro Sasae",
            core::Level::kUnclassified, "1", "U");
  const auto doc = b.build();
  const auto d = decide(**r.value, doc, testing::at(2026, 1, 1));
  std::vector<std::string> got;
  for (const auto& red : d.blocks[para].redactions) got.push_back(testing::slice(doc, red.span));
  EXPECT_EQ(got, (std::vector<std::string>{"Chikao Kawai", "#hashtag", "Kenichiro Sasae"}));
}

TEST_F(PolicyFiles, ListFileEncodingErrorIsPositionedInTheListFile) {
  write("names.txt", "Smith\nM\xFCller\n");
  write(
      "p.xml",
      "<policy name=\"p\">\n  <terms id=\"t\" exemption=\"B6\" file=\"names.txt\"/>\n</policy>\n");
  auto r = load_policy(path("p.xml"));
  EXPECT_EQ(
      errors_of(r),
      path("names.txt") + ":2:2: error: invalid UTF-8: list files must be UTF-8 [list-encoding]\n");
}

TEST_F(PolicyFiles, DigestIsSha256OfEveryFileInLoadOrder) {
  const std::string a =
      "<policy name=\"a\">\n  <include href=\"b.xml\"/>\n  <terms id=\"t\" "
      "file=\"t.txt\"/>\n</policy>\n";
  const std::string b = "<policy name=\"b\"/>\n";
  const std::string t = "Smith\n";
  write("a.xml", a);
  write("b.xml", b);
  write("t.txt", t);
  auto r = load_policy(path("a.xml"));
  ASSERT_TRUE(r.ok()) << errors_of(r);
  const std::string all = a + b + t;
  unsigned char md[32];
  unsigned int n = 0;
  EVP_Digest(all.data(), all.size(), md, &n, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) {
    static const char* k = "0123456789abcdef";
    hex += k[md[i] >> 4];
    hex += k[md[i] & 15];
  }
  EXPECT_EQ(policy_digest(**r.value), hex);
  // Changing a list file changes the digest.
  write("t.txt", "Smyth\n");
  auto r2 = load_policy(path("a.xml"));
  ASSERT_TRUE(r2.ok());
  EXPECT_NE(policy_digest(**r2.value), hex);
}

TEST_F(PolicyFiles, AllErrorsAreReportedNotJustTheFirst) {
  write("p.xml",
        "<policy name=\"p\">\n  <rule id=\"a\" priority=\"x\"><release/></rule>\n"
        "  <rule id=\"b\"><when><kind is=\"nope\"/></when><release/></rule>\n"
        "  <pattern id=\"c\" exemption=\"B6\" regex=\"[\"/>\n</policy>\n");
  auto r = load_policy(path("p.xml"));
  EXPECT_EQ(r.diagnostics.size(), 3u) << errors_of(r);
}

}  // namespace
}  // namespace declass::policies
