#include "declass/render/verify.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "declass/render/log_writer.h"
#include "declass/render/pdf_writer.h"
#include "declass/render/release_builder.h"
#include "declass/render/text_writer.h"
#include "test_support.h"
#include "verify_text.h"

namespace declass::render {
namespace {

using core::BlockKind;
using testing::b1;
using testing::b6;
using testing::deflate;
using testing::labels;
using testing::make_document;
using testing::make_pdf;
using testing::release_all;
using testing::span_of;

core::Document cable() {
  return testing::minister_cable();
}

core::Decisions decide(const core::Document& doc) {
  return testing::minister_decisions(doc);
}

bool has_needle(const WithheldMaterial& m, const std::string& joined) {
  for (const auto& n : m.needles()) {
    std::string s;
    for (const auto& t : n.tokens) s += (s.empty() ? "" : " ") + detail::fold(t);
    if (s == joined) return true;
  }
  return false;
}

// Page text decodes 1- and 2-byte codes through a table, one-byte texts
// written straight into the output: the same text as the map's tree gives
// each code (a blank where it has none), for one-byte, longer, empty and unmapped
// codes, odd lengths and offsets, and in linear time for a long run of
// longer texts (200,000 here).
void check_table_decode(int width) {
  detail::FontMap map;
  map.code_bytes = width;
  map.to_text = {{1, "a"}, {2, "\xC3\xA9"}, {3, ""}, {4, "xyz"}, {5, std::string(1, '\0')}};
  const detail::FontMap tree = map;  // lookup() through the tree
  map.finish();
  ASSERT_FALSE(map.dense.empty());
  // The table takes the tree's place: a copy of the map copies no tree.
  EXPECT_TRUE(map.to_text.empty());
  auto codes = [&](std::initializer_list<int> cs) {
    std::string b;
    for (const int c : cs) {
      if (width == 2) b += static_cast<char>(c >> 8);
      b += static_cast<char>(c & 0xFF);
    }
    return b;
  };
  auto looked_up = [&](std::string_view b, size_t offset) {
    std::string out = "prefix";
    const auto n = static_cast<size_t>(width);
    for (size_t i = offset; i + n <= b.size(); i += n) {
      uint32_t code = static_cast<unsigned char>(b[i]);
      if (width == 2) code = (code << 8) | static_cast<unsigned char>(b[i + 1]);
      const std::string* t = tree.lookup(code);  // no text, or an empty one: a blank
      out += t != nullptr && !t->empty() ? *t : std::string(" ");
    }
    return out;
  };
  for (const std::string& b : {codes({1, 2, 3, 4, 5, 1, 9, 300, 1}), codes({2, 2, 2}),
                               codes({1, 1}) + "x", std::string()}) {
    for (const size_t offset : {size_t{0}, size_t{1}, size_t{2}}) {
      std::string got = "prefix";
      map.decode_append(got, b, offset);
      EXPECT_EQ(got, looked_up(b, offset)) << offset;
    }
  }
  std::string many;
  for (int k = 0; k < 200000; ++k) many += codes({k % 3 == 0 ? 1 : 2});
  EXPECT_EQ("prefix" + map.decode(many), looked_up(many, 0));
  // lookup() of the finished map answers as the tree did.
  for (uint32_t code = 0; code < 400; ++code) {
    const std::string* want = tree.lookup(code);
    const std::string* got = map.lookup(code);
    if (want == nullptr || want->empty()) {
      EXPECT_EQ(got, nullptr) << code;
    } else {
      ASSERT_NE(got, nullptr) << code;
      EXPECT_EQ(*got, *want) << code;
    }
  }
}

TEST(WithheldMaterial, FontMapTableDecodesLikeLookingEachCodeUp) {
  for (const int width : {1, 2}) {
    SCOPED_TRACE(width);
    check_table_decode(width);
  }
}

TEST(WithheldMaterial, WordsPhrasesAndTermsFollowTheDocumentedRule) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  EXPECT_TRUE(has_needle(m, "quillfeather"));
  EXPECT_TRUE(has_needle(m, "resign"));
  EXPECT_TRUE(has_needle(m, "kathleen stephens"));  // the redacted term
  // A phrase of a word needle ("quillfeather") repeats it; one of words
  // released elsewhere is a needle ("tokyo met the": see phrase_cable).
  EXPECT_FALSE(has_needle(m, "source quillfeather said"));
  EXPECT_FALSE(has_needle(m, "the source quillfeather"));
  // ... but kept where its words are not all searched: in binary data "plan"
  // (4 characters) is not, the phrase (11) is.
  EXPECT_TRUE(has_needle(m, "with the plan"));
  // Released words and the writers' wording are not needles on their own ...
  EXPECT_FALSE(has_needle(m, "the"));
  EXPECT_FALSE(has_needle(m, "minister"));
  EXPECT_FALSE(has_needle(m, "and"));
  // ... nor are short words, nor phrases that are also released.
  EXPECT_FALSE(has_needle(m, "2"));
  EXPECT_FALSE(has_needle(m, "the minister"));
  // The kept label and mark are shown, not withheld.
  EXPECT_FALSE(has_needle(m, "c"));
  for (const auto& n : m.needles()) {
    // As the source counts positions.
    const core::Position want = doc.source.position(n.origin);
    EXPECT_GT(m.where(n).line, 0u);
    EXPECT_EQ(m.where(n).line, want.line);
    EXPECT_EQ(m.where(n).column, want.column);
  }
}

// A redaction can end inside a word: the word is cut where its bytes change
// from shown to withheld, and each piece is a word of its class. Code points,
// not bytes, decide whether a word is long enough to be a needle.
TEST(WithheldMaterial, AWordIsCutWhereARedactionEndsInsideIt) {
  const auto doc =
      make_document("w.txt", "1. (U) Envoy Nagamine met Zo\xC3\xAB and \xC3\x85\xC3\xB6 today.\n",
                    {{BlockKind::kParagraph, 1, 1, "1"}});
  core::Decisions d = release_all(doc);
  testing::redact(d, 0, span_of(doc, "Naga"), labels({b6()}));
  testing::redact(d, 0, span_of(doc, "Zo\xC3\xAB"), labels({b6()}));
  testing::redact(d, 0, span_of(doc, "\xC3\x85\xC3\xB6"), labels({b6()}));
  const WithheldMaterial m = collect_withheld(doc, d);
  auto word_needle = [&](const std::string& w) {
    for (const auto& n : m.needles())
      if (n.kind == WithheldMaterial::Needle::kWord && n.tokens.size() == 1 &&
          detail::fold(n.tokens[0]) == w)
        return true;
    return false;
  };
  EXPECT_TRUE(word_needle("naga"));     // the withheld piece of "Nagamine"
  EXPECT_FALSE(has_needle(m, "mine"));  // its shown piece
  EXPECT_FALSE(has_needle(m, "nagamine"));
  EXPECT_TRUE(word_needle("zo\xC3\xAB"));           // 3 code points in 4 bytes
  EXPECT_FALSE(has_needle(m, "\xC3\x85\xC3\xB6"));  // 2 code points in 4 bytes: too short
}

TEST(Verify, TheOutputsOfTheViewPassAndNeverQuoteWithheldText) {
  const auto doc = cable();
  const auto d = decide(doc);
  const ReleaseView v = make_release_view(doc, d);
  const WithheldMaterial m = collect_withheld(doc, d);
  EXPECT_TRUE(verify_output(m, OutputKind::kText, write_text(v), "v.txt").ok());
  auto w = PdfWriter::create({});
  ASSERT_TRUE(w.value);
  auto pdf = (*w.value)->write(v);
  ASSERT_TRUE(pdf.value);
  const VerifyReport r = verify_output(m, OutputKind::kPdf, pdf.value->bytes, "v.pdf");
  for (const auto& f : r.findings) ADD_FAILURE() << f.code << ": " << f.message;
  EXPECT_GT(r.channels, 10u);
  LogOptions lo;
  EXPECT_TRUE(
      verify_output(m, OutputKind::kLog, write_log_csv(v, pdf.value->layout, lo), "log.csv").ok());
  EXPECT_TRUE(
      verify_output(m, OutputKind::kLog, write_log_jsonl(v, pdf.value->layout, lo), "log.jsonl")
          .ok());
}

TEST(Verify, AViewThatLeaksIsCaughtInEveryOutputWithoutQuotingIt) {
  const auto doc = cable();
  const auto d = decide(doc);
  const WithheldMaterial m = collect_withheld(doc, d);
  // Render the document as if nothing were withheld.
  const ReleaseView leaky = make_release_view(doc, release_all(doc));
  const VerifyReport t = verify_output(m, OutputKind::kText, write_text(leaky), "v.txt");
  ASSERT_FALSE(t.ok());
  auto w = PdfWriter::create({});
  auto pdf = (*w.value)->write(leaky);
  const VerifyReport p = verify_output(m, OutputKind::kPdf, pdf.value->bytes, "v.pdf");
  ASSERT_FALSE(p.ok());
  bool page_text = false;
  for (const auto& f : p.findings) {
    EXPECT_EQ(f.message.find("QUILLFEATHER"), std::string::npos);
    EXPECT_EQ(f.message.find("quillfeather"), std::string::npos);
    if (f.message.find("page 1 text") != std::string::npos) page_text = true;
  }
  EXPECT_TRUE(page_text);
  EXPECT_NE(t.findings[0].message.find("v.txt:"), std::string::npos) << t.findings[0].message;
}

TEST(Verify, NoFalseAlarmsOnSubstringsCommonWordsOrTheStamp) {
  const auto doc = cable();
  const auto d = decide(doc);
  const WithheldMaterial m = collect_withheld(doc, d);
  // "Stephen" is withheld but sits inside "Stephenson"; "the" is everywhere;
  // the case number and reviewer are printed by design.
  const std::string text =
      "Stephenson and the minister. Case No. F-2024-00001 REVIEW AUTHORITY: JANE DOE";
  for (const auto& f : verify_output(m, OutputKind::kText, text, "x").findings)
    ADD_FAILURE() << f.message;
  EXPECT_FALSE(verify_output(m, OutputKind::kText, "he would RESIGN today", "x").ok());
  EXPECT_FALSE(verify_output(m, OutputKind::kText, "source Quillfeather said", "x").ok());
}

TEST(Verify, TheIdNextToOtherStampFieldsIsNoLeak) {
  // Found by fuzz_release: an odd id printed before "RELEASED" in the PDF
  // title, while the withheld preamble has "Released:" right after the id.
  auto doc = make_document(
      "odd.txt", "Identifier: 06NEWDELHI4827-10 14:02\nReleased: 2011-03-20\n\n1. (U) Text.\n",
      {{BlockKind::kPreamble, 1, 2, ""}, {BlockKind::kParagraph, 4, 4, "1"}});
  doc.id = "06NEWDELHI4827-10 14:02";
  auto d = release_all(doc);
  testing::withhold(d, 0, labels({b1("b")}));
  const ReleaseView v = make_release_view(doc, d);
  auto w = PdfWriter::create({});
  ASSERT_TRUE(w.value);
  auto pdf = (*w.value)->write(v);
  ASSERT_TRUE(pdf.value);
  const WithheldMaterial m = collect_withheld(doc, d);
  for (const auto& f : verify_output(m, OutputKind::kPdf, pdf.value->bytes, "odd.pdf").findings)
    ADD_FAILURE() << f.message;
  for (const auto& f : verify_output(m, OutputKind::kText, write_text(v), "odd.txt").findings)
    ADD_FAILURE() << f.message;
}

TEST(Verify, ARedactedTermReleasedElsewhereIsReported) {
  const auto doc = cable();
  auto d = release_all(doc);
  // Redact "minister" in paragraph 1 only, while the subject releases it.
  testing::redact(d, 1, span_of(doc, "minister", 1), labels({b6()}));
  const WithheldMaterial m = collect_withheld(doc, d);
  const VerifyReport r =
      verify_output(m, OutputKind::kText, write_text(make_release_view(doc, d)), "v.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.findings[0].code, "term-released");
}

// --- The matcher: words decoded on the fly, needles ending at a word. ------

// Paragraph 2 is withheld but made only of released words: its only needles
// are phrases ("tokyo met the"), which a word-by-word matcher must find.
core::Document phrase_cable() {
  return make_document("p.txt",
                       "1. (U) The minister met the ambassador in Tokyo.\n"
                       "\n"
                       "2. (C) Tokyo met the ambassador.\n"
                       "\n"
                       "3. (U) Kathleen Stephens and Tokyo and the minister.\n",
                       {{BlockKind::kParagraph, 1, 1, "1"},
                        {BlockKind::kParagraph, 3, 3, "2"},
                        {BlockKind::kParagraph, 5, 5, "3"}});
}

std::vector<std::string> kinds(const VerifyReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.message.substr(0, f.message.find(" from ")));
  return out;
}

TEST(Matcher, APhraseOfReleasedWordsIsFoundAcrossSeparatorsButNotInsideOtherWords) {
  const auto doc = phrase_cable();
  auto d = release_all(doc);
  testing::withhold(d, 1, labels({b1("b")}));
  const WithheldMaterial m = collect_withheld(doc, d);
  ASSERT_TRUE(has_needle(m, "tokyo met the"));
  EXPECT_FALSE(has_needle(m, "tokyo"));  // released: no word needle
  EXPECT_FALSE(verify_output(m, OutputKind::kText, "x TOKYO,\n  met -- the y", "x").ok());
  EXPECT_TRUE(verify_output(m, OutputKind::kText, "Tokyo met them", "x").ok());
  EXPECT_TRUE(verify_output(m, OutputKind::kText, "Tokyo metal the", "x").ok());
  EXPECT_TRUE(verify_output(m, OutputKind::kText, "Tokyo and met the", "x").ok());
  // The released text itself is no leak.
  EXPECT_TRUE(verify_output(m, OutputKind::kText, write_text(make_release_view(doc, d)), "x").ok());
}

// The gram prefilter skips ahead where a byte occurs in no gram: it must
// answer exactly "some 4-byte window, ASCII-folded, is a gram" on random
// bytes full of such separators, at every position a gram can stand.
TEST(Matcher, GramScanFindsExactlyTheWindowsThatAreGrams) {
  auto gram = [](std::string_view w) {
    uint32_t g = 0;
    for (const char c : w)
      g = (g << 8) | static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return g;
  };
  detail::NeedlePlan::Grams grams;
  for (const char* w : {"quil", "feat", "ab1x", "zzzz"}) grams.sorted.push_back(gram(w));
  std::sort(grams.sorted.begin(), grams.sorted.end());
  grams.bloom.assign(1024, ~uint64_t{0});  // every bit set: the sorted grams decide
  auto naive = [&](std::string_view b) {
    for (size_t i = 0; i + 4 <= b.size(); ++i)
      if (std::binary_search(grams.sorted.begin(), grams.sorted.end(), gram(b.substr(i, 4))))
        return true;
    return false;
  };
  // Pieces of grams, separators and letters, so that grams form and break.
  const std::vector<std::string> pieces = {
      "qu", "il", "fe", "AT", "ab", "1x",  "zz",
      "q",  "l",  "u",  " ",  "z",  "QUI", std::string(1, '\0')};
  uint64_t x = 0x2545F4914F6CDD1Dull;
  size_t found = 0;
  for (int k = 0; k < 5000; ++k) {
    std::string b;
    const auto len = static_cast<size_t>(k % 24);
    for (size_t i = 0; i < len; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b += pieces[(x >> 20) % pieces.size()];
    }
    const bool want = naive(b);
    found += want;
    EXPECT_EQ(grams.any(b), want) << ::testing::PrintToString(b);
  }
  using namespace std::string_view_literals;
  for (const std::string_view b :
       {"QUIL"sv, "xquil"sv, "\0\0\0quil"sv, "ququil"sv, "qu\0quil"sv, "zzzzz"sv}) {
    EXPECT_TRUE(grams.any(b)) << b;
  }
  for (const std::string_view b : {"qui"sv, "qu l"sv, "quie"sv, ""sv, "zzz\0zzz"sv}) {
    EXPECT_FALSE(grams.any(b)) << b;
  }
  EXPECT_GT(found, 100u);  // both answers occur
  EXPECT_LT(found, 4900u);
}

TEST(Matcher, EveryNeedleEndingAtOneWordIsReportedInReadingOrder) {
  const auto doc = cable();
  const WithheldMaterial m = collect_withheld(doc, decide(doc));
  // The term "kathleen stephens" and the word "stephens" end at one word;
  // "kathleen" starts where the term does. All three are found in reading
  // order (at one word, the later needle first: the words follow the terms).
  const VerifyReport r = verify_output(m, OutputKind::kText, "x Kathleen Stephens.", "x");
  EXPECT_EQ(kinds(r),
            (std::vector<std::string>{"withheld word", "withheld term", "withheld word"}));
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_NE(r.findings[0].message.find(":4:1 "), std::string::npos) << r.findings[0].message;
  EXPECT_NE(r.findings[2].message.find(":4:10 "), std::string::npos) << r.findings[2].message;
  // Each needle once per output, however often it occurs.
  const VerifyReport twice =
      verify_output(m, OutputKind::kText, "QUILLFEATHER x QUILLFEATHER", "x");
  EXPECT_EQ(twice.findings.size(), 1u);
}

TEST(Matcher, ALongTermIsFoundAfterManyWords) {
  // A term of 9 words, after more words than the matcher's ring of recent
  // words holds: the ring must still hold the whole term.
  const std::string term = "alpha bravo charlie delta echo foxtrot golf hotel india";
  const auto doc = make_document("t.txt", "1. (U) Released words here. " + term + " end.\n",
                                 {{BlockKind::kParagraph, 1, 1, "1"}});
  auto d = release_all(doc);
  testing::redact(d, 0, span_of(doc, term), labels({b6()}));
  const WithheldMaterial m = collect_withheld(doc, d);
  ASSERT_TRUE(has_needle(m, term));
  std::string text;
  for (int i = 0; i < 100; ++i) text += "filler" + std::to_string(i) + " ";
  const VerifyReport r =
      verify_output(m, OutputKind::kText, text + "ALPHA Bravo " + term.substr(12), "x");
  bool found = false;
  for (const auto& f : r.findings) found |= f.message.rfind("withheld term", 0) == 0;
  EXPECT_TRUE(found);
}

// --- Hand-made PDFs: every encoding a leak could take. ---------------------

std::string stream(const std::string& data, bool flate = false) {
  const std::string body = flate ? deflate(data) : data;
  return "<< /Length " + std::to_string(body.size()) + (flate ? " /Filter /FlateDecode" : "") +
         " >>\nstream\n" + body + "\nendstream";
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

std::string page_pdf(const std::string& content, bool flate = false, const std::string& info = "",
                     const std::string& font = "") {
  std::vector<std::string> objs = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      stream(content, flate)};
  objs.push_back(font.empty() ? "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>" : font);
  objs.push_back(
      stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange "
             "<0000> <FFFF> "
             "endcodespacerange 3 beginbfrange <0001> <001A> <0041> <0021> <003A> <0061> <0040> "
             "<0049> <0030> "
             "endbfrange endcmap end end"));
  std::string extra;
  if (!info.empty()) {
    objs.push_back(info);
    extra = " /Info " + std::to_string(objs.size()) + " 0 R";
  }
  return make_pdf(objs, extra);
}

const std::string kType0 =
    "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /ToUnicode 6 0 R >>";

// Glyph codes of the hand-made CMap above: A-Z = 1..26, a-z = 33..58.
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

class PdfLeaks : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = cable();
    m_ = std::make_unique<WithheldMaterial>(collect_withheld(doc_, decide(doc_)));
  }
  VerifyReport check(const std::string& pdf) {
    return verify_output(*m_, OutputKind::kPdf, pdf, "x.pdf");
  }
  bool leak(const std::string& pdf) {
    for (const auto& f : check(pdf).findings)
      if (f.code == "leak") return true;
    return false;
  }
  core::Document doc_;
  std::unique_ptr<WithheldMaterial> m_;
};

TEST_F(PdfLeaks, CleanHandMadePdfPasses) {
  const VerifyReport r =
      check(page_pdf("BT /F1 10 Tf 72 700 Td (A released closing paragraph.) Tj ET"));
  for (const auto& f : r.findings) ADD_FAILURE() << f.code << ": " << f.message;
}

TEST_F(PdfLeaks, WinAnsiLiteralHexAndOctalEscapes) {
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td (the source QUILLFEATHER) Tj ET")));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td <" + hex("QUILLFEATHER") + "> Tj ET")));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td (QUILL\\106EATHER) Tj ET")));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td [(QUILLF) -20 (EATHER)] TJ ET")));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td (QUILLFEATHER) Tj ET", true)));  // deflated
}

TEST_F(PdfLeaks, Utf16AndGlyphIds) {
  EXPECT_TRUE(
      leak(page_pdf("BT /F1 10 Tf 72 700 Td <FEFF" + hex(utf16("QUILLFEATHER")) + "> Tj ET")));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td <" + hex(glyphs("QUILLFEATHER")) + "> Tj ET",
                            false, "", kType0)));
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td <" + hex(glyphs("Quillfeather")) + "> Tj ET",
                            true, "", kType0)));
  // Glyph codes hidden as raw binary outside strings (here in a comment).
  EXPECT_FALSE(check(page_pdf("q Q % " + glyphs("QUILLFEATHER"), false, "", kType0)).ok());
  EXPECT_FALSE(check(page_pdf("q Q " + glyphs("QUILLFEATHER") + " Q", false, "", kType0)).ok());
}

// One-byte glyph codes (release PDFs of small character sets use them): a
// ToUnicode map with a one-byte code space, codes that are not the letters'
// own bytes (A-Z = 1..26, a-z = 33..58), in a page's strings and in another
// stream.
TEST_F(PdfLeaks, OneByteGlyphCodes) {
  auto one_byte = [](const std::string& ascii) {
    std::string out;
    for (const char c : ascii)
      out += static_cast<char>(c >= 'A' && c <= 'Z'   ? c - 'A' + 1
                               : c >= 'a' && c <= 'z' ? c - 'a' + 33
                                                      : 0x40);
    return out;
  };
  auto pdf = [&](const std::string& content, const std::string& extra) {
    return make_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                     "/Resources << /Font << /F1 5 0 R >> >> >>",
                     stream(content, true),
                     "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding 8 0 R "
                     "/ToUnicode 6 0 R >>",
                     stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 "
                            "begincodespacerange <00> <FF> endcodespacerange 3 beginbfrange "
                            "<01> <1A> <0041> <21> <3A> <0061> <40> <40> <0020> endbfrange "
                            "endcmap end end"),
                     stream(extra, true),
                     stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 "
                            "begincodespacerange <00> <FF> endcodespacerange 1 begincidrange "
                            "<00> <FF> 0 endcidrange endcmap end end")});
  };
  auto shown = [&](const std::string& text) {
    std::string escaped;
    for (const char c : one_byte(text)) {
      if (c == '(' || c == ')' || c == '\\') escaped += '\\';
      escaped += c;
    }
    return "BT /F1 10 Tf 72 700 Td (" + escaped + ") Tj ET";
  };
  const VerifyReport clean = check(pdf(shown("A released closing paragraph"), "filler"));
  for (const auto& f : clean.findings) ADD_FAILURE() << f.code << ": " << f.message;
  EXPECT_TRUE(leak(pdf(shown("the source QUILLFEATHER said"), "filler")));
  EXPECT_TRUE(leak(pdf(shown("the source Quillfeather said"), "filler")));
  EXPECT_TRUE(leak(pdf(shown("released"), "\x7f\x7f" + one_byte("QUILLFEATHER") + "\x7f")));
}

// A font whose one-byte codes read as Windows-1252 except one: strings that
// hold that code are still decoded through the font (here the page never
// selects the font, so only the strings' glyph-code channel can see "Q").
TEST_F(PdfLeaks, OneByteCodesThatReadOtherwiseThanWindows1252AreDecoded) {
  auto pdf = [&](const std::string& shown) {
    return make_pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                     "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                     "/Resources << /Font << /F1 5 0 R >> >> >>",
                     stream("BT 72 700 Td (" + shown + ") Tj ET", true),
                     "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding 7 0 R "
                     "/ToUnicode 6 0 R >>",
                     stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 "
                            "begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange "
                            "<20> <7E> <0020> endbfrange 1 beginbfchar <80> <0051> endbfchar "
                            "endcmap end end"),
                     stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 "
                            "begincodespacerange <00> <FF> endcodespacerange 1 begincidrange "
                            "<00> <FF> 0 endcidrange endcmap end end")});
  };
  const VerifyReport clean = check(pdf("A released closing paragraph"));
  for (const auto& f : clean.findings) ADD_FAILURE() << f.code << ": " << f.message;
  EXPECT_TRUE(leak(pdf("A released QUILLFEATHER paragraph")));  // the same either way
  EXPECT_TRUE(leak(pdf("A released \x80UILLFEATHER paragraph")));
}

TEST_F(PdfLeaks, EncodingsAtEitherAlignmentInsideOtherStreams) {
  // A stream that is neither content nor font: searched as Windows-1252, as
  // UTF-16BE and as glyph codes, each at both byte alignments.
  auto with_extra = [&](const std::string& data, const std::string& font = "") {
    std::vector<std::string> objs = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        stream("BT ET"),
        font.empty() ? "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>" : font,
        stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 "
               "begincodespacerange <0000> <FFFF> endcodespacerange 3 beginbfrange <0001> <001A> "
               "<0041> <0021> <003A> <0061> <0040> <0049> <0030> endbfrange endcmap end end"),
        stream(data, true)};
    return make_pdf(objs);
  };
  EXPECT_FALSE(leak(with_extra("\x01\x02 filler")));
  EXPECT_TRUE(leak(with_extra("\x01\x02 QUILLFEATHER \x03")));
  EXPECT_TRUE(leak(with_extra(utf16("xx QUILLFEATHER yy"))));
  EXPECT_TRUE(leak(with_extra("\x7f" + utf16("xx QUILLFEATHER yy"))));  // odd alignment
  EXPECT_TRUE(leak(with_extra(glyphs("QUILLFEATHER"), kType0)));
  EXPECT_TRUE(leak(with_extra("\x7f" + glyphs("QUILLFEATHER"), kType0)));
  // A word in both alignments at once is one word in neither: no alarm.
  EXPECT_FALSE(leak(with_extra("\x7f" + glyphs("QUILL") + "\x7f" + glyphs("FEATHER"), kType0)));
}

TEST_F(PdfLeaks, AWordSplitAcrossStringsOrStreamsOfOnePageIsFoundInThePageText) {
  // Two strings side by side on the baseline extract as one word.
  EXPECT_TRUE(leak(page_pdf("BT /F1 10 Tf 72 700 Td (QUILL) Tj (FEATHER) Tj ET")));
  // Two content streams of one page: the text runs on from one to the next.
  const std::string pdf = make_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] "
       "/Resources << /Font << /F1 5 0 R >> >> >>",
       stream("BT /F1 10 Tf 72 700 Td (QUILL) Tj", true),
       "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", stream("(FEATHER) Tj ET", true)});
  bool page_text = false;
  for (const auto& f : check(pdf).findings)
    page_text |= f.code == "leak" && f.message.find("page 1 text") != std::string::npos;
  EXPECT_TRUE(page_text);
  // Far apart on the page they are two words, and no leak.
  EXPECT_FALSE(leak(page_pdf("BT /F1 10 Tf 72 700 Td (QUILL) Tj 0 -100 Td (FEATHER) Tj ET")));
}

TEST_F(PdfLeaks, InfoDictionaryAndExtraKeys) {
  const std::string pdf =
      page_pdf("BT ET", false, "<< /Title (About QUILLFEATHER) /Subject (x) >>");
  const VerifyReport r = check(pdf);
  bool leak_found = false;
  bool subject = false;
  for (const auto& f : r.findings) {
    leak_found |= f.code == "leak";
    subject |= f.message.find("/Subject") != std::string::npos;
  }
  EXPECT_TRUE(leak_found);
  EXPECT_TRUE(subject);
  EXPECT_TRUE(
      leak(page_pdf("BT ET", false, "<< /Title <FEFF" + hex(utf16("QUILLFEATHER")) + "> >>")));
}

TEST_F(PdfLeaks, HygieneRules) {
  auto hygiene = [&](const std::string& pdf, const std::string& what) {
    for (const auto& f : check(pdf).findings)
      if (f.code == "pdf-hygiene" && f.message.find(what) != std::string::npos) return true;
    return false;
  };
  const std::string clean = page_pdf("BT ET");
  EXPECT_TRUE(
      hygiene(clean + clean.substr(clean.find("xref")), "%%EOF"));  // an incremental-style tail
  EXPECT_TRUE(hygiene(make_pdf({"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>",
                                "<< /Type /Pages /Kids [] /Count 0 >>", stream("<x:xmpmeta/>")}),
                      "/Metadata"));
  EXPECT_TRUE(hygiene(
      make_pdf({"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>",
                "<< /Type /Pages /Kids [] /Count 0 >>"}),
      "/JavaScript"));
  EXPECT_TRUE(
      hygiene(make_pdf({"<< /Type /Catalog /Pages 2 0 R /Outlines 3 0 R >>",
                        "<< /Type /Pages /Kids [] /Count 0 >>", "<< /Type /Outlines /Count 0 >>"}),
              "/Outlines"));
  EXPECT_TRUE(hygiene(page_pdf("/Span << /ActualText (x) >> BDC EMC"), "/ActualText"));
  EXPECT_TRUE(hygiene(page_pdf("/Span << /Alt (x) >> BDC EMC"), "/Alt"));
  EXPECT_TRUE(
      hygiene(make_pdf({"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>",
                        "<< /Type /Pages /Kids [] /Count 0 >>", "<< /Names [] >>"}),
              "/EmbeddedFiles"));
  EXPECT_TRUE(hygiene(
      make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [4 0 R] >>",
                "<< /Type /Annot /Subtype /Text /Contents (note) >>"}),
      "/Annots"));
  // Outside strings a content stream is plain syntax: the first comment or
  // binary byte is reported; strings and hex strings may hold anything, and
  // binary data after an inline image's ID is the image's.
  const std::string comment = "a comment in a content stream";
  const std::string binary = "binary bytes outside strings";
  EXPECT_TRUE(hygiene(page_pdf("BT ET % a note"), comment));
  EXPECT_TRUE(hygiene(page_pdf("BT /F\x01 1 Tf ET"), binary));
  EXPECT_TRUE(hygiene(page_pdf("BT 1 0 0 1 72\x80 700 Tm ET"), binary));
  EXPECT_TRUE(hygiene(page_pdf("BT \x01x % note\n ET"), binary));
  EXPECT_FALSE(hygiene(page_pdf("BT \x01x % note\n ET"), comment));
  EXPECT_TRUE(hygiene(page_pdf("BT % note\n \x01x ET"), comment));
  EXPECT_FALSE(hygiene(page_pdf("BT % note\n \x01x ET"), binary));
  for (const std::string& plain :
       {std::string("BT (50% \x01 \\) \x80) Tj <41\x01 42> Tj ET"), std::string("BT \0 ET"),
        std::string("q BI /W 1 /H 1 ID \x01\x02 EI Q % after the image"),
        std::string("BT (never closed \x01")}) {
    EXPECT_FALSE(hygiene(page_pdf(plain), comment)) << plain;
    EXPECT_FALSE(hygiene(page_pdf(plain), binary)) << plain;
  }
  // Every forbidden name, wherever a name can stand (here in a content
  // stream), and not a name that merely starts like one.
  for (const std::string n :
       {"AA",        "AcroForm",       "ActualText",    "Alt",       "Annot",
        "Annots",    "EmbeddedFile",   "EmbeddedFiles", "Encrypt",   "Filespec",
        "JS",        "JavaScript",     "Launch",        "Metadata",  "Names",
        "ObjStm",    "OpenAction",     "Outlines",      "PieceInfo", "Prev",
        "RichMedia", "StructTreeRoot", "SubmitForm",    "URI",       "XFA",
        "XRef",      "XRefStm"}) {
    EXPECT_TRUE(hygiene(page_pdf("/" + n + " gs BT ET"), "forbidden name /" + n)) << n;
    EXPECT_FALSE(hygiene(page_pdf("/" + n + "x gs BT ET"), "forbidden name")) << n;
  }
  // Not a PDF at all: fails closed.
  const VerifyReport junk = check("this is not a pdf");
  EXPECT_FALSE(junk.ok());
}

}  // namespace
}  // namespace declass::render
