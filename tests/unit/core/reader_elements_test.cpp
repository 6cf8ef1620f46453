// The reader, element by element, on small hand-written cables: each tricky
// case of domain.md §4 at least once, with the exact blocks, labels, marks,
// parents and diagnostics it must produce.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "declass/core/document.h"
#include "declass/core/model_dump.h"
#include "reader_test_util.h"

namespace declass::core {
namespace {

using testing::check_invariant;
using testing::read_bytes;
using testing::read_text;

// A minimal classified header around `body`.
std::string cable(const std::string& body,
                  const std::string& banner = "C O N F I D E N T I A L TOKYO 003470") {
  return "VZCZCXRO5413\nOO RUEHFK\nDE RUEHKO #3470/01 2110558\nZNY CCCCC ZZH\nO 300558Z JUL 07\n"
         "FM AMEMBASSY TOKYO\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 5958\n\n" +
         banner +
         "\n\nSIPDIS\n\nE.O. 12958: DECL: 07/30/2017\nTAGS: PREL JA\nSUBJECT: A TEST\n\n"
         "Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (b)/(d).\n\n" +
         body;
}

std::vector<const Block*> of_kind(const Document& doc, BlockKind k) {
  std::vector<const Block*> out;
  for (const Block& b : doc.blocks)
    if (b.kind == k) out.push_back(&b);
  return out;
}

const Block* paragraph(const Document& doc, const std::string& label) {
  for (const Block& b : doc.blocks)
    if ((b.kind == BlockKind::kParagraph || b.kind == BlockKind::kSubParagraph) && b.label == label)
      return &b;
  return nullptr;
}

bool has_code(const Document& doc, const std::string& code) {
  for (const auto& d : doc.diagnostics)
    if (d.code == code) return true;
  return false;
}

std::string text(const Document& doc, const Block* b) {
  return b ? block_text(doc, *b) : "<none>";
}

TEST(ReaderElements, HeaderFieldsAndDocumentFacts) {
  const Document doc = read_text(cable("1. (C) Text.\n"));
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_EQ(doc.layout, Layout::kBare);
  EXPECT_EQ(doc.id, "07TOKYO3470");  // DTG year + banner post + serial
  EXPECT_EQ(doc.created, "2007-07-30 05:58");
  EXPECT_EQ(doc.origin, "Embassy Tokyo");
  ASSERT_TRUE(doc.banner.has_value());
  EXPECT_EQ(doc.banner->post, "TOKYO");
  EXPECT_EQ(doc.banner->serial, "003470");
  EXPECT_EQ(doc.banner->classification.level, Level::kConfidential);
  EXPECT_EQ(doc.tags, (std::vector<std::string>{"PREL", "JA"}));
  EXPECT_EQ(doc.subject, "A TEST");
  EXPECT_EQ(doc.declass.kind, DeclassKind::kDate);
  ASSERT_TRUE(doc.classified_by.has_value());
  EXPECT_EQ(doc.classified_by->reasons, "bd");
  EXPECT_EQ(of_kind(doc, BlockKind::kRouting).size(), 1u);
  EXPECT_EQ(of_kind(doc, BlockKind::kEoLine).size(), 1u);
  EXPECT_EQ(doc.classification.level, Level::kConfidential);
}

TEST(ReaderElements, SipdisInTheMiddleOfASentenceIsACaption) {
  // 06MADRID621: "National Security\n\nSIPDIS\nAdvisor".
  const Document doc = read_text(
      cable("1. (C) He met Spanish National Security\n\nSIPDIS\nAdvisor Carles Casajuana.\n"));
  EXPECT_EQ(check_invariant(doc), "");
  const Block* p = paragraph(doc, "1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(text(doc, p), "He met Spanish National Security Advisor Carles Casajuana.");
  const auto caps = of_kind(doc, BlockKind::kCaption);
  ASSERT_EQ(caps.size(), 2u);  // the header one and the interruption
  EXPECT_EQ(caps[1]->parent, static_cast<int32_t>(p - doc.blocks.data()));
}

TEST(ReaderElements, GluedAndDoubledCaptions) {
  // 06ISLAMABAD22025 and 06PARTO9.
  const Document doc = read_text(
      "C O N F I D E N T I A L SECTION 01 OF 03 ISLAMABAD 022025SIPDISNOFORN SIPDISE.O. 12958: "
      "DECL: 11/14/2016\n\nTAGS: PK\n\nSUBJECT: X\n\nSIPDIS, NOFORN\n\n1. (C) Text.\n");
  EXPECT_EQ(check_invariant(doc), "");
  ASSERT_TRUE(doc.banner.has_value());
  EXPECT_EQ(doc.banner->serial, "022025");
  EXPECT_TRUE(doc.banner->classification.has(Control::kNoforn));
  EXPECT_EQ(doc.declass.kind, DeclassKind::kDate);
  const auto caps = of_kind(doc, BlockKind::kCaption);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(block_text(doc, *caps[0]), "SIPDISNOFORN SIPDIS");
  EXPECT_EQ(block_text(doc, *caps[1]), "SIPDIS, NOFORN");
}

TEST(ReaderElements, PageBreakLinesNeverSplitAParagraph) {
  const Document doc = read_text(cable(
      "1. (C) The U.S. would\n\nTOKYO 00003470 002 OF 003\n\n\nclosely consult with Japan.\n\n"
      "2. (C) Reflowed text.  TOKYO 00003470  003.2 OF 003   goes on here.\n"));
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_EQ(text(doc, paragraph(doc, "1")), "The U.S. would closely consult with Japan.");
  EXPECT_EQ(text(doc, paragraph(doc, "2")), "Reflowed text. goes on here.");
  const auto breaks = of_kind(doc, BlockKind::kPageBreak);
  ASSERT_EQ(breaks.size(), 2u);
  EXPECT_EQ(block_text(doc, *breaks[0]), "TOKYO 00003470 002 OF 003");
  EXPECT_EQ(block_text(doc, *breaks[1]), "TOKYO 00003470 003.2 OF 003");
  EXPECT_EQ(breaks[0]->parent, static_cast<int32_t>(paragraph(doc, "1") - doc.blocks.data()));
  EXPECT_EQ(breaks[1]->parent, static_cast<int32_t>(paragraph(doc, "2") - doc.blocks.data()));
}

TEST(ReaderElements, OldTelegramSectionRepeatsAreRepeatedBlocks) {
  // 00HARARE6677: the banner, captions and trailer repeat in every section and
  // paragraph 5 continues across the break.
  const std::string text_in =
      "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 006677\nSIPDIS\n"
      "NSC FOR SENIOR AFRICA DIRECTOR GAYLE SMITH\nEO 12958 DECL: 11/29/10\nTAGS PGOV, ZI\n"
      "SUBJECT: ASSISTANT SECRETARY MEETS WITH ZIMBABWE\n"
      "CLASSIFIED BY AMBASSADOR TOM MCDONALD FOR REASONS 1.5 (B) AND (D).\n"
      "\xC2\xB6"
      "5. (C) THE ECONOMIC DECLINE IS SO STEEP THAT IF IT WAITS THAT LONG,\n"
      " CONFIDENTIAL\n CONFIDENTIAL PTQ1865\nPAGE 01 HARARE 06677 02 OF 02 291401Z ACTION AF-00\n"
      "C O N F I D E N T I A L SECTION 02 OF 02 HARARE 006677\nSIPDIS\n"
      "NSC FOR SENIOR AFRICA DIRECTOR GAYLE SMITH\nE.O. 12958: DECL: 11/29/10 TAGS: PGOV ZI\n"
      "THERE WILL BE NOTHING TO VOTE FOR.\n\n\xC2\xB6"
      "6. (C) MORE.\nMCDONALD\n";
  const Document doc = read_text(text_in);
  EXPECT_EQ(check_invariant(doc), "");
  const Block* p5 = paragraph(doc, "5");
  ASSERT_NE(p5, nullptr);
  EXPECT_EQ(block_text(doc, *p5),
            "THE ECONOMIC DECLINE IS SO STEEP THAT IF IT WAITS THAT LONG, THERE WILL BE NOTHING TO "
            "VOTE FOR.");
  const int32_t i5 = static_cast<int32_t>(p5 - doc.blocks.data());
  size_t repeated = 0;
  for (const Block& b : doc.blocks) {
    if (!b.repeated) continue;
    ++repeated;
    EXPECT_EQ(b.parent, i5) << to_string(b.kind);
  }
  EXPECT_GE(repeated, 5u);  // routing, banner, caption, addressee, E.O., TAGS
  EXPECT_EQ(doc.banner->section, 1u);
  EXPECT_EQ(doc.banner->section_count, 2u);
  const auto sig = of_kind(doc, BlockKind::kSignature);
  ASSERT_EQ(sig.size(), 1u);
  EXPECT_EQ(block_text(doc, *sig[0]), "MCDONALD");
}

TEST(ReaderElements, RefLettersAreNeverMarkings) {
  // 06NAIROBI1187.
  const Document doc = read_text(
      "C O N F I D E N T I A L NAIROBI 001187\n\nE.O. 12958: DECL: 03/14/2026\nTAGS: KE\n"
      "SUBJECT: X\n\nREF: A. (A) NAIROBI 988\n\n     \xC2\xB6"
      "B. (B) NAIROBI 1114\n     \xC2\xB6"
      "C. (C) NAIROBI 1023\n\nClassified By: Ambassador, reasons 1.4 (b,d).\n\n1. (U) Text.\n");
  EXPECT_EQ(check_invariant(doc), "");
  const auto refs = of_kind(doc, BlockKind::kRef);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0]->pieces.size(), 3u);
  EXPECT_FALSE(refs[0]->mark.has_value());
  EXPECT_EQ(paragraph(doc, "C"), nullptr);
  EXPECT_EQ(paragraph(doc, "1")->marking, MarkingStatus::kMarked);
  EXPECT_FALSE(has_code(doc, "banner-below-portion"));
}

TEST(ReaderElements, ParenthesesThatAreNotMarkings) {
  // 06TOKYO1363 "(1) Poll ...", 09BERLIN1148 "(U.S.)".
  const Document doc =
      read_text(cable("1. (U) INDEX:\n(1) Poll on Koizumi cabinet\n(2) Koizumi aiming high\n\n"
                      "\xC2\xB6"
                      "5.   (U.S.)   Issue of Race in America\n"));
  EXPECT_EQ(check_invariant(doc), "");
  const Block* i1 = paragraph(doc, "(1)");
  ASSERT_NE(i1, nullptr);
  EXPECT_EQ(i1->kind, BlockKind::kSubParagraph);
  EXPECT_FALSE(i1->mark.has_value());
  EXPECT_EQ(i1->marking, MarkingStatus::kInherited);
  EXPECT_EQ(i1->parent, static_cast<int32_t>(paragraph(doc, "1") - doc.blocks.data()));
  ASSERT_NE(paragraph(doc, "(2)"), nullptr);
  const Block* p5 = paragraph(doc, "5");
  ASSERT_NE(p5, nullptr);
  EXPECT_FALSE(p5->mark.has_value());
  EXPECT_EQ(text(doc, p5), "(U.S.) Issue of Race in America");
}

TEST(ReaderElements, SubParagraphsInheritFromParentAndBanner) {
  // "A. (C)", "-- (S/NF)", "¶A." unmarked (05REYKJAVIK526), the "1. C)" fixture.
  const Document doc =
      read_text(cable("1. (U) Lead-in:\n\nA. (C) First.\n\n-- (S/NF) Bullet.\n\n  \xC2\xB6"
                      "B.   Unmarked.\n\n"
                      "2. C) No opening parenthesis.\n",
                      "S E C R E T TOKYO 003470"));
  EXPECT_EQ(check_invariant(doc), "");
  const Block* a = paragraph(doc, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, BlockKind::kSubParagraph);
  EXPECT_EQ(a->classification.level, Level::kConfidential);
  const Block* bullet = paragraph(doc, "--");
  ASSERT_NE(bullet, nullptr);
  EXPECT_TRUE(bullet->classification.has(Control::kNoforn));
  EXPECT_EQ(bullet->parent, static_cast<int32_t>(a - doc.blocks.data()));  // the enclosing letter
  const Block* b = paragraph(doc, "B");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->marking, MarkingStatus::kInherited);
  EXPECT_EQ(b->classification.level, Level::kSecret);  // max(parent U, banner S)
  EXPECT_EQ(b->issues, std::vector<std::string>{"unmarked-paragraph"});
  const Block* p2 = paragraph(doc, "2");
  ASSERT_NE(p2, nullptr);
  ASSERT_TRUE(p2->mark.has_value());
  EXPECT_EQ(p2->classification.level, Level::kConfidential);
  EXPECT_TRUE(has_code(doc, "malformed-marking"));
  EXPECT_EQ(text(doc, p2), "No opening parenthesis.");
}

TEST(ReaderElements, UnmarkedParagraphsFailClosed) {
  const Document doc = read_text(cable("1. No mark here.\n\n2. (U) Marked.\n"));
  const Block* p1 = paragraph(doc, "1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->marking, MarkingStatus::kInherited);
  EXPECT_EQ(p1->classification.level, Level::kConfidential);
  EXPECT_TRUE(has_code(doc, "unmarked-paragraph"));
  // An unclassified cable without (U) marks: no diagnostic (06BRASILIA476).
  const Document u = read_text(
      "UNCLAS BRASILIA 000476\n\nE.O. 12958: N/A\nTAGS: BR\nSUBJECT: X\n\n1. Text.\n\n2. More.\n");
  EXPECT_EQ(paragraph(u, "1")->classification.level, Level::kUnclassified);
  EXPECT_FALSE(has_code(u, "unmarked-paragraph"));
  EXPECT_FALSE(has_code(u, "missing-eo-line"));
}

TEST(ReaderElements, HeadingsAndUnlabelledText) {
  const Document doc = read_text(
      cable("1. (C) Summary: text. End Summary.\n\n-------------\nNSA Casajuana\n-------------\n\n"
            "2. (U) More.\n\nREFLOWED HEADING ------------\n\nUnnumbered closing text.\n"));
  EXPECT_EQ(check_invariant(doc), "");
  std::vector<std::string> unlabelled;
  for (const Block& b : doc.blocks)
    if (b.kind == BlockKind::kParagraph && b.label.empty())
      unlabelled.push_back(block_text(doc, b));
  EXPECT_EQ(unlabelled, (std::vector<std::string>{"------------- NSA Casajuana -------------",
                                                  "REFLOWED HEADING ------------",
                                                  "Unnumbered closing text."}));
}

TEST(ReaderElements, ClassifiedByWrappedAndMisplaced) {
  // Wrapped (06MADRID621) and inside a reflowed REF line (08TRIPOLI564).
  const Document w = read_text(
      "C O N F I D E N T I A L MADRID 000621\n\nE.O. 12958: DECL: 03/13/2016\nTAGS: SP\nSUBJECT: "
      "X\n\n"
      "Classified By: Political Counselor Kathleen Fitzpatrick for reasons 1.4\n(b) and (d).\n\n"
      "1. (C) Text.\n");
  ASSERT_TRUE(w.classified_by.has_value());
  EXPECT_EQ(w.classified_by->reasons, "bd");
  EXPECT_EQ(of_kind(w, BlockKind::kClassifiedBy)[0]->pieces.size(), 2u);
  const Document m = read_text(
      "S E C R E T SECTION 01 OF 02 TRIPOLI 000564\n\nNOFORN\nSIPDIS\n\nE.O. 12958: DECL:  "
      "7/11/2018\n"
      "TAGS: LY\nSUBJECT: NOC CHAIRMAN MAY SEEK TO\nRESIGN SOON\n\nREF: TRIPOLI 227  TRIPOLI "
      "00000564  "
      "001.2 OF 002   CLASSIFIED BY: Chris Stevens, CDA. REASON: 1.4 (b), (d) 1. (S/NF) Summary: "
      "A friend.  End summary.  2. (S/NF) Ibrahim said so. End comment. GODFREY\n");
  EXPECT_EQ(check_invariant(m), "");
  ASSERT_TRUE(m.classified_by.has_value());
  EXPECT_EQ(m.subject, "NOC CHAIRMAN MAY SEEK TO RESIGN SOON");
  EXPECT_EQ(text(m, paragraph(m, "1")), "Summary: A friend. End summary.");
  EXPECT_EQ(text(m, paragraph(m, "2")), "Ibrahim said so. End comment.");
  EXPECT_EQ(block_text(m, *of_kind(m, BlockKind::kRef)[0]), "REF: TRIPOLI 227");
  ASSERT_EQ(of_kind(m, BlockKind::kSignature).size(), 1u);
  EXPECT_EQ(block_text(m, *of_kind(m, BlockKind::kSignature)[0]), "GODFREY");
  EXPECT_TRUE(m.banner->classification.has(Control::kNoforn));
}

TEST(ReaderElements, SubjectWithItsOwnMark) {
  const Document doc = read_text(
      cable("1. (C) Text.\n")
          .replace(cable("").find("SUBJECT: A TEST"), 15, "SUBJECT: (S) WHO WOULD REPLACE HIM"));
  ASSERT_EQ(of_kind(doc, BlockKind::kSubject).size(), 1u);
  const Block* s = of_kind(doc, BlockKind::kSubject)[0];
  ASSERT_TRUE(s->mark.has_value());
  EXPECT_EQ(s->classification.level, Level::kSecret);
  EXPECT_EQ(doc.subject, "WHO WOULD REPLACE HIM");
  EXPECT_EQ(doc.classification.level, Level::kSecret);
  EXPECT_TRUE(has_code(doc, "banner-below-portion"));
}

TEST(ReaderElements, EoLineProblemsOnAClassifiedCable) {
  const Document na =
      read_text("S E C R E T STATE 000001\n\nE.O. 12958: N/A\nTAGS: X\nSUBJECT: Y\n\n1. (S) Z.\n");
  EXPECT_TRUE(has_code(na, "na-on-classified"));
  const Document none = read_text("S E C R E T STATE 000001\n\nTAGS: X\nSUBJECT: Y\n\n1. (S) Z.\n");
  EXPECT_EQ(none.declass.kind, DeclassKind::kMissing);
  EXPECT_TRUE(has_code(none, "missing-eo-line"));
  const Document bad = read_text(
      "S E C R E T STATE 000001\n\nE.O. 12958: DECL: (##)\nTAGS: X\nSUBJECT: Y\n\n1. (S) Z.\n");
  EXPECT_TRUE(has_code(bad, "unparseable-eo-line"));
  // Mid-line in a reflowed header, with TAGS after it (00HARARE6677 section 2).
  const Document mid = read_text(
      "C O N F I D E N T I A L HARARE 006677 E.O. 12958: DECL: 11/29/10 TAGS: PGOV ZI\n\n1. (C) "
      "X.\n");
  EXPECT_EQ(mid.declass.kind, DeclassKind::kDate);
  EXPECT_EQ(mid.tags, (std::vector<std::string>{"PGOV", "ZI"}));
}

TEST(ReaderElements, GarbledMarksReadMostRestrictively) {
  const Document doc = read_text(cable("1. (SE) Text.\n"));
  const Block* p = paragraph(doc, "1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->marking, MarkingStatus::kGarbled);
  EXPECT_GE(p->classification.level, Level::kSecret);
  EXPECT_TRUE(has_code(doc, "garbled-marking"));
}

TEST(ReaderElements, EntireTextMarkCoversTheTelegram) {
  // 79TEHRAN8980.
  const Document doc = read_text(
      "UNCLAS TEHRAN 08980\n\nE.O. 12065: GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P\nTAGS: "
      "IR\nSUBJECT: X\n\n"
      "1. (C - ENTIRE TEXT)\n\n2. REST OF THE TEXT.\n");
  EXPECT_EQ(paragraph(doc, "2")->classification.level, Level::kConfidential);
  EXPECT_EQ(doc.classification.level, Level::kConfidential);
}

TEST(ReaderElements, PartnerHeadersAreNotices) {
  const Document id = read_text(
      "VZCZCXYZ0011\nRR RUEHWEB\n\nid: 236241\ndate: 11/23/2009 21:20\nrefid: 09ASUNCION661\n"
      "classification: UNCLASSIFIED//FOR OFFICIAL USE ONLY\nheader:\nVZCZCXYZ0011\n"
      "----------------- header ends ----------------\nUNCLAS ASUNCION 000661\nSENSITIVE\n"
      "E.O. 12958: N/A\nTAGS: ASEC\nSUBJECT: X\n\n1. (SBU) Y.\n");
  EXPECT_EQ(check_invariant(id), "");
  ASSERT_EQ(of_kind(id, BlockKind::kNotice).size(), 1u);
  EXPECT_EQ(of_kind(id, BlockKind::kNotice)[0]->pieces.size(), 7u);
  ASSERT_TRUE(id.banner.has_value());
  EXPECT_TRUE(id.banner->classification.has(Control::kSbu));
  const Document bare = read_text(
      "198860\n2009-03-25 17:51:00\n09MEXICO880\nEmbassy Mexico\nCONFIDENTIAL\n\n"
      "Friday, 20 February 2009, 16:00\nCable dated:2006-11-16T12:00:00 C O N F I D E N T I A L "
      "MEXICO 000880\n"
      "E.O. 12958: DECL: 03/25/2019\n\n1. (C) Text.\n");
  EXPECT_EQ(check_invariant(bare), "");
  EXPECT_EQ(of_kind(bare, BlockKind::kNotice).size(), 3u);
  ASSERT_TRUE(bare.banner.has_value());
  EXPECT_EQ(bare.banner->post, "MEXICO");
}

TEST(ReaderElements, PartialExtractAndMediaRedactions) {
  const Document doc = read_text(
      "This record is a partial extract of the original cable. The full text of the original cable "
      "is "
      "not available.\n\nC O N F I D E N T I A L BEIJING 001336\n\nEO 12958 XXXXXXXXXXXXX\n\n"
      "1. (C) XXXXXXXXXXXX told us.\n");
  EXPECT_TRUE(doc.partial_extract);
  EXPECT_TRUE(has_code(doc, "partial-extract"));
  EXPECT_EQ(doc.media_redactions.size(), 2u);
  EXPECT_TRUE(has_code(doc, "media-redaction"));
  const Block* p = paragraph(doc, "1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->issues, std::vector<std::string>{"media-redaction"});
}

// The media-redaction scan jumps 16 bytes at a time to the next 'X' or 'x':
// runs that start or end on either side of a block edge, upper and lower case
// runs back to back, short runs and a run at the very end must come out as a
// byte-by-byte scan finds them.
TEST(ReaderElements, MediaRedactionRunsAtBlockEdges) {
  for (size_t shift = 0; shift < 17; ++shift) {
    const std::string text = "1. (C) " + std::string(shift, 'a') +
                             " Xinhua taxi XXXX then XXXXXxxxxxx, " + std::string(9, 'b') +
                             " XXXXXXXXXXXXXXXXXXXX and xxxxx.\nEnd XXXXXX";
    const Document doc = read_text(text);
    std::vector<Span> expected;
    for (size_t i = 0; i < text.size();) {
      const char x = text[i];
      if (x != 'X' && x != 'x') {
        ++i;
        continue;
      }
      size_t e = i;
      while (e < text.size() && text[e] == x) ++e;
      if (e - i >= 5) expected.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
      i = e;
    }
    ASSERT_EQ(expected.size(), 5u);
    EXPECT_EQ(doc.media_redactions, expected) << "shift " << shift;
  }
}

TEST(ReaderElements, Latin1RawCableWithPilcrows) {
  // The full release: ISO-8859-1, CRLF, a leading blank line, "¶" as 0xB6, and
  // "¶2007." which is a year, not a paragraph.
  const std::string raw =
      "\r\nVZCZCXRO0594\r\nRR RUEHAO\r\nDE RUEHBO #1165 0471902\r\nZNR UUUUU ZZH\r\nR 161902Z FEB "
      "07\r\n"
      "FM AMEMBASSY BOGOTA\r\nTO RUEHC/SECSTATE WASHDC 2786\r\nUNCLAS BOGOTA 001165 \r\n "
      "\r\nSIPDIS \r\n \r\n"
      "E.O. 12958: N/A \r\nTAGS: PGOV CO\r\nSUBJECT: X \r\n \r\n\xB6"
      "1.  Held in Panama in June of \r\n\xB6"
      "2007. \r\n \r\n\xB6"
      "2.  Next.\r\nDRUCKER\r\n";
  const Document doc = read_bytes("07BOGOTA1165.txt", raw);
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_EQ(doc.id, "07BOGOTA1165");
  EXPECT_EQ(doc.created, "2007-02-16 19:02");
  EXPECT_TRUE(has_code(doc, "decoded-windows-1252"));
  EXPECT_EQ(text(doc, paragraph(doc, "1")),
            "Held in Panama in June of \xC2\xB6"
            "2007.");
  EXPECT_NE(paragraph(doc, "2"), nullptr);
  ASSERT_EQ(of_kind(doc, BlockKind::kSignature).size(), 1u);
}

TEST(ReaderElements, PreambleLayoutsAndMismatch) {
  const Document doc = read_text(
      "Identifier: 07TOKYO3470\nCreated: 2007-07-30 05:58\nReleased: 2011-01-01 00:00\n"
      "Classification: CONFIDENTIAL//NOFORN\nOrigin: Embassy Tokyo\nCable title: X\nTags: "
      "PREL\n\n" +
      cable("1. (C) Text.\n"));
  EXPECT_EQ(doc.layout, Layout::kPreamble);
  ASSERT_TRUE(doc.preamble_classification.has_value());
  EXPECT_TRUE(doc.classification.has(Control::kNoforn));
  EXPECT_TRUE(has_code(doc, "preamble-banner-mismatch"));
  EXPECT_EQ(doc.blocks.front().kind, BlockKind::kPreamble);
}

TEST(ReaderElements, CorrectedCopyCaptionAndEftoBanner) {
  const Document doc = read_text(
      "UNCLAS E F T O LONDON 002618\n\nC O R R E C T E D  C O P Y - CHANGING PARA(S) NUMBERS 7 - "
      "15\n\n"
      "SIPDIS\n\nE.O. 12958: N/A\nTAGS: UK\nSUBJECT: X\n\n1. Text.\n");
  ASSERT_TRUE(doc.banner.has_value());
  EXPECT_TRUE(doc.banner->classification.has(Control::kEfto));
  const auto caps = of_kind(doc, BlockKind::kCaption);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(block_text(doc, *caps[0]),
            "C O R R E C T E D C O P Y - CHANGING PARA(S) NUMBERS 7 - 15");
}

TEST(ReaderElements, FlattenedRepeatOfTheWholeBody) {
  // 08STATE86156: the header, truncated, then everything again on one line.
  const Document doc = read_text(
      "S E C R E T SECTION 01 OF 03 STATE 086156\n\nNOFORN, SIPDIS\n\nE.O. 12958: DECL: 25X1\n"
      "TAGS: AEMR\nSUBJECT: TFGG01: GEORGIA TASK FORCE SITUATION REPORT\nNO. 7\n\n"
      "Classified by Senior Watch Officer Debor...\n\nS E C R E T SECTION 01 OF 03 STATE 086156 "
      "NOFORN, "
      "SIPDIS E.O. 12958: DECL: 25X1 TAGS: AEMR\n\nSUBJECT: TFGG01: GEORGIA TASK FORCE SITUATION "
      "REPORT "
      "NO. 7 Classified by Senior Watch Officer Deborah Schneider for reasons 1.4 (B and D). 1. "
      "(SBU) "
      "Embassy Tbilisi reports.  2. (S/NF) Georgia fears.\n");
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_EQ(doc.subject, "TFGG01: GEORGIA TASK FORCE SITUATION REPORT NO. 7");
  EXPECT_EQ(doc.declass.kind, DeclassKind::kExemption);
  size_t repeated = 0;
  for (const Block& b : doc.blocks) repeated += b.repeated ? 1 : 0;
  EXPECT_GE(repeated, 5u);
  ASSERT_NE(paragraph(doc, "2"), nullptr);
  EXPECT_TRUE(paragraph(doc, "2")->classification.has(Control::kNoforn));
}

TEST(ReaderElements, PageTableLayoutOfTheSample) {
  const Document doc = read_bytes(
      "07TOKYO3470.txt", testing::slurp(testing::test_data() / "samples" / "07TOKYO3470.txt"));
  EXPECT_EQ(check_invariant(doc), "");
  EXPECT_EQ(doc.layout, Layout::kPageTable);
  EXPECT_EQ(doc.id, "07TOKYO3470");
  EXPECT_EQ(
      doc.subject,
      "PDAS STEPHENS JULY 23 MEETINGS WITH JAPANESE OFFICIALS ON THE NORTHEAST ASIA PEACE AND "
      "SECURITY MECHANISM");
  size_t numbered = 0;
  for (const Block& b : doc.blocks)
    if (b.kind == BlockKind::kParagraph && !b.label.empty()) ++numbered;
  EXPECT_EQ(numbered, 13u);
  EXPECT_EQ(of_kind(doc, BlockKind::kNotice).size(), 1u);  // "pdf how-to read a cable"
  for (const Block& b : doc.blocks) {
    if (b.first_line >= 52 && b.last_line <= 65) {
      EXPECT_TRUE(b.repeated) << b.first_line;
    }
  }
}

TEST(ReaderElements, DiagnosticsCarryPositionsAndGoToTheirBlock) {
  const Document doc = read_text(cable("1. No mark.\n"));
  bool found = false;
  for (const auto& d : doc.diagnostics) {
    if (d.code != "unmarked-paragraph") continue;
    found = true;
    EXPECT_GT(d.line, 0u);
    EXPECT_EQ(d.column, 1u);
    EXPECT_EQ(d.format().substr(0, 9), "test.txt:");
    EXPECT_NE(d.format().find("[unmarked-paragraph]"), std::string::npos);
  }
  EXPECT_TRUE(found);
}

TEST(ReaderElements, EmptyAndBlankSources) {
  const Document empty = read_text("");
  EXPECT_EQ(check_invariant(empty), "");
  EXPECT_TRUE(empty.blocks.empty());
  const Document blank = read_text("\n\n   \n\t\n");
  EXPECT_EQ(check_invariant(blank), "");
  EXPECT_TRUE(blank.blocks.empty());
  EXPECT_EQ(blank.id, "test");
}

}  // namespace
}  // namespace declass::core
