// Inputs built to break a reader: huge lines, deep nesting, endless blank
// lines, long runs of captions, random bytes. Each must be read without a
// crash and keep the invariant. Speed is measured in bench/; here the ctest
// TIMEOUT is only a guard against hangs and quadratic blow-ups.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"
#include "reader_test_util.h"

namespace declass::core {
namespace {

using testing::check_invariant;
using testing::read_bytes;

std::string repeat(std::string_view unit, size_t bytes) {
  std::string s;
  s.reserve(bytes + unit.size());
  while (s.size() < bytes) s += unit;
  return s;
}

TEST(ReaderPathological, OneLineOf100Megabytes) {
  // Reflowed text taken to the extreme: every inline recogniser gets a chance
  // (numbers, parentheses, page-line digits, marks after sentence ends).
  const std::string text =
      repeat("Lorem ipsum 12 dolor (sit) amet. (Note) Consectetur 00001234 adipiscing, elit. ",
             100u << 20);
  const Document doc = read_bytes("big.txt", text);
  ASSERT_FALSE(doc.source.text().empty());
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_FALSE(doc.blocks.empty());
}

TEST(ReaderPathological, TwentyFiveThousandNestedParentheses) {
  const std::string text = "1. " + std::string(25000, '(') + "C" + std::string(25000, ')') + "\n" +
                           std::string(25000, '(') + "\n";
  const Document doc = read_bytes("nested.txt", text);
  EXPECT_EQ(check_invariant(doc), "");
  ASSERT_FALSE(doc.blocks.empty());
  EXPECT_FALSE(doc.blocks.front().mark.has_value());
}

TEST(ReaderPathological, AMillionBlankLines) {
  const std::string text = "UNCLAS STATE 000001\n" + std::string(1000000, '\n') + "1. Text.\n" +
                           repeat(" \t\n", 3000000);
  const Document doc = read_bytes("blank.txt", text);
  EXPECT_EQ(check_invariant(doc), "");
  size_t paragraphs = 0;
  for (const Block& b : doc.blocks) paragraphs += b.kind == BlockKind::kParagraph ? 1 : 0;
  EXPECT_EQ(paragraphs, 1u);
}

TEST(ReaderPathological, TenMegabytesOfSipdisOnOneLine) {
  const std::string run = repeat("SIPDIS", 10u << 20);
  for (const std::string& text :
       {run, "C O N F I D E N T I A L STATE 000001 " + run, "1. (C) Text " + run + "\n",
        "1. (C) Text\n" + repeat("SIPDIS ", 10u << 20)}) {
    const Document doc = read_bytes("sipdis.txt", text);
    EXPECT_EQ(check_invariant(doc), "");
  }
}

TEST(ReaderPathological, LongRunsOfHeaderKeywordsAndLabels) {
  for (const std::string& text :
       {"C O N F I D E N T I A L STATE 000001 " + repeat("SUBJECT: X TAGS: Y REF: Z ", 4u << 20),
        repeat("1. (C) 2. (S) 3. ", 4u << 20),
        repeat("PAGE 02 TOKYO 03470 01 OF 03 300558Z ", 2u << 20),
        repeat("TOKYO 00003470 002 OF 003 ", 2u << 20), repeat("A. (C) -- (S) (1) ", 2u << 20),
        repeat("S E C R E T STATE 000001\n", 1u << 20), repeat("XXXXXXXXXXXX ", 2u << 20)}) {
    const Document doc = read_bytes("runs.txt", text);
    EXPECT_EQ(check_invariant(doc), "");
  }
}

TEST(ReaderPathological, RandomBytesNeverBreakTheReader) {
  std::mt19937 rng(20260101);  // fixed seed: reproducible
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ().,:;/-\n\n\t\"'#\\";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const size_t n = rng() % 4000;
    for (size_t i = 0; i < n; ++i) {
      const auto r = static_cast<uint32_t>(rng());
      if (r % 97 == 0) {
        text += "\xC2\xB6";  // a pilcrow now and then
      } else if (r % 89 == 0) {
        text += static_cast<char>(0x80 + (r >> 8) % 128);  // Latin-1 or broken UTF-8
      } else {
        text += alphabet[(r >> 8) % alphabet.size()];
      }
    }
    const Document doc = read_bytes("random.txt", text);
    if (doc.source.text().empty()) continue;  // rejected by decode: fine
    ASSERT_EQ(check_invariant(doc), "") << "round " << round;
    EXPECT_FALSE(dump_model(doc).empty());
  }
}

}  // namespace
}  // namespace declass::core
