#include "batch_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace declass::app {
namespace {

namespace fs = std::filesystem;

TEST(Shard, ParsesKOfN) {
  std::string why;
  auto s = parse_shard("2/4", &why);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->count, 4u);
  EXPECT_EQ(s->text(), "2/4");
  for (const char* bad : {"0/4", "5/4", "4", "/4", "1/", "a/b", "1/0", "-1/4", "1/4x", ""}) {
    EXPECT_FALSE(parse_shard(bad, &why)) << bad;
    EXPECT_NE(why.find("K/N"), std::string::npos);
  }
}

TEST(Shard, EveryIdInExactlyOneShardAndStableValues) {
  // Pinned: a hash that changed between versions would split runs differently.
  EXPECT_EQ(stable_hash(""), 14695981039346656037ull);
  EXPECT_EQ(stable_hash("07TOKYO3470"), stable_hash("07TOKYO3470"));
  const ShardSpec shards[] = {{1, 3}, {2, 3}, {3, 3}};
  size_t counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const std::string id = "09STATE" + std::to_string(i);
    int owners = 0;
    for (int k = 0; k < 3; ++k)
      if (in_shard(id, shards[k])) {
        ++owners;
        ++counts[k];
      }
    EXPECT_EQ(owners, 1) << id;
  }
  for (size_t c : counts) EXPECT_GT(c, 800u);  // roughly even
}

TEST(SafeName, NoTraversalNoHiddenFiles) {
  EXPECT_EQ(safe_name("07TOKYO3470"), "07TOKYO3470");
  EXPECT_EQ(safe_name("../../etc/passwd"), "_._.._etc_passwd");
  EXPECT_EQ(safe_name(".hidden"), "_hidden");
  EXPECT_EQ(safe_name(""), "unnamed");
  EXPECT_EQ(safe_name("a b\tc\n"), "a_b_c_");
  EXPECT_EQ(safe_name(std::string(300, 'A')).size(), 100u);
  EXPECT_EQ(safe_name("09SECTION02OF03QRIPOLI583"), "09SECTION02OF03QRIPOLI583");
}

TEST(OrderAndName, SortedByIdThenPathDuplicatesNumbered) {
  std::vector<PlannedDoc> docs(4);
  docs[0].id = "09B";
  docs[0].path = "z/09B.txt";
  docs[1].id = "09A";
  docs[1].path = "a.txt";
  docs[2].id = "09B";
  docs[2].path = "a/09B.txt";
  docs[3].id = "09b";  // differs only in case: must not share a file
  docs[3].path = "c.txt";
  order_and_name(docs);
  EXPECT_EQ(docs[0].name, "09A");
  EXPECT_EQ(docs[1].path, "a/09B.txt");
  EXPECT_EQ(docs[1].name, "09B");
  EXPECT_EQ(docs[2].path, "z/09B.txt");
  EXPECT_EQ(docs[2].name, "09B~2");
  EXPECT_EQ(docs[3].name, "09b~3");
  const std::string digest = plan_digest(docs);
  EXPECT_EQ(digest.size(), 64u);
  std::swap(docs[0], docs[3]);
  EXPECT_NE(plan_digest(docs), digest);  // order is part of the plan
}

TEST(CollectInputs, FilesDirectoriesAndStdinList) {
  const fs::path root =
      fs::temp_directory_path() / ("declass-inputs-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "sub" / ".git");
  auto touch = [](const fs::path& p) { std::ofstream(p) << "x"; };
  touch(root / "b.txt");
  touch(root / "sub" / "a.txt");
  touch(root / ".hidden.txt");
  touch(root / "sub" / ".git" / "HEAD");
  std::istringstream list((root / "b.txt").string() + "\r\n\n" + (root / "missing").string() +
                          "\n");
  std::vector<std::string> errors;
  auto paths = collect_inputs({root.string(), "-"}, list, &errors);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], (root / "b.txt").string());
  EXPECT_EQ(paths[1], (root / "sub" / "a.txt").string());
  EXPECT_EQ(paths[2], (root / "b.txt").string());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("missing: no such file"), std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace declass::app
