#include "declass/render/pdf_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "declass/render/bates.h"
#include "declass/render/log_writer.h"
#include "declass/render/release_builder.h"
#include "declass/render/text_writer.h"
#include "declass/render/verify.h"
#include "pdf_writer_internal.h"
#include "test_support.h"

namespace declass::render {
namespace {

using core::BlockKind;
using testing::b1;
using testing::b6;
using testing::labels;
using testing::make_document;
using testing::release_all;
using testing::span_of;

constexpr const char* kCable =
    "C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003470\n"
    "\n"
    "SUBJECT: MEETING WITH DG NISHIMIYA\n"
    "\n"
    "1. (C) Summary: MOFA officials took a cautious line\n"
    "on the Six-Party talks. End Summary.\n"
    "\n"
    "2. (C) Director-General Shinichi Nishimiya said the\n"
    "source CANARYALPHA was reliable and would report again.\n"
    "\n"
    "3. (U) Kathleen Stephens met the press.\n";

core::Document cable() {
  return make_document("t.txt", kCable,
                       {{BlockKind::kBanner, 1, 1, ""},
                        {BlockKind::kSubject, 3, 3, ""},
                        {BlockKind::kParagraph, 5, 6, "1"},
                        {BlockKind::kParagraph, 8, 9, "2"},
                        {BlockKind::kParagraph, 11, 11, "3"}});
}

core::Decisions decide(const core::Document& doc) {
  core::Decisions d = release_all(doc);
  testing::withhold(d, 3, labels({b1("bd")}));
  testing::redact(d, 4, span_of(doc, "Kathleen Stephens"), labels({b6()}));
  return d;
}

std::unique_ptr<PdfWriter> writer(PdfOptions o = {}) {
  auto w = PdfWriter::create(o);
  EXPECT_TRUE(w.value) << (w.diagnostics.empty() ? "" : w.diagnostics[0].message);
  return w.value ? std::move(*w.value) : nullptr;
}

std::string pdf_of(const ReleaseView& v, PdfOptions o = {}) {
  auto w = writer(o);
  auto r = w->write(v);
  EXPECT_TRUE(r.value);
  return r.value ? r.value->bytes : std::string();
}

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// UTF-8 of `n` Cyrillic letters from U+0400, none in the fixed repertoire.
std::string cyrillic(size_t n) {
  std::string s;
  for (char32_t c = 0x400; c < 0x400 + n; ++c) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

// How many characters above ASCII the fixed repertoire holds.
size_t repertoire_others() {
  const std::u32string& base = base_repertoire();
  return static_cast<size_t>(
      std::count_if(base.begin(), base.end(), [](char32_t c) { return c >= 0x80; }));
}

// A released paragraph whose character set has `others` characters above
// ASCII in all (the repertoire's and Cyrillic).
core::Document with_others(size_t others) {
  return make_document("w.txt", "1. (U) Wide " + cyrillic(others - repertoire_others()) + " end.\n",
                       {{BlockKind::kParagraph, 1, 1, "1"}});
}

TEST(PdfWriter, PassesQpdfCheckAndIsACompleteRewrite) {
  const auto doc = cable();
  const std::string pdf = pdf_of(make_release_view(doc, decide(doc)));
  ASSERT_FALSE(pdf.empty());
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("a.pdf"), pdf));
  int status = -1;
  const std::string out = testing::run("qpdf --check " + dir.file("a.pdf") + " 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("No syntax or stream encoding errors"), std::string::npos) << out;
  EXPECT_EQ(count(pdf, "%%EOF"), 1u);
  EXPECT_EQ(count(pdf, "startxref"), 1u);
  EXPECT_EQ(count(pdf, "\nxref"), 1u);
  for (const char* forbidden :
       {"/Metadata", "/Annots", "/Outlines", "/ActualText", "/Alt", "/EmbeddedFiles", "/JavaScript",
        "/JS", "/OpenAction", "/AcroForm", "/Prev"})
    EXPECT_EQ(pdf.find(forbidden), std::string::npos) << forbidden;
  EXPECT_EQ(pdf.rfind("%PDF-1.", 0), 0u);
}

// Page text moves down a row with `'` (12 TL) or `0 dy Td` and sets the font
// size only when it changes, instead of a Tf and an absolute Tm for every run.
TEST(PdfWriter, PageTextSetsTheSizeOnceAndMovesDownByTheLeading) {
  const auto doc = make_document("p.txt", "line one\nline two\nline three\nline four\nline five\n",
                                 {{BlockKind::kParagraph, 1, 5, ""}});
  const std::string pdf = pdf_of(make_release_view(doc, release_all(doc)));
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("a.pdf"), pdf));
  int status = -1;
  testing::run("qpdf --qdf --object-streams=disable " + dir.file("a.pdf") + " " +
                   dir.file("q.pdf") + " 2>&1",
               &status);
  ASSERT_EQ(status, 0);
  const std::string q = testing::read_file(dir.file("q.pdf"));
  EXPECT_EQ(count(q, "/F1 10 Tf"), 1u);  // the body, on the only page
  EXPECT_EQ(count(q, "BT\n12 TL\n"), 1u);
  // (qpdf --qdf writes these one-byte codes of ASCII as they are)
  EXPECT_EQ(count(q, "line two)'\n") + count(q, "line three)'\n") + count(q, "line four)'\n") +
                count(q, "line five)'\n"),
            4u);                     // the body rows under the first
  EXPECT_EQ(count(q, "0.8 w"), 1u);  // the stamp box; nothing is struck
  const std::string text = testing::run("pdftotext -raw -enc UTF-8 " + dir.file("a.pdf") + " -");
  EXPECT_NE(text.find("line one\nline two\nline three\nline four\nline five\n"), std::string::npos)
      << text;
}

TEST(PdfWriter, InfoHoldsOnlyIdDispositionProducerAndReviewDates) {
  const auto doc = cable();
  const std::string pdf = pdf_of(make_release_view(doc, decide(doc)));
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("a.pdf"), pdf));
  const std::string info = testing::run("pdfinfo -rawdates " + dir.file("a.pdf") + " 2>&1");
  EXPECT_NE(info.find("Title:           TEST1 RELEASED IN PART"), std::string::npos) << info;
  EXPECT_NE(info.find("Producer:        declass 0.1.0"), std::string::npos) << info;
  EXPECT_NE(info.find("CreationDate:    D:20240501000000Z"), std::string::npos) << info;
  EXPECT_NE(info.find("ModDate:         D:20240501000000Z"), std::string::npos) << info;
  EXPECT_EQ(info.find("Subject:"), std::string::npos) << info;
  EXPECT_EQ(info.find("Author:"), std::string::npos) << info;
  EXPECT_EQ(info.find("Keywords:"), std::string::npos) << info;
  EXPECT_NE(info.find("Page size:       612 x 792 pts (letter)"), std::string::npos) << info;
}

TEST(PdfWriter, ExtractsToExactlyTheReleasedText) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  const std::string pdf = pdf_of(view);
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("a.pdf"), pdf));
  // -raw keeps content-stream order: stamp, body, footer.
  const std::string got =
      testing::run("pdftotext -raw -enc UTF-8 " + dir.file("a.pdf") + " - 2>&1");
  const std::string text = write_text(view);
  const std::string body = write_text_body(view);
  std::string expected = "UNCLASSIFIED\n";
  expected += text.substr(13, text.find("====") - 13);  // the stamp lines
  expected += body + "UNCLASSIFIED Page 1 of 1 DECL0000001";
  EXPECT_EQ(testing::squash(got), testing::squash(expected));
  EXPECT_EQ(got.find("CANARYALPHA"), std::string::npos);
}

TEST(PdfWriter, SameInputSameBytesWhateverTheClockZoneOrLocale) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  const std::string a = pdf_of(view);
  const char* old_tz = std::getenv("TZ");
  const std::string saved_tz = old_tz ? old_tz : "";
  ::setenv("TZ", "Pacific/Kiritimati", 1);
  ::tzset();
  const char* loc = std::setlocale(LC_ALL, "C.UTF-8");
  const std::string b = pdf_of(view);
  if (old_tz)
    ::setenv("TZ", saved_tz.c_str(), 1);
  else
    ::unsetenv("TZ");
  ::tzset();
  if (loc) std::setlocale(LC_ALL, "C");
  EXPECT_EQ(a, b);
  // A second document through the same writer does not change the first's bytes
  // except for Bates numbers: render it again from a fresh writer.
  EXPECT_EQ(pdf_of(view), a);
}

TEST(PdfWriter, BatesNumbersContinueAcrossDocumentsWithPrefixAndPadding) {
  const auto doc = cable();
  const ReleaseView view = make_release_view(doc, decide(doc));
  PdfOptions o;
  o.bates.prefix = "F2024-";
  o.bates.digits = 4;
  o.first_bates = 41;
  auto w = writer(o);
  auto r1 = w->write(view);
  auto r2 = w->write(view);
  ASSERT_TRUE(r1.value && r2.value);
  EXPECT_EQ(r1.value->first_bates, 41u);
  EXPECT_EQ(r2.value->first_bates, 41u + r1.value->pages);
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("b.pdf"), r2.value->bytes));
  const std::string got = testing::run("pdftotext -raw " + dir.file("b.pdf") + " - 2>&1");
  EXPECT_NE(got.find("F2024-0042"), std::string::npos) << got;
  EXPECT_EQ(format_bates(o.bates, 123456), "F2024-123456");
  EXPECT_FALSE(PdfWriter::create([] {
                 PdfOptions bad;
                 bad.bates.prefix = "A B";
                 return bad;
               }())
                   .value);
}

// A batch renders with provisional numbers and renumbers in place
// (bates.h); the result must be what rendering with the final numbers gives,
// with one-byte glyph codes and with two-byte ones (`wide`).
void check_bates_rebase(bool wide) {
  std::string text;
  std::vector<testing::BlockSpec> specs;
  for (int i = 1; i <= 60; ++i) {
    text += std::to_string(i) + ". (U) Paragraph " + std::to_string(i) +
            (wide && i == 1 ? " " + cyrillic(200) : std::string()) + ".\n\n";
    specs.push_back({BlockKind::kParagraph, static_cast<uint32_t>(2 * i - 1),
                     static_cast<uint32_t>(2 * i - 1), std::to_string(i)});
  }
  const auto doc = make_document("long.txt", text, specs);
  const ReleaseView view = make_release_view(doc, release_all(doc));
  PdfOptions a;
  a.first_bates = 1;
  PdfOptions b;
  b.first_bates = 998;
  auto wa = writer(a);
  auto wb = writer(b);
  auto ra = wa->write(view);
  auto rb = wb->write(view);
  ASSERT_TRUE(ra.value && rb.value);
  const uint32_t pages = ra.value->pages;
  ASSERT_GE(pages, 3u);
  std::string pdf = ra.value->bytes;
  ASSERT_TRUE(rebase_pdf_bates(pdf, a.bates, pages, 1, 998));
  EXPECT_EQ(pdf, rb.value->bytes);
  // Numbers that no longer fit the width are refused, the PDF unchanged.
  std::string again = ra.value->bytes;
  EXPECT_FALSE(rebase_pdf_bates(again, a.bates, pages, 1, 9999999));
  EXPECT_EQ(again, ra.value->bytes);
  // The Vaughn index rows follow.
  std::string csv = write_log_csv(view, ra.value->layout, {a.bates, 1});
  ASSERT_TRUE(rebase_log_bates(csv, a.bates, 1, 998));
  EXPECT_EQ(csv, write_log_csv(view, rb.value->layout, {b.bates, 998}));
}

TEST(PdfWriter, BatesRebaseGivesTheBytesOfAFreshRendering) {
  {
    SCOPED_TRACE("one-byte codes");
    check_bates_rebase(false);
  }
  {
    SCOPED_TRACE("two-byte codes");
    check_bates_rebase(true);
  }
}

// The font objects and pages go in as raw bodies of the bytes PoDoFo writes
// for them, into a lean document (no PdfMemDocument): the file must be the
// one PoDoFo writes from a PdfMemDocument of the objects built key by key,
// for ASCII and Unicode text, boxes, several pages and several documents in
// a row (a character set's raw objects are reused).
TEST(PdfWriter, RawObjectsWriteTheBytesOfTheBuiltObjects) {
  std::string text;
  std::vector<testing::BlockSpec> specs;
  for (int i = 1; i <= 60; ++i) {
    text += std::to_string(i) + ". (U) Paragraph " + std::to_string(i) +
            " of a long cable (with \\ and parentheses).\n\n";
    specs.push_back({BlockKind::kParagraph, static_cast<uint32_t>(2 * i - 1),
                     static_cast<uint32_t>(2 * i - 1), std::to_string(i)});
  }
  const auto long_doc = make_document("long.txt", text, specs);
  const auto unicode =
      make_document("u.txt", "1. (U) Bogot\xC3\xA1 \xE2\x80\x9Cno\xE2\x80\x9D \xD0\xA5\xD1\x80.\n",
                    {{BlockKind::kParagraph, 1, 1, "1"}});
  const auto doc = cable();
  const std::vector<ReleaseView> views = {
      make_release_view(doc, decide(doc)), make_release_view(long_doc, release_all(long_doc)),
      make_release_view(unicode, release_all(unicode)), make_release_view(doc, release_all(doc)),
      make_release_view(doc, decide(doc))};
  PdfOptions options;
  options.producer = "declass (raw) \\ test";  // escaped in the info dictionary
  auto raw = writer(options);
  auto built = writer(options);
  ASSERT_TRUE(raw && built);
  EXPECT_TRUE(detail::PdfWriterTestAccess::raw_pages(*raw));
  EXPECT_TRUE(detail::PdfWriterTestAccess::lean_documents(*raw));
  detail::PdfWriterTestAccess::build_objects(*built);
  EXPECT_FALSE(detail::PdfWriterTestAccess::raw_pages(*built));
  EXPECT_FALSE(detail::PdfWriterTestAccess::lean_documents(*built));
  for (size_t i = 0; i < views.size(); ++i) {
    auto a = raw->write(views[i]);
    auto b = built->write(views[i]);
    ASSERT_TRUE(a.value && b.value) << i;
    EXPECT_EQ(a.value->bytes, b.value->bytes) << i;
  }
}

TEST(PdfWriter, LongDocumentsPaginateWithPageXOfY) {
  std::string text;
  std::vector<testing::BlockSpec> specs;
  for (int i = 1; i <= 60; ++i) {
    text +=
        std::to_string(i) + ". (U) Paragraph number " + std::to_string(i) + " of a long cable.\n\n";
    specs.push_back({BlockKind::kParagraph, static_cast<uint32_t>(2 * i - 1),
                     static_cast<uint32_t>(2 * i - 1), std::to_string(i)});
  }
  const auto doc = make_document("long.txt", text, specs);
  const ReleaseView view = make_release_view(doc, release_all(doc));
  auto w = writer();
  auto r = w->write(view);
  ASSERT_TRUE(r.value);
  EXPECT_EQ(r.value->pages, 3u);  // 119 rows at 50 per page
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("l.pdf"), r.value->bytes));
  const std::string got = testing::run("pdftotext -raw " + dir.file("l.pdf") + " - 2>&1");
  EXPECT_NE(got.find("Page 3 of 3"), std::string::npos);
  EXPECT_NE(got.find("DECL0000003"), std::string::npos);
  EXPECT_NE(got.find("60. (U) Paragraph number 60 of a long cable."), std::string::npos);
}

TEST(PdfWriter, LongLinesWrapAndLongBoxesContinue) {
  const std::string word = "WORD ";
  std::string line;
  for (int i = 0; i < 40; ++i) line += word;
  const auto doc =
      make_document("w.txt", "1. (U) " + line + "\n", {{BlockKind::kParagraph, 1, 1, "1"}});
  auto d = release_all(doc);
  testing::redact(d, 0,
                  span_of(doc,
                          "WORD WORD WORD WORD WORD WORD WORD WORD WORD WORD WORD WORD WORD WORD "
                          "WORD WORD WORD WORD"),
                  labels({b6()}));
  const ReleaseView view = make_release_view(doc, d);
  const PageLayout layout = layout_pages(view);
  ASSERT_EQ(layout.pages.size(), 1u);
  EXPECT_GE(layout.pages[0].rows.size(), 3u);
  for (const Row& r : layout.pages[0].rows)
    for (const RowItem& i : r.items) EXPECT_LE(i.column + i.columns, 80u);
  const std::string pdf = pdf_of(view);
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("w.pdf"), pdf));
  EXPECT_EQ(testing::squash(testing::run("pdftotext -raw " + dir.file("w.pdf") +
                                         " - | sed -n '/^1\\./,/UNCLASSIFIED/p'")),
            testing::squash(write_text_body(view) + " UNCLASSIFIED"));
}

TEST(PdfWriter, UnicodeTextRendersAndExtracts) {
  const std::string line1 =
      "1. (U) The minister said \xE2\x80\x9Cnon\xE2\x80\x9D and didn\xE2\x80\x99t visit "
      "Bogot\xC3\xA1.";
  const std::string line2 =
      "\xC2\xB6"
      "2. (U) Se\xC3\xB1or \xC3\x8D\xC3\xB1iguez met "
      "\xD0\xA5\xD1\x80\xD1\x83\xD1\x89\xD0\xB5\xD0\xB2 \xE2\x80\x93 ok.";
  const auto doc =
      make_document("u.txt", line1 + "\n" + line2 + "\n",
                    {{BlockKind::kParagraph, 1, 1, "1"}, {BlockKind::kParagraph, 2, 2, ""}});
  const ReleaseView view = make_release_view(doc, release_all(doc));
  const std::string pdf = pdf_of(view);
  testing::TempDir dir;
  ASSERT_TRUE(testing::write_file(dir.file("u.pdf"), pdf));
  const std::string got =
      testing::run("pdftotext -raw -enc UTF-8 " + dir.file("u.pdf") + " - 2>&1");
  EXPECT_NE(got.find(line1), std::string::npos) << got;
  EXPECT_NE(got.find(line2), std::string::npos) << got;
  // The glyphs are really there: pdffonts lists one embedded subset font.
  const std::string fonts = testing::run("pdffonts " + dir.file("u.pdf") + " 2>&1");
  EXPECT_NE(fonts.find("+DejaVuSansMono"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("CID TrueType"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("yes yes yes"), std::string::npos)
      << fonts;  // embedded, subset, unicode map
  // And they render (not .notdef boxes): rasterise and check something was drawn.
  int status = -1;
  testing::run("pdftoppm -r 30 -png " + dir.file("u.pdf") + " " + dir.file("u") + " 2>&1", &status);
  EXPECT_EQ(status, 0);
}

TEST(PdfWriter, FontSubsetHoldsOnlyTheFixedRepertoireAndReleasedCharacters) {
  // A withheld paragraph full of Cyrillic must not bring Cyrillic glyphs in.
  const auto doc = make_document(
      "c.txt", "1. (U) Released.\n\n2. (S) \xD0\xA1\xD0\xB5\xD0\xBA\xD1\x80\xD0\xB5\xD1\x82.\n",
      {{BlockKind::kParagraph, 1, 1, "1"}, {BlockKind::kParagraph, 3, 3, "2"}});
  auto d = release_all(doc);
  testing::withhold(d, 1, labels({b1("c")}));
  const std::string with = pdf_of(make_release_view(doc, d));
  const std::string without = pdf_of(make_release_view(
      make_document("c.txt", "1. (U) Released.\n\n2. (S) Secret.\n",
                    {{BlockKind::kParagraph, 1, 1, "1"}, {BlockKind::kParagraph, 3, 3, "2"}}),
      d));
  // Same released text, same characters: the embedded font is byte-identical.
  auto font_part = [](const std::string& pdf) {
    const size_t a = pdf.find("/Length1");
    return pdf.substr(a, pdf.find("endstream", a) - a);
  };
  EXPECT_EQ(font_part(with), font_part(without));
}

// Binary literal strings (PdfOptions::literal_strings): the same page text as
// the hex form for qpdf, pdftotext and the verifier, on text whose glyph codes
// hit every escape. With one-byte codes "(", ")" and "\" are their own codes;
// with two-byte codes (a character set too large for one byte) ")" is code
// 0x0A (LF), "," 0x0D (CR), "G" 0x28 "(", "H" 0x29 ")" and "{" 0x5C "\".
TEST(PdfWriter, LiteralStringsCheckExtractAndVerifyLikeHex) {
  PdfOptions lit;
  lit.literal_strings = true;
  PdfOptions hex_form;
  hex_form.literal_strings = false;
  const std::string text =
      "1. (U) GHOST (HIGH) {GH}, a\\b; (x),\n\n2. (U) Se\xC3\xB1or \xE2\x80\x9CG\xE2\x80\x9D "
      "\xD0\xA5 \xE2\x80\x93 ok.";
  const std::vector<testing::BlockSpec> specs = {{BlockKind::kParagraph, 1, 1, "1"},
                                                 {BlockKind::kParagraph, 3, 3, "2"}};
  const auto escapes = make_document("e.txt", text + "\n", specs);
  const auto wide = make_document("e.txt", text + " " + cyrillic(200) + "\n", specs);
  const auto doc = cable();
  const ReleaseView views[] = {make_release_view(doc, decide(doc)),
                               make_release_view(escapes, release_all(escapes)),
                               make_release_view(wide, release_all(wide))};
  testing::TempDir dir;
  for (const ReleaseView& view : views) {
    const std::string hex = pdf_of(view, hex_form);
    const std::string bin = pdf_of(view, lit);
    ASSERT_FALSE(bin.empty());
    EXPECT_EQ(pdf_of(view, lit), bin);  // deterministic
    EXPECT_LT(bin.size(), hex.size());
    EXPECT_EQ(count(bin, "/Identity-H"), &view == &views[2] ? 1u : 0u);
    ASSERT_TRUE(testing::write_file(dir.file("h.pdf"), hex));
    ASSERT_TRUE(testing::write_file(dir.file("l.pdf"), bin));
    int status = -1;
    const std::string check = testing::run("qpdf --check " + dir.file("l.pdf") + " 2>&1", &status);
    EXPECT_EQ(status, 0) << check;
    EXPECT_NE(check.find("No syntax or stream encoding errors"), std::string::npos) << check;
    const std::string want =
        testing::run("pdftotext -raw -enc UTF-8 " + dir.file("h.pdf") + " - 2>&1");
    EXPECT_EQ(testing::run("pdftotext -raw -enc UTF-8 " + dir.file("l.pdf") + " - 2>&1"), want);
    if (&view != &views[0]) {
      EXPECT_NE(want.find("GHOST (HIGH) {GH}, a\\b; (x),"), std::string::npos) << want;
      EXPECT_NE(want.find("Se\xC3\xB1or \xE2\x80\x9CG\xE2\x80\x9D \xD0\xA5 \xE2\x80\x93 ok."),
                std::string::npos)
          << want;
    }
  }
  // The verifier reads the escaped codes: clean when nothing is withheld, and a
  // withheld word drawn in literal strings is found, at either code width.
  for (const auto* d : {&escapes, &wide}) {
    const ReleaseView& view = d == &escapes ? views[1] : views[2];
    EXPECT_TRUE(verify_output(collect_withheld(*d, release_all(*d)), OutputKind::kPdf,
                              pdf_of(view, lit), "e.pdf")
                    .ok());
    core::Decisions hide = release_all(*d);
    testing::withhold(hide, 0, labels({b6()}));
    const VerifyReport leak =
        verify_output(collect_withheld(*d, hide), OutputKind::kPdf, pdf_of(view, lit), "e.pdf");
    EXPECT_FALSE(leak.ok());
  }
  const VerifyReport clean = verify_output(collect_withheld(doc, decide(doc)), OutputKind::kPdf,
                                           pdf_of(views[0], lit), "t.pdf");
  for (const auto& f : clean.findings) ADD_FAILURE() << f.code << ": " << f.message;
  const VerifyReport caught =
      verify_output(collect_withheld(doc, decide(doc)), OutputKind::kPdf,
                    pdf_of(make_release_view(doc, release_all(doc)), lit), "t.pdf");
  EXPECT_FALSE(caught.ok());
}

// Glyph codes are one byte (an embedded CMap) while the character set has at
// most 128 characters above ASCII and no control character, and two bytes
// (Identity-H) from 129 on. Either way the text extracts exactly, the file
// checks, and the verifier finds nothing in a release of everything.
TEST(PdfWriter, GlyphCodesAreOneByteUnlessTheCharacterSetIsTooLarge) {
  testing::TempDir dir;
  for (const size_t others : {repertoire_others(), size_t{128}, size_t{129}, size_t{300}}) {
    SCOPED_TRACE(others);
    const auto doc = with_others(others);
    const std::string pdf = pdf_of(make_release_view(doc, release_all(doc)));
    const bool one_byte = others <= 128;
    EXPECT_EQ(count(pdf, "/Identity-H"), one_byte ? 0u : 1u);
    EXPECT_EQ(count(pdf, "/CMapName/DeclassOneByte"), one_byte ? 1u : 0u);
    ASSERT_TRUE(testing::write_file(dir.file("w.pdf"), pdf));
    int status = -1;
    const std::string check = testing::run("qpdf --check " + dir.file("w.pdf") + " 2>&1", &status);
    EXPECT_EQ(status, 0) << check;
    const std::string got =
        testing::run("pdftotext -raw -enc UTF-8 " + dir.file("w.pdf") + " - 2>&1");
    const std::string line = "1. (U) Wide " + cyrillic(others - repertoire_others()) + " end.";
    // Long lines wrap (at blanks, which a wrap drops): compare without them.
    auto flat = [](std::string s) {
      std::erase_if(s, [](char c) { return c == '\n' || c == ' '; });
      return s;
    };
    EXPECT_NE(flat(got).find(flat(line)), std::string::npos) << got;
    EXPECT_TRUE(
        verify_output(collect_withheld(doc, release_all(doc)), OutputKind::kPdf, pdf, "w.pdf")
            .ok());
    // In one-byte mode the content streams hold ASCII text as it is (qpdf
    // --qdf shows binary strings in hex).
    const std::string qdf =
        testing::run("qpdf --qdf --object-streams=disable " + dir.file("w.pdf") + " - 2>&1");
    EXPECT_EQ(qdf.find("Wide ") != std::string::npos, one_byte);
  }
}

// PoDoFo's tokens are formatted by our own output device: every conversion it
// takes must give vsnprintf()'s bytes, and the rest must be handed back.
std::string formatted(bool* ours, const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::string out = "x";
  *ours = detail::append_format(out, format, args);
  va_end(args);
  return out;
}
std::string formatted_any(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::string out = "x";
  detail::append_vformat(out, format, args);
  va_end(args);
  return out;
}
std::string reference(const char* format, ...) {
  va_list args;
  va_start(args, format);
  char buf[512];
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return "x" + std::string(buf, static_cast<size_t>(n));
}

TEST(PdfWriterFormat, IntegerAndStringConversionsMatchVsnprintf) {
  const char* int_formats[] = {"%d",     "%i",   "%5d",   "%-5d|", "%05d",
                               "%+d",    "% d",  "%.3d",  "%8.3d", "%-8.3d|",
                               "%08.3d", "%.0d", "%+05d", "%0.5i", "obj %d %d R\n"};
  for (const char* f : int_formats)
    for (const int v : {0, 1, -1, 7, 42, -42, 65535, 123456789, INT_MAX, INT_MIN}) {
      bool ours = false;
      const std::string got = formatted(&ours, f, v, v);
      EXPECT_TRUE(ours) << f;
      EXPECT_EQ(got, reference(f, v, v)) << f << " " << v;
    }
  for (const char* f : {"%u", "%10u", "%.10u", "%0.10u", "%-3u|"})
    for (const unsigned v : {0u, 3u, 4294967295u}) {
      bool ours = false;
      EXPECT_EQ(formatted(&ours, f, v), reference(f, v)) << f << " " << v;
      EXPECT_TRUE(ours);
    }
  for (const char* f : {"%ld", "%li", "%lu", "%12ld"})
    for (const long v : {0L, -5L, LONG_MAX, LONG_MIN}) {
      bool ours = false;
      EXPECT_EQ(formatted(&ours, f, v), reference(f, v)) << f << " " << v;
    }
  for (const char* f : {"%lld", "%llu", "%0.10llu", "%020lld"})
    for (const long long v : {0LL, 17LL, -17LL, LLONG_MAX, LLONG_MIN}) {
      bool ours = false;
      EXPECT_EQ(formatted(&ours, f, v), reference(f, v)) << f << " " << v;
    }
  for (const char* f : {"%zu", "%zd", "%hu", "%hd", "%hhu", "%hhd", "%ju", "%td"})
    for (const int v : {0, 300, -300, 70000}) {
      bool ours = false;
      if (f[1] == 'z' || f[1] == 'j' || f[1] == 't')
        EXPECT_EQ(formatted(&ours, f, static_cast<size_t>(v)), reference(f, static_cast<size_t>(v)))
            << f;
      else
        EXPECT_EQ(formatted(&ours, f, v), reference(f, v)) << f << " " << v;
    }
  for (const char* f : {"%s", "/%s", "%8s|", "%-8s|", "%.2s", "%5.1s|", "a%%b%s%c"}) {
    bool ours = false;
    EXPECT_EQ(formatted(&ours, f, "Type", 'Q'), reference(f, "Type", 'Q')) << f;
    EXPECT_TRUE(ours) << f;
  }
  for (const char* f : {"%c", "%3c|", "%-3c|", "%0.10llu %0.5hu %c \n"}) {
    bool ours = false;
    if (f[1] == '0')
      EXPECT_EQ(formatted(&ours, f, 1234ULL, static_cast<unsigned short>(0), 'n'),
                reference(f, 1234ULL, static_cast<unsigned short>(0), 'n'));
    else
      EXPECT_EQ(formatted(&ours, f, 'f'), reference(f, 'f')) << f;
  }
}

// PoDoFo's most frequent formats take a shortcut past the parser: the same
// bytes as vsnprintf() at the edges of every argument.
TEST(PdfWriterFormat, FrequentFormatsMatchVsnprintf) {
  for (const int a : {0, 1, 9, 10, 12345, INT_MAX, -1, INT_MIN})
    for (const int b : {0, 7, 65535, -3}) {
      EXPECT_EQ(formatted_any("%i %i obj", a, b), reference("%i %i obj", a, b));
      EXPECT_EQ(formatted_any("%i %i obj\n", a, b), reference("%i %i obj\n", a, b));
      EXPECT_EQ(formatted_any(" %i %hi R", a, b), reference(" %i %hi R", a, b));
      EXPECT_EQ(formatted_any(" %i %hi R", a, 70000), reference(" %i %hi R", a, 70000));
    }
  for (const unsigned long offset : {0UL, 15UL, 9999999999UL, 12345678901UL, ULONG_MAX})
    for (const int generation : {0, 1, 65535, 70000})
      for (const char kind : {'n', 'f'})
        EXPECT_EQ(formatted_any("%0.10lu %0.5hu %c \n", offset, generation, kind),
                  reference("%0.10lu %0.5hu %c \n", offset, generation, kind));
  for (const long v : {0L, 42L, -42L, LONG_MAX, LONG_MIN})
    EXPECT_EQ(formatted_any("%ld", v), reference("%ld", v));
  for (const char* f : {"<<", ">>", "\nendobj\n", "/", "", "trailer\n"})
    EXPECT_EQ(formatted_any(f), reference(f)) << f;
}

TEST(PdfWriterFormat, HandsBackWhatItDoesNotTakeAndTheFallbackFormatsIt) {
  for (const char* f : {"%f", "%.2f", "%x", "%#d", "%*d", "%g", "%p"}) {
    bool ours = true;
    const std::string out = formatted(&ours, f, 1.5);
    EXPECT_FALSE(ours) << f;
    EXPECT_EQ(out, "x") << f;  // unchanged
  }
  bool ours = true;
  EXPECT_EQ(formatted(&ours, "%s", static_cast<const char*>(nullptr)), "x");
  EXPECT_FALSE(ours);
  EXPECT_EQ(formatted_any("%.2f %d", 1.25, 7), reference("%.2f %d", 1.25, 7));
  EXPECT_EQ(formatted_any("%x %s", 255u, "end"), reference("%x %s", 255u, "end"));
  const std::string long_text(1000, 'a');
  EXPECT_EQ(formatted_any("%.1f%s", 2.0, long_text.c_str()),
            "x2.0" + long_text);  // longer than the fallback's stack buffer
}

}  // namespace
}  // namespace declass::render
