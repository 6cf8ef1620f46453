// End-to-end tests of `declass batch` and `declass merge` through the real
// binary: error isolation, determinism across workers and shards, and
// kill -9 at random moments followed by --resume.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "atomic_file_internal.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class BatchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("declass-batch-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
             std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "in");
    policy_ = std::string(DECLASS_SOURCE_ROOT) + "/policy-samples/foia-standard.xml";
    if (!fs::exists(policy_)) policy_ = (root_ / "policy.xml").string();
    if (!fs::exists(policy_)) std::ofstream(policy_) << "<policy name=\"t\" version=\"1\"/>\n";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(root_);
  }

  // Real cables, plus the inputs a batch must survive without stopping. The
  // 100 MB input is hashed by every run that plans it, so only the test about
  // it makes it (it took minutes of the kill-and-resume test under ASan).
  void make_inputs(size_t cables, bool hostile, bool huge = false) {
    const fs::path corpus = fs::path(DECLASS_TEST_DATA) / "corpus";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(corpus))
      if (e.path().extension() == ".txt") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (size_t i = 0; i < cables && i < files.size(); ++i)
      fs::copy_file(files[i], root_ / "in" / files[i].filename());
    for (const auto& e : fs::directory_iterator(corpus / "raw")) {
      fs::copy_file(e.path(), root_ / "in" / ("raw-" + e.path().filename().string()));
      break;
    }
    if (!hostile) return;
    std::ofstream(root_ / "in" / "empty.txt");
    std::ofstream(root_ / "in" / "binary.txt", std::ios::binary) << std::string(
        "\x7F"
        "ELF\0\0\0\x02",
        8);
    std::ofstream(root_ / "in" / "mixed.txt", std::ios::binary) << "caf\xC3\xA9 \xFF\n";
    // The same cable twice under other names: duplicate ids.
    fs::copy_file(files[0], root_ / "in" / "dup-a.txt");
    fs::copy_file(files[0], root_ / "in" / "zz-dup-b.txt");
    // A 100 MB one-line file: over the release limit, an error without being
    // read whole; and a 1 MB one-line file, under it, released (fail closed).
    const std::string chunk(1 << 20, 'A');
    std::ofstream(root_ / "in" / "oneline-1mb.txt", std::ios::binary) << chunk;
    if (!huge) return;
    std::ofstream big(root_ / "in" / "oneline.txt", std::ios::binary);
    for (int i = 0; i < 100; ++i) big << chunk;
  }

  int batch(const fs::path& out, std::vector<std::string> extra = {}, bool wait = true,
            pid_t* pid_out = nullptr) {
    std::vector<std::string> args = {DECLASS_BINARY,  "batch",      "--policy",    policy_,
                                     "--as-of",       "2026-11-28", "--out",       out.string(),
                                     "--no-progress", "--case-id",  "F-2026-00001"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back((root_ / "in").string());
    const pid_t pid = spawn(args, root_ / "stdout.txt", root_ / "stderr.txt");
    if (pid_out) *pid_out = pid;
    return wait ? wait_exit(pid) : 0;
  }

  // Every output file except the manifest, which holds timings; the summary
  // without its "seconds" line. (A batch builds its logs and summary as it
  // commits; merge and the tests' reference rebuild them from manifests.)
  std::map<std::string, std::string> outputs(const fs::path& dir) {
    std::map<std::string, std::string> m;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name == "manifest.jsonl") continue;
      std::string bytes = slurp(e.path());
      if (name == "summary.json") {
        const size_t at = bytes.find("\n  \"seconds\": ");
        EXPECT_NE(at, std::string::npos) << bytes;
        if (at != std::string::npos) bytes.erase(at, bytes.find('\n', at + 1) - at);
      }
      m[name] = bytes;
    }
    return m;
  }

  void expect_same_outputs(const fs::path& a, const fs::path& b) {
    const auto ma = outputs(a);
    const auto mb = outputs(b);
    ASSERT_EQ(ma.size(), mb.size());
    for (const auto& [name, bytes] : ma) {
      auto it = mb.find(name);
      ASSERT_NE(it, mb.end()) << name;
      EXPECT_TRUE(it->second == bytes) << name << " differs";
    }
  }

  fs::path root_;
  std::string policy_;
};

TEST_F(BatchCli, BadInputsAreRecordedAndTheBatchGoesOn) {
  make_inputs(20, true, /*huge=*/true);
  const int code = batch(root_ / "out", {"--jobs", "2"});
  EXPECT_EQ(code, 1) << slurp(root_ / "stderr.txt");  // some inputs failed
  const std::string manifest = slurp(root_ / "out" / "manifest.jsonl");
  EXPECT_NE(manifest.find("[empty-input]"), std::string::npos);
  EXPECT_NE(manifest.find("[binary-input]"), std::string::npos);
  EXPECT_NE(manifest.find("[invalid-utf8]"), std::string::npos);
  const std::string err = slurp(root_ / "stderr.txt");
  EXPECT_NE(err.find("empty.txt: error: file is empty [empty-input]"), std::string::npos) << err;
  EXPECT_NE(
      err.find("oneline.txt: error: file is 104857600 bytes; the limit for a cable is 2097152 "
               "(--max-bytes) [input-too-large]"),
      std::string::npos)
      << err;
  EXPECT_EQ(err.find("oneline-1mb.txt"), std::string::npos) << err;
  // Duplicate ids get distinct output names, in path order.
  size_t copies = 0;
  for (const auto& e : fs::directory_iterator(root_ / "out"))
    if (e.path().filename().string().find("~2.") != std::string::npos) ++copies;
  EXPECT_GE(copies, 1u);
  // Inputs are untouched.
  EXPECT_EQ(fs::file_size(root_ / "in" / "empty.txt"), 0u);
  const std::string summary = slurp(root_ / "out" / "summary.json");
  EXPECT_NE(summary.find("\"errors\": 4"), std::string::npos) << summary;
  // What was read fail-closed or decoded with a guess is reported per document
  // (position and code) and counted in the summary.
  EXPECT_NE(manifest.find(":1 decoded-windows-1252\""), std::string::npos);
  EXPECT_NE(summary.find("\"decoded-windows-1252\": 1"), std::string::npos) << summary;
}

TEST_F(BatchCli, RefusesToReuseADirectoryWithoutResume) {
  make_inputs(3, false);
  ASSERT_EQ(batch(root_ / "out"), 0) << slurp(root_ / "stderr.txt");
  EXPECT_EQ(batch(root_ / "out"), 2);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("use --resume"), std::string::npos);
  // Resuming a finished run does nothing and changes nothing.
  const auto before = outputs(root_ / "out");
  EXPECT_EQ(batch(root_ / "out", {"--resume"}), 0);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("already done"), std::string::npos);
  EXPECT_EQ(outputs(root_ / "out"), before);
}

TEST_F(BatchCli, ResumeRefusesAnotherReviewDate) {
  make_inputs(3, false);
  ASSERT_EQ(batch(root_ / "out"), 0);
  std::vector<std::string> args = {
      DECLASS_BINARY, "batch",      "--policy",     policy_,
      "--as-of",      "2010-01-01", "--out",        (root_ / "out").string(),
      "--resume",     "--case-id",  "F-2026-00001", (root_ / "in").string()};
  EXPECT_EQ(wait_exit(spawn(args, root_ / "stdout.txt", root_ / "stderr.txt")), 2);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("review_date differs"), std::string::npos);
}

TEST_F(BatchCli, NeverReplacesAnInputWithAnOutput) {
  // The inputs are named by cable id, as the outputs are: writing the run into
  // the input directory would replace them, so those documents are refused.
  make_inputs(4, false);
  const auto before = outputs(root_ / "in");
  EXPECT_EQ(batch(root_ / "in"), 1);
  const std::string err = slurp(root_ / "stderr.txt");
  EXPECT_NE(err.find("refusing to overwrite an input file [output-is-input]"), std::string::npos)
      << err;
  for (const auto& [name, bytes] : before) EXPECT_TRUE(slurp(root_ / "in" / name) == bytes) << name;
}

TEST_F(BatchCli, AnOutputDirectoryInsideTheInputsIsNotReadAsInput) {
  make_inputs(3, false);
  const fs::path out = root_ / "in" / "release";
  ASSERT_EQ(batch(out), 0) << slurp(root_ / "stderr.txt");
  // The second run sees the same inputs (not the first run's outputs), so it
  // is the same run and resumes with nothing to do.
  EXPECT_EQ(batch(out, {"--resume"}), 0) << slurp(root_ / "stderr.txt");
  EXPECT_NE(slurp(root_ / "stderr.txt").find("4 of 4 documents already done"), std::string::npos)
      << slurp(root_ / "stderr.txt");
}

TEST_F(BatchCli, ResumeRemovesTempFilesOfTheKilledRun) {
  make_inputs(2, false);
  ASSERT_EQ(batch(root_ / "out"), 0);
  std::ofstream(root_ / "out" / ".09CAIRO1215.pdf.tmp-Ab12cD") << "partial";
  std::ofstream(root_ / "out" / ".keep.tmp-notours") << "not ours";
  // And one named as the writers name theirs (atomic_file.cpp), as a kill
  // between creating it and the rename would leave it.
  std::string ours;
  std::string error;
  const int fd = declass::app::internal::create_temp_file(
      (root_ / "out" / "09CAIRO1215.txt").string(), &ours, &error);
  ASSERT_GE(fd, 0) << error;
  ::close(fd);
  EXPECT_EQ(batch(root_ / "out", {"--resume"}), 0);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("removed 2 unfinished temp files"), std::string::npos)
      << slurp(root_ / "stderr.txt");
  EXPECT_FALSE(fs::exists(ours)) << ours;
  EXPECT_FALSE(fs::exists(root_ / "out" / ".09CAIRO1215.pdf.tmp-Ab12cD"));
  EXPECT_TRUE(fs::exists(root_ / "out" / ".keep.tmp-notours"));
}

TEST_F(BatchCli, SameOutputsForOneOrTwoWorkersAndForFourShardsMerged) {
  make_inputs(60, true);
  batch(root_ / "j1", {"--jobs", "1"});
  batch(root_ / "j2", {"--jobs", "2"});
  expect_same_outputs(root_ / "j1", root_ / "j2");
  std::vector<std::string> merge_args = {DECLASS_BINARY, "merge", "--out",
                                         (root_ / "merged").string()};
  for (int k = 1; k <= 4; ++k) {
    const fs::path dir = root_ / ("shard" + std::to_string(k));
    batch(dir, {"--shard", std::to_string(k) + "/4", "--jobs", "1"});
    merge_args.push_back(dir.string());
  }
  // A missing shard is refused.
  std::vector<std::string> partial(merge_args.begin(), merge_args.end() - 1);
  partial[3] = (root_ / "partial").string();
  EXPECT_EQ(wait_exit(spawn(partial, root_ / "stdout.txt", root_ / "stderr.txt")), 1);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("missing: 4/4"), std::string::npos)
      << slurp(root_ / "stderr.txt");
  // A shard given twice is refused.
  std::vector<std::string> twice = merge_args;
  twice[3] = (root_ / "twice").string();
  twice.back() = twice[twice.size() - 2];
  EXPECT_EQ(wait_exit(spawn(twice, root_ / "stdout.txt", root_ / "stderr.txt")), 1);
  // All four: identical to the single-machine run.
  wait_exit(spawn(merge_args, root_ / "stdout.txt", root_ / "stderr.txt"));
  expect_same_outputs(root_ / "j1", root_ / "merged");
}

TEST_F(BatchCli, KilledAtRandomMomentsThenResumedEndsIdentical) {
  make_inputs(200, true);
  const auto t0 = std::chrono::steady_clock::now();
  batch(root_ / "reference", {"--jobs", "2"});
  const auto full = std::chrono::steady_clock::now() - t0;
  const auto full_us =
      std::max<int64_t>(2000, std::chrono::duration_cast<std::chrono::microseconds>(full).count());

  std::mt19937 rng(20261128);  // fixed: a failure must be reproducible
  const fs::path out = root_ / "killed";
  int kills = 0;
  for (int attempt = 0; attempt < 12; ++attempt) {
    pid_t pid = -1;
    batch(out, {"--jobs", "2", "--resume"}, /*wait=*/false, &pid);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % static_cast<uint32_t>(full_us)));
    if (kill(pid, SIGKILL) == 0) ++kills;
    wait_exit(pid);
  }
  EXPECT_GT(kills, 0);
  const int code = batch(out, {"--jobs", "2", "--resume"});
  EXPECT_EQ(code, 1) << slurp(root_ / "stderr.txt");  // the hostile inputs
  expect_same_outputs(root_ / "reference", out);
  // No temp files survive in the output directory.
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  // Every document is recorded exactly once.
  std::istringstream m(slurp(out / "manifest.jsonl"));
  std::string line;
  size_t docs = 0;
  while (std::getline(m, line)) docs += line.find("\"type\":\"doc\"") != std::string::npos;
  std::istringstream r(slurp(root_ / "reference" / "manifest.jsonl"));
  size_t ref_docs = 0;
  while (std::getline(r, line)) ref_docs += line.find("\"type\":\"doc\"") != std::string::npos;
  EXPECT_EQ(docs, ref_docs);
}

}  // namespace

TEST_F(BatchCli, RedactHasTheSameInputLimit) {
  make_inputs(1, false);
  const fs::path cable = *fs::directory_iterator(root_ / "in");
  const auto size = fs::file_size(cable);
  auto redact = [&](uint64_t limit) {
    std::vector<std::string> args = {DECLASS_BINARY, "redact",
                                     "--policy",     policy_,
                                     "--as-of",      "2026-11-28",
                                     "--max-bytes",  std::to_string(limit),
                                     "-o",           (root_ / "r").string(),
                                     cable.string()};
    return wait_exit(spawn(args, root_ / "stdout.txt", root_ / "stderr.txt"));
  };
  EXPECT_EQ(redact(size - 1), 1);
  EXPECT_NE(slurp(root_ / "stderr.txt").find("[input-too-large]"), std::string::npos);
  EXPECT_EQ(redact(size), 0) << slurp(root_ / "stderr.txt");
}
