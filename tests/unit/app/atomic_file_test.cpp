// write_file_atomically and AtomicFileWriter: the read-back before the rename,
// the temp files' names and mode.
#include "declass/app/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "atomic_file_internal.h"
#include "declass/app/commands.h"
#include "test_dir.h"

namespace declass::app {
namespace {

namespace fs = std::filesystem;

class AtomicFile : public testing::TestDir {
 protected:
  void TearDown() override {
    internal::after_write_for_testing = nullptr;
    TestDir::TearDown();
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

// The damage a test does to the temp file between the write and the read-back.
void overwrite_first_byte(int fd) {
  ASSERT_EQ(::pwrite(fd, "X", 1, 0), 1);
}
void append_a_byte(int fd) {
  ASSERT_EQ(::pwrite(fd, "!", 1, 5), 1);
}
void cut_the_last_byte(int fd) {
  ASSERT_EQ(::ftruncate(fd, 4), 0);
}
void nothing(int) {}

TEST_F(AtomicFile, ReadBackMismatchLeavesNoTargetAndNoTempFile) {
  const std::string target = (dir_ / "out.pdf").string();
  for (void (*damage)(int) : {overwrite_first_byte, append_a_byte, cut_the_last_byte}) {
    internal::after_write_for_testing = damage;
    std::string error;
    EXPECT_FALSE(write_file_atomically(target, "hello", &error, {}, false, true));
    EXPECT_EQ(error, target + " does not read back as written");
    EXPECT_TRUE(names().empty());
  }
  // Without the read-back the same damage goes unnoticed (what the flag is for).
  internal::after_write_for_testing = overwrite_first_byte;
  std::string error;
  EXPECT_TRUE(write_file_atomically(target, "hello", &error, {}, false, false));
  EXPECT_EQ(slurp(target), "Xello");
  // A damaged rewrite leaves the earlier file as it was.
  EXPECT_FALSE(write_file_atomically(target, "world", &error, {}, false, true));
  EXPECT_EQ(slurp(target), "Xello");
  EXPECT_EQ(names(), std::vector<std::string>{"out.pdf"});
  // Undamaged, it is written and read back (also large and empty contents).
  internal::after_write_for_testing = nothing;
  EXPECT_TRUE(write_file_atomically(target, "world", &error, {}, false, true)) << error;
  EXPECT_EQ(slurp(target), "world");
  std::string big(3 << 20, 'a');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>('b' + i % 20);
  EXPECT_TRUE(write_file_atomically(target, big, &error, {}, true, true)) << error;
  EXPECT_EQ(slurp(target), big);
  EXPECT_TRUE(write_file_atomically(target, "", &error, {}, false, true)) << error;
  EXPECT_EQ(fs::file_size(target), 0u);
  EXPECT_EQ(names(), std::vector<std::string>{"out.pdf"});
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(AtomicFile, ModeIs0644LessTheUmask) {
  const mode_t old = ::umask(022);
  std::string error;
  EXPECT_TRUE(write_file_atomically((dir_ / "a").string(), "a", &error));
  ::umask(077);
  EXPECT_TRUE(write_file_atomically((dir_ / "b").string(), "b", &error, {}, false, true));
  {
    AtomicFileWriter w;
    ASSERT_TRUE(w.open((dir_ / "c").string(), &error));
    ASSERT_TRUE(w.commit(&error));
  }
  ::umask(0);
  EXPECT_TRUE(write_file_atomically((dir_ / "d").string(), "d", &error));
  ::umask(old);
  EXPECT_EQ(mode_of(dir_ / "a"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "b"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "c"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "d"), 0644u);  // never more than 0644 (no group/other write)
}

// Temp names are hidden ".NAME.tmp-XXXXXX" files next to the target (what
// batch --resume removes), and a name that exists is skipped, never reused.
TEST_F(AtomicFile, TempNamesAreHiddenAndSkipNamesThatExist) {
  const std::string target = (dir_ / "09CAIRO1215.pdf").string();
  const std::string name = fs::path(internal::temp_path(target, 7)).filename().string();
  ASSERT_EQ(name.size(), std::string(".09CAIRO1215.pdf.tmp-").size() + 6);
  EXPECT_EQ(name.rfind(".09CAIRO1215.pdf.tmp-", 0), 0u) << name;
  EXPECT_EQ(fs::path(internal::temp_path(target, 7)).parent_path(), dir_);
  EXPECT_EQ(internal::temp_path("x.txt", 1).rfind("./.x.txt.tmp-", 0), 0u);
  EXPECT_NE(internal::temp_path(target, 7), internal::temp_path(target, 8));

  // Someone else's files under the next names this process would try.
  const uint64_t next = internal::next_temp_number();
  for (uint64_t n = next; n < next + 3; ++n)
    std::ofstream(internal::temp_path(target, n)) << "theirs";
  std::string error;
  ASSERT_TRUE(write_file_atomically(target, "mine", &error, {}, false, true)) << error;
  EXPECT_EQ(slurp(target), "mine");
  for (uint64_t n = next; n < next + 3; ++n)
    EXPECT_EQ(slurp(internal::temp_path(target, n)), "theirs");
  EXPECT_EQ(names().size(), 4u);
  AtomicFileWriter w;
  std::ofstream(internal::temp_path(target + ".log", internal::next_temp_number())) << "theirs";
  ASSERT_TRUE(w.open(target + ".log", &error)) << error;
  ASSERT_TRUE(w.write("log", &error));
  ASSERT_TRUE(w.commit(&error)) << error;
  EXPECT_EQ(slurp(target + ".log"), "log");
  EXPECT_EQ(names().size(), 6u);
}

TEST_F(AtomicFile, ConcurrentWritersGetTheirOwnTempFiles) {
  // Many threads writing the same target and their own: every write succeeds
  // and what is left is one whole content per target, no temp files.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string error;
        const std::string mine = (dir_ / ("t" + std::to_string(t))).string();
        const std::string bytes(1000 + static_cast<size_t>(t), static_cast<char>('a' + t));
        if (!write_file_atomically(mine, bytes, &error, {}, false, true)) ++failures;
        if (!write_file_atomically((dir_ / "shared").string(), bytes, &error, {}, false, true))
          ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(names().size(), 9u);
  const std::string shared = slurp(dir_ / "shared");
  ASSERT_FALSE(shared.empty());
  EXPECT_EQ(shared, std::string(shared.size(), shared[0]));
}

// redact reads every output back before its rename: a damaged PDF is an
// error for its cable and appears under no name, temp or final.
TEST_F(AtomicFile, RedactWritesNothingThatDoesNotReadBack) {
  RedactOptions o;
  o.policy = std::string(DECLASS_SOURCE_ROOT) + "/policy-samples/strict-prepublication.xml";
  o.as_of = "2024-05-01";
  o.formats = "pdf";
  o.out_dir = dir_.string();
  o.files = {std::string(DECLASS_TEST_DATA) + "/samples/07TOKYO3470.txt"};
  std::ostringstream out;
  std::ostringstream err;
  internal::after_write_for_testing = overwrite_first_byte;
  EXPECT_EQ(run_redact(o, out, err), kExitInputError) << err.str();
  EXPECT_NE(err.str().find("declass: error: " + dir_.string() +
                           "/07TOKYO3470.pdf does not read back as written\n"),
            std::string::npos)
      << err.str();
  EXPECT_TRUE(names().empty());
  internal::after_write_for_testing = nullptr;
  err.str("");
  EXPECT_EQ(run_redact(o, out, err), kExitOk) << err.str();
  EXPECT_EQ(names(), std::vector<std::string>{"07TOKYO3470.pdf"});
}

}  // namespace
}  // namespace declass::app
