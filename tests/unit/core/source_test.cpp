#include "declass/core/source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"

namespace declass::core {
namespace {

Source decoded(std::string_view bytes) {
  Result<Source> r = decode("t.txt", bytes);
  EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].format());
  return r.value ? std::move(*r.value) : Source{};
}

const Diagnostic* find(const std::vector<Diagnostic>& ds, std::string_view code) {
  for (const auto& d : ds)
    if (d.code == code) return &d;
  return nullptr;
}

TEST(Decode, Utf8PassesThroughUnchanged) {
  Source s = decoded(
      "\xC2\xB6"
      "1. (C) caf\xC3\xA9\n");
  EXPECT_EQ(s.encoding(), Encoding::kUtf8);
  EXPECT_EQ(s.text(),
            "\xC2\xB6"
            "1. (C) caf\xC3\xA9\n");
  EXPECT_FALSE(s.had_cr());
}

TEST(Decode, BomIsDroppedAndOffsetsMapBack) {
  Source s = decoded("\xEF\xBB\xBFSECRET\n");
  EXPECT_EQ(s.text(), "SECRET\n");
  EXPECT_EQ(s.original_offset(0), 3u);
  EXPECT_EQ(s.original_offset(2), 5u);
}

TEST(Decode, Latin1PilcrowAndCrlfAreNormalisedWithDiagnostics) {
  Result<Source> r = decode("raw.txt",
                            "\r\nLINE\r\n\xB6"
                            "1. (C) X\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->encoding(), Encoding::kWindows1252);
  EXPECT_TRUE(r.value->had_cr());
  EXPECT_EQ(r.value->text(),
            "\nLINE\n\xC2\xB6"
            "1. (C) X\n");
  const Diagnostic* w = find(r.diagnostics, "decoded-windows-1252");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->severity, Severity::kWarning);
  EXPECT_EQ(w->line, 3u);
  EXPECT_EQ(w->column, 1u);
  EXPECT_NE(find(r.diagnostics, "line-ends-normalized"), nullptr);
  // "1" after the pilcrow: decoded offset 8 ("\nLINE\n" + 2 bytes) is original byte 9.
  EXPECT_EQ(r.value->original_offset(8), 9u);
}

TEST(Decode, Cp1252SmartQuotesDecode) {
  Source s = decoded("\x93quoted\x94 it\x92s\n");
  EXPECT_EQ(s.text(), "\xE2\x80\x9Cquoted\xE2\x80\x9D it\xE2\x80\x99s\n");
}

TEST(Decode, LoneCrIsALineEnd) {
  Source s = decoded("A\rB\rC");
  EXPECT_EQ(s.text(), "A\nB\nC");
  EXPECT_EQ(s.line_count(), 3u);
}

TEST(Decode, EmptyFileIsAnError) {
  Result<Source> r = decode("empty.txt", "");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(), "empty.txt: error: file is empty [empty-input]");
}

TEST(Decode, NulByteIsBinaryWithPosition) {
  Result<Source> r = decode("bin.dat", std::string_view("ab\ncd\0ef", 8));
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].format(),
            "bin.dat:2:3: error: NUL byte: this is a binary file, not a cable [binary-input]");
}

TEST(Decode, ControlByteIsBinary) {
  Result<Source> r = decode("x", "abc\x1B[0m");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].code, "binary-input");
  EXPECT_EQ(r.diagnostics[0].column, 4u);
}

// The fast path hands a control byte deep inside a block to the byte checks,
// which report it at its own position.
TEST(Decode, ControlByteInsideABlockIsBinaryWithPosition) {
  const std::string bytes =
      std::string(20, 'a') + "\n" + std::string(25, 'b') + "\x7F" + std::string(40, 'c');
  Result<Source> r = decode("x", bytes);
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "binary-input");
  EXPECT_EQ(r.diagnostics[0].line, 2u);
  EXPECT_EQ(r.diagnostics[0].column, 26u);
}

TEST(Decode, MixedUtf8AndInvalidBytesIsAnError) {
  Result<Source> r = decode("mixed.txt", "caf\xC3\xA9\nbad \xFF here\n");
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "invalid-utf8");
  EXPECT_EQ(r.diagnostics[0].line, 2u);
  EXPECT_EQ(r.diagnostics[0].column, 5u);
}

TEST(Decode, OverlongAndSurrogateSequencesAreNotUtf8) {
  // Alone they are read as Windows-1252 (no valid multibyte sequence present).
  Result<Source> r = decode("x", "\xC0\xAF \xED\xA0\x80");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value->encoding(), Encoding::kWindows1252);
}

TEST(Decode, TooLargeIsAnError) {
  ReadOptions o;
  o.max_bytes = 4;
  Result<Source> r = decode("big", "12345", o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics[0].code, "input-too-large");
}

// decode() builds the line table in its validation pass (16 bytes at a time):
// it must equal the table of a plain scan of the decoded text, wherever the
// line ends fall in those blocks, with or without BOM, CR or Windows-1252.
TEST(Decode, LineTableEqualsAScanOfTheText) {
  const std::vector<std::string> bodies = {
      "",
      "\n",
      "\n\n\n",
      "abc",
      "abc\n",
      "abc\n\n",
      "0123456789ABCDE\n0123456789ABCDEF\n0123456789ABCDEFG\n\n",
      std::string(15, 'x') + "\n" + std::string(16, 'y') + "\n" + std::string(33, 'z'),
      std::string(31, 'x') + "\n",
      std::string(32, 'x') + "\n",
      "caf\xC3\xA9\n\xC2\xB6"
      "1. (C) text\n" +
          std::string(20, 'w') + "\n\n end",
      "r\r\nCRLF\r\nlone\rcr\n" + std::string(40, 'q') + "\n",
      "caf\xE9 \x93quoted\x94\n" + std::string(17, 'p') + "\n\xB6" + "2.\n",
      std::string(16, '\n') + std::string(17, 'a'),
      // Other bytes inside a block of 32 or 16, with line ends before and after
      // them in the same block: the fast path records the ends up to the byte.
      "a\nb\xC2\xA0"
      "c\nd" +
          std::string(40, 'e') + "\n\xC3\xA9\n" + std::string(30, 'f') + "\n\xC2\xB6\n",
      std::string(30, 'g') + "\n\xC2\xA0\n" + std::string(14, 'h') + "\n\xC2\xA0\n",
      std::string(31, 'i') + "\xC2\xA0\n" + std::string(15, 'j') + "\t\n\n",
      "k\tl\n" + std::string(50, 'm') + "\r\n" + std::string(29, 'n') + "\r" + std::string(33, 'o'),
      std::string(20, 'p') + "\xE9\n" + std::string(40, 'q') + "\r\n\x93" + std::string(16, 'r') +
          "\x94\n",
      std::string(47, 's') + "\n",
  };
  for (const std::string& body : bodies) {
    for (const std::string& bom : {std::string(), std::string("\xEF\xBB\xBF")}) {
      const std::string bytes = bom + body;
      if (bytes.empty()) continue;
      Result<Source> r = decode("t.txt", bytes);
      ASSERT_TRUE(r.value) << body;
      const Source& s = *r.value;
      const Source scanned = Source::from_utf8("t.txt", std::string(s.text()));
      ASSERT_EQ(s.line_count(), scanned.line_count()) << body;
      for (uint32_t l = 1; l <= s.line_count(); ++l) {
        EXPECT_EQ(s.line_start(l), scanned.line_start(l)) << body << " line " << l;
        EXPECT_EQ(s.line_text(l), scanned.line_text(l)) << body << " line " << l;
      }
    }
  }
}

// read_file hands its buffer to the Source when the text is kept as it is; every
// input form must read exactly as decode() + read_document() on the same bytes.
TEST(ReadFile, SameDocumentAsDecodeAndReadDocument) {
  const std::string body = "SECRET\n\nSUBJECT: TEST\n\n1. (S) Text of the cable.\n";
  const std::vector<std::string> inputs = {
      body,
      "\xEF\xBB\xBF" + body,                           // BOM: dropped, offsets map back
      "SECRET\r\n\r\n1. (S) Text.\r\n",                // CRLF: normalised
      "SECRET\n\n1. (S) Caf\xE9 text.\n",              // Windows-1252
      "short text",                                    // fits a string's own buffer
      "SECRET\n\n1. (S) Caf\xC3\xA9 \xC3\xA9\xE9.\n",  // mixed: an error
      "",                                              // empty: an error
  };
  const std::string path = ::testing::TempDir() + "declass_read_file_test.txt";
  for (const std::string& bytes : inputs) {
    {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      ASSERT_NE(f, nullptr);
      ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
      std::fclose(f);
    }
    Result<Document> got = read_file(path);
    Result<Source> src = decode(path, bytes);
    std::vector<Diagnostic> want = src.diagnostics;
    ASSERT_EQ(got.value.has_value(), src.value.has_value()) << bytes;
    if (src.value) {
      Document doc = read_document(std::move(*src.value));
      want.insert(want.end(), doc.diagnostics.begin(), doc.diagnostics.end());
      doc.diagnostics = want;  // read_file's document holds the decoding notes too
      EXPECT_EQ(got.value->source.text(), doc.source.text()) << bytes;
      EXPECT_EQ(got.value->source.original_size(), doc.source.original_size()) << bytes;
      for (uint32_t o = 0; o <= doc.source.text().size(); ++o)
        EXPECT_EQ(got.value->source.original_offset(o), doc.source.original_offset(o)) << bytes;
      EXPECT_EQ(dump_model(*got.value), dump_model(doc)) << bytes;
      ASSERT_EQ(got.value->diagnostics.size(), want.size()) << bytes;
      for (size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(got.value->diagnostics[i].format(), want[i].format()) << bytes;
    }
    ASSERT_EQ(got.diagnostics.size(), want.size()) << bytes;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got.diagnostics[i].format(), want[i].format()) << bytes;
      EXPECT_EQ(got.diagnostics[i].offset, want[i].offset) << bytes;
    }
  }
  std::remove(path.c_str());
}

TEST(Source, PositionsCountCodePoints) {
  Source s = Source::from_utf8("p",
                               "ab\n\xC2\xB6"
                               "1. x\nlast");
  EXPECT_EQ(s.line_count(), 3u);
  EXPECT_EQ(s.position(0), (Position{1, 1}));
  EXPECT_EQ(s.position(3), (Position{2, 1}));
  EXPECT_EQ(s.position(5), (Position{2, 2}));  // after the 2-byte pilcrow
  EXPECT_EQ(s.line_text(2),
            "\xC2\xB6"
            "1. x");
  EXPECT_EQ(s.line_text(3), "last");
  EXPECT_EQ(s.line_of(static_cast<uint32_t>(s.text().size())), 3u);
}

TEST(Normalize, JoinsLinesCollapsesBlanksAndMapsBack) {
  Source s = Source::from_utf8("n", "Director-General Kenichiro\nSasae  said");
  NormalizedText n = normalize(s, {{0, static_cast<uint32_t>(s.text().size())}});
  EXPECT_EQ(n.text, "Director-General Kenichiro Sasae said");
  const size_t at = n.text.find("Kenichiro Sasae");
  auto spans = n.source_spans(s, static_cast<uint32_t>(at), static_cast<uint32_t>(at + 15));
  ASSERT_EQ(spans.size(), 2u);  // one per source line
  EXPECT_EQ(s.slice(spans[0]), "Kenichiro");
  EXPECT_EQ(s.slice(spans[1]), "Sasae");
}

TEST(Normalize, SkipsInterruptionsBetweenPieces) {
  Source s = Source::from_utf8("n", "early\n\nSIPDIS\nstages");
  // Pieces exclude the SIPDIS caption (offsets 7..13).
  NormalizedText n = normalize(s, {{0, 6}, {14, 20}});
  EXPECT_EQ(n.text, "early stages");
  auto spans = n.source_spans(s, 0, static_cast<uint32_t>(n.text.size()));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(s.slice(spans[1]), "stages");
}

TEST(Normalize, LineEndHyphens) {
  Source s = Source::from_utf8("n", "Six-\nParty gov-\nernment hand --\nthe");
  const std::vector<Span> all{{0, static_cast<uint32_t>(s.text().size())}};
  EXPECT_EQ(normalize(s, all).text, "Six-Party gov-ernment hand -- the");
  NormalizeOptions drop;
  drop.drop_line_end_hyphens = true;
  NormalizedText n = normalize(s, all, drop);
  EXPECT_EQ(n.text, "SixParty government hand -- the");
  const size_t at = n.text.find("government");
  auto spans = n.source_spans(s, static_cast<uint32_t>(at), static_cast<uint32_t>(at + 10));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(s.slice(spans[0]), "gov-");
  EXPECT_EQ(s.slice(spans[1]), "ernment");
}

TEST(Normalize, NonBreakingSpaceIsABlank) {
  Source s = Source::from_utf8("n",
                               "A\xC2\xA0\xC2\xA0"
                               "B");
  EXPECT_EQ(normalize(s, {{0, 6}}).text, "A B");
}

TEST(Normalize, TextAloneIsTheSameText) {
  Source s = Source::from_utf8("n",
                               "Six-\nParty gov-\nernment hand --\nthe  A\xC2\xA0\xC2\xA0"
                               "B\n\nSIPDIS\nstages-\n");
  const auto size = static_cast<uint32_t>(s.text().size());
  NormalizeOptions drop;
  drop.drop_line_end_hyphens = true;
  // Every split of the text into two pieces, and pieces that skip a part.
  for (uint32_t cut = 0; cut <= size; ++cut) {
    for (const std::vector<Span>& pieces :
         {std::vector<Span>{{0, cut}, {cut, size}}, std::vector<Span>{{0, cut / 2}, {cut, size}},
          std::vector<Span>{{cut, size}}}) {
      EXPECT_EQ(normalize_text(s, pieces), normalize(s, pieces).text) << cut;
      EXPECT_EQ(normalize_text(s, pieces, drop), normalize(s, pieces, drop).text) << cut;
    }
  }
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  return path;
}

std::string large_cable(size_t at_least) {
  std::string s = "SECRET\n\nSUBJECT: TEST\n\n";
  for (int i = 1; s.size() < at_least; ++i)
    s += std::to_string(i) + ". (S) Paragraph " + std::to_string(i) + " of a long cable.\n\n";
  return s;
}

std::string messages(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) out += d.format() + "\n";
  return out;
}

// The whole file, whatever its size relative to the first read.
TEST(ReadFile, ReadsWholeFilesOfAnySize) {
  for (size_t size :
       {size_t{1}, size_t{4095}, size_t{4096}, size_t{12289}, size_t{65536}, size_t{300000}}) {
    const std::string bytes = size == 1 ? std::string("x") : large_cable(size);
    const std::string path = write_temp("declass_read_whole.txt", bytes);
    Result<Document> got = read_file(path);
    ASSERT_TRUE(got.value.has_value()) << size << messages(got.diagnostics);
    EXPECT_EQ(got.value->source.text(), bytes) << size;
    std::remove(path.c_str());
  }
}

// A FIFO has no size: read until EOF, and still bounded by max_bytes.
TEST(ReadFile, ReadsAPipeToItsEndWithinTheLimit) {
  const std::string path = ::testing::TempDir() + "declass_read_fifo";
  std::remove(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const std::string bytes = large_cable(200000);
  for (uint64_t limit : {uint64_t{256} << 20, uint64_t{bytes.size()}, uint64_t{100000}}) {
    std::thread writer([&] {
      std::FILE* f = std::fopen(path.c_str(), "wb");
      ASSERT_NE(f, nullptr);
      std::fwrite(bytes.data(), 1, bytes.size(), f);  // short if the reader stops
      std::fclose(f);
    });
    ReadOptions o;
    o.max_bytes = limit;
    std::signal(SIGPIPE, SIG_IGN);
    Result<Document> got = read_file(path, o);
    writer.join();
    if (limit >= bytes.size()) {
      ASSERT_TRUE(got.value.has_value()) << messages(got.diagnostics);
      EXPECT_EQ(got.value->source.text(), bytes);
    } else {
      EXPECT_FALSE(got.value.has_value());
      EXPECT_EQ(messages(got.diagnostics),
                path + ": error: file grew past the size limit while being read [io-error]\n");
    }
  }
  std::remove(path.c_str());
}

// The diagnostics of files that cannot be read, as they were before the file
// was opened first: the same code and message for each case.
TEST(ReadFile, ErrorsAreUnchanged) {
  const std::string missing = ::testing::TempDir() + "declass_no_such_dir/x.txt";
  EXPECT_EQ(messages(read_file(missing).diagnostics),
            missing + ": error: cannot read: No such file or directory [io-error]\n");
  const std::string dir = ::testing::TempDir() + "declass_read_dir";
  ::mkdir(dir.c_str(), 0700);
  EXPECT_EQ(messages(read_file(dir).diagnostics),
            dir + ": error: is a directory, not a cable [io-error]\n");
  ::rmdir(dir.c_str());
  const std::string big = write_temp("declass_read_big.txt", std::string(100, 'a'));
  ReadOptions o;
  o.max_bytes = 99;
  EXPECT_EQ(messages(read_file(big, o).diagnostics),
            big + ": error: file is 100 bytes; the limit is 99 [input-too-large]\n");
  o.max_bytes = 100;
  EXPECT_TRUE(read_file(big, o).value.has_value());
  // Unreadable (not for root, who reads anything): too large still comes first.
  ::chmod(big.c_str(), 0);
  if (::geteuid() != 0) {
    EXPECT_EQ(messages(read_file(big).diagnostics),
              big + ": error: cannot open: Permission denied [io-error]\n");
    o.max_bytes = 99;
    EXPECT_EQ(messages(read_file(big, o).diagnostics),
              big + ": error: file is 100 bytes; the limit is 99 [input-too-large]\n");
  }
  std::remove(big.c_str());
  const std::string empty = write_temp("declass_read_empty.txt", "");
  Result<Document> e = read_file(empty);
  EXPECT_FALSE(e.value.has_value());
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].code, "empty-input");
  std::remove(empty.c_str());
}

}  // namespace
}  // namespace declass::core
