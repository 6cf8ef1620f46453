#include "manifest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "declass/app/atomic_file.h"
#include "sha256.h"
#include "test_dir.h"

namespace declass::app {
namespace {

namespace fs = std::filesystem;

using TempDir = testing::TestDir;

ManifestRun sample_run() {
  ManifestRun r;
  r.tool_version = "declass 0.1.0";
  r.policy = "p.xml";
  r.policy_sha256 = std::string(64, 'a');
  r.review_date = "2026-11-28";
  r.formats = "text,pdf,log";
  r.bates_prefix = "DECL";
  r.shard = "1/1";
  r.inputs_total = 2;
  r.plan_sha256 = std::string(64, 'b');
  return r;
}

ManifestDoc sample_doc(uint64_t seq) {
  ManifestDoc d;
  d.seq = seq;
  d.input = "in/" + std::to_string(seq) + ".txt";
  d.id = "07TOKYO347" + std::to_string(seq);
  d.name = d.id;
  d.status = "ok";
  d.disposition = "RELEASED IN PART";
  d.exemptions = {"B1 1.4(B), 1.4(D)", "B6"};
  d.pages = 3;
  d.bates_first = 1 + 3 * seq;
  d.bates_last = d.bates_first + 2;
  d.outputs.push_back({"pdf", d.name + ".pdf", std::string(64, 'c'), 1234});
  d.log_csv =
      d.id + ",F-1,2026-11-28,RELEASED IN PART,0,document,,,\"1-3\",DECL0000001-DECL0000003\n";
  d.log_jsonl = "{\"document\":\"" + d.id + "\"}\n";
  return d;
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(TempDir, ManifestRoundTrip) {
  const std::string path = (dir_ / "manifest.jsonl").string();
  std::string error;
  {
    ManifestWriter w;
    const ManifestRun run = sample_run();
    ASSERT_TRUE(w.open(path, &run, &error)) << error;
    ASSERT_TRUE(w.append({sample_doc(0), sample_doc(1)}, &error)) << error;
  }
  auto m = load_manifest(path, false, &error);
  ASSERT_TRUE(m) << error;
  EXPECT_FALSE(m->truncated_tail);
  std::string why;
  EXPECT_TRUE(m->run.same_run(sample_run(), false, &why)) << why;
  ASSERT_EQ(m->docs.size(), 2u);
  EXPECT_EQ(to_json(m->docs[1]).dump(), to_json(sample_doc(1)).dump());
}

TEST_F(TempDir, CreatingOverAnExistingManifestFails) {
  const std::string path = (dir_ / "manifest.jsonl").string();
  std::string error;
  const ManifestRun run = sample_run();
  {
    ManifestWriter w;
    ASSERT_TRUE(w.open(path, &run, &error));
  }
  ManifestWriter again;
  EXPECT_FALSE(again.open(path, &run, &error));
}

TEST_F(TempDir, PartialLastLineIsDroppedAndRepaired) {
  const std::string path = (dir_ / "manifest.jsonl").string();
  std::string error;
  {
    ManifestWriter w;
    const ManifestRun run = sample_run();
    ASSERT_TRUE(w.open(path, &run, &error));
    ASSERT_TRUE(w.append({sample_doc(0)}, &error));
  }
  const auto good_size = fs::file_size(path);
  std::ofstream(path, std::ios::app) << R"({"type":"doc","seq":1,"inp)";
  auto m = load_manifest(path, /*repair=*/true, &error);
  ASSERT_TRUE(m) << error;
  EXPECT_TRUE(m->truncated_tail);
  EXPECT_EQ(m->docs.size(), 1u);
  EXPECT_EQ(fs::file_size(path), good_size);
}

TEST_F(TempDir, MalformedMiddleLineIsAnErrorWithItsLine) {
  const std::string path = (dir_ / "manifest.jsonl").string();
  std::ofstream(path) << to_json(sample_run()).dump() << "\nnot json\n"
                      << to_json(sample_doc(0)).dump() << "\n";
  std::string error;
  EXPECT_FALSE(load_manifest(path, false, &error));
  EXPECT_NE(error.find("manifest.jsonl:2: error: malformed manifest line"), std::string::npos)
      << error;
}

TEST(ManifestRun, SameRunNamesTheDifference) {
  ManifestRun a = sample_run();
  ManifestRun b = a;
  b.review_date = "2010-01-01";
  std::string why;
  EXPECT_FALSE(a.same_run(b, false, &why));
  EXPECT_EQ(why, "review_date differs ('2026-11-28' vs '2010-01-01')");
  b = a;
  b.shard = "2/4";
  EXPECT_FALSE(a.same_run(b, false, &why));
  EXPECT_TRUE(a.same_run(b, true, &why));
}

TEST_F(TempDir, AtomicWriteReplacesAndProtectsInputs) {
  const std::string target = (dir_ / "out.txt").string();
  std::string error;
  ASSERT_TRUE(write_file_atomically(target, "one", &error));
  ASSERT_TRUE(write_file_atomically(target, "two", &error, {}, false));
  std::ifstream in(target);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "two");
  EXPECT_FALSE(write_file_atomically(target, "three", &error, ProtectedFiles({target})));
  EXPECT_NE(error.find("refusing to overwrite input"), std::string::npos);
  // Among many inputs, by device and inode (a hard link is the same file);
  // a path that does not exist yet is no input.
  const std::string link = (dir_ / "link.txt").string();
  fs::create_hard_link(target, link);
  std::vector<std::string> many;
  for (int k = 0; k < 50; ++k) many.push_back((dir_ / ("missing" + std::to_string(k))).string());
  many.push_back(link);
  const ProtectedFiles inputs(many);
  ASSERT_NE(inputs.match(target), nullptr);
  EXPECT_EQ(*inputs.match(target), link);
  EXPECT_EQ(inputs.match((dir_ / "missing3").string()), nullptr);
  EXPECT_FALSE(write_file_atomically(target, "four", &error, inputs));
  fs::remove(link);
  // No temp files left behind.
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(TempDir, StreamingWriterCommitsOrLeavesNothing) {
  const std::string target = (dir_ / "big.txt").string();
  std::string error;
  {
    AtomicFileWriter w;
    ASSERT_TRUE(w.open(target, &error));
    ASSERT_TRUE(w.write("abandoned", &error));
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(fs::is_empty(dir_));
  AtomicFileWriter w;
  ASSERT_TRUE(w.open(target, &error));
  ASSERT_TRUE(w.write("a", &error));
  ASSERT_TRUE(w.write("b", &error));
  ASSERT_TRUE(w.commit(&error));
  EXPECT_EQ(fs::file_size(target), 2u);
}

}  // namespace
}  // namespace declass::app
