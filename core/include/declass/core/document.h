// The document model: a cable read into positioned blocks (design.md, domain.md §2-4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/authority.h"
#include "declass/core/classification.h"
#include "declass/core/declass_instruction.h"
#include "declass/core/diagnostic.h"
#include "declass/core/source.h"

namespace declass::core {

/// What a block is. Every non-blank byte of a cable belongs to exactly one block
/// (its `pieces`), so nothing can fall outside the policy's reach.
enum class BlockKind : uint8_t {
  kPreamble,   ///< metadata header (page table or "Identifier:" fields): not part of the telegram
  kNotice,     ///< "pdf how-to read a cable", partial-extract notice, partner export headers, date
               ///< lines
  kRouting,    ///< VZCZC, precedence, DE, ZNY, DTG, FM/TO/INFO/XMT, old PAGE/ACTION/INFO LOG lines
  kBanner,     ///< classification line: "C O N F I D E N T I A L SECTION 01 OF 03 TOKYO 003470"
  kCaption,    ///< SIPDIS, NOFORN, SENSITIVE, EXDIS, NODIS, LIMDIS, corrected copy ...
  kAddressee,  ///< office lines such as "MANILA FOR D/KAYE LEE"
  kEoLine,     ///< "E.O. 12958: DECL: 07/30/2017"
  kTags,       ///< "TAGS: PREL KNNP JA DPRK"
  kSubject,    ///< "SUBJECT: ..." (may span lines, may carry its own mark)
  kRef,        ///< "REF: A. ..." (its (A) (B) (C) are letters, never marks)
  kClassifiedBy,  ///< "Classified By: ... Reasons 1.4 (b)/(d)" / "Derived From: ..."
  kParagraph,     ///< numbered paragraph ("1.", "¶1.", "1.(C)") or unlabelled body text
  kSubParagraph,  ///< lettered sub-paragraph, "--" bullet, "(1)" item
  kSignature,     ///< the closing signature ("SCHIEFFER")
  kPageBreak,     ///< "TOKYO 00003470 002 OF 003", "PAGE 02 HARARE 06677 ...": layout, not content
};

/// "preamble", "notice", "routing", "banner", "caption", "addressee", "eo-line",
/// "tags", "subject", "ref", "classified-by", "paragraph", "sub-paragraph",
/// "signature", "page-break" (the names policies use).
std::string_view to_string(BlockKind k);
std::optional<BlockKind> block_kind_from_string(std::string_view s);

struct Block {
  BlockKind kind = BlockKind::kParagraph;
  Span span;                 ///< first to last non-blank byte, interruptions included
  std::vector<Span> pieces;  ///< the block's own bytes in order, without interruptions
                             ///< (page breaks, captions, repeats inside it)
  uint32_t first_line = 0;   ///< 1-based
  uint32_t last_line = 0;
  int32_t parent = -1;  ///< sub-paragraph: its paragraph; interruption: the block it interrupts
  std::string label;    ///< "1", "A", "--", "(1)", "" (without "¶" and the final ".")
  Span label_span;      ///< empty if no label
  std::optional<PortionMark> mark;
  Classification classification;  ///< effective: own mark, or inherited (fail closed)
  MarkingStatus marking = MarkingStatus::kNotPortion;
  bool repeated = false;  ///< a repeated copy of the header (section repeats): not new content
  std::vector<std::string> issues;  ///< codes of the diagnostics the reader raised on this block
                                    ///< ("unmarked-paragraph", "garbled-marking" ...), for policies
};

enum class Layout : uint8_t {
  kPageTable,  ///< the published page: "Identifier / Created / Classification / Origin" table
  kPreamble,   ///< "Identifier: ... / Created: ..." fields (corpus files)
  kBare,       ///< the telegram alone (full-release form)
};
std::string_view to_string(Layout l);

/// Metadata fields in front of the telegram (layouts kPageTable and kPreamble).
struct Preamble {
  Span span;
  std::string identifier;
  std::string created;  ///< as written, e.g. "2007-07-30 05:58:00"
  std::string released;
  std::string classification;  ///< as written, e.g. "CONFIDENTIAL//NOFORN"
  std::string origin;
  std::string title;
  std::string tags;
};

struct Banner {
  uint32_t block = 0;             ///< index into Document::blocks of the first banner
  Classification classification;  ///< from the class line (captions such as NOFORN add to it)
  std::string class_text;         ///< as written: "C O N F I D E N T I A L"
  uint32_t section = 0;           ///< "SECTION 01 OF 03" → 1 / 3; 0 if none
  uint32_t section_count = 0;
  std::string post;    ///< "TOKYO", "RIO DE JANEIRO", "USUN NEW YORK"
  std::string serial;  ///< "003470"
};

struct Document {
  Source source;
  Layout layout = Layout::kBare;
  std::string id;       ///< "07TOKYO3470": preamble, else DTG year + post + serial, else file stem
  std::string created;  ///< "YYYY-MM-DD HH:MM" or empty
  std::optional<Date> created_date;
  std::string origin;  ///< "Embassy Tokyo" (preamble) or the FM line / banner post
  std::optional<Preamble> preamble;
  std::optional<Classification> preamble_classification;
  std::optional<Banner> banner;
  std::vector<Block> blocks;  ///< in source order (by span.begin)

  DeclassInstruction declass;  ///< kind kMissing when there is no E.O. line
  DeclassEvaluation declass_eval;
  std::vector<std::string> tags;
  std::string subject;  ///< joined to one line, own mark removed
  std::optional<ClassificationAuthority> classified_by;
  std::vector<Span> media_redactions;  ///< "XXXXXXXXXXXX": already withheld by a media partner
  bool partial_extract = false;

  /// Most restrictive of preamble, banner and every portion (and captions such as NOFORN).
  Classification classification;
  std::vector<Diagnostic> diagnostics;

  /// Index of the block whose pieces contain `offset`, or -1.
  int32_t block_at(uint32_t offset) const;
};

/// Text of a span list with line breaks, runs of blanks and interruptions
/// collapsed to single spaces, and a map from every byte back to the source.
struct NormalizedText {
  std::string text;
  std::vector<uint32_t> origin;  ///< origin[i]: source offset of text[i]; size() == text.size() + 1

  /// Source spans covering normalized [begin, end): one per source line, split
  /// around interruptions; blanks between words on one line are included.
  std::vector<Span> source_spans(const Source& source, uint32_t begin, uint32_t end) const;
};

struct NormalizeOptions {
  /// Join "gov-\nernment" into "government" (line-end hyphen dropped). When false
  /// the hyphen is kept and the lines are joined without a space: "Six-Party".
  bool drop_line_end_hyphens = false;
};

NormalizedText normalize(const Source& source, const std::vector<Span>& pieces,
                         NormalizeOptions options = {});
/// normalize(source, pieces, options).text, without building the origin map.
std::string normalize_text(const Source& source, const std::vector<Span>& pieces,
                           NormalizeOptions options = {});

/// The block's pieces after its label and portion mark (paragraphs), or all of
/// them (other blocks).
std::vector<Span> body_pieces(const Block& block);
/// The same into `out` (cleared first), reusing its capacity: no allocation
/// per block once `out` has grown (the policy engine calls it for every block).
void body_pieces(const Block& block, std::vector<Span>& out);

/// The words of a block after its label and mark, normalized (the JSON `text`).
std::string block_text(const Document& doc, const Block& block);

struct ReadOptions {
  uint64_t max_bytes = 256ull << 20;  ///< larger inputs are an error, never a partial read
};

/// Decodes raw bytes: UTF-8 (BOM dropped), else Windows-1252 with a warning;
/// CRLF/CR normalised with a note. Errors (no value): empty input, NUL or other
/// binary control bytes, mixed/invalid UTF-8, too large. Each error names path:line:col.
Result<Source> decode(std::string path, std::string_view bytes, const ReadOptions& options = {});

/// Reads a cable into a Document. Never fails once the Source exists: what cannot
/// be classified is classified fail-closed and reported in `diagnostics`.
Document read_document(Source source);

/// read_document(source).id, reading no more than needed: when the preamble
/// has an Identifier (it is then the id) nothing after the preamble is read.
/// For planning runs over many cables, which need each one's id first.
std::string read_document_id(Source source);

/// decode() + read_document() on a file. I/O errors are diagnostics, not exceptions.
Result<Document> read_file(const std::string& path, const ReadOptions& options = {});

}  // namespace declass::core
