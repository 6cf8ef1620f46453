// The verifier's strict PDF reader (render/src/pdf_reader.cpp): it reads our
// writer's output and hand-made files of the same shape, gives up on anything
// else (the scan then falls back to PoDoFo), never crashes or hangs on
// hostile input, and its scan is the PoDoFo scan, channel for channel.
#include "pdf_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "declass/render/pdf_writer.h"
#include "declass/render/release_builder.h"
#include "declass/render/verify.h"
#include "flate.h"
#include "pdf_inspect.h"
#include "pdf_lexer.h"
#include "test_support.h"
#include "verify_text.h"

namespace declass::render {
namespace {

using detail::PdfReaderChoice;
using detail::PdfScan;
using detail::scan_pdf;
using testing::deflate;
using testing::make_pdf;
using testing::release_all;

core::Document cable() {
  return testing::minister_cable();
}

core::Decisions decide(const core::Document& doc) {
  return testing::minister_decisions(doc);
}

std::string stream(const std::string& data, bool flate = false, const std::string& extra = "") {
  const std::string body = flate ? deflate(data) : data;
  return "<< /Length " + std::to_string(body.size()) + (flate ? " /Filter /FlateDecode" : "") +
         extra + " >>\nstream\n" + body + "\nendstream";
}

std::string hex(const std::string& bytes) {
  static const char* k = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    out += k[static_cast<unsigned char>(c) >> 4];
    out += k[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

std::string utf16(const std::string& ascii) {
  std::string out;
  for (const char c : ascii) {
    out += '\0';
    out += c;
  }
  return out;
}

const std::string kCmap =
    "/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange "
    "<0000> <FFFF> endcodespacerange 3 beginbfrange <0001> <001A> <0041> <0021> <003A> <0061> "
    "<0040> <0049> <0030> endbfrange endcmap end end";
const std::string kType0 =
    "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R >>";

std::string glyphs(const std::string& ascii) {
  std::string out;
  for (const char c : ascii) {
    const int code = c >= 'A' && c <= 'Z'   ? c - 'A' + 1
                     : c >= 'a' && c <= 'z' ? c - 'a' + 33
                                            : 0x40;
    out += static_cast<char>(code >> 8);
    out += static_cast<char>(code & 0xFF);
  }
  return out;
}

// One page; objects: 1 catalog, 2 pages, 3 page, 4 content, 5 font, 6 CMap,
// 7 extra stream, 8 info (if any).
std::string page_pdf(const std::string& content, bool flate = false, const std::string& info = "",
                     const std::string& font = "", const std::string& extra_stream = "x",
                     const std::string& page_extra = "") {
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >>" +
          page_extra + " >>",
      stream(content, flate),
      font.empty() ? "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>" : font,
      stream(kCmap, true),
      stream(extra_stream, true)};
  std::string extra;
  if (!info.empty()) {
    objs.push_back(info);
    extra = " /Info 8 0 R";
  }
  return make_pdf(objs, extra);
}

bool reads(const std::string& pdf, std::string* why = nullptr) {
  detail::pdf::Reader r;
  std::string w;
  const bool ok = r.parse(pdf, &w);
  if (why != nullptr) *why = w;
  return ok;
}

// `raw` (the file's bytes) without the data of its streams, as the strict
// scan's raw channel holds them: each stream's data, found here by its
// keywords, becomes a line break followed by the data's last two bytes.
std::string without_stream_data(const std::string& raw) {
  std::string out;
  size_t from = 0;
  for (size_t s = raw.find("stream"); s != std::string::npos; s = raw.find("stream", s + 6)) {
    if (s > 0 && raw[s - 1] == 'd') continue;  // endstream
    size_t data = s + 6;
    if (raw[data] == '\r') ++data;
    if (raw[data] == '\n') ++data;
    size_t stop = raw.find("endstream", data);
    if (stop > data && raw[stop - 1] == '\n') --stop;
    if (stop > data && raw[stop - 1] == '\r' && raw[stop] != '\r') --stop;
    if (stop - data <= 2) continue;
    out += raw.substr(from, data - from);
    out += '\n';
    from = stop - 2;
  }
  return out + raw.substr(from);
}

// Both scans hold the same problems and channels (names, kinds, bytes),
// except that the strict scan's raw bytes leave out the stream data it
// decoded, which PoDoFo's scan keeps.
// PoDoFo stamps the Info dictionary as it loads a file (a fresh ModDate, a
// Producer if there was none), so it searched its own strings there instead
// of the file's: date and PoDoFo strings are left out of the comparison.
void expect_same_scan(const std::string& pdf) {
  const PdfScan a = scan_pdf(pdf, PdfReaderChoice::kStrictFirst);
  const PdfScan b = scan_pdf(pdf, PdfReaderChoice::kPodofo);
  EXPECT_EQ(a.reader, PdfReaderChoice::kStrict) << a.fallback_reason;
  EXPECT_EQ(a.loaded, b.loaded);
  EXPECT_EQ(a.pages, b.pages);
  EXPECT_EQ(a.problems, b.problems);
  auto kept = [](const PdfScan& s) {
    std::vector<const detail::PdfChannel*> out;
    for (const auto& c : s.channels)
      if (c.source.bytes.rfind("D:", 0) != 0 && c.source.bytes.find("PoDoFo") == std::string::npos)
        out.push_back(&c);
    return out;
  };
  const auto ka = kept(a);
  const auto kb = kept(b);
  ASSERT_EQ(ka.size(), kb.size());
  for (size_t i = 0; i < ka.size(); ++i) {
    const auto& x = *ka[i];
    const auto& y = *kb[i];
    EXPECT_EQ(x.name(a.streams), y.name(b.streams)) << i;
    EXPECT_EQ(x.binary, y.binary) << i;
    EXPECT_EQ(x.source.encoding, y.source.encoding) << i;
    EXPECT_EQ(x.source.offset, y.source.offset) << i;
    if (x.where == "raw bytes") {
      EXPECT_EQ(y.source.bytes.size(), pdf.size());
      EXPECT_EQ(x.source.bytes, without_stream_data(std::string(y.source.bytes)));
    } else {
      EXPECT_EQ(x.source.bytes, y.source.bytes) << x.name(a.streams);
    }
    EXPECT_EQ(x.source.font == nullptr, y.source.font == nullptr) << i;
    EXPECT_EQ(x.source.breaks == nullptr, y.source.breaks == nullptr) << i;
    if (x.source.breaks != nullptr && y.source.breaks != nullptr) {
      EXPECT_EQ(*x.source.breaks, *y.source.breaks) << i;
    }
  }
}

// A lexer made with views leaves numbers and operators in the input instead
// of copying them: every token's kind and text are those of a copying lexer.
TEST(PdfLexer, ViewsGiveTheSameTokensAsCopies) {
  const std::string content =
      "BT /F#31 10 Tf 1 0 0 1 72 700 Tm (a \\(b\\)) Tj <4142> ' [(x) -20 (y)] TJ << /K >> "
      "0.5 -3 Td ) } ET BI /W 1 ID \x01\x02 EI q";
  detail::Lexer copies(content);
  detail::Lexer views(content, true);
  detail::Token a;
  detail::Token b;
  size_t n = 0;
  for (copies.next(a), views.next(b); a.kind != detail::Token::kEnd;
       copies.next(a), views.next(b)) {
    ++n;
    EXPECT_EQ(a.kind, b.kind) << n;
    EXPECT_EQ(a.text(), b.text()) << n;
    EXPECT_EQ(a.text(), a.value) << n;
    if (b.kind == detail::Token::kOther) {
      EXPECT_TRUE(b.value.empty()) << n;
    }
  }
  EXPECT_EQ(b.kind, detail::Token::kEnd);
  EXPECT_GT(n, 30u);
}

// for_each_name() steps over everything but names, strings, hex strings and
// comments: it must meet exactly the names the lexer reads, in order, on
// tricky input and on random bytes drawn mostly from PDF delimiters.
TEST(PdfLexer, NamesOnlyScanMeetsTheLexersNames) {
  auto lexer_names = [](std::string_view s) {
    std::vector<std::string> out;
    detail::Lexer lx(s);
    detail::Token t;
    for (lx.next(t); t.kind != detail::Token::kEnd; lx.next(t))
      if (t.kind == detail::Token::kName) out.push_back(t.value);
    return out;
  };
  auto scan_names = [](std::string_view s) {
    std::vector<std::string> out;
    detail::for_each_name(s, [&](std::string_view n) { out.emplace_back(n); });
    return out;
  };
  std::vector<std::string> inputs = {
      "<< /Type /Page /JS#20x /A#2 /#4A#53 >>",
      "(a /NotAName (nested /No) \\) /Yes) /After",
      "(escaped \\( paren /No) /Yes (\\\\) /Too",
      "<41 /42> /Name <<>> <</Inner>> >> > /Last",
      "% a comment /No\n/Yes %\r/No2\r/Yes2",
      "abc/def[/g]{/h}/i)/j(/k",
      "(never closed /No",
      "<4142 /no end",
      "(ends in \\",
      "/",
      "//A/",
  };
  uint64_t x = 0x9E3779B97F4A7C15ull;
  const std::string alphabet = "/()<>\\%[]{} \n\r#AJS0a";
  for (int k = 0; k < 2000; ++k) {
    std::string s;
    const auto len = static_cast<size_t>(1 + k % 64);
    for (size_t i = 0; i < len; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      s += (x >> 60) < 12 ? alphabet[(x >> 8) % alphabet.size()] : static_cast<char>(x >> 16);
    }
    inputs.push_back(s);
  }
  size_t names = 0;
  for (const std::string& s : inputs) {
    const auto want = lexer_names(s);
    names += want.size();
    EXPECT_EQ(scan_names(s), want) << s;
  }
  EXPECT_GT(names, 500u);  // the random inputs hold names at all
}

TEST(PdfLexer, LiteralStringsWithEveryEscape) {
  auto str = [](const std::string& s) {
    detail::Lexer lx(s);
    detail::Token t;
    lx.next(t);
    EXPECT_EQ(t.kind, detail::Token::kString) << s;
    EXPECT_FALSE(lx.truncated()) << s;
    return t.value;
  };
  EXPECT_EQ(str("(a (nested (twice)) b)"), "a (nested (twice)) b");
  EXPECT_EQ(str("(\\(\\)\\\\)"), "()\\");
  EXPECT_EQ(str("(\\121UILL\\106EATHER)"), "QUILLFEATHER");
  EXPECT_EQ(str("(\\0\\07\\1234)"), std::string("\0\a", 2) + "S4");  // 1-3 octal digits
  EXPECT_EQ(str("(QUILL\\\nFEATHER)"), "QUILLFEATHER");              // line continuations
  EXPECT_EQ(str("(QUILL\\\r\nFEATHER)"), "QUILLFEATHER");
  EXPECT_EQ(str("(QUILL\\\rFEATHER)"), "QUILLFEATHER");
  EXPECT_EQ(str("(\\n\\r\\t\\b\\f\\q)"), "\n\r\t\b\fq");
  // An unescaped end of line is one LF, whatever its bytes (ISO 32000-1
  // 7.3.4.2): a raw CR must not give the check other glyph codes than a viewer.
  EXPECT_EQ(str("(a\rb\r\nc\nd\n\re)"), "a\nb\nc\nd\n\ne");
  EXPECT_EQ(str(std::string("(\x00\r\x00\r\n)", 7)), std::string("\x00\n\x00\n", 4));
  EXPECT_EQ(str(std::string("(\xFF\x00\x01)", 5)), std::string("\xFF\x00\x01", 3));
  EXPECT_EQ(str("<51 55 494C4C4>"), "QUILL@");  // blanks skipped, odd digit padded
  for (const char* bad : {"(never closed", "(a (b)", "<4142", "(ends in \\"}) {
    detail::Lexer lx(bad);
    detail::Token t;
    lx.next(t);
    EXPECT_TRUE(lx.truncated()) << bad;
  }
}

TEST(PdfReader, ReadsOurWritersOutputLikePodofo) {
  const auto doc = cable();
  auto w = PdfWriter::create({});
  ASSERT_TRUE(w.value);
  for (const auto& d : {decide(doc), release_all(doc)}) {
    auto pdf = (*w.value)->write(make_release_view(doc, d));
    ASSERT_TRUE(pdf.value);
    std::string why;
    EXPECT_TRUE(reads(pdf.value->bytes, &why)) << why;
    expect_same_scan(pdf.value->bytes);
  }
}

TEST(PdfReader, ReadsHandMadeFilesLikePodofo) {
  expect_same_scan(page_pdf("BT /F1 10 Tf 72 700 Td (A (nested) str\\151ng) Tj ET"));
  expect_same_scan(page_pdf("BT /F1 10 Tf 72 700 Td <" + hex(glyphs("Hello")) + "> Tj ET", true,
                            "<< /Title (T) /Producer <FEFF" + hex(utf16("p")) + "> >>", kType0));
  expect_same_scan(
      page_pdf("BT /F1 10 Tf [(a) -20 (b)] TJ ET", false, "", "", utf16("binary") + "\x01\x02"));
  // Arrays of content streams, a reference as /Length, #-escaped names, \r\n.
  std::string pdf = make_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] "
       "/Resources << /Font << /F#31 5 0 R >> >> >>",
       "<< /Length 7 0 R >>\r\nstream\r\nBT /F1 10 Tf (a) Tj\r\nendstream",
       "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", stream("(b) Tj ET", true), "19"});
  expect_same_scan(pdf);
}

// True if verification of `pdf` against `m` reports a leak; the PDF must be
// read by the strict reader (no PoDoFo fallback).
bool strict_leak(const WithheldMaterial& m, const std::string& pdf) {
  EXPECT_EQ(scan_pdf(pdf).reader, PdfReaderChoice::kStrict) << scan_pdf(pdf).fallback_reason;
  for (const auto& f : verify_output(m, OutputKind::kPdf, pdf, "x.pdf").findings)
    if (f.code == "leak") return true;
  return false;
}

TEST(PdfReader, EveryPlantedChannelIsFoundThroughTheStrictReader) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  auto leak = [&](const std::string& pdf) { return strict_leak(m, pdf); };
  const std::string td = "BT /F1 10 Tf 72 700 Td ";
  EXPECT_FALSE(leak(page_pdf(td + "(A released closing paragraph.) Tj ET")));
  // Content streams: literal strings (plain, escaped, nested, continued), hex, deflated.
  EXPECT_TRUE(leak(page_pdf(td + "(the source QUILLFEATHER) Tj ET")));
  EXPECT_TRUE(leak(page_pdf(td + "(\\121UILL\\106EATHER) Tj ET")));
  EXPECT_TRUE(leak(page_pdf(td + "(QUILL\\\nFEATHER) Tj ET")));
  EXPECT_TRUE(leak(page_pdf(td + "(a \\(QUILLFEATHER\\) b) Tj ET")));
  EXPECT_TRUE(leak(page_pdf(td + "(a (QUILLFEATHER) b) Tj ET")));
  EXPECT_TRUE(leak(page_pdf(td + "<" + hex("QUILLFEATHER") + "> Tj ET", true)));
  EXPECT_TRUE(leak(page_pdf(td + "[(QUILLF) -20 (EATHER)] TJ ET", true)));
  // Binary literal strings of glyph codes (with the bytes a writer must escape).
  std::string lit;
  for (const char c : glyphs("QUILLFEATHER")) {
    if (c == '(' || c == ')' || c == '\\') lit += '\\';
    lit += c;
  }
  EXPECT_TRUE(leak(page_pdf(td + "(" + lit + ") Tj ET", true, "", kType0)));
  EXPECT_TRUE(
      leak(page_pdf(td + "<" + hex(glyphs("Quillfeather")) + "> Tj ET", false, "", kType0)));
  EXPECT_TRUE(leak(page_pdf(td + "<FEFF" + hex(utf16("QUILLFEATHER")) + "> Tj ET")));
  // Info dictionary, in Windows-1252 and UTF-16BE; a string in a page dictionary.
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "<< /Title (About QUILLFEATHER) >>")));
  EXPECT_TRUE(
      leak(page_pdf("BT ET", false, "<< /Title <FEFF" + hex(utf16("QUILLFEATHER")) + "> >>")));
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "", "", "x", " /PieceInfo (QUILLFEATHER)")));
  // Another stream: Windows-1252, UTF-16BE at either alignment, glyph codes.
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "", "", "\x01 QUILLFEATHER \x02")));
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "", "", "\x7f" + utf16("QUILLFEATHER"))));
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "", kType0, "\x7f" + glyphs("QUILLFEATHER"))));
  // A name in the file's syntax (the raw bytes).
  EXPECT_TRUE(leak(page_pdf("BT ET", false, "", "", "x", " /QUILLFEATHER 1")));
}

// The strict scan's raw channel leaves out the data of the streams it
// decoded (searched decoded instead) and keeps every other byte: a word in a
// comment inside an object, which no other channel holds, is still found.
TEST(PdfReader, RawBytesLeaveOutOnlyDecodedStreamData) {
  const auto doc = cable();
  const auto d = decide(doc);
  const WithheldMaterial m = collect_withheld(doc, d);
  auto w = PdfWriter::create({});
  ASSERT_TRUE(w.value);
  const std::string pdf = (*w.value)->write(make_release_view(doc, d)).value->bytes;
  const PdfScan scan = scan_pdf(pdf);
  ASSERT_EQ(scan.reader, PdfReaderChoice::kStrict) << scan.fallback_reason;
  ASSERT_FALSE(scan.channels.empty());
  const detail::PdfChannel& raw = scan.channels.front();
  ASSERT_EQ(raw.where, "raw bytes");
  const PdfScan podofo = scan_pdf(pdf, PdfReaderChoice::kPodofo);  // every byte
  EXPECT_EQ(raw.source.bytes,
            without_stream_data(std::string(podofo.channels.front().source.bytes)));
  EXPECT_LT(raw.source.bytes.size() * 2, pdf.size());  // the font program and pages are most of it
  EXPECT_NE(raw.source.bytes.find("startxref"), std::string_view::npos);

  std::string commented = page_pdf("BT ET");
  const size_t at = commented.find("/Type /Catalog");
  ASSERT_NE(at, std::string::npos);
  commented.replace(at, 14, "%QUILLFEATHER\n");  // as long: the xref stays right
  EXPECT_TRUE(strict_leak(m, commented));
  // A stream's last two bytes, which inflate() leaves unread, stay raw.
  const PdfScan tail = scan_pdf(page_pdf("BT ET QUILLF"));
  EXPECT_EQ(tail.reader, PdfReaderChoice::kStrict);
  EXPECT_NE(tail.channels.front().source.bytes.find("\nLF\nendstream"), std::string::npos);
}

// The matcher's fast path for 2-byte glyph codes (FontMap::ascii) reads
// exactly as the general one (through FontMap::lookup).
TEST(GlyphChannels, FastPathFindsWhatTheGeneralPathFinds) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  detail::FontMap fast;
  for (uint32_t c = 0; c < 26; ++c) {
    fast.to_text[1 + c] = std::string(1, static_cast<char>('A' + c));
    fast.to_text[33 + c] = std::string(1, static_cast<char>('a' + c));
  }
  fast.to_text[0x40] = " ";
  fast.to_text[0x41] = "fi";        // a ligature: read as text
  fast.to_text[0x42] = "\xC3\xA9";  // é
  fast.to_text[0x43] = "";          // mapped to nothing: a blank
  fast.to_text[0x44] = "-";
  fast.finish();
  ASSERT_FALSE(fast.ascii.empty());
  detail::FontMap general = fast;
  general.ascii.clear();
  const std::string g = glyphs("QUILLFEATHER");
  const std::string words[] = {glyphs("the source "),
                               g,
                               glyphs("QUILL") + "\x00\x43" + glyphs("FEATHER"),
                               glyphs("QUILL") + "\x00\x44" + glyphs("FEATHER"),
                               glyphs("x") + "\x00\x41" + glyphs("QUILLFEATHER"),
                               "\x00\x42" + g,
                               "\x7F\x7F" + g,
                               std::string("\x00\x00", 2) + g};
  for (uint32_t seed = 1; seed < 200; ++seed) {
    std::string bytes;
    uint32_t r = seed;
    for (int k = 0; k < 12; ++k) {
      r = r * 1103515245u + 12345u;
      bytes += words[(r >> 16) % (sizeof words / sizeof words[0])];
      bytes += "\x00\x40";
    }
    for (const uint8_t offset : {uint8_t{0}, uint8_t{1}}) {
      std::vector<std::string> found[2];
      for (int which = 0; which < 2; ++which) {
        detail::Source src;
        src.encoding = detail::Encoding::kGlyphs;
        src.bytes = bytes;
        src.offset = offset;
        src.font = which == 0 ? &fast : &general;
        detail::NeedleIndex index(m);
        VerifyReport rep;
        index.search(
            src, detail::Channel::kText, "x", [] { return std::string("w"); }, rep);
        for (const auto& f : rep.findings) found[which].push_back(f.message);
      }
      EXPECT_EQ(found[0], found[1]) << seed;
      if (seed == 1 && offset == 0) {
        EXPECT_FALSE(found[0].empty());  // its first piece holds g at an even offset
      }
    }
  }
}

// Hostile files: the reader refuses (no crash, no hang), and the whole scan
// then still reports something or reads the file with PoDoFo.
TEST(PdfReader, RefusesWhatItCannotReadWithConfidence) {
  const std::string good = page_pdf("BT /F1 10 Tf (QUILLFEATHER) Tj ET", true);
  ASSERT_TRUE(reads(good));
  // Truncated anywhere.
  for (size_t n = 0; n < good.size(); n += 7) EXPECT_FALSE(reads(good.substr(0, n))) << n;
  // A bad xref offset.
  {
    std::string bad = good;
    const size_t at = bad.find(" 00000 n", bad.find("xref"));
    bad[at - 1] = static_cast<char>(bad[at - 1] == '9' ? '0' : bad[at - 1] + 1);
    EXPECT_FALSE(reads(bad));
  }
  // Stream lengths that lie, either way.
  for (const char* len : {"/Length 3 ", "/Length 9999 ", "/Length -1 ", "/Length 1.5 ",
                          "/Length 99999999999999999999999 ", "/Length 8 0 R "}) {
    std::string bad = page_pdf("BT ET");
    const size_t at = bad.find("/Length 5 ");
    ASSERT_NE(at, std::string::npos);
    bad.replace(at, 10, len);
    EXPECT_FALSE(reads(bad)) << len;
  }
  // Object and xref streams, encryption, incremental updates, other filters.
  EXPECT_FALSE(
      reads(make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
                      stream("4 0 << /Type /Catalog >>", false, " /Type /ObjStm /N 1 /First 4")})));
  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog >>"}, " /Encrypt << /V 1 >>")));
  EXPECT_FALSE(reads(good + good.substr(good.find("xref"))));
  // A filter it does not decode: the file parses, the scan goes to PoDoFo.
  const std::string hex_filter =
      make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
                stream("51554C4C>", false, " /Filter /ASCIIHexDecode")});
  EXPECT_TRUE(reads(hex_filter));
  EXPECT_EQ(scan_pdf(hex_filter).reader, PdfReaderChoice::kPodofo);
  // Deflate data that is corrupt: the same.
  std::string corrupt = page_pdf("BT ET", true);
  corrupt[corrupt.find("stream\n") + 9] ^= 0x55;
  EXPECT_EQ(scan_pdf(corrupt).reader, PdfReaderChoice::kPodofo);
  // An object hidden between the listed ones, or garbage there.
  {
    std::string bad = good;
    bad.replace(bad.find('\n') + 1, 6, "(QUI)\n");  // the same size: offsets still right
    std::string why;
    EXPECT_FALSE(reads(bad, &why));
    EXPECT_NE(why.find("outside any object"), std::string::npos) << why;
    bad = good;
    bad.insert(bad.find("1 0 obj"), "9 0 obj (QUILLFEATHER) endobj\n");
    EXPECT_FALSE(reads(bad));
  }
  // Huge numbers and deep nesting.
  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog /Pages 99999999999999999999 0 R >>"})));
  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog /Pages 4294967296 0 R >>"})));
  EXPECT_FALSE(reads(make_pdf(
      {"<< /Type /Catalog /X " + std::string(100000, '[') + std::string(100000, ']') + " >>"})));
  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog /X " + std::string(2000, '<') + " >>"})));
  EXPECT_FALSE(reads("%PDF-1.4\nxref\n0 99999999999\ntrailer\n<<>>\nstartxref\n9\n%%EOF\n"));
  EXPECT_FALSE(reads("%PDF-1.4\nstartxref\n999999999999999999999\n%%EOF\n"));
  EXPECT_FALSE(reads("not a pdf"));
  EXPECT_FALSE(reads(""));
}

TEST(PdfReader, AFallbackStillReportsOrReadsTheFile) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  const std::string good = page_pdf("BT /F1 10 Tf (QUILLFEATHER) Tj ET", true);
  // Truncated: never a silent pass.
  for (size_t n = 0; n + 6 < good.size(); n += 37) {
    const std::string cut = good.substr(0, n);
    EXPECT_FALSE(verify_output(m, OutputKind::kPdf, cut, "x.pdf").ok()) << n;
  }
  // A planted string in a file the strict reader refuses (nesting beyond
  // its limit) is still found, through PoDoFo.
  const std::string deep =
      page_pdf("BT /F1 10 Tf (QUILLFEATHER) Tj ET", true,
               "<< /Title [" + std::string(100, '[') + "(x)" + std::string(100, ']') + "] >>");
  EXPECT_EQ(scan_pdf(deep).reader, PdfReaderChoice::kPodofo);
  bool found = false;
  for (const auto& f : verify_output(m, OutputKind::kPdf, deep, "x.pdf").findings)
    found |= f.code == "leak";
  EXPECT_TRUE(found);
}

// The deflate codec the writer and the strict reader share (libdeflate),
// against zlib as an independent second implementation: what one writes the
// other reads; the reader takes one complete stream with a correct checksum
// and at most the allowed trailing bytes, within the output limit.
TEST(Flate, RoundTripsWithZlibAndRefusesWhatIsNotOneCleanStream) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "BT /F1 10 Tf (line " + std::to_string(i) + ") Tj ET\n";
  std::string out;
  // zlib -> libdeflate, with an output far beyond the first size guess.
  const std::string z = testing::deflate(text);
  ASSERT_TRUE(detail::inflate(z, 2, size_t{1} << 30, &out));
  EXPECT_EQ(out, text);
  // libdeflate -> zlib.
  const std::string d = detail::deflate(text, 1);
  ASSERT_FALSE(d.empty());
  std::string back(text.size(), '\0');
  uLongf len = static_cast<uLongf>(back.size());
  ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(back.data()), &len,
                       reinterpret_cast<const Bytef*>(d.data()), static_cast<uLong>(d.size())),
            Z_OK);
  EXPECT_EQ(back.substr(0, len), text);
  // A reused Deflater gives the same bytes as a fresh one.
  detail::Deflater reused(1);
  (void)reused("something else first");
  EXPECT_EQ(std::string(reused(text)), d);
  // Trailing bytes: a line break is allowed, more is not.
  EXPECT_TRUE(detail::inflate(z + "\r\n", 2, size_t{1} << 30, &out));
  EXPECT_FALSE(detail::inflate(z + "\r\nX", 2, size_t{1} << 30, &out));
  // A wrong Adler-32, a cut stream, an output over the limit: refused.
  std::string bad_sum = z;
  bad_sum.back() = static_cast<char>(bad_sum.back() ^ 1);
  EXPECT_FALSE(detail::inflate(bad_sum, 2, size_t{1} << 30, &out));
  EXPECT_FALSE(detail::inflate(z.substr(0, z.size() / 2), 2, size_t{1} << 30, &out));
  EXPECT_FALSE(detail::inflate(z, 2, text.size() - 1, &out));
  EXPECT_TRUE(detail::inflate(z, 2, text.size(), &out));
  // The per-thread room: a stream past the size it keeps (4 MB), then small
  // ones again, each with exactly its own bytes.
  const std::string big(5u << 20, 'x');
  ASSERT_TRUE(detail::inflate(testing::deflate(big), 2, size_t{1} << 30, &out));
  EXPECT_EQ(out, big);
  ASSERT_TRUE(detail::inflate(z, 2, size_t{1} << 30, &out));
  EXPECT_EQ(out, text);
  ASSERT_TRUE(detail::inflate(testing::deflate("short"), 2, size_t{1} << 30, &out));
  EXPECT_EQ(out, "short");
}

// Streams other than page contents are served from a per-thread cache when
// their stored bytes and filter repeat (the font subset of most releases), and
// searched through word summaries from the second document on. The cache
// must never hide a leak: a word planted in a repeated stream is found every
// time, in every encoding, and a stream one byte different (same length) is
// read again, not served.
TEST(StreamCache, ServesOnlyEqualBytesAndStillFindsPlantedWords) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  auto leak = [&](const std::string& pdf) { return strict_leak(m, pdf); };
  // Random-looking bytes, large enough to be cached; no letters, so that
  // nothing in them reads as a word by chance.
  std::string noise;
  uint32_t r = 7;
  for (int k = 0; k < 3000; ++k) {
    r = r * 1103515245u + 12345u;
    char c = static_cast<char>((r >> 16) & 0xFF);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) c = '\x01';
    noise += c;
  }
  // A ToUnicode map padded past the cache's minimum, stored unfiltered.
  const std::string cmap = kCmap + "\n%" + std::string(400, '-') + "\n";
  auto pdf_with = [&](const std::string& extra, bool flate) {
    return make_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                     "/Resources << /Font << /F1 5 0 R >> >> >>",
                     stream("BT ET"), kType0, stream(cmap), stream(extra, flate)});
  };
  auto planted = [&](const std::string& word) {
    std::string s = noise;
    s.replace(1500, word.size(), word);
    return s;
  };
  // Each form with blanks around it in its own encoding (the noise reads as
  // letters in some), at even and odd offsets (1500 is even).
  const std::string blank(2, '\0');  // no ToUnicode entry: a blank
  const std::string forms[] = {
      " QUILLFEATHER ", utf16(" QUILLFEATHER "), "\x7f" + utf16(" QUILLFEATHER "),
      blank + glyphs("QUILLFEATHER") + blank, "\x01" + blank + glyphs("QUILLFEATHER") + blank};
  for (const bool flate : {false, true}) {
    for (const std::string& form : forms) {
      detail::clear_stream_cache();
      const std::string with = pdf_with(planted(form), flate);
      const uint64_t before = detail::stream_cache_hits();
      // First (read and cached), second (served; summaries made), third (served).
      EXPECT_TRUE(leak(with)) << flate;
      EXPECT_TRUE(leak(with)) << flate;
      EXPECT_TRUE(leak(with)) << flate;
      EXPECT_GT(detail::stream_cache_hits(), before);
    }
    // A benign stream cached and summarized, then the same length with one
    // byte changed: it makes the word, and the stream is read again.
    detail::clear_stream_cache();
    const std::string benign = planted(" QUILLFEATHEX ");
    std::string changed = benign;
    changed[1500 + 12] = 'R';
    ASSERT_EQ(benign.size(), changed.size());
    EXPECT_FALSE(leak(pdf_with(benign, flate)));
    EXPECT_FALSE(leak(pdf_with(benign, flate)));
    EXPECT_FALSE(leak(pdf_with(benign, flate)));
    const uint64_t hits = detail::stream_cache_hits();
    const std::string pdf = pdf_with(changed, flate);
    const PdfScan scan = scan_pdf(pdf);
    // Only the ToUnicode map is served (once per scan); the changed stream is not.
    EXPECT_EQ(detail::stream_cache_hits(), hits + 1);
    EXPECT_TRUE(leak(pdf)) << flate;
    EXPECT_TRUE(leak(pdf)) << flate;  // now served from the cache itself
  }
  detail::clear_stream_cache();
}

// The fast reading of content-stream numbers is strtod()'s, bit for bit.
TEST(PdfText, NumbersReadAsStrtodReadsThem) {
  for (const char* t : {"0",
                        "-0",
                        "72",
                        "700.25",
                        "-0.5",
                        ".5",
                        "5.",
                        "7.1234",
                        "7.123456",
                        "+72",
                        "12345678901",
                        "123456789012",
                        "1234567890.1234",
                        "0.1",
                        "-.3",
                        "1e3",
                        "0x10",
                        "-",
                        ".",
                        "",
                        "1.2.3",
                        "99999999999.9999"}) {
    const double want = std::strtod(t, nullptr);
    const double got = detail::pdf_number(t);
    EXPECT_EQ(std::memcmp(&want, &got, sizeof want), 0) << t << " " << want << " " << got;
  }
}

// Containers are read onto a shared stack and moved out at their close:
// nested arrays and dictionaries keep their own items, unsorted keys are
// sorted with their values, and a repeated key is refused at any depth.
TEST(PdfReader, ContainersKeepTheirItemsAndSortTheirKeys) {
  const std::string pdf =
      make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
                "<< /Zeta [1 [2 (two) << /B 3 /A [4 5] >>] /n] /Alpha << /Y true /X null >> "
                "/Mid 2.5 /Long (a string longer than any small buffer) >>"});
  detail::pdf::Reader r;
  std::string why;
  ASSERT_TRUE(r.parse(pdf, &why)) << why;
  const detail::pdf::Indirect* o = r.find(3);
  ASSERT_NE(o, nullptr);
  const detail::pdf::Object& d = o->value;
  ASSERT_TRUE(d.is_dict());
  EXPECT_EQ(d.keys, (std::vector<std::string>{"Alpha", "Long", "Mid", "Zeta"}));
  ASSERT_EQ(d.items.size(), 4u);
  EXPECT_EQ(d.get("Long")->text, "a string longer than any small buffer");
  EXPECT_EQ(d.get("Mid")->number, 2.5);
  const detail::pdf::Object* alpha = d.get("Alpha");
  EXPECT_EQ(alpha->keys, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(alpha->get("X")->type, detail::pdf::Object::kNull);
  EXPECT_TRUE(alpha->get("Y")->boolean);
  const detail::pdf::Object* zeta = d.get("Zeta");
  ASSERT_EQ(zeta->type, detail::pdf::Object::kArray);
  ASSERT_EQ(zeta->items.size(), 3u);
  EXPECT_EQ(zeta->items[0].int_value, 1);
  EXPECT_EQ(zeta->items[2].text, "n");
  const detail::pdf::Object& inner = zeta->items[1];
  ASSERT_EQ(inner.items.size(), 3u);
  EXPECT_EQ(inner.items[0].int_value, 2);
  EXPECT_EQ(inner.items[1].text, "two");
  EXPECT_EQ(inner.items[2].keys, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(inner.items[2].get("B")->int_value, 3);
  ASSERT_EQ(inner.items[2].get("A")->items.size(), 2u);
  EXPECT_EQ(inner.items[2].get("A")->items[1].int_value, 5);

  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                               "<< /Type /Pages /Kids [] /Count 0 >>", "<< /A 1 /B 2 /A 3 >>"})));
  EXPECT_FALSE(reads(make_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                               "<< /Type /Pages /Kids [] /Count 0 >>", "[<< /B 1 /B 1 >>]"})));
  // A failed read leaves nothing behind for the next one.
  detail::pdf::Reader again;
  ASSERT_TRUE(again.parse(pdf, &why)) << why;
  EXPECT_EQ(again.find(3)->value.keys, d.keys);
  EXPECT_EQ(again.find(3)->value.get("Zeta")->items.size(), 3u);
}

}  // namespace
}  // namespace declass::render

namespace declass::render {
namespace {

// Objects are taken from the per-thread object cache only for the very bytes
// the parser read: a hit gives what parsing gives, one changed byte (inside
// the object, or the byte that ends its endobj) is parsed again.
TEST(ObjectCache, ServesOnlyTheBytesTheParserRead) {
  const std::string dict =
      "<< /Zeta [1 [2 (two) << /B 3 /A [4 5] >>] /n] /Alpha << /Y true /X null >> "
      "/Mid 2.5 /Long (a string longer than any small buffer) >>";
  auto file = [&](const std::string& third) {
    return make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>",
                     third, stream("some stream data", true)});
  };
  const std::string pdf = file(dict);
  detail::pdf::clear_object_cache();
  std::string why;
  detail::pdf::Reader first;
  ASSERT_TRUE(first.parse(pdf, &why)) << why;
  EXPECT_EQ(first.object_cache_hits(), 0u);
  detail::pdf::Reader second;  // the bytes were seen: parsed and kept
  ASSERT_TRUE(second.parse(pdf, &why)) << why;
  detail::pdf::Reader third;  // served
  ASSERT_TRUE(third.parse(pdf, &why)) << why;
  EXPECT_EQ(third.object_cache_hits(), 4u);
  for (uint32_t num = 1; num <= 4; ++num) {
    const detail::pdf::Indirect* a = first.find(num);
    const detail::pdf::Indirect* c = third.find(num);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(a->offset, c->offset);
    EXPECT_EQ(a->has_stream, c->has_stream);
    EXPECT_EQ(a->raw.data(), c->raw.data());
    EXPECT_EQ(a->raw.size(), c->raw.size());
    EXPECT_EQ(a->value.keys, c->value.keys);
  }
  EXPECT_EQ(third.find(3)->value.get("Mid")->number, 2.5);
  EXPECT_EQ(third.find(3)->value.get("Zeta")->items[1].items[2].get("A")->items[1].int_value, 5);
  std::string data;
  ASSERT_TRUE(detail::pdf::Reader::decode(*third.find(4), &data));
  EXPECT_EQ(data, "some stream data");

  // One byte changed inside the object: read again, as written.
  std::string mid = dict;
  mid.replace(mid.find("2.5"), 3, "2.6");
  const std::string changed = file(mid);
  ASSERT_EQ(changed.size(), pdf.size());
  detail::pdf::Reader r;
  ASSERT_TRUE(r.parse(changed, &why)) << why;
  EXPECT_EQ(r.object_cache_hits(), 3u);
  EXPECT_EQ(r.find(3)->value.get("Mid")->number, 2.6);

  // The object's bytes as cached, but its endobj glued to the next byte:
  // the parser read that byte too, so the file is refused as before.
  std::string glued = pdf;
  const size_t end3 = glued.find("endobj\n", glued.find("3 0 obj"));
  glued[end3 + 6] = 'x';
  EXPECT_FALSE(reads(glued));
  // A stream keyword followed by a lone CR is refused whatever was cached.
  std::string cr = pdf;
  const size_t kw = cr.find("stream\n", cr.find("4 0 obj"));
  cr[kw + 6] = '\r';
  EXPECT_FALSE(reads(cr));
  detail::pdf::clear_object_cache();
}

}  // namespace
}  // namespace declass::render

namespace declass::render {
namespace {

// The lexer notes the first byte outside strings that is neither printable
// ASCII nor a blank, wherever in a name, number or operator it stands (it
// reads each such run once); bytes inside strings never count.
TEST(PdfLexer, FirstBinaryByteOutsideStrings) {
  auto first_binary = [](std::string_view s) {
    detail::Lexer lx(s, true);
    detail::Token t;
    for (lx.next(t); t.kind != detail::Token::kEnd; lx.next(t)) {
    }
    return lx.first_binary();
  };
  const size_t none = std::string_view::npos;
  EXPECT_EQ(first_binary("BT /F1 10 Tf (\x01\x80) Tj <00FF> Tj ET"), none);
  EXPECT_EQ(first_binary("BT 12\x80"
                         "3 Tf ET"),
            5u);
  EXPECT_EQ(first_binary("q \x7fQ"), 2u);
  EXPECT_EQ(first_binary("q Q\x01"), 3u);
  EXPECT_EQ(first_binary("/Na\xffme /B\x02"), 3u);
  EXPECT_EQ(first_binary("(\x01) x\x05y z\x06"), 5u);
  // The same tokens whatever bytes they hold.
  detail::Lexer lx(
      "ab\x80"
      "cd/e\x90"
      "f)g",
      true);
  detail::Token t;
  lx.next(t);
  EXPECT_EQ(t.text(),
            "ab\x80"
            "cd");
  lx.next(t);
  EXPECT_EQ(t.kind, detail::Token::kName);
  EXPECT_EQ(t.value,
            "e\x90"
            "f");
  lx.next(t);
  EXPECT_EQ(t.text(), ")");
  lx.next(t);
  EXPECT_EQ(t.text(), "g");
}

}  // namespace
}  // namespace declass::render

namespace declass::render {
namespace {

// Page text decodes shown strings through the finished map's table (one
// byte written per code, longer texts making room): byte for byte what
// looking each code up in the map's tree gives (a blank for no text or an
// empty one), for one-byte maps with one-byte, longer, empty and missing
// texts and for two-byte maps.
TEST(PdfText, ShownStringsDecodeThroughTheTableAsThroughTheTree) {
  detail::FontMap one;
  one.code_bytes = 1;
  for (uint32_t c = 0x20; c < 0x7F; ++c) one.to_text[c] = std::string(1, static_cast<char>(c));
  one.to_text[0x80] = "\xE2\x82\xAC";  // a longer text
  one.to_text[0x81] = "ffi";
  one.to_text[0x90] = "";  // mapped to nothing
  detail::FontMap unfinished = one;
  one.finish();
  detail::FontMap two;
  two.code_bytes = 2;
  two.to_text[0x0041] = "A";
  two.to_text[0x0102] = "\xC3\xA9";
  const detail::FontMap two_tree = two;
  two.finish();
  ASSERT_FALSE(one.dense.empty());
  ASSERT_FALSE(two.dense.empty());
  ASSERT_TRUE(unfinished.dense.empty());
  uint64_t x = 0x243F6A8885A308D3ull;
  for (int k = 0; k < 500; ++k) {
    std::string s;
    const auto len = static_cast<size_t>(k % 40);
    for (size_t i = 0; i < len; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const unsigned r = static_cast<unsigned>(x >> 32);
      s += static_cast<char>(r % 3 == 0 ? 0x80 + (r >> 8) % 20 : r >> 24);
    }
    const std::string prefix = k % 2 == 0 ? "" : "page text so far ";
    using Pair = std::pair<const detail::FontMap*, const detail::FontMap*>;
    for (const auto& [table, tree] : {Pair{&one, &unfinished}, Pair{&two, &two_tree}}) {
      // Each code looked up in the tree; no text, or an empty one, a blank.
      std::string want = prefix;
      const auto n = static_cast<size_t>(tree->code_bytes);
      for (size_t i = 0; i + n <= s.size(); i += n) {
        uint32_t code = static_cast<unsigned char>(s[i]);
        if (n == 2) code = (code << 8) | static_cast<unsigned char>(s[i + 1]);
        const std::string* t = tree->lookup(code);
        want += t != nullptr && !t->empty() ? *t : std::string(" ");
      }
      std::string got = prefix;
      table->decode_append(got, s);
      EXPECT_EQ(got, want) << k;
    }
  }
}

}  // namespace
}  // namespace declass::render

namespace declass::render {
namespace {

// The raw-bytes check counts "xref" tables (at the start of a line) and
// "startxref"s in one pass: each count as its own search would give it.
TEST(PdfHygiene, CountsXrefTablesAndStartxrefsApart) {
  auto problems = [](const std::string& pdf) {
    std::string all;
    for (const std::string& p : scan_pdf(pdf).problems) all += p + "\n";
    return all;
  };
  const std::string pdf = page_pdf("BT (x) Tj ET");
  EXPECT_EQ(problems(pdf).find("startxref"), std::string::npos) << problems(pdf);
  // A comment with a second startxref (not at a line start: no table).
  std::string two = pdf;
  two.insert(two.find("1 0 obj"), "% startxref startstartxref\n");
  EXPECT_NE(problems(two).find("1 xref tables and 3 startxref"), std::string::npos)
      << problems(two);
  // "xref" at the start of a line in a comment's next line: a second table.
  std::string tables = pdf;
  tables.insert(tables.find("1 0 obj"), "%\nxref\n%\rxrefstart\n");
  EXPECT_NE(problems(tables).find("3 xref tables and 1 startxref"), std::string::npos)
      << problems(tables);
}

}  // namespace
}  // namespace declass::render
