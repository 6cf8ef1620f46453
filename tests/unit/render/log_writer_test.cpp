// The Vaughn index writers byte for byte: CSV quoting, JSON escapes, invalid
// UTF-8, page and Bates runs. The writers copy runs of plain bytes at once, so
// each kind of byte that ends a run appears here, next to another or at an end.
#include "declass/render/log_writer.h"

#include <gtest/gtest.h>

#include "declass/render/release_builder.h"
#include "test_support.h"

namespace declass::render {
namespace {

using testing::b1;
using testing::b6;
using testing::labels;
using testing::release_all;
using testing::span_of;

// A span and a block withheld, with a comma and quotes in the case id, rule
// and match, and every kind of awkward byte in the justification.
ReleaseView awkward_view() {
  const core::Document doc = testing::minister_cable();
  core::Decisions d = release_all(doc);
  d.review.case_id = "F-1, \"A\"";
  testing::redact(d, 1, span_of(doc, "Kathleen Stephens"), labels({b6()}), "names");
  d.blocks[1].redactions[0].match = "\"quoted\"";
  testing::withhold(d, 2, labels({b1("bd"), b6()}), "rule,with\"quote\"");
  d.blocks[2].justification =
      "tab\tnl\ncr\rctl\x01\x1f\x7f"
      "back\\slash \"q\" \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
      "bad:\xc0|\xc1\x80|\xe0\x80|\xf5\x80\x80\x80|\x80|\xff|\xe2\x82";
  return make_release_view(doc, d);
}

TEST(LogWriter, QuotesEscapesAndReplacesInvalidUtf8) {
  const ReleaseView view = awkward_view();
  // Pages with a gap, and Bates numbers wider than their digits.
  const PageNumbers numbers{6, {{1, 2, 3, 5}, {6}}};
  LogOptions options;
  options.bates.prefix = "X";
  options.bates.digits = 3;
  options.first_bates = 998;
  std::string csv;
  std::string jsonl;
  write_logs(view, numbers, options, &csv, &jsonl);
  EXPECT_EQ(csv,
            "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN "
            "PART,0,document,,,1-6,X998-X1003,,0,0,0,\"B1 1.4(B), 1.4(D), B6\",,,,false\n"
            "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN PART,1,span,paragraph,1,\"1-3, "
            "5\",\"X998-X1000, X1002\",4,1,17,0,B6,names,\"\"\"quoted\"\"\",,false\n"
            "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN "
            "PART,2,block,paragraph,2,6,X1003,6-7,2,97,2,\"B1 1.4(B), 1.4(D), "
            "B6\",\"rule,with\"\"quote\"\"\",,\"tab\tnl\n"
            "cr\rctl\x01\x1f\x7f"
            "back\\slash \"\"q\"\" \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
            "bad:\xc0|\xc1\x80|\xe0\x80|\xf5\x80\x80\x80|\x80|\xff|\xe2\x82\",false\n");
  EXPECT_EQ(jsonl,
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":0,\"scope\":\"document\",\"block_kind\":\"\",\"paragraph\":\"\","
            "\"pages\":[1,2,3,4,5,6],\"bates\":\"X998-X1003\",\"source_lines\":\"\",\"withheld_"
            "lines\":0,\"withheld_chars\":0,\"shown_lines\":0,\"labels\":[\"B1 1.4(B), "
            "1.4(D)\",\"B6\"],\"rule\":\"\",\"match\":\"\",\"justification\":\"\",\"reviewer_"
            "override\":false}\n"
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":1,\"scope\":\"span\",\"block_kind\":\"paragraph\",\"paragraph\":"
            "\"1\",\"pages\":[1,2,3,5],\"bates\":\"X998-X1000, "
            "X1002\",\"source_lines\":\"4\",\"withheld_lines\":1,\"withheld_chars\":17,\"shown_"
            "lines\":0,\"labels\":[\"B6\"],\"rule\":\"names\",\"match\":\"\\\"quoted\\\"\","
            "\"justification\":\"\",\"reviewer_override\":false}\n"
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":2,\"scope\":\"block\",\"block_kind\":\"paragraph\",\"paragraph\":"
            "\"2\",\"pages\":[6],\"bates\":\"X1003\",\"source_lines\":\"6-7\",\"withheld_lines\":2,"
            "\"withheld_chars\":97,\"shown_lines\":2,\"labels\":[\"B1 1.4(B), "
            "1.4(D)\",\"B6\"],\"rule\":\"rule,with\\\"quote\\\"\",\"match\":\"\",\"justification\":"
            "\"tab\\tnl\\ncr\\u000dctl\\u0001\\u001f\\u007fback\\\\slash \\\"q\\\" "
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
            "bad:\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\",\"reviewer_override\":false}\n");
  EXPECT_EQ(write_log_csv(view, numbers, options), csv);
  EXPECT_EQ(write_log_jsonl(view, numbers, options), jsonl);
}

TEST(LogWriter, PlaceholdersWithoutPagesGetNoPagesAndNoBates) {
  const ReleaseView view = awkward_view();
  const PageNumbers unpaged{1, {}};
  EXPECT_EQ(
      write_log_csv(view, unpaged, {}),
      "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN PART,0,document,,,1,,,0,0,0,\"B1 1.4(B), "
      "1.4(D), B6\",,,,false\n"
      "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN "
      "PART,1,span,paragraph,1,,,4,1,17,0,B6,names,\"\"\"quoted\"\"\",,false\n"
      "TEST1,\"F-1, \"\"A\"\"\",2024-05-01,RELEASED IN PART,2,block,paragraph,2,,,6-7,2,97,2,\"B1 "
      "1.4(B), 1.4(D), B6\",\"rule,with\"\"quote\"\"\",,\"tab\tnl\n"
      "cr\rctl\x01\x1f\x7f"
      "back\\slash \"\"q\"\" \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
      "bad:\xc0|\xc1\x80|\xe0\x80|\xf5\x80\x80\x80|\x80|\xff|\xe2\x82\",false\n");
  EXPECT_EQ(write_log_jsonl(view, unpaged, {}),
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":0,\"scope\":\"document\",\"block_kind\":\"\",\"paragraph\":\"\","
            "\"pages\":[1],\"bates\":\"\",\"source_lines\":\"\",\"withheld_lines\":0,\"withheld_"
            "chars\":0,\"shown_lines\":0,\"labels\":[\"B1 1.4(B), "
            "1.4(D)\",\"B6\"],\"rule\":\"\",\"match\":\"\",\"justification\":\"\",\"reviewer_"
            "override\":false}\n"
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":1,\"scope\":\"span\",\"block_kind\":\"paragraph\",\"paragraph\":"
            "\"1\",\"pages\":[],\"bates\":\"\",\"source_lines\":\"4\",\"withheld_lines\":1,"
            "\"withheld_chars\":17,\"shown_lines\":0,\"labels\":[\"B6\"],\"rule\":\"names\","
            "\"match\":\"\\\"quoted\\\"\",\"justification\":\"\",\"reviewer_override\":false}\n"
            "{\"document\":\"TEST1\",\"case_id\":\"F-1, "
            "\\\"A\\\"\",\"review_date\":\"2024-05-01\",\"disposition\":\"RELEASED IN "
            "PART\",\"entry\":2,\"scope\":\"block\",\"block_kind\":\"paragraph\",\"paragraph\":"
            "\"2\",\"pages\":[],\"bates\":\"\",\"source_lines\":\"6-7\",\"withheld_lines\":2,"
            "\"withheld_chars\":97,\"shown_lines\":2,\"labels\":[\"B1 1.4(B), "
            "1.4(D)\",\"B6\"],\"rule\":\"rule,with\\\"quote\\\"\",\"match\":\"\",\"justification\":"
            "\"tab\\tnl\\ncr\\u000dctl\\u0001\\u001f\\u007fback\\\\slash \\\"q\\\" "
            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
            "bad:\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd|"
            "\xef\xbf\xbd\xef\xbf\xbd\",\"reviewer_override\":false}\n");
}

}  // namespace
}  // namespace declass::render
