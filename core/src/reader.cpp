// The cable reader: one pass over the lines of a decoded Source, building the
// positioned blocks of document.h, then one pass over the blocks to settle
// classifications, document fields and diagnostics (docs/reader.md).
//
// Each line is cut into units: a unit starts at the line start or at an inline
// boundary (a page-break line, SIPDIS, a paragraph label, an E.O./TAGS/SUBJECT
// keyword in reflowed headers ...) and is dispatched on its first bytes. Every
// recogniser reads only the bytes it matches, so the reader is linear in the
// input and allocates per block, never per byte.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "declass/core/document.h"
#include "reader_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace declass::core {

namespace {

using reader::blank_len;
using reader::byte_at;
using reader::digits_end;
using reader::Dtg;
using reader::is_alpha;
using reader::is_blank;
using reader::is_digit;
using reader::is_lower;
using reader::is_pilcrow;
using reader::is_upper;
using reader::is_word_byte;
using reader::kNo;
using reader::match_ci;
using reader::match_cs;
using reader::skip_blanks;
using reader::trim_end;

// First bytes of the inline boundaries (boundary_at): digits (page lines,
// labels), "SIPDIS", "PAGE", "(" marks, "¶" (0xC2), page-marking class words;
// in headers also E.O., TAGS, SUBJECT, REF, Classified By / Derived From.
constexpr std::array<bool, 256> make_start_table(bool header) {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
  // 'S' (SIPDIS; SECRET before an old page line), 'P' (PAGE), '(' (marks).
  for (char c : {'S', 'P', '('}) t[static_cast<unsigned char>(c)] = true;
  // CONFIDENTIAL / UNCLASSIFIED before an old page line are found from the
  // page line (back_up_page_post); in headers they start boundaries directly.
  if (header)
    for (char c : {'C', 'U'}) t[static_cast<unsigned char>(c)] = true;
  t[0xC2] = true;
  if (header)
    for (char c : {'E', 'e', 'T', 't', 'R', 'D', 's', 'c'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kBodyStart = make_start_table(false);
constexpr std::array<bool, 256> kKeywordStart = [] {
  std::array<bool, 256> t{};
  for (char c : {'E', 'e', 'D', 'd', 'T', 't', 'A', 'S', 's', 'U', 'R', 'r', 'C', 'c', '('})
    t[static_cast<unsigned char>(c)] = true;
  return t;
}();
// Bytes that may begin a blank: ASCII blanks and the lead byte of U+00A0.
constexpr std::array<bool, 256> kBlankLead = [] {
  std::array<bool, 256> t{};
  for (char c : {' ', '\t', '\r', '\f', '\v'}) t[static_cast<unsigned char>(c)] = true;
  t[0xC2] = true;
  return t;
}();
constexpr std::array<bool, 256> kHeaderStart = make_start_table(true);

// Longest parenthesised text considered as a portion mark ("(S//REL TO USA, FVEY)").
constexpr size_t kMaxMarkInside = 48;
// Header lines remembered to recognise repeated section headers.
constexpr size_t kMaxHeaderLines = 96;

enum class Phase : uint8_t { kTop, kHeader, kBody };

// How the open block takes further text.
enum class Cont : uint8_t {
  kNone,
  kRouting,
  kNotice,
  kAddressee,
  kEo,
  kTags,
  kSubject,
  kRef,
  kClassifiedBy,
  kLabelled,
  kUnlabelled,
  kHeading,
};

struct Line {
  uint32_t number = 0;     // 1-based
  uint32_t begin = 0;      // first non-blank byte
  uint32_t end = 0;        // end of the content recognisers see (no trailing blanks or "\")
  uint32_t piece_end = 0;  // end of the last non-blank byte
  uint32_t newline = 0;    // the line's '\n', or the text's size on the last line
  bool after_blank = false;
};

enum class LabelType : uint8_t {
  kNumber,
  kLetter,
  kParenNumber,
  kParenLetter,
  kNumberParen,
  kBullet
};

struct Label {
  LabelType type = LabelType::kNumber;
  int rank = 0;  // 0 paragraph, 1 letter, 2 "(1)" / "1)", 3 bullet
  int number = 0;
  char letter = 0;
  bool pilcrow = false;
  size_t begin = 0;  // label bytes, "¶" included
  size_t end = 0;
  std::string text;  // "1", "A", "(1)", "--"
  bool has_mark = false;
  bool paren_missing = false;  // "1. C) ..." (cablemap fixture)
  size_t mark_begin = 0;
  size_t mark_end = 0;
  MarkingParse parse;
};

std::optional<Date> make_date(int y, int m, int d) {
  if (y < 1400 || y > 9999 || m < 1 || m > 12 || d < 1) return std::nullopt;
  const int last = boost::gregorian::gregorian_calendar::end_of_month_day(
      static_cast<unsigned short>(y), static_cast<unsigned short>(m));
  if (d > last) return std::nullopt;
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

std::string two(int v) {
  std::string s(2, '0');
  s[0] = static_cast<char>('0' + (v / 10) % 10);
  s[1] = static_cast<char>('0' + v % 10);
  return s;
}

std::string title_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool start = true;
  for (char c : s) {
    if (is_alpha(c)) {
      out += start ? reader::to_upper(c) : (is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c);
      start = false;
    } else {
      out += c;
      start = true;
    }
  }
  return out;
}

// Lines after the signature that carry no text of the cable: end markers,
// transmission notes, release stamps ("NNNN", "NOTE BY OC/T: ...",
// "Declassified/Released US Department of State EO Systematic", "2004CARACA01540 -
// UNCLASSIFIED").
bool is_trailer(std::string_view t) {
  if (t.empty() || t == ">" || t == "." || t == "BT" || t == "#" || t == "GP-3") return true;
  if (t.substr(0, 4) == "NNNN") return true;
  for (std::string_view pre : {"NOTE BY OC/T", "NOTE: NOT PASSED", "Declassified/Released",
                               "Review ", "Systematic Review", "REGARDS", "SIPDIS"})
    if (t.substr(0, pre.size()) == pre) return true;
  // "2004CARACA01540 - UNCLASSIFIED": a document number stamp.
  if (t.size() > 8 && is_digit(t[0]) && is_digit(t[1]) && is_digit(t[2]) && is_digit(t[3]) &&
      t.find(" - ") != std::string_view::npos && t.find(' ') > 8)
    return true;
  return false;
}

std::string_view trim_view(std::string_view s) {
  size_t b = skip_blanks(s, 0, s.size());
  size_t e = trim_end(s, b, s.size());
  return s.substr(b, e - b);
}

class Reader {
 public:
  explicit Reader(Document& doc) : doc_(doc), t_(doc.source.text()) {}
  void run();
  /// Reads only the preamble (run() reads it first, the same way) and returns
  /// its Identifier, which then is the document's id; "" if it has none.
  std::string preamble_identifier() {
    size_t off = 0;
    uint32_t number = 0;
    read_preamble(&off, &number);
    return doc_.preamble ? doc_.preamble->identifier : std::string();
  }

 private:
  // ---- the line pass
  // The line starting at `off`; `index` (0-based line number) lets it take the
  // line's end from the Source's line table instead of scanning for '\n'.
  // Inlined: run() calls it once per line, and the call cost as much as its body.
  [[gnu::always_inline]] inline Line make_line(size_t off, size_t* next,
                                               uint32_t index = kNoIndex) const;
  static constexpr uint32_t kNoIndex = 0xFFFFFFFFu;
  void read_preamble(size_t* off, uint32_t* number);
  void process_line(const Line& ln);
  size_t dispatch(const Line& ln, size_t p, bool first);
  size_t next_boundary(const Line& ln, size_t from, bool header) const;
  size_t back_up_page_post(const Line& ln, size_t from, size_t r, size_t blanks) const;
  bool boundary_at(const Line& ln, size_t r, size_t blanks_before, bool header) const;
  // *out: a default Label, filled in; partly written when this returns false.
  bool parse_label(size_t p, size_t end, Label* out) const;
  bool accept_label(const Label& lb, bool first, bool after_blank) const;
  size_t try_banner(const Line& ln, size_t p, bool first);
  size_t banner_tail(size_t q, size_t end, Banner* bn) const;
  size_t class_word_before_page(size_t r, size_t end) const;
  size_t try_notice(const Line& ln, size_t p, bool first);
  size_t text_unit(const Line& ln, size_t p, bool first);
  size_t labelled_unit(const Line& ln, size_t p, const Label& lb);
  size_t mark_paragraph_unit(const Line& ln, size_t p, size_t mark_end, const MarkingParse& mp);
  bool continues(const Line& ln, size_t p, bool first) const;
  void compute_signature_line();
  void compute_line_extras(const Line& ln);

  // ---- blocks
  int add_block(BlockKind kind, size_t b, size_t e, uint32_t line);
  void append(int idx, size_t b, size_t e, uint32_t line);
  int interruption(BlockKind kind, size_t b, size_t e, uint32_t line, bool repeated);
  int repeated_block(BlockKind kind, size_t b, size_t e, uint32_t line);
  void open(int idx, Cont cont) {
    open_ = idx;
    cont_ = cont;
    open_lines_ = 1;
    open_line_ = idx >= 0 ? doc_.blocks[static_cast<size_t>(idx)].last_line : 0;
  }
  void start_repeat();
  void end_repeat();
  void remember_header(size_t b, size_t e, BlockKind kind);
  int header_kind(std::string_view text) const;
  bool header_ctx() const { return phase_ != Phase::kBody || repeating_; }
  // The body has only a few unlabelled lines so far: header fields may still come.
  bool early_body() const { return para_number_ == 0 && !labelled_seen_ && body_blocks_ <= 3; }
  bool ref_item(const Line& ln, size_t p, char* letter) const;
  bool next_line_is_rule(const Line& ln) const {
    const size_t next = ln.newline;
    const size_t nb = next < t_.size() ? skip_blanks(t_, next + 1, t_.size()) : t_.size();
    return nb < t_.size() && (t_[nb] == '-' || t_[nb] == '=' || t_[nb] == '_' || t_[nb] == '*');
  }
  char last_item_letter(size_t b, size_t e) const;
  void to_body() {
    if (repeating_) end_repeat();
    phase_ = Phase::kBody;
  }

  // ---- the block pass
  void finish();
  void settle_classifications(const Classification& floor, bool classified);
  void settle_fields();
  void add_tags(std::string_view text);
  void find_media_redactions();
  void diag(Severity sev, std::string_view code, size_t offset, std::string message, int block);
  std::string block_plain_text(const Block& b) const {
    return normalize_text(doc_.source, b.pieces);
  }

  Document& doc_;
  std::string_view t_;

  Phase phase_ = Phase::kTop;
  int open_ = -1;
  Cont cont_ = Cont::kNone;
  int open_lines_ = 0;
  uint32_t open_line_ = 0;  // last line the open block took text from
  uint32_t prev_line_end_ = 0;
  bool heading_has_text_ = false;

  // Paragraph structure.
  int para_number_ = 0;
  char label_paren_letter_ = 0;  // "(a)" right after the last label, when not a mark
  bool labelled_seen_ = false;
  int body_blocks_ = 0;
  char ref_letter_ = 0;
  char last_letter_ = 0;
  int last_paren_number_ = 0;
  std::string last_bullet_;
  std::array<int, 4> rank_block_{{-1, -1, -1, -1}};

  // Banner and header.
  int banner_block_ = -1;
  bool banner_lone_ = false;
  mutable bool in_ref_ = false;  // scanning a REF unit: its "(C)" are letters  // the class line
                                 // stood alone: its post and serial may follow
  bool header_fields_seen_ = false;  // E.O., TAGS or SUBJECT after the banner
  uint32_t banner_controls_ = 0;     // captions of the first header
  Classification other_class_;       // page markings, partner headers, class lines
  bool have_other_class_ = false;
  std::vector<std::pair<std::string_view, BlockKind>> header_lines_;

  // Section repeats.
  bool repeating_ = false;
  int repeat_parent_ = -1;
  int saved_open_ = -1;
  Cont saved_cont_ = Cont::kNone;
  Phase saved_phase_ = Phase::kTop;

  // Routing facts.
  std::optional<Dtg> dtg_;
  std::optional<Level> routing_level_;
  std::string de_serial_;
  std::string fm_text_;

  // Partner header notices spanning several lines.
  uint32_t notice_until_line_ = 0;
  bool notice_until_marker_ = false;

  // Signature position and per-line extras.
  uint32_t sig_line_ = 0;
  uint32_t last_content_line_ = 0xFFFFFFFFu;  // trailers ("NNNN", ">") come after it
  size_t sig_pos_ = kNo;
  size_t line_trailer_pos_ = kNo;   // "...  CONFIDENTIAL" before a "PAGE nn" line
  std::string banner_post_prefix_;  // first 10 bytes of the banner post (page lines)
};

// ---------------------------------------------------------------- lines

inline Line Reader::make_line(size_t off, size_t* next, uint32_t index) const {
  Line ln;
  size_t full_end = 0;
  const Source& src = doc_.source;
  if (index < src.line_count() && src.line_start(index + 1) == off) {
    // The line table knows where the next line starts: no scan. The last line
    // ends at the text's end, or at its final '\n'.
    if (index + 1 < src.line_count()) {
      *next = src.line_start(index + 2);
      full_end = *next - 1;
    } else {
      *next = t_.size();
      full_end = t_.size() > off && t_.back() == '\n' ? t_.size() - 1 : t_.size();
    }
  } else {
    const void* nl = std::memchr(t_.data() + off, '\n', t_.size() - off);
    full_end =
        nl == nullptr ? t_.size() : static_cast<size_t>(static_cast<const char*>(nl) - t_.data());
    *next = nl == nullptr ? t_.size() : full_end + 1;
  }
  const size_t b = skip_blanks(t_, off, full_end);
  const size_t pe = trim_end(t_, b, full_end);
  size_t e = pe;
  // Lines of the cables.csv export end in "\": not content, but still bytes of the line.
  if (e > b && t_[e - 1] == '\\') e = trim_end(t_, b, e - 1);
  ln.begin = static_cast<uint32_t>(b);
  ln.end = static_cast<uint32_t>(e);
  ln.piece_end = static_cast<uint32_t>(pe);
  ln.newline = static_cast<uint32_t>(full_end);
  return ln;
}

void Reader::run() {
  size_t off = 0;
  uint32_t number = 0;
  read_preamble(&off, &number);
  compute_signature_line();
  doc_.blocks.reserve(doc_.blocks.size() + doc_.source.line_count() / 4 + 8);
  bool after_blank = true;
  while (off < t_.size()) {
    size_t next = 0;
    Line ln = make_line(off, &next, number);
    ln.number = ++number;
    off = next;
    if (ln.begin >= ln.piece_end) {
      after_blank = true;
      continue;
    }
    ln.after_blank = after_blank;
    // A line holding only the "\" of the cables.csv export reads as blank.
    after_blank = ln.begin == ln.end;
    process_line(ln);
  }
  finish();
}

void Reader::read_preamble(size_t* off, uint32_t* number) {
  // Skip leading blank lines (the raw files start with one).
  size_t o = 0;
  uint32_t n = 0;
  std::vector<std::pair<Line, std::string_view>> lines;
  size_t next = 0;
  while (o < t_.size()) {
    Line ln = make_line(o, &next, n);
    if (ln.begin < ln.piece_end) break;
    o = next;
    ++n;
  }
  const size_t start = o;
  const uint32_t start_n = n;
  auto line_text = [&](const Line& ln) { return t_.substr(ln.begin, ln.end - ln.begin); };
  Line first = make_line(o, &next, n);
  const std::string_view head = line_text(first);
  Preamble pre;
  int block = -1;
  auto take = [&](const Line& ln) {
    if (block < 0) {
      block = add_block(BlockKind::kPreamble, ln.begin, ln.piece_end, ln.number);
    } else {
      append(block, ln.begin, ln.piece_end, ln.number);
    }
  };
  auto field = [&](std::string_view text, std::string_view key, std::string* out) {
    if (text.size() < key.size() || text.substr(0, key.size()) != key) return false;
    *out = std::string(trim_view(text.substr(key.size())));
    return true;
  };

  if (head.substr(0, 11) == "Identifier:") {
    // Layout 2: "Identifier: ..." fields up to the first blank line.
    doc_.layout = Layout::kPreamble;
    while (o < t_.size()) {
      Line ln = make_line(o, &next, n);
      if (ln.begin >= ln.piece_end) break;
      const std::string_view text = line_text(ln);
      std::string dummy;
      const bool known = field(text, "Identifier:", &pre.identifier) ||
                         field(text, "Created:", &pre.created) ||
                         field(text, "Released:", &pre.released) ||
                         field(text, "Classification:", &pre.classification) ||
                         field(text, "Origin:", &pre.origin) ||
                         field(text, "Cable title:", &pre.title) || field(text, "Tags:", &pre.tags);
      if (!known) break;
      ln.number = ++n;
      take(ln);
      o = next;
    }
  } else if (head == "Identifier") {
    // Layout 1: the page table. Four names, four values, "Cable title:", the
    // title, "Tags:".
    std::array<std::string_view, 4> names = {"Identifier", "Created", "Classification", "Origin"};
    std::array<std::string*, 4> outs = {&pre.identifier, &pre.created, &pre.classification,
                                        &pre.origin};
    size_t idx = 0;
    bool ok = true;
    size_t o2 = o;
    uint32_t n2 = n;
    std::vector<Line> taken;
    // Names.
    while (idx < names.size() && o2 < t_.size()) {
      Line ln = make_line(o2, &next, n2);
      o2 = next;
      ln.number = ++n2;
      if (ln.begin >= ln.piece_end) continue;
      if (line_text(ln) != names[idx]) {
        ok = false;
        break;
      }
      taken.push_back(ln);
      ++idx;
    }
    // Values.
    idx = 0;
    while (ok && idx < outs.size() && o2 < t_.size()) {
      Line ln = make_line(o2, &next, n2);
      o2 = next;
      ln.number = ++n2;
      if (ln.begin >= ln.piece_end) continue;
      *outs[idx] = std::string(line_text(ln));
      taken.push_back(ln);
      ++idx;
    }
    ok = ok && idx == outs.size();
    // "Cable title:", title lines, "Tags:".
    bool in_title = false;
    bool tags = false;
    while (ok && o2 < t_.size()) {
      Line ln = make_line(o2, &next, n2);
      const size_t here = o2;
      o2 = next;
      ln.number = ++n2;
      if (ln.begin >= ln.piece_end) continue;
      const std::string_view text = line_text(ln);
      if (text.substr(0, 12) == "Cable title:") {
        pre.title = std::string(trim_view(text.substr(12)));
        in_title = true;
      } else if (text.substr(0, 5) == "Tags:") {
        pre.tags = std::string(trim_view(text.substr(5)));
        taken.push_back(ln);
        tags = true;
        break;
      } else if (in_title && taken.size() < 40) {
        if (!pre.title.empty()) pre.title += ' ';
        pre.title += std::string(text);
      } else {
        o2 = here;
        --n2;
        break;
      }
      taken.push_back(ln);
    }
    if (ok && tags) {
      doc_.layout = Layout::kPageTable;
      for (const Line& ln : taken) take(ln);
      o = o2;
      n = n2;
    }
  }
  if (block < 0) {
    *off = start;
    *number = start_n;
    return;
  }
  // Preamble values keep only single blanks (the page table pads with U+00A0).
  auto squeeze = [](std::string& s) {
    // Usually there is nothing to squeeze: no blank but single spaces between
    // other bytes. Then s stays as it is.
    bool plain = s.empty() || (s.front() != ' ' && s.back() != ' ');
    for (size_t i = 0; plain && i < s.size(); ++i) {
      const char ch = s[i];
      plain = !(ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v' ||
                static_cast<unsigned char>(ch) == 0xC2 || (ch == ' ' && s[i + 1] == ' '));
    }
    if (plain) return;
    std::string out;
    bool blank = false;
    for (size_t i = 0; i < s.size();) {
      const size_t w = blank_len(s, i);
      if (w > 0) {
        blank = true;
        i += w;
        continue;
      }
      if (blank && !out.empty()) out += ' ';
      blank = false;
      out += s[i++];
    }
    s = out;
  };
  for (std::string* s : {&pre.identifier, &pre.created, &pre.released, &pre.classification,
                         &pre.origin, &pre.title, &pre.tags})
    squeeze(*s);
  pre.span = doc_.blocks[static_cast<size_t>(block)].span;
  doc_.preamble = std::move(pre);
  *off = o;
  *number = n;
}

void Reader::compute_signature_line() {
  // The last line that is neither blank nor a trailer (page marking, ">",
  // "NNNN", "BT") may be the signature.
  size_t e = t_.size();
  uint32_t line = doc_.source.line_count();
  while (line > 0) {
    const size_t b = doc_.source.line_start(line);
    size_t ee = e;
    if (ee > b && t_[ee - 1] == '\n') --ee;
    const size_t lb = skip_blanks(t_, b, ee);
    size_t le = trim_end(t_, lb, ee);
    if (le > lb && t_[le - 1] == '\\') le = trim_end(t_, lb, le - 1);
    const std::string_view text = t_.substr(lb, le - lb);
    int page = 0;
    const bool trailer = is_trailer(text) || reader::match_lone_class_word(t_, lb, le) != kNo ||
                         reader::match_old_page(t_, lb, le, &page) == le ||
                         reader::match_page_line(t_, lb, le) == le;
    if (!trailer) break;
    e = b;
    --line;
  }
  last_content_line_ = line;
  if (line == 0) return;
  const size_t b = doc_.source.line_start(line);
  size_t ee = e;
  if (ee > b && t_[ee - 1] == '\n') --ee;
  const size_t lb = skip_blanks(t_, b, ee);
  size_t le = trim_end(t_, lb, ee);
  if (le > lb && t_[le - 1] == '\\') le = trim_end(t_, lb, le - 1);
  if (le - lb > 4096 * 64) {
    // Huge last line: only its tail can hold a glued signature.
  }
  // A bare name line: a single word, or at most three upper-case words, after
  // a blank line, a sentence end or a short line.
  bool after_end = true;
  if (line > 1) {
    uint32_t pl = line - 1;
    const std::string_view prev = doc_.source.line_text(pl);
    const size_t pe = trim_end(prev, 0, prev.size());
    if (pe > 0) {
      const char last = prev[pe - 1];
      after_end = last == '.' || last == '!' || last == '?' || last == '"' || last == ')' ||
                  last == ':' || last == '\'' || pe - skip_blanks(prev, 0, pe) <= 20;
    }
  }
  if (reader::looks_like_signature(t_, lb, le)) {
    bool caps = true;
    size_t words = 1;
    for (size_t i = lb; i < le; ++i) {
      if (is_lower(t_[i])) caps = false;
      if (t_[i] == ' ') ++words;
    }
    // One word ("Hofmann") always; several only after a sentence end.
    if (words == 1 || (after_end && caps && words <= 3)) {
      sig_line_ = line;
      sig_pos_ = lb;
    }
    return;
  }
  // Glued: "... End comment. GODFREY", "... into Europe. Edelman".
  size_t p = le;
  while (p > lb && le - p <= 30 && t_[p - 1] != ' ') --p;
  if (p <= lb || le - p > 30) return;
  size_t q = p;
  while (q > lb && t_[q - 1] == ' ') --q;
  if (q <= lb) return;
  const char before = t_[q - 1];
  if (before != '.' && before != '!' && before != '?' && before != '"') return;
  if (!reader::looks_like_signature(t_, p, le)) return;
  // One word only, and not an abbreviation ("U.S."); an upper-case name, or a
  // capitalised one of five letters or more that is not a common word ("The").
  bool caps = true;
  for (size_t i = p; i < le; ++i) {
    if (t_[i] == '.') return;
    if (is_lower(t_[i])) caps = false;
  }
  const std::string_view word = t_.substr(p, le - p);
  if (!caps) {
    if (word.size() < 5) return;
    for (std::string_view w : {"There", "These", "Those", "Where", "Which", "While", "Their",
                               "Thanks", "Regards", "Comment", "Summary"})
      if (word == w) return;
  } else if (word.size() < 3) {
    return;
  }
  sig_line_ = line;
  sig_pos_ = p;
}

void Reader::compute_line_extras(const Line& ln) {
  line_trailer_pos_ = kNo;
  // "...--ESSENTIALLY, A  CONFIDENTIAL" followed by a "PAGE 04 ..." line: the page
  // marking of an old telegram glued to the text.
  if (ln.piece_end < t_.size()) {
    const size_t next = ln.newline;
    if (next < t_.size()) {
      const size_t nb = skip_blanks(t_, next + 1, t_.size());
      if (match_cs(t_, nb, "PAGE ")) {
        static constexpr std::array<std::string_view, 3> kWords = {"CONFIDENTIAL", "SECRET",
                                                                   "UNCLASSIFIED"};
        for (auto w : kWords) {
          if (ln.end - ln.begin > w.size() + 2 && t_.substr(ln.end - w.size(), w.size()) == w &&
              t_[ln.end - w.size() - 1] == ' ' && t_[ln.end - w.size() - 2] == ' ') {
            line_trailer_pos_ = ln.end - w.size();
            break;
          }
        }
      }
    }
  }
}

void Reader::process_line(const Line& ln) {
  compute_line_extras(ln);
  size_t p = ln.begin;
  bool first = true;
  size_t last_unit_end = ln.begin;
  while (p < ln.end) {
    size_t e = dispatch(ln, p, first);
    if (e <= p) e = p + 1;  // never stall: every unit takes at least one byte
    if (e > ln.end) e = ln.end;
    last_unit_end = e;
    p = skip_blanks(t_, e, ln.end);
    first = false;
  }
  // The trailing "\\" of a cables.csv line is an export artefact: a notice of
  // its own, so that it never joins the text of a paragraph or subject.
  if (ln.piece_end > ln.end || ln.begin == ln.end) {
    size_t bs = ln.end;
    while (bs < ln.piece_end && t_[bs] != '\\') ++bs;
    if (bs < ln.piece_end) {
      const int idx = add_block(BlockKind::kNotice, bs, ln.piece_end, ln.number);
      doc_.blocks[static_cast<size_t>(idx)].parent = repeating_ ? repeat_parent_ : open_;
    }
    (void)last_unit_end;
  }
  prev_line_end_ = ln.end;
}

// ---------------------------------------------------------------- blocks

int Reader::add_block(BlockKind kind, size_t b, size_t e, uint32_t line) {
  e = trim_end(t_, b, e);
  // Built in place: a Block is large, a temporary would be moved and destroyed.
  Block& blk = doc_.blocks.emplace_back();
  blk.kind = kind;
  blk.span = {static_cast<uint32_t>(b), static_cast<uint32_t>(e)};
  // Room for the usual number of lines, so that appending seldom reallocates.
  const bool long_kind = kind == BlockKind::kParagraph || kind == BlockKind::kSubParagraph ||
                         kind == BlockKind::kRouting;
  blk.pieces.reserve(long_kind ? 16 : 4);
  blk.pieces.push_back(blk.span);
  blk.first_line = line;
  blk.last_line = line;
  return static_cast<int>(doc_.blocks.size()) - 1;
}

void Reader::append(int idx, size_t b, size_t e, uint32_t line) {
  e = trim_end(t_, b, e);
  if (e <= b) return;
  Block& blk = doc_.blocks[static_cast<size_t>(idx)];
  blk.pieces.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e)});
  blk.span.end = std::max(blk.span.end, static_cast<uint32_t>(e));
  blk.last_line = line;
  if (idx == open_) {
    if (line != open_line_) ++open_lines_;
    open_line_ = line;
  }
}

int Reader::interruption(BlockKind kind, size_t b, size_t e, uint32_t line, bool repeated) {
  const int parent = repeating_ ? repeat_parent_ : open_;
  const int idx = add_block(kind, b, e, line);
  Block& blk = doc_.blocks[static_cast<size_t>(idx)];
  blk.parent = parent;
  blk.repeated = repeated;
  return idx;
}

int Reader::repeated_block(BlockKind kind, size_t b, size_t e, uint32_t line) {
  // Consecutive repeated lines of one kind form one block.
  if (!doc_.blocks.empty()) {
    Block& last = doc_.blocks.back();
    if (last.repeated && last.kind == kind && last.last_line + 1 >= line &&
        kind != BlockKind::kBanner) {
      append(static_cast<int>(doc_.blocks.size()) - 1, b, e, line);
      return static_cast<int>(doc_.blocks.size()) - 1;
    }
  }
  return interruption(kind, b, e, line, true);
}

void Reader::start_repeat() {
  if (repeating_) return;
  repeating_ = true;
  repeat_parent_ = open_;
  saved_open_ = open_;
  saved_cont_ = cont_;
  saved_phase_ = phase_;
}

void Reader::end_repeat() {
  repeating_ = false;
  open_ = saved_open_;
  cont_ = saved_cont_;
  phase_ = saved_phase_;
}

void Reader::remember_header(size_t b, size_t e, BlockKind kind) {
  if (phase_ != Phase::kHeader || repeating_ || header_lines_.size() >= kMaxHeaderLines) return;
  e = trim_end(t_, b, e);
  if (e > b) header_lines_.emplace_back(t_.substr(b, e - b), kind);
}

int Reader::header_kind(std::string_view text) const {
  text = trim_view(text);
  if (text.empty()) return -1;
  for (const auto& [line, kind] : header_lines_) {
    if (line == text) return static_cast<int>(kind);
    // Flattened repeats run several header lines together.
    if (line.size() >= 12 && text.size() > line.size() && text.substr(0, line.size()) == line &&
        text[line.size()] == ' ')
      return static_cast<int>(kind);
    // The repeated page header of old telegrams carries the end of the subject.
    if (kind == BlockKind::kSubject && text.size() >= 8 &&
        line.find(text) != std::string_view::npos)
      return static_cast<int>(kind);
  }
  return -1;
}

// ---------------------------------------------------------------- boundaries

bool Reader::boundary_at(const Line& ln, size_t r, size_t blanks_before, bool header) const {
  const size_t end = ln.end;
  if (r == sig_pos_ && ln.number == sig_line_) return true;
  if (r == line_trailer_pos_) return true;
  const char c = t_[r];
  if (is_digit(c)) {
    // Only a page serial (8 digits) or a label ("12." "3)") can start a boundary.
    const size_t de = digits_end(t_, r, end);
    if (de - r == 8) return reader::match_page_core(t_, r, end) != kNo;
    if (de - r > 3 || de >= end || (t_[de] != '.' && t_[de] != ')')) return false;
    Label lb;
    if (parse_label(r, end, &lb) && lb.type == LabelType::kNumber) {
      const int expected = para_number_ + 1;
      if (lb.number == expected || (para_number_ == 0 && lb.number == 1)) {
        if (lb.has_mark) return true;
        // Unmarked: only after a sentence end and two blanks, before a capital.
        if (!header && blanks_before >= 2 && r >= blanks_before + 1) {
          const char before = t_[r - blanks_before - 1];
          const size_t body = skip_blanks(t_, lb.end, end);
          if ((before == '.' || before == '"' || before == ')' || before == ':') && body < end &&
              is_upper(t_[body]))
            return true;
        }
      }
    }
    return false;
  }
  if ((c == 'C' || c == 'S' || c == 'U') && class_word_before_page(r, end) != kNo) return true;
  switch (c) {
    case 'S':
    case 's':
      if (reader::match_sipdis_word(t_, r, end) != kNo) return true;
      if (header &&
          (match_cs(t_, r, "SIPDIS") || reader::match_subject_start(t_, r, end, false) != kNo))
        return true;
      // "Sensitive but Unclassified. Please handle accordingly." after a subject.
      if (header && match_ci(t_, r, "SENSITIVE BUT UNCLASSIFIED")) return true;
      break;
    case 'P': {
      int page = 0;
      if (reader::match_old_page(t_, r, end, &page) != kNo) return true;
      break;
    }
    case 'E':
    case 'e':
      if (header && reader::is_eo_start(t_, r, end)) return true;
      break;
    case 'T':
    case 't':
      if (header && reader::match_tags_start(t_, r, end, false) != kNo) {
        // Inline TAGS needs its colon or an upper-case tag list ("TAGS PGOV").
        return true;
      }
      break;
    case 'R':
      if (header && reader::match_ref_start(t_, r, end) != kNo) {
        const size_t k = reader::match_ref_start(t_, r, end);
        if (k > r && t_[k - 1] == ':') return true;
      }
      break;
    case 'C':
    case 'c':
    case 'D':
    case '(':
      if (header && reader::match_classified_by_start(t_, r, end) != kNo) {
        // "Classified By: Derived from Multiple Sources" is one line.
        size_t w = r - blanks_before;
        while (w > 0 && t_[w - 1] == ':') --w;
        const bool after_by =
            w >= 2 && reader::to_upper(t_[w - 2]) == 'B' && reader::to_upper(t_[w - 1]) == 'Y';
        if (!after_by) return true;
      }
      if (c == '(' && r >= blanks_before + 1 && !in_ref_) {
        // A portion mark opening an unlabelled paragraph of reflowed text:
        // "...accordingly. (SBU) On February 8", "...1.4 (b) and (d) (C) Econoff".
        const size_t wend = r - blanks_before;
        const char before = t_[wend - 1];
        if (before != '.' && before != ')' && before != '"' && before != ':') break;
        // Not the mark of a label ("2. (S/NF)"): the label is the boundary.
        size_t wb = wend - 1;
        while (wb > 0 && !is_blank(t_[wb - 1])) --wb;
        if (before == '.' && wend - wb >= 2 && wend - wb <= 4 &&
            (is_digit(t_[wb]) || (wend - wb == 2 && is_alpha(t_[wb]))))
          break;
        size_t k = r + 1;
        while (k < end && k - r <= 14 && t_[k] != ')' && t_[k] != '(') ++k;
        if (k >= end || t_[k] != ')' || k + 2 >= end || blank_len(t_, k + 1) == 0) break;
        const size_t next = skip_blanks(t_, k + 1, end);
        if (next >= end || !(is_upper(t_[next]) || t_[next] == '"' || is_digit(t_[next]))) break;
        if (parse_portion_marking(t_.substr(r + 1, k - r - 1)).kind == MarkingParse::Kind::kMarking)
          return true;
      }
      break;
    default:
      break;
  }
  if (is_pilcrow(t_, r)) {
    Label lb;
    if (parse_label(r, end, &lb) &&
        (lb.has_mark || lb.type != LabelType::kNumber || lb.number == para_number_ + 1))
      return true;
  }
  return false;
}

size_t Reader::back_up_page_post(const Line& ln, size_t from, size_t r, size_t blanks) const {
  if (t_[r] == 'P' && blanks >= 2) {
    // "...PARM, IT          CONFIDENTIAL       PAGE 02 ROME ...": the page
    // marking before an old page line starts the boundary.
    size_t w = r - blanks;
    for (std::string_view word : {std::string_view("CONFIDENTIAL"),
                                  std::string_view("UNCLASSIFIED"), std::string_view("SECRET")}) {
      if (w >= from + word.size() + 1 && t_.substr(w - word.size(), word.size()) == word &&
          blank_len(t_, w - word.size() - 1) > 0 &&
          class_word_before_page(w - word.size(), ln.end) != kNo)
        return w - word.size();
    }
    return r;
  }
  if (!is_digit(t_[r]) || reader::match_page_core(t_, r, ln.end) == kNo) return r;
  // A page line's post precedes its serial: back up over it.
  size_t post = r - blanks;
  const size_t word_end = post;
  if (!banner_post_prefix_.empty() && post >= from + banner_post_prefix_.size() &&
      t_.substr(post - banner_post_prefix_.size(), banner_post_prefix_.size()) ==
          banner_post_prefix_) {
    post -= banner_post_prefix_.size();
  } else {
    size_t k = post;
    size_t cut = post;
    while (k > from && word_end - k < 12 && (is_upper(t_[k - 1]) || t_[k - 1] == ' ')) {
      --k;
      if (t_[k] == ' ' || k == from) cut = t_[k] == ' ' ? k + 1 : k;
    }
    if (k == from || (k > from && !is_word_byte(t_[k - 1]))) cut = k;
    post = cut;
  }
  post = skip_blanks(t_, post, r);
  if (post > from) return post;
  return r;
}

size_t Reader::next_boundary(const Line& ln, size_t from, bool header) const {
  const size_t end = ln.end;
  size_t q = from;
  in_ref_ =
      header &&
      ((reader::may_match_ref_start(t_, from) && reader::match_ref_start(t_, from, end) != kNo) ||
       (open_ >= 0 && cont_ == Cont::kRef && phase_ != Phase::kBody));
  // The end of the word at q: a table lookup per byte (this loop sees every byte).
  auto skip_word = [&](size_t k) {
    while (k < end) {
      const auto ch = static_cast<unsigned char>(t_[k]);
      if (kBlankLead[ch] &&
          (ch != 0xC2 || (k + 1 < end && static_cast<unsigned char>(t_[k + 1]) == 0xA0)))
        break;
      ++k;
    }
    return k;
  };
  if (!header && from < end) {
    // Body text: jump from candidate to candidate. The signature and a glued
    // page marking are boundaries wherever they are.
    size_t limit = end;
    if (ln.number == sig_line_ && sig_pos_ > from && sig_pos_ < limit) limit = sig_pos_;
    if (line_trailer_pos_ != kNo && line_trailer_pos_ > from && line_trailer_pos_ < limit)
      limit = line_trailer_pos_;
    size_t r = from + 1;
    while ((r = reader::find_body_candidate(t_.data(), r, limit, t_.size())) < limit) {
      if (static_cast<unsigned char>(t_[r - 1]) == 0xA0 &&
          (r < 2 || static_cast<unsigned char>(t_[r - 2]) != 0xC2)) {
        ++r;  // 0xA0 ending another character ("à"), not a blank
        continue;
      }
      // Cheap rejects of what boundary_at would reject in body text: 'S' starts
      // only "SECRET" / "SIPDIS", 'P' only "PAGE", digits only a page serial
      // (8 digits) or a label of at most 3 digits before '.' or ')'.
      const char c = t_[r];
      const char c2 = r + 1 < t_.size() ? t_[r + 1] : '\0';
      if ((c == 'S' && c2 != 'E' && c2 != 'I') || (c == 'P' && c2 != 'A')) {
        ++r;
        continue;
      }
      if (is_digit(c)) {
        const size_t de = digits_end(t_, r, ln.end);
        if (de - r != 8 && (de - r > 3 || de >= ln.end || (t_[de] != '.' && t_[de] != ')'))) {
          ++r;
          continue;
        }
      }
      size_t blanks = 0;
      for (size_t k = r; k > from && blanks < 4;) {
        const size_t w = (static_cast<unsigned char>(t_[k - 1]) == 0xA0 && k >= 2) ? 2 : 1;
        if (blank_len(t_, k - w) == 0) break;
        k -= w;
        ++blanks;
      }
      if (boundary_at(ln, r, blanks, false)) return back_up_page_post(ln, from, r, blanks);
      ++r;
    }
    return limit;
  }
  // The unit's own first word never ends it.
  q = skip_word(q);
  while (q < end) {
    size_t r = q;
    size_t blanks = 0;
    while (r < end) {
      const size_t w = blank_len(t_, r);
      if (w == 0) break;
      r += w;
      ++blanks;
    }
    if (r >= end) break;
    // Only a few first bytes can start a boundary; most words are skipped here.
    const auto first_byte = static_cast<unsigned char>(t_[r]);
    const bool candidate = (header ? kHeaderStart : kBodyStart)[first_byte] ||
                           (r == sig_pos_ && ln.number == sig_line_) || r == line_trailer_pos_;
    if (candidate && boundary_at(ln, r, blanks, header))
      return back_up_page_post(ln, from, r, blanks);
    q = r + 1;
    if (!header) {
      q = skip_word(q);
      continue;
    }
    // Glued captions in reflowed headers: "...022025SIPDISNOFORN". The loop
    // runs to the next blank (blank_len(t_, q) != 0, tested by table).
    while (q < end) {
      const auto ch = static_cast<unsigned char>(t_[q]);
      if (kBlankLead[ch] &&
          (ch != 0xC2 || (q + 1 < t_.size() && static_cast<unsigned char>(t_[q + 1]) == 0xA0)))
        break;
      if (ch == 'S' && match_cs(t_, q, "SIPDIS") && q > from) return q;
      ++q;
    }
  }
  return end;
}

// ---------------------------------------------------------------- labels

bool Reader::parse_label(size_t p, size_t end, Label* out) const {
  // Written in place (a Label is large): callers pass a fresh Label and drop it
  // when this returns false.
  Label& lb = *out;
  lb.begin = p;
  size_t q = p;
  if (is_pilcrow(t_, q)) {
    lb.pilcrow = true;
    q = skip_blanks(t_, q + 2, end);
  }
  if (q >= end) return false;
  size_t after = kNo;
  const char c = t_[q];
  if (is_digit(c)) {
    const size_t d = digits_end(t_, q, end);
    if (d - q > 3 || d >= end) return false;
    const char term = t_[d];
    if (term != '.' && term != ')') return false;
    after = d + 1;
    if (after < end && !is_blank(t_[after]) && t_[after] != '(' && blank_len(t_, after) == 0)
      return false;
    int n = 0;
    for (size_t i = q; i < d; ++i) n = n * 10 + (t_[i] - '0');
    if (n == 0) return false;
    lb.number = n;
    lb.type = term == '.' ? LabelType::kNumber : LabelType::kNumberParen;
    lb.rank = term == '.' ? 0 : 2;
    lb.text = std::string(t_.substr(q, d - q));
    if (term == ')') lb.text += ')';
  } else if (is_alpha(c) && q + 1 < end && (t_[q + 1] == '.' || t_[q + 1] == ')')) {
    after = q + 2;
    if (after < end && blank_len(t_, after) == 0 && t_[after] != '(') return false;
    lb.letter = c;
    lb.type = LabelType::kLetter;
    lb.rank = 1;
    lb.text = std::string(1, c);
  } else if (c == '(' && q + 2 < end) {
    const size_t d = digits_end(t_, q + 1, end);
    if (d > q + 1 && d - q - 1 <= 2 && d < end && t_[d] == ')') {
      after = d + 1;
      int n = 0;
      for (size_t i = q + 1; i < d; ++i) n = n * 10 + (t_[i] - '0');
      lb.number = n;
      lb.type = LabelType::kParenNumber;
      lb.rank = 2;
    } else if (is_alpha(t_[q + 1]) && t_[q + 2] == ')') {
      after = q + 3;
      lb.letter = t_[q + 1];
      lb.type = LabelType::kParenLetter;
      lb.rank = 1;
    } else {
      return false;
    }
    if (after < end && blank_len(t_, after) == 0) return false;
    lb.text = std::string(t_.substr(q, after - q));
  } else if (c == '-') {
    if (q + 1 < end && t_[q + 1] == '-') {
      if (q + 2 < end && t_[q + 2] == '-') return false;  // a rule
      after = q + 2;
      lb.text = "--";
    } else {
      after = q + 1;
      if (after >= end || blank_len(t_, after) == 0) return false;
      lb.text = "-";
    }
    lb.type = LabelType::kBullet;
    lb.rank = 3;
  } else {
    return false;
  }
  lb.end = after;
  // The portion mark right after the label.
  size_t m = skip_blanks(t_, after, end);
  if (m < end && t_[m] == '(') {
    size_t k = m + 1;
    while (k < end && k - m <= kMaxMarkInside + 1 && t_[k] != ')' && t_[k] != '(') ++k;
    // "37. (a) ... 39. (b) ... 40. (c)": a lettered list after the labels, not marks.
    const bool list_letter =
        k == m + 2 && label_paren_letter_ != 0 && t_[m + 1] == label_paren_letter_ + 1;
    if (k < end && t_[k] == ')' && !list_letter) {
      MarkingParse mp = parse_portion_marking(t_.substr(m + 1, k - m - 1));
      if (mp.kind != MarkingParse::Kind::kNotMarking) {
        lb.has_mark = true;
        lb.mark_begin = m;
        lb.mark_end = k + 1;
        lb.parse = std::move(mp);
      }
    }
  } else if (m < end && is_upper(t_[m]) && lb.type == LabelType::kNumber) {
    // "1. C) ..." : a mark without its opening parenthesis.
    size_t k = m;
    while (k < end && k - m < 4 && (is_upper(t_[k]) || t_[k] == '/')) ++k;
    if (k < end && t_[k] == ')' && (k + 1 >= end || blank_len(t_, k + 1) > 0)) {
      MarkingParse mp = parse_portion_marking(t_.substr(m, k - m));
      if (mp.kind == MarkingParse::Kind::kMarking) {
        lb.has_mark = true;
        lb.paren_missing = true;
        lb.mark_begin = m;
        lb.mark_end = k + 1;
        lb.parse = std::move(mp);
      }
    }
  }
  return true;
}

bool Reader::accept_label(const Label& lb, bool first, bool after_blank) const {
  switch (lb.type) {
    case LabelType::kNumber:
      if (lb.number > 300) return false;
      if (lb.pilcrow || lb.has_mark) return true;
      if (!first) return lb.number == para_number_ + 1;
      return after_blank || lb.number == para_number_ + 1 || open_ < 0 || cont_ != Cont::kLabelled;
    case LabelType::kLetter:
    case LabelType::kParenLetter: {
      const char prev = last_letter_;
      const bool next = prev != 0 && lb.letter == prev + 1;
      const bool a = lb.letter == 'A' || lb.letter == 'a';
      if (lb.type == LabelType::kParenLetter && !next) {
        // "(C) text" is a mark, "(C)" after "(B)" a letter.
        const MarkingParse mp = parse_portion_marking(std::string_view(&lb.letter, 1));
        if (mp.kind != MarkingParse::Kind::kNotMarking) return false;
      }
      if (lb.pilcrow || lb.has_mark) return true;
      if (!first) return false;
      return (after_blank && (a || next)) || next;
    }
    case LabelType::kParenNumber:
      if (!first) return false;
      return after_blank || lb.number == last_paren_number_ + 1 || lb.number == 1;
    case LabelType::kNumberParen:
      if (!first || lb.number > 50) return false;
      return lb.has_mark || after_blank || lb.number == last_paren_number_ + 1;
    case LabelType::kBullet: {
      if (!first) return false;
      if (after_blank || lb.has_mark) return true;
      // Without a blank line before it, "--" opens a bullet only if what follows
      // looks like its start; "-- to which he added" goes on with a sentence.
      const size_t q = skip_blanks(t_, lb.end, t_.size());
      const bool starts =
          q < t_.size() && (is_upper(t_[q]) || is_digit(t_[q]) || t_[q] == '(' || t_[q] == '"');
      return starts && (lb.text == "--" || last_bullet_ == "-");
    }
  }
  return false;
}

// ---------------------------------------------------------------- dispatch

size_t Reader::try_notice(const Line& ln, size_t p, bool first) {
  const size_t end = ln.end;
  if (reader::is_partial_extract(t_, p, end)) {
    // The sentence ends the notice; anything glued after it is read on.
    const size_t dot = t_.substr(p, end - p).find("not available.");
    const size_t e = dot == std::string_view::npos ? end : p + dot + 14;
    const int idx = add_block(BlockKind::kNotice, p, e, ln.number);
    open(-1, Cont::kNone);
    if (!doc_.partial_extract) {
      doc_.partial_extract = true;
      diag(Severity::kWarning, "partial-extract", p,
           "partial extract: the full text of the cable is not available", idx);
    }
    return e;
  }
  if (match_cs(t_, p, "pdf how-to read a cable") ||
      (first && match_cs(t_, p, "pdf") && end - p < 40 &&
       t_.substr(p, end - p).find("how-to") != std::string_view::npos)) {
    add_block(BlockKind::kNotice, p, end, ln.number);
    return end;
  }
  if (phase_ != Phase::kTop) return kNo;
  // "Cable dated:2006-11-16T12:00:00", glued to whatever follows.
  if (match_cs(t_, p, "Cable dated:")) {
    size_t e = reader::match_iso_datetime(t_, skip_blanks(t_, p + 12, end), end);
    if (e == kNo) e = end;
    add_block(BlockKind::kNotice, p, e, ln.number);
    return e;
  }
  if (!first) return kNo;
  if (reader::is_weekday_line(t_, p, end)) {
    add_block(BlockKind::kNotice, p, end, ln.number);
    return end;
  }
  // Partner export header "id: 236241 ... header ends".
  if (match_cs(t_, p, "id: ") && is_digit(t_[skip_blanks(t_, p + 3, end)])) {
    const int idx = add_block(BlockKind::kNotice, p, end, ln.number);
    open(idx, Cont::kNotice);
    notice_until_marker_ = true;
    notice_until_line_ = ln.number + 64;
    return end;
  }
  // Bare partner header: "198860" then "2009-03-25 17:51:00", id, origin, classification.
  {
    const size_t d = digits_end(t_, p, end);
    if (d == end && d - p >= 4 && d - p <= 8) {
      size_t next = end;
      while (next < t_.size() && t_[next] != '\n') ++next;
      const size_t nb = skip_blanks(t_, std::min(next + 1, t_.size()), t_.size());
      if (reader::match_iso_datetime(t_, nb, t_.size()) != kNo) {
        const int idx = add_block(BlockKind::kNotice, p, end, ln.number);
        open(idx, Cont::kNotice);
        notice_until_marker_ = false;
        notice_until_line_ = ln.number + 4;
        return end;
      }
    }
  }
  // The same with a US date and no number: ">" then "8/13/2009 8:54", id,
  // origin, classification (09ULAANBAATAR234).
  if (t_[p] == '>' && end == p + 1) {
    add_block(BlockKind::kNotice, p, end, ln.number);
    return end;
  }
  if (is_digit(t_[p]) && end - p <= 20) {
    size_t k = digits_end(t_, p, end);
    bool us_date = k - p <= 2 && k < end && t_[k] == '/';
    if (us_date) {
      const size_t k2 = digits_end(t_, k + 1, end);
      us_date = k2 - k - 1 >= 1 && k2 - k - 1 <= 2 && k2 < end && t_[k2] == '/';
      if (us_date) {
        const size_t k3 = digits_end(t_, k2 + 1, end);
        us_date = k3 - k2 - 1 == 4 && k3 < end && t_[k3] == ' ' && end - k3 <= 9 &&
                  t_.substr(k3, end - k3).find(':') != std::string_view::npos;
      }
    }
    if (us_date) {
      const int idx = add_block(BlockKind::kNotice, p, end, ln.number);
      open(idx, Cont::kNotice);
      notice_until_marker_ = false;
      notice_until_line_ = ln.number + 3;
      return end;
    }
  }
  // cables.csv export line: tab-separated fields with a date; the last field
  // starts the telegram.
  {
    const std::string_view text = t_.substr(p, end - p);
    // Most lines hold no tab: find the first (memchr) before looking for the last.
    const size_t first_tab = text.find('\t');
    const size_t last_tab = first_tab == std::string_view::npos ? first_tab : text.rfind('\t');
    if (last_tab != std::string_view::npos && first_tab != last_tab) {
      bool has_date = false;
      size_t f = 0;
      while (f <= text.size()) {
        size_t tab = text.find('\t', f);
        if (tab == std::string_view::npos) tab = text.size();
        const std::string_view fld = text.substr(f, tab - f);
        if (reader::match_iso_datetime(fld, 0, fld.size()) != kNo) has_date = true;
        size_t used = 0;
        if (tab <= last_tab && !fld.empty()) {
          const auto cls = parse_classification_line(fld, &used);
          if (cls && used == fld.size()) {
            other_class_ = have_other_class_ ? other_class_.combine(*cls) : *cls;
            have_other_class_ = true;
          }
        }
        f = tab + 1;
      }
      if (has_date) {
        add_block(BlockKind::kNotice, p, p + last_tab, ln.number);
        return p + last_tab + 1;
      }
    }
  }
  return kNo;
}

size_t Reader::try_banner(const Line& ln, size_t p, bool first) {
  const size_t end = ln.end;
  const char c = reader::to_upper(t_[p]);
  if (c != 'C' && c != 'S' && c != 'U' && c != 'T' && c != 'L') return kNo;
  size_t used = 0;
  // Cheap filter first: the first two letters of a class word ("C O", "Se", "UN",
  // "TO", "LI"; "SS E C R E T"). Then a bounded view: a class line head is short.
  {
    size_t k = p + 1;
    while (k < end && k < p + 3 && t_[k] == ' ') ++k;
    const char c2 = k < end ? reader::to_upper(t_[k]) : 0;
    const bool maybe = (c == 'C' && c2 == 'O') || (c == 'S' && (c2 == 'E' || c2 == 'S')) ||
                       (c == 'U' && c2 == 'N') || (c == 'T' && c2 == 'O') ||
                       (c == 'L' && c2 == 'I');
    if (!maybe) return kNo;
  }
  const std::optional<Classification> cls =
      parse_classification_line(t_.substr(p, std::min<size_t>(end - p, 96)), &used);
  if (!cls || used == 0) return kNo;
  size_t q = p + used;
  const size_t head_end = q;
  q = skip_blanks(t_, q, end);
  Banner bn;
  bn.classification = *cls;
  bn.class_text = std::string(t_.substr(p, head_end - p));
  const size_t serial_e = banner_tail(q, end, &bn);
  const bool full = serial_e != kNo;
  const bool lone = !full && (q >= end || class_word_before_page(p, end) == head_end);
  bool transmission = false;
  if (!full && !lone) {
    // "CONFIDENTIAL     PTQ1859": the class line of an old transmission.
    size_t r = q;
    while (r < end && is_upper(t_[r])) ++r;
    const size_t d = digits_end(t_, r, end);
    transmission = r - q >= 2 && r - q <= 4 && d - r >= 3 && skip_blanks(t_, d, end) == end;
    // A caption right after the class word ("CONFIDENTIAL NOFORN").
    uint32_t bits = 0;
    const bool caption = reader::match_captions(t_, q, end, false, &bits) != kNo;
    if (!transmission && !caption) return kNo;
  }
  const size_t unit_end = full ? serial_e : (transmission ? end : head_end);
  // Page markings and class lines always count toward the document (fail closed).
  if (!full) {
    other_class_ = have_other_class_ ? other_class_.combine(*cls) : *cls;
    have_other_class_ = true;
  }
  const bool after_blank = first && ln.after_blank;
  if (full || (lone && banner_block_ < 0 && phase_ == Phase::kTop && !transmission &&
               (cont_ != Cont::kRouting || after_blank))) {
    if (banner_block_ < 0) {
      banner_lone_ = !full;
      if (repeating_) end_repeat();
      const int idx = add_block(BlockKind::kBanner, p, unit_end, ln.number);
      banner_block_ = idx;
      bn.block = static_cast<uint32_t>(idx);
      // Page lines cut the post to ten bytes.
      banner_post_prefix_.clear();
      for (char ch : bn.post.substr(0, 10)) banner_post_prefix_ += reader::to_upper(ch);
      doc_.banner = std::move(bn);
      phase_ = Phase::kHeader;
      header_fields_seen_ = false;
      open(-1, Cont::kNone);
      remember_header(p, unit_end, BlockKind::kBanner);
    } else {
      start_repeat();
      repeated_block(BlockKind::kBanner, p, unit_end, ln.number);
    }
    return unit_end;
  }
  if (transmission && (phase_ == Phase::kTop || repeating_)) {
    // Part of the routing of an old telegram.
    if (repeating_) {
      repeated_block(BlockKind::kRouting, p, unit_end, ln.number);
    } else if (cont_ == Cont::kRouting && open_ >= 0) {
      append(open_, p, unit_end, ln.number);
    } else {
      open(add_block(BlockKind::kRouting, p, unit_end, ln.number), Cont::kRouting);
    }
    return unit_end;
  }
  if (!first && !transmission && !lone) return kNo;
  // A page marking ("CONFIDENTIAL" at the top or foot of an old page, or a
  // CAPCO line such as "SECRET//FGI//NOFORN" inside the text).
  if (transmission && banner_block_ >= 0 && phase_ == Phase::kBody && !repeating_) {
    start_repeat();
    repeated_block(BlockKind::kRouting, p, unit_end, ln.number);
    return unit_end;
  }
  interruption(BlockKind::kPageBreak, p, unit_end, ln.number, false);
  return unit_end;
}

size_t Reader::banner_tail(size_t q, size_t end, Banner* bn) const {
  // "SECTION 01 OF 03"
  if (match_ci(t_, q, "SECTION")) {
    size_t k = skip_blanks(t_, q + 7, end);
    const size_t d1 = digits_end(t_, k, end);
    size_t k2 = skip_blanks(t_, d1, end);
    if (d1 > k && match_ci(t_, k2, "OF")) {
      k2 = skip_blanks(t_, k2 + 2, end);
      const size_t d2 = digits_end(t_, k2, end);
      if (d2 > k2 && d1 - k <= 3 && d2 - k2 <= 3) {
        bn->section = 0;
        bn->section_count = 0;
        for (size_t i = k; i < d1; ++i)
          bn->section = bn->section * 10 + static_cast<uint32_t>(t_[i] - '0');
        for (size_t i = k2; i < d2; ++i)
          bn->section_count = bn->section_count * 10 + static_cast<uint32_t>(t_[i] - '0');
        q = skip_blanks(t_, d2, end);
      }
    }
  }
  // Post words, then the serial.
  const size_t post_b = q;
  size_t post_e = q;
  size_t words = 0;
  size_t k = q;
  while (k < end && words < 6 && k - post_b <= 40) {
    if (is_digit(t_[k])) break;
    const size_t w = k;
    while (k < end && (is_alpha(t_[k]) || t_[k] == '.' || t_[k] == '-' || t_[k] == '/')) ++k;
    if (k == w || (k < end && blank_len(t_, k) == 0)) break;
    post_e = k;
    ++words;
    k = skip_blanks(t_, k, end);
  }
  if (k >= end || !is_digit(t_[k])) return kNo;
  const size_t d = digits_end(t_, k, end);
  if (d - k < 3 || d - k > 8 || (words == 0 && bn->section == 0)) return kNo;
  bn->post = std::string(t_.substr(post_b, post_e - post_b));
  bn->serial = std::string(t_.substr(k, d - k));
  return d;
}

size_t Reader::class_word_before_page(size_t r, size_t end) const {
  // "...PARM, IT                          SECRET       PAGE 02        ROME  03067  211833Z":
  // the page marking and page line of an old telegram run into the text.
  for (std::string_view w : {std::string_view("CONFIDENTIAL"), std::string_view("UNCLASSIFIED"),
                             std::string_view("SECRET")}) {
    if (!match_cs(t_, r, w)) continue;
    const size_t e = r + w.size();
    const size_t q = skip_blanks(t_, e, end);
    int page = 0;
    if (q > e + 1 && reader::match_old_page(t_, q, end, &page) != kNo) return e;
  }
  return kNo;
}

bool Reader::continues(const Line& ln, size_t p, bool first) const {
  if (open_ < 0) return false;
  const bool after_blank = first && ln.after_blank;
  switch (cont_) {
    case Cont::kNone:
    case Cont::kNotice:
    case Cont::kHeading:
      return false;
    case Cont::kRouting:
    case Cont::kAddressee:
      return !after_blank;
    case Cont::kEo:
      return first && !after_blank && match_ci(t_, p, "DECL");
    case Cont::kTags: {
      if (!first || after_blank) return false;
      // "TAGS: something,\nhere": a list ending in a comma goes on.
      if (prev_line_end_ > 0 && t_[prev_line_end_ - 1] == ',') return true;
      // Tag lists: upper-case words of at most eight letters.
      for (size_t i = p; i < ln.end;) {
        // A reflowed SUBJECT may follow on the same line.
        if (reader::match_subject_start(t_, i, ln.end, false) != kNo) break;
        const size_t w = i;
        while (i < ln.end && (is_upper(t_[i]) || is_digit(t_[i]))) ++i;
        if (i == w || i - w > 8) return false;
        while (i < ln.end && (t_[i] == ' ' || t_[i] == ',')) ++i;
      }
      return true;
    }
    case Cont::kSubject: {
      if (after_blank) {
        const Block& sb = doc_.blocks[static_cast<size_t>(open_)];
        // "SUBJECT:\n\nCooperation and Coordination Busts Fraud Ring".
        const size_t kw = reader::match_subject_start(t_, sb.span.begin, sb.span.end, true);
        if (sb.pieces.size() == 1 && kw != kNo && skip_blanks(t_, kw, sb.span.end) >= sb.span.end)
          return ln.end - p <= 200;
        // "...NORTH KOREA AFTER CURRENCY\n\nREFORM": a wrapped subject word after a blank.
        if (open_lines_ > 2 || ln.end - p > 40 || t_[ln.end - 1] == ':') return false;
        for (size_t i = p; i < ln.end; ++i)
          if (is_lower(t_[i]) || is_digit(t_[i])) return false;
        const Block& b = doc_.blocks[static_cast<size_t>(open_)];
        for (const Span& sp : b.pieces)
          for (uint32_t i = sp.begin; i < sp.end; ++i)
            if (is_lower(t_[i])) return false;
        const Span last = b.pieces.back();
        return last.end - doc_.source.line_start(doc_.source.line_of(last.begin)) >= 40;
      }
      if (!first) return true;
      if (ln.end > ln.begin && t_[ln.end - 1] == ':') return false;
      const Block& b = doc_.blocks[static_cast<size_t>(open_)];
      // An upper-case subject goes on only in upper case ("...SUMMIT\nThis is an Action request").
      bool subject_lower = false;
      for (const Span& sp : b.pieces)
        for (uint32_t i = sp.begin; i < sp.end && !subject_lower; ++i)
          subject_lower = is_lower(t_[i]);
      if (!subject_lower)
        for (size_t i = p; i < ln.end; ++i)
          if (is_lower(t_[i])) return false;
      const Span last = b.pieces.back();
      const uint32_t ls = doc_.source.line_start(doc_.source.line_of(last.begin));
      (void)ls;
      return open_lines_ < 8;
    }
    case Cont::kRef:
      return !after_blank;
    case Cont::kClassifiedBy: {
      if (!first || after_blank || open_lines_ >= 3) return false;
      const char last = t_[prev_line_end_ > 0 ? prev_line_end_ - 1 : 0];
      const char next = t_[p];
      if (next == '(' || is_lower(next) || is_digit(next) || match_ci(t_, p, "AND ") || next == '&')
        return ln.end - p < 80;
      return last != '.' && last != ')' && ln.end - p < 80;
    }
    case Cont::kLabelled:
      return true;
    case Cont::kUnlabelled:
      return !after_blank;
  }
  return false;
}

size_t Reader::dispatch(const Line& ln, size_t p, bool first) {
  const size_t end = ln.end;
  const bool after_blank = first && ln.after_blank;
  const char c = t_[p];
  const bool header = header_ctx();

  // Fast path for the most common line of all: body text in lower case going
  // on with the open paragraph. Nothing else starts with a lower-case letter
  // except a lettered label ("a. ", "a) ") or the signature line.
  // Also a capitalised word ("The", "Ambassador") whose first letter starts no
  // keyword, caption, page line or banner (T S R C D E P U), unless a rule
  // follows (a heading).
  const bool capitalised = is_upper(c) && p + 1 < end && is_lower(t_[p + 1]) && c != 'T' &&
                           c != 'S' && c != 'R' && c != 'C' && c != 'D' && c != 'E' && c != 'P' &&
                           c != 'U';
  if (first && !after_blank && (is_lower(c) || capitalised) && phase_ == Phase::kBody &&
      !repeating_ && open_ >= 0 && cont_ == Cont::kLabelled && ln.number != sig_line_ &&
      !(p + 1 < end && (t_[p + 1] == '.' || t_[p + 1] == ')')) && !next_line_is_rule(ln)) {
    const size_t e = next_boundary(ln, p, false);
    append(open_, p, e, ln.number);
    return e;
  }

  // Open partner notice: whole lines until its end.
  if (cont_ == Cont::kNotice && open_ >= 0) {
    if (first && ln.number <= notice_until_line_ && !(after_blank && !notice_until_marker_)) {
      append(open_, p, end, ln.number);
      const std::string_view text = t_.substr(p, end - p);
      if (notice_until_marker_) {
        if (text.find("header ends") != std::string_view::npos) open(-1, Cont::kNone);
      } else {
        size_t used = 0;
        const auto cls = parse_classification_line(text, &used);
        if (cls && used == text.size()) {
          other_class_ = have_other_class_ ? other_class_.combine(*cls) : *cls;
          have_other_class_ = true;
        }
        if (ln.number >= notice_until_line_) open(-1, Cont::kNone);
      }
      return end;
    }
    open(-1, Cont::kNone);
  }

  // Page-break lines, anywhere: layout, never content.
  if (is_upper(c) || is_digit(c)) {
    const size_t e = reader::match_page_line(t_, p, end);
    if (e != kNo) {
      interruption(BlockKind::kPageBreak, p, e, ln.number, false);
      return e;
    }
  }
  if (c == 'P') {
    int page = 0;
    const size_t e = reader::match_old_page(t_, p, end, &page);
    if (e != kNo) {
      if (page == 1) {
        // The first page of a section: routing, repeated after the first.
        if (banner_block_ < 0 && phase_ == Phase::kTop) {
          if (cont_ == Cont::kRouting && open_ >= 0) {
            append(open_, p, e, ln.number);
          } else {
            open(add_block(BlockKind::kRouting, p, e, ln.number), Cont::kRouting);
          }
        } else {
          start_repeat();
          repeated_block(BlockKind::kRouting, p, e, ln.number);
        }
      } else {
        interruption(BlockKind::kPageBreak, p, e, ln.number, false);
      }
      return e;
    }
  }
  // Trailers after the last line of text: ">", "NNNN", release stamps.
  if (first && ln.number > last_content_line_ && is_trailer(t_.substr(p, end - p))) {
    add_block(BlockKind::kNotice, p, end, ln.number);
    return end;
  }
  // Notices: partial extract ("This record"), "pdf how-to", and before the
  // banner the partner headers.
  // After the top, only "This record ..." and "pdf ..." remain (try_notice).
  const bool notice_start =
      phase_ == Phase::kTop ||
      ((c == 'T' || c == 't' || c == 'p') &&
       (reader::may_be_partial_extract(t_, p) || (c == 'p' && byte_at(t_, p + 1) == 'd')));
  if (size_t e = notice_start ? try_notice(ln, p, first) : kNo; e != kNo) {
    if (cont_ != Cont::kNotice) open(-1, Cont::kNone);
    return e;
  }
  if (banner_lone_ && first && doc_.banner && doc_.blocks.back().kind == BlockKind::kBanner) {
    // "C O N F I D E N T I A L\nSECTION 01 OF 02 BAKU 000687".
    Banner tail = *doc_.banner;
    const size_t e = banner_tail(p, ln.end, &tail);
    banner_lone_ = false;
    if (e != kNo) {
      append(banner_block_, p, e, ln.number);
      remember_header(p, e, BlockKind::kBanner);
      tail.block = doc_.banner->block;
      doc_.banner = std::move(tail);
      banner_post_prefix_.clear();
      for (char ch : doc_.banner->post.substr(0, 10)) banner_post_prefix_ += reader::to_upper(ch);
      return e;
    }
  }
  if (size_t e = try_banner(ln, p, first); e != kNo) return e;

  // Routing lines: before the banner, in a repeated section header, or
  // continuing an open routing block.
  // In a repeated section header the routing often follows a "PAGE 01" line
  // on the same line ("PAGE 01 HARARE 06677 02 OF 03 291401Z ACTION AF-00").
  const bool line_like = first || (p > 0 && t_[p - 1] == '\t') || repeating_;
  if (line_like && (phase_ == Phase::kTop || repeating_ || cont_ == Cont::kRouting)) {
    Dtg dtg;
    dtg.day = 0;
    // cables.csv puts the next field after a tab on the same line.
    const size_t tab = t_.substr(p, ln.end - p).find('\t');
    const size_t end_r = tab == std::string_view::npos ? ln.end : p + tab;
    // The serial alone on its line in old-format headers ("063860").
    const bool serial_line = phase_ == Phase::kTop && banner_block_ < 0 &&
                             digits_end(t_, p, end_r) == end_r && end_r - p >= 4 &&
                             end_r - p <= 7 && cont_ == Cont::kRouting;
    const bool routing = serial_line || reader::is_routing_line(t_, p, end_r, &dtg);
    const bool keyword =
        (reader::may_be_eo_start(t_, p, end_r) && reader::is_eo_start(t_, p, end_r)) ||
        (reader::may_match_tags_start(t_, p) &&
         reader::match_tags_start(t_, p, end_r, true) != kNo) ||
        (reader::may_match_subject_start(t_, p) &&
         reader::match_subject_start(t_, p, end_r, true) != kNo) ||
        (reader::may_match_classified_by_start(t_, p) &&
         reader::match_classified_by_start(t_, p, end_r) != kNo);
    if (routing || (cont_ == Cont::kRouting && !after_blank && !repeating_ && !keyword)) {
      if (routing && dtg.day > 0 && !dtg_) dtg_ = dtg;
      if (routing && match_cs(t_, p, "DE ") && de_serial_.empty()) {
        const size_t hash = t_.substr(p, end_r - p).find('#');
        if (hash != std::string_view::npos) {
          const size_t d = digits_end(t_, p + hash + 1, end_r);
          de_serial_ = std::string(t_.substr(p + hash + 1, d - p - hash - 1));
        }
      }
      if (routing && match_cs(t_, p, "FM ") && fm_text_.empty())
        fm_text_ = std::string(trim_view(t_.substr(p + 3, end_r - p - 3)));
      // "ZNY CCCCC ZZH": the transmission's own classification, a fallback
      // when the telegram has no classification line.
      if (routing && (match_cs(t_, p, "ZNY ") || match_cs(t_, p, "ZNR ")) && !routing_level_) {
        const size_t k = skip_blanks(t_, p + 4, end_r);
        if (k + 5 <= end_r) {
          const std::string_view code = t_.substr(k, 5);
          if (code == "TTTTT") routing_level_ = Level::kTopSecret;
          if (code == "SSSSS") routing_level_ = Level::kSecret;
          if (code == "CCCCC") routing_level_ = Level::kConfidential;
          if (code == "UUUUU") routing_level_ = Level::kUnclassified;
        }
      }
      if (repeating_) {
        if (routing) {
          repeated_block(BlockKind::kRouting, p, end_r, ln.number);
          return end_r;
        }
      } else if (cont_ == Cont::kRouting && open_ >= 0) {
        append(open_, p, end_r, ln.number);
        return end_r;
      } else if (routing && phase_ == Phase::kTop) {
        open(add_block(BlockKind::kRouting, p, end_r, ln.number), Cont::kRouting);
        return end_r;
      }
    }
  }

  // Captions.
  {
    uint32_t bits = 0;
    size_t e = kNo;
    if (header && match_ci(t_, p, "SENSITIVE BUT UNCLASSIFIED")) {
      // The SBU notice of reflowed headers, with its "Please handle accordingly."
      e = p + 26;
      bits = static_cast<uint32_t>(Control::kSbu);
      size_t q = skip_blanks(t_, e, end);
      if (q < end && (t_[q] == '.' || t_[q] == '-' || t_[q] == ','))
        q = skip_blanks(t_, q + 1, end);
      if (match_ci(t_, q, "PLEASE HANDLE ACCORDINGLY")) {
        e = q + 25;
        if (e < end && t_[e] == '.') ++e;
      }
    } else if (header && reader::may_match_captions(t_, p, end)) {
      e = reader::match_captions(t_, p, end, true, &bits);
    } else if (!header) {
      e = reader::match_sipdis_word(t_, p, end);
    }
    if (e != kNo) {
      if (repeating_) {
        repeated_block(BlockKind::kCaption, p, e, ln.number);
      } else if (phase_ == Phase::kBody) {
        interruption(BlockKind::kCaption, p, e, ln.number, false);
      } else if (open_ >= 0 &&
                 (cont_ == Cont::kSubject || cont_ == Cont::kRef || cont_ == Cont::kClassifiedBy ||
                  cont_ == Cont::kAddressee) &&
                 !after_blank && bits == 0) {
        // SIPDIS inside a wrapped header element.
        interruption(BlockKind::kCaption, p, e, ln.number, false);
      } else {
        if (phase_ == Phase::kTop || banner_block_ < 0 || !header_fields_seen_)
          banner_controls_ |= bits;
        const int idx = add_block(BlockKind::kCaption, p, e, ln.number);
        if (phase_ == Phase::kTop) phase_ = Phase::kHeader;
        remember_header(p, e, BlockKind::kCaption);
        // A caption closes header blocks, but not the routing of a block that
        // continues on the next line.
        if (cont_ != Cont::kLabelled) open(-1, Cont::kNone);
        (void)idx;
      }
      return e;
    }
  }

  // Header elements (first bytes: E.O., Declassify, TAGS and slips, SUBJECT,
  // REF, Classified By, Derived From, "(U) Classified by").
  const bool may_header = (header || first) && kKeywordStart[static_cast<unsigned char>(c)];
  if (may_header) {
    BlockKind kind = BlockKind::kParagraph;
    Cont cont = Cont::kNone;
    size_t kw_end = kNo;
    if (reader::may_be_eo_start(t_, p, end) && reader::is_eo_start(t_, p, end)) {
      kind = BlockKind::kEoLine;
      cont = Cont::kEo;
      kw_end = p;
    } else if (reader::may_be_declassify_on(t_, p) && reader::is_declassify_on(t_, p, end)) {
      kind = BlockKind::kEoLine;
      cont = Cont::kEo;
      kw_end = p;
    } else if (reader::may_match_tags_start(t_, p) &&
               (kw_end = reader::match_tags_start(t_, p, end, first)) != kNo &&
               (header || early_body())) {
      kind = BlockKind::kTags;
      cont = Cont::kTags;
    } else if (reader::may_match_subject_start(t_, p) &&
               (kw_end = reader::match_subject_start(t_, p, end, first)) != kNo &&
               (header || early_body())) {
      kind = BlockKind::kSubject;
      cont = Cont::kSubject;
    } else if (reader::may_match_ref_start(t_, p) &&
               (kw_end = reader::match_ref_start(t_, p, end)) != kNo && (header || early_body())) {
      kind = BlockKind::kRef;
      cont = Cont::kRef;
    } else if (reader::may_match_classified_by_start(t_, p) &&
               (kw_end = reader::match_classified_by_start(t_, p, end)) != kNo) {
      kind = BlockKind::kClassifiedBy;
      cont = Cont::kClassifiedBy;
    } else {
      kw_end = kNo;
    }
    if (kw_end != kNo) {
      // The keyword and the first word after it (a subject's own mark) never end it.
      size_t e = next_boundary(ln, kw_end > p ? skip_blanks(t_, kw_end, end) : p, true);
      if (e <= p) e = end;
      // "...MISSING AMCITREF:", "...EGYPTREF: CAIRO 493", "...CAIROClassified By:":
      // keywords glued to the last word of the subject.
      if (kind == BlockKind::kSubject) {
        const std::string_view text = t_.substr(kw_end, e - kw_end);
        for (std::string_view kw :
             {std::string_view("REF:"), std::string_view("REFS:"),
              std::string_view("Classified By"), std::string_view("CLASSIFIED BY")}) {
          const size_t at = text.find(kw);
          if (at != std::string_view::npos && at > 0 && is_alpha(text[at - 1]))
            e = std::min(e, kw_end + at);
        }
      }
      if (repeating_) {
        repeated_block(kind, p, e, ln.number);
        return e;
      }
      if (phase_ == Phase::kBody && !early_body() && kind != BlockKind::kClassifiedBy &&
          kind != BlockKind::kEoLine) {
        // Keywords inside the body are text.
      } else {
        const int idx = add_block(kind, p, e, ln.number);
        if (kind == BlockKind::kClassifiedBy && phase_ == Phase::kBody && open_ >= 0 &&
            cont_ == Cont::kLabelled) {
          // "Classified By" is never a portion; it does not end the paragraph's scope.
        }
        if (phase_ == Phase::kTop) phase_ = Phase::kHeader;
        if (kind == BlockKind::kEoLine || kind == BlockKind::kTags || kind == BlockKind::kSubject)
          header_fields_seen_ = true;
        if (kind == BlockKind::kRef) ref_letter_ = last_item_letter(p, e);
        if (phase_ == Phase::kBody && kind != BlockKind::kClassifiedBy &&
            kind != BlockKind::kEoLine)
          phase_ = Phase::kHeader;  // a header field after a stray early line
        remember_header(p, e, kind);
        if (kind == BlockKind::kSubject) {
          // Its own mark: "SUBJECT: (S) ...".
          size_t m = skip_blanks(t_, kw_end, e);
          if (m < e && t_[m] == '(') {
            size_t k = m + 1;
            while (k < e && k - m <= kMaxMarkInside + 1 && t_[k] != ')' && t_[k] != '(') ++k;
            if (k < e && t_[k] == ')') {
              MarkingParse mp = parse_portion_marking(t_.substr(m + 1, k - m - 1));
              if (mp.kind != MarkingParse::Kind::kNotMarking) {
                PortionMark pm;
                pm.span = {static_cast<uint32_t>(m), static_cast<uint32_t>(k + 1)};
                pm.text = std::string(t_.substr(m + 1, k - m - 1));
                pm.classification = mp.classification;
                pm.garbled = mp.kind == MarkingParse::Kind::kGarbled;
                pm.entire_text = mp.entire_text;
                doc_.blocks[static_cast<size_t>(idx)].mark = std::move(pm);
              }
            }
          }
        }
        if (phase_ == Phase::kBody && open_ >= 0 && cont_ == Cont::kLabelled) {
          // A header element inside the body closes the paragraph.
        }
        open(idx, cont);
        return e;
      }
    }
  }

  // Signature: the last content line, or its glued last word.
  if (ln.number == sig_line_ && p == sig_pos_ &&
      (phase_ != Phase::kTop || banner_block_ >= 0 || open_ >= 0)) {
    Label lb;
    if (!parse_label(p, end, &lb) || !accept_label(lb, first, after_blank)) {
      const int idx = add_block(BlockKind::kSignature, p, end, ln.number);
      (void)idx;
      open(-1, Cont::kNone);
      return end;
    }
  }

  // Rules and headings.
  if (first && reader::may_be_rule(t_, p, end) && reader::is_rule(t_, p, end)) {
    if (repeating_) end_repeat();
    if (open_ >= 0 && cont_ == Cont::kHeading) {
      append(open_, p, end, ln.number);
      if (heading_has_text_) open(-1, Cont::kNone);
      return end;
    }
    if (phase_ != Phase::kBody) to_body();
    const int idx = add_block(BlockKind::kParagraph, p, end, ln.number);
    for (auto& r : rank_block_) r = -1;
    rank_block_[0] = idx;
    heading_has_text_ = false;
    open(idx, Cont::kHeading);
    return end;
  }

  // Reference items ("(B) SAN JOSE 02008", "¶B. (B) NAIROBI 1114") on their own
  // lines after REF, or under the header fields when the REF line is lost.
  if (first && phase_ != Phase::kBody && !repeating_ &&
      !(open_ >= 0 && cont_ == Cont::kClassifiedBy && continues(ln, p, first))) {
    char letter = 0;
    if (ref_item(ln, p, &letter)) {
      const bool marking_letter = parse_portion_marking(std::string_view(&letter, 1)).kind !=
                                  MarkingParse::Kind::kNotMarking;
      const bool in_sequence = ref_letter_ != 0 && letter == ref_letter_ + 1;
      if (open_ >= 0 && cont_ == Cont::kRef && (!marking_letter || in_sequence)) {
        const size_t e = next_boundary(ln, p, true);
        append(open_, p, e, ln.number);
        remember_header(p, e, BlockKind::kRef);
        ref_letter_ = letter;
        return e;
      }
      if (header_fields_seen_ && !marking_letter && letter != 'A' && letter != 'a') {
        const size_t e = next_boundary(ln, p, true);
        const int idx = add_block(BlockKind::kRef, p, e, ln.number);
        remember_header(p, e, BlockKind::kRef);
        ref_letter_ = letter;
        open(idx, Cont::kRef);
        return e;
      }
    }
  }

  // Paragraph labels.
  // A letter is a label only before '.' or ')' (parse_label): test that
  // before building a Label, as most lines start with a letter.
  if (is_digit(c) || (is_alpha(c) && p + 1 < end && (t_[p + 1] == '.' || t_[p + 1] == ')')) ||
      c == '(' || c == '-' || is_pilcrow(t_, p)) {
    Label lb;
    if (parse_label(p, end, &lb) && accept_label(lb, first, after_blank)) {
      // In the header, lettered lines after REF are its references.
      if (phase_ != Phase::kBody && !repeating_ && open_ >= 0 && cont_ == Cont::kRef &&
          lb.rank == 1) {
        const size_t e = next_boundary(ln, p, true);
        append(open_, p, e, ln.number);
        remember_header(p, e, BlockKind::kRef);
        return e;
      }
      // Inside a heading, text stays in the heading.
      if (!(open_ >= 0 && cont_ == Cont::kHeading && !heading_has_text_ && lb.rank == 3))
        return labelled_unit(ln, p, lb);
    }
  }

  // An unlabelled paragraph that starts with its own mark: "(C) text".
  if (c == '(' && (after_blank || open_ < 0 || cont_ != Cont::kLabelled || !first) &&
      (phase_ == Phase::kBody || !first || after_blank || cont_ != Cont::kRef)) {
    size_t k = p + 1;
    while (k < end && k - p <= kMaxMarkInside + 1 && t_[k] != ')' && t_[k] != '(') ++k;
    if (k < end && t_[k] == ')' && (k + 1 >= end || !is_word_byte(t_[k + 1]))) {
      MarkingParse mp = parse_portion_marking(t_.substr(p + 1, k - p - 1));
      // A garbled mark on unlabelled text must look like one: short ("(SE)", "(N/SF)"),
      // never an acronym such as "(INCSR)".
      size_t letters = 0;
      for (size_t i = p + 1; i < k; ++i) letters += is_alpha(t_[i]) ? 1u : 0u;
      const bool plausible = mp.kind == MarkingParse::Kind::kMarking || letters <= 3;
      if (plausible && mp.kind != MarkingParse::Kind::kNotMarking)
        return mark_paragraph_unit(ln, p, k + 1, mp);
    }
  }

  return text_unit(ln, p, first);
}

size_t Reader::labelled_unit(const Line& ln, size_t p, const Label& lb) {
  to_body();
  labelled_seen_ = true;
  // The next inline label is looked for after this one.
  if (lb.type == LabelType::kNumber) para_number_ = lb.number;
  const size_t text_from = lb.has_mark ? lb.mark_end : lb.end;
  // The first word of the text never ends the unit ("40. (c) Yes ...").
  const size_t e = next_boundary(ln, skip_blanks(t_, text_from, ln.end), false);
  const bool sub = lb.rank > 0;
  const int idx =
      add_block(sub ? BlockKind::kSubParagraph : BlockKind::kParagraph, p, e, ln.number);
  Block& b = doc_.blocks[static_cast<size_t>(idx)];
  b.label = lb.text;
  b.label_span = {static_cast<uint32_t>(lb.begin), static_cast<uint32_t>(lb.end)};
  if (lb.has_mark) {
    PortionMark pm;
    pm.span = {static_cast<uint32_t>(lb.mark_begin), static_cast<uint32_t>(lb.mark_end)};
    const size_t ib = lb.paren_missing ? lb.mark_begin : lb.mark_begin + 1;
    pm.text = std::string(t_.substr(ib, lb.mark_end - 1 - ib));
    pm.classification = lb.parse.classification;
    pm.garbled = lb.parse.kind == MarkingParse::Kind::kGarbled;
    pm.entire_text = lb.parse.entire_text;
    b.mark = std::move(pm);
    if (lb.paren_missing)
      diag(Severity::kWarning, "malformed-marking", lb.mark_begin,
           "portion mark '" + std::string(t_.substr(lb.mark_begin, lb.mark_end - lb.mark_begin)) +
               "' lacks its opening parenthesis; read as '(" + b.mark->text + ")'",
           idx);
    if (!pm.garbled && !lb.parse.note.empty())
      diag(Severity::kWarning, "contradictory-marking", lb.mark_begin,
           "portion mark '(" + b.mark->text + ")': " + lb.parse.note, idx);
  }
  // Parent: the nearest enclosing block of a lower rank.
  if (sub) {
    for (int r = lb.rank - 1; r >= 0; --r) {
      if (rank_block_[static_cast<size_t>(r)] >= 0) {
        b.parent = rank_block_[static_cast<size_t>(r)];
        break;
      }
    }
  }
  for (size_t r = static_cast<size_t>(lb.rank); r < rank_block_.size(); ++r) rank_block_[r] = -1;
  rank_block_[static_cast<size_t>(lb.rank)] = idx;
  switch (lb.type) {
    case LabelType::kNumber:
      para_number_ = lb.number;
      last_letter_ = 0;
      last_paren_number_ = 0;
      last_bullet_.clear();
      break;
    case LabelType::kLetter:
    case LabelType::kParenLetter:
      last_letter_ = lb.letter;
      last_paren_number_ = 0;
      break;
    case LabelType::kParenNumber:
    case LabelType::kNumberParen:
      last_paren_number_ = lb.number;
      break;
    case LabelType::kBullet:
      last_bullet_ = lb.text;
      break;
  }
  {
    const size_t m = skip_blanks(t_, lb.end, ln.end);
    const bool letter_item =
        !lb.has_mark && m + 2 < ln.end && t_[m] == '(' && is_alpha(t_[m + 1]) && t_[m + 2] == ')';
    label_paren_letter_ =
        letter_item ? t_[m + 1]
        : (lb.has_mark && lb.mark_end == lb.mark_begin + 3 && label_paren_letter_ != 0 &&
           t_[lb.mark_begin + 1] == label_paren_letter_ + 1)
            ? t_[lb.mark_begin + 1]
            : 0;
  }
  open(idx, Cont::kLabelled);
  return e;
}

size_t Reader::mark_paragraph_unit(const Line& ln, size_t p, size_t mark_end,
                                   const MarkingParse& mp) {
  to_body();
  const size_t e = next_boundary(ln, skip_blanks(t_, mark_end, ln.end), false);
  const int idx = add_block(BlockKind::kParagraph, p, e, ln.number);
  Block& b = doc_.blocks[static_cast<size_t>(idx)];
  PortionMark pm;
  pm.span = {static_cast<uint32_t>(p), static_cast<uint32_t>(mark_end)};
  pm.text = std::string(t_.substr(p + 1, mark_end - p - 2));
  pm.classification = mp.classification;
  pm.garbled = mp.kind == MarkingParse::Kind::kGarbled;
  pm.entire_text = mp.entire_text;
  b.mark = std::move(pm);
  for (auto& r : rank_block_) r = -1;
  rank_block_[0] = idx;
  last_letter_ = 0;
  last_paren_number_ = 0;
  open(idx, Cont::kUnlabelled);
  return e;
}

size_t Reader::text_unit(const Line& ln, size_t p, bool first) {
  const bool after_blank = first && ln.after_blank;
  // In a repeated section header, lines seen in the first header are repeats.
  if (repeating_) {
    const size_t e = next_boundary(ln, p, true);
    const int kind = header_kind(t_.substr(p, e - p));
    if (kind >= 0) {
      repeated_block(static_cast<BlockKind>(kind), p, e, ln.number);
      return e;
    }
    end_repeat();
  }
  const bool header = header_ctx();
  size_t e = next_boundary(ln, p, header);
  // Headings: a text line over a rule, or a reflowed "HEADING ------".
  // They come before continuation: a heading after a blank line starts anew.
  if (first && (phase_ != Phase::kTop || banner_block_ >= 0) &&
      (after_blank || cont_ != Cont::kLabelled || open_ < 0)) {
    if (open_ >= 0 && cont_ == Cont::kHeading && (!heading_has_text_ || !after_blank)) {
      // The heading's text (over or between rules), possibly on two lines; a
      // rule at its end closes it ("REGARDING REPLACING LAHOUD -----").
      append(open_, p, ln.end, ln.number);
      heading_has_text_ = true;
      if (reader::trailing_rule(t_, p, ln.end) != kNo) open(-1, Cont::kNone);
      return ln.end;
    }
    const size_t tr = reader::trailing_rule(t_, p, e);
    bool over_rule = false;
    if (ln.end - p <= 100) {
      const size_t next = ln.newline;
      const size_t nb = next < t_.size() ? skip_blanks(t_, next + 1, t_.size()) : t_.size();
      if (nb < t_.size() && (t_[nb] == '-' || t_[nb] == '=' || t_[nb] == '_' || t_[nb] == '*')) {
        size_t n2 = 0;
        Line nl = make_line(next + 1, &n2, ln.number);
        over_rule = nl.begin < nl.end && reader::is_rule(t_, nl.begin, nl.end);
      }
    }
    if ((tr != kNo && tr > p && ln.end - p <= 120 && e == ln.end) || over_rule) {
      to_body();
      const int idx = add_block(BlockKind::kParagraph, p, e, ln.number);
      for (auto& r : rank_block_) r = -1;
      rank_block_[0] = idx;
      heading_has_text_ = true;
      open(idx, tr != kNo ? Cont::kNone : Cont::kHeading);
      if (tr != kNo) open_ = -1;
      return e;
    }
  }
  if (continues(ln, p, first)) {
    if (cont_ == Cont::kRouting) e = ln.end;
    append(open_, p, e, ln.number);
    if (phase_ == Phase::kHeader)
      remember_header(p, e, doc_.blocks[static_cast<size_t>(open_)].kind);
    return e;
  }
  // New block.
  if (phase_ != Phase::kBody && !after_blank && open_ >= 0 && cont_ == Cont::kTags) {
    // fallthrough: not a tag line
  }
  bool addressee = false;
  if (phase_ == Phase::kHeader && !header_fields_seen_ && first) addressee = true;
  // "NSC FOR ABRAMS/DORAN/WERNER/SINGH" after the subject: still an office line.
  if (phase_ == Phase::kHeader && first && !addressee && e - p <= 80) {
    const std::string_view text = t_.substr(p, e - p);
    bool caps = true;
    for (char ch : text) caps = caps && !is_lower(ch);
    addressee = caps && (text.find(" FOR ") != std::string_view::npos || match_cs(t_, p, "FOR "));
  }
  if (phase_ == Phase::kTop && first && banner_block_ < 0) {
    const std::string_view text = t_.substr(p, e - p);
    addressee = text.find(" FOR ") != std::string_view::npos || match_cs(t_, p, "FOR ") ||
                match_cs(t_, p, "PASS ");
  }
  if (addressee) {
    if (phase_ == Phase::kTop) phase_ = Phase::kHeader;
    const int idx = add_block(BlockKind::kAddressee, p, e, ln.number);
    remember_header(p, e, BlockKind::kAddressee);
    open(idx, Cont::kAddressee);
    return e;
  }
  to_body();
  ++body_blocks_;
  const int idx = add_block(BlockKind::kParagraph, p, e, ln.number);
  for (auto& r : rank_block_) r = -1;
  rank_block_[0] = idx;
  last_letter_ = 0;
  last_paren_number_ = 0;
  open(idx, Cont::kUnlabelled);
  return e;
}

bool Reader::ref_item(const Line& ln, size_t p, char* letter) const {
  const size_t end = ln.end;
  size_t q = p;
  if (is_pilcrow(t_, q)) q = skip_blanks(t_, q + 2, end);
  size_t after = kNo;
  if (q + 2 < end && t_[q] == '(' && is_alpha(t_[q + 1]) && t_[q + 2] == ')') {
    *letter = t_[q + 1];
    after = q + 3;
  } else if (q + 1 < end && is_alpha(t_[q]) && (t_[q + 1] == '.' || t_[q + 1] == ')')) {
    *letter = t_[q];
    after = q + 2;
  } else {
    return false;
  }
  if (after < end && blank_len(t_, after) == 0) return false;
  // A citation: a number soon after the letter ("NAIROBI 988", "05 Sao Paulo 975").
  const size_t body = skip_blanks(t_, after, end);
  for (size_t k = body; k < end && k < body + 40; ++k)
    if (is_digit(t_[k])) return true;
  return end - p <= 50;
}

char Reader::last_item_letter(size_t b, size_t e) const {
  char last = 0;
  for (size_t i = b; i + 2 < e; ++i) {
    if (i > b && !is_blank(t_[i - 1])) continue;
    if (t_[i] == '(' && is_upper(t_[i + 1]) && t_[i + 2] == ')')
      last = t_[i + 1];
    else if (is_upper(t_[i]) && (t_[i + 1] == '.' || t_[i + 1] == ')') && is_blank(t_[i + 2]))
      last = t_[i];
  }
  return last;
}

// ---------------------------------------------------------------- the block pass

void Reader::diag(Severity sev, std::string_view code, size_t offset, std::string message,
                  int block) {
  Diagnostic& d = doc_.diagnostics.emplace_back();
  d.severity = sev;
  d.code = std::string(code);
  d.path = doc_.source.path();
  // The decoded offset for now; finish() turns it into line:column and the
  // original offset in one pass (positions one by one would be quadratic on a
  // long reflowed line with many diagnostics).
  d.offset = std::min(offset, t_.size());
  d.message = std::move(message);
  if (block >= 0) {
    auto& issues = doc_.blocks[static_cast<size_t>(block)].issues;
    if (std::find(issues.begin(), issues.end(), code) == issues.end()) issues.emplace_back(code);
  }
}

namespace {

// The normalized text of `pieces` from byte `from` on.
std::string text_from(const Source& src, const std::vector<Span>& pieces, uint32_t from) {
  std::vector<Span> out;
  for (Span p : pieces) {
    if (p.end <= from) continue;
    if (p.begin < from) p.begin = from;
    out.push_back(p);
  }
  return normalize_text(src, out);
}

bool is_portion(BlockKind k) {
  return k == BlockKind::kParagraph || k == BlockKind::kSubParagraph;
}

// "paragraph 3", "sub-paragraph A", appended to `out`.
void append_description(std::string& out, const Block& b) {
  out += b.kind == BlockKind::kSubParagraph ? "sub-paragraph" : "paragraph";
  if (!b.label.empty()) {
    out += ' ';
    out += b.label;
  }
}

std::string describe(const Block& b) {
  std::string what;
  append_description(what, b);
  return what;
}

}  // namespace

void Reader::add_tags(std::string_view text) {
  // Tags are codes: upper case, each once, in the order written.
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == ';')) ++i;
    size_t e = i;
    while (e < text.size() && text[e] != ' ' && text[e] != ',' && text[e] != ';') ++e;
    if (e > i) {
      std::string tag(text.substr(i, e - i));
      for (char& ch : tag) ch = reader::to_upper(ch);
      if (std::find(doc_.tags.begin(), doc_.tags.end(), tag) == doc_.tags.end())
        doc_.tags.push_back(std::move(tag));
    }
    i = e;
  }
}

void Reader::settle_fields() {
  const Source& src = doc_.source;
  // Creation time: the preamble, else the DTG.
  if (doc_.preamble) {
    const std::string& c = doc_.preamble->created;
    if (reader::match_iso_datetime(c, 0, c.size()) != kNo && c.size() >= 10) {
      const int y = std::stoi(c.substr(0, 4));
      const int m = std::stoi(c.substr(5, 2));
      const int d = std::stoi(c.substr(8, 2));
      doc_.created_date = make_date(y, m, d);
      if (doc_.created_date)
        doc_.created = c.size() >= 16 ? c.substr(0, 16) : c.substr(0, 10) + " 00:00";
    }
  }
  int year = 0;
  if (dtg_) year = dtg_->year2 >= 50 ? 1900 + dtg_->year2 : 2000 + dtg_->year2;
  if (!doc_.created_date && dtg_) {
    doc_.created_date = make_date(year, dtg_->month, dtg_->day);
    if (doc_.created_date)
      doc_.created = std::to_string(year) + "-" + two(dtg_->month) + "-" + two(dtg_->day) + " " +
                     two(dtg_->hour) + ":" + two(dtg_->minute);
  }

  // Identifier: the preamble, else DTG year + banner post + serial, else the file stem.
  if (doc_.preamble && !doc_.preamble->identifier.empty()) {
    doc_.id = doc_.preamble->identifier;
  } else {
    std::string yy;
    if (dtg_)
      yy = two(dtg_->year2);
    else if (doc_.created_date)
      yy = two(static_cast<int>(doc_.created_date->year()) % 100);
    std::string post;
    std::string serial;
    if (doc_.banner && !doc_.banner->post.empty() && !doc_.banner->serial.empty()) {
      for (char ch : doc_.banner->post)
        if (is_alpha(ch)) post += reader::to_upper(ch);
      serial = doc_.banner->serial;
    } else if (!de_serial_.empty() && !fm_text_.empty()) {
      std::string_view fm = fm_text_;
      for (std::string_view pre : {"AMEMBASSY ", "AMCONSUL ", "USMISSION ", "USDEL "})
        if (fm.substr(0, pre.size()) == pre) fm.remove_prefix(pre.size());
      if (fm.substr(0, 8) == "SECSTATE") fm = "STATE";
      for (char ch : fm)
        if (is_alpha(ch)) post += ch;
      serial = de_serial_;
    }
    serial.erase(0, std::min(serial.find_first_not_of('0'), serial.size()));
    if (!yy.empty() && !post.empty() && !serial.empty()) {
      doc_.id = yy + post + serial;
    } else {
      std::string_view path = src.path();
      const size_t slash = path.find_last_of('/');
      if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
      const size_t dot = path.rfind('.');
      if (dot != std::string_view::npos && dot > 0) path = path.substr(0, dot);
      doc_.id = std::string(path);
    }
  }

  // Origin.
  if (doc_.preamble && !doc_.preamble->origin.empty()) {
    doc_.origin = doc_.preamble->origin;
  } else if (!fm_text_.empty()) {
    std::string_view fm = fm_text_;
    // "FM AMEMBASSY TOKYO" -> "Embassy Tokyo"; drop a trailing precedence word.
    if (fm.substr(0, 10) == "AMEMBASSY ")
      doc_.origin = "Embassy " + title_case(fm.substr(10));
    else if (fm.substr(0, 9) == "AMCONSUL ")
      doc_.origin = "Consulate " + title_case(fm.substr(9));
    else if (fm.substr(0, 8) == "SECSTATE")
      doc_.origin = "Secretary of State";
    else if (fm.substr(0, 10) == "USMISSION ")
      doc_.origin = "Mission " + std::string(fm.substr(10));
    else
      doc_.origin = std::string(fm);
  } else if (doc_.banner && !doc_.banner->post.empty()) {
    doc_.origin = title_case(doc_.banner->post);
  }

  // First non-repeated header elements.
  int eo = -1;
  int decl_on = -1;
  int tags = -1;
  int subject = -1;
  int cby = -1;
  // The first copy of each after the banner (the telegram's own header, not a
  // partner's copy in front of it), else before it; a repeated one only if
  // that is all there is.
  const size_t n = doc_.blocks.size();
  const size_t after = doc_.banner ? doc_.banner->block : 0;
  // Three passes: not repeated from the banner on, not repeated, repeated.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = pass == 0 ? after : 0; i < n; ++i) {
      const Block& b = doc_.blocks[i];
      if (b.repeated != (pass == 2)) continue;
      const int idx = static_cast<int>(i);
      switch (b.kind) {
        case BlockKind::kEoLine:
          if (reader::is_declassify_on(t_, b.span.begin, b.span.end)) {
            if (decl_on < 0) decl_on = idx;
          } else if (eo < 0) {
            eo = idx;
          }
          break;
        case BlockKind::kTags:
          if (tags < 0) tags = idx;
          break;
        case BlockKind::kSubject:
          if (subject < 0) subject = idx;
          break;
        case BlockKind::kClassifiedBy:
          if (cby < 0) cby = idx;
          break;
        default:
          break;
      }
    }
  }

  if (eo >= 0 || decl_on >= 0) {
    const int use = eo >= 0 ? eo : decl_on;
    const Block& b = doc_.blocks[static_cast<size_t>(use)];
    const std::string text = block_plain_text(b);
    EoParse ep = eo >= 0 ? parse_eo_line(text, doc_.created_date)
                         : parse_declassify_on(text, doc_.created_date);
    doc_.declass = std::move(ep.instruction);
    if (doc_.declass.span.empty()) doc_.declass.span = b.span;
    if (!ep.problem.empty() || doc_.declass.kind == DeclassKind::kUnknown)
      diag(Severity::kWarning, "unparseable-eo-line", b.span.begin,
           "declassification line '" + text + "' cannot be fully read" +
               (ep.problem.empty() ? std::string() : ": " + ep.problem) + "; read fail closed",
           use);
  }
  doc_.declass_eval = evaluate(doc_.declass, doc_.created_date);

  if (tags >= 0) {
    const Block& b = doc_.blocks[static_cast<size_t>(tags)];
    const size_t kw = reader::match_tags_start(t_, b.span.begin, b.span.end, true);
    const std::string text =
        text_from(src, b.pieces, static_cast<uint32_t>(kw == kNo ? b.span.begin : kw));
    add_tags(text);
  } else if (doc_.preamble && !doc_.preamble->tags.empty()) {
    add_tags(doc_.preamble->tags);
  }

  if (subject >= 0) {
    const Block& b = doc_.blocks[static_cast<size_t>(subject)];
    size_t from = reader::match_subject_start(t_, b.span.begin, b.span.end, true);
    if (from == kNo) from = b.span.begin;
    if (b.mark) from = std::max<size_t>(from, b.mark->span.end);
    doc_.subject = text_from(src, b.pieces, static_cast<uint32_t>(from));
    // A message-record subject: "TRIPOLI 00000063 P CO 28-JAN-09 RISKY BUSINESS? ... [8466936]".
    std::string& sub = doc_.subject;
    if (sub.size() > 2 && sub.back() == ']') {
      const size_t open = sub.rfind(" [");
      if (open != std::string::npos && digits_end(sub, open + 2, sub.size()) == sub.size() - 1)
        sub.erase(open);
    }
    {
      size_t k = 0;
      while (k < sub.size() && (is_upper(sub[k]) || sub[k] == ' ') && k < 16) ++k;
      if (k > 0 && reader::match_page_core(sub, k, sub.size()) == kNo && k + 8 < sub.size() &&
          digits_end(sub, k, sub.size()) == k + 8 && sub[k + 8] == ' ') {
        // "<post> <serial> <precedence> <class> DD-MON-YY " before the subject.
        size_t q = k + 9;
        int words = 0;
        while (q < sub.size() && words < 3) {
          const size_t w = q;
          while (q < sub.size() && sub[q] != ' ') ++q;
          const std::string_view word = std::string_view(sub).substr(w, q - w);
          ++words;
          if (q < sub.size()) ++q;
          if (word.size() == 9 && word[2] == '-' && word[6] == '-') {
            sub.erase(0, q);
            break;
          }
        }
      }
    }
  } else if (doc_.preamble) {
    doc_.subject = doc_.preamble->title;
  }

  if (cby < 0) {
    // "¶1. (U) Classified by: Arnold Chacon, ..." (06PARTO9): the authority as
    // the text of one of the first paragraphs.
    int seen = 0;
    for (size_t i = 0; i < doc_.blocks.size() && seen < 3; ++i) {
      const Block& b = doc_.blocks[i];
      if (b.kind != BlockKind::kParagraph || b.repeated) continue;
      ++seen;
      const std::vector<Span> body = body_pieces(b);
      if (!body.empty() &&
          reader::match_classified_by_start(t_, body.front().begin, body.front().end) != kNo) {
        cby = static_cast<int>(i);
        break;
      }
    }
  }
  if (cby >= 0) {
    const Block& b = doc_.blocks[static_cast<size_t>(cby)];
    const std::string text = b.kind == BlockKind::kClassifiedBy
                                 ? block_plain_text(b)
                                 : normalize_text(src, body_pieces(b));
    auto auth = parse_classified_by(text);
    if (auth && auth->truncated) {
      // "Classified by Senior Watch Officer Debor..." then the whole line again in
      // a repeat (08STATE86156): take the complete copy.
      for (const Block& r : doc_.blocks) {
        if (&r == &b || r.kind != BlockKind::kClassifiedBy) continue;
        auto other = parse_classified_by(block_plain_text(r));
        if (other && !other->truncated) {
          auth = std::move(other);
          auth->span = r.span;
          break;
        }
      }
    }
    if (auth) {
      if (auth->span.empty()) auth->span = b.span;
      if (auth->truncated)
        diag(Severity::kNote, "truncated-classified-by", b.span.begin,
             "classification reasons are cut off in '" + text + "'", cby);
      doc_.classified_by = std::move(auth);
    } else {
      diag(Severity::kWarning, "unparseable-classified-by", b.span.begin,
           "cannot read the classifier in '" + text + "'", cby);
    }
  }
}

// dst = src for the many blocks that take the floor: the country lists are
// nearly always empty, and assigning two empty vectors costs more than the rest.
void assign(Classification& dst, const Classification& src) {
  dst.level = src.level;
  dst.controls = src.controls;
  if (!dst.rel_to.empty() || !src.rel_to.empty()) dst.rel_to = src.rel_to;
  if (!dst.fgi.empty() || !src.fgi.empty()) dst.fgi = src.fgi;
}

void Reader::settle_classifications(const Classification& floor, bool classified) {
  // Unmarked paragraphs mostly inherit the floor itself: its text is rendered
  // once for all their messages, not once per paragraph.
  std::string floor_text;
  for (size_t i = 0; i < doc_.blocks.size(); ++i) {
    Block& b = doc_.blocks[i];
    const int idx = static_cast<int>(i);
    const bool portion = is_portion(b.kind);
    if (!portion && b.kind != BlockKind::kSubject && b.kind != BlockKind::kRef) {
      assign(b.classification, floor);
      b.marking = MarkingStatus::kNotPortion;
      continue;
    }
    if (b.repeated) {
      b.classification = b.mark && !b.mark->garbled ? b.mark->classification.combine(floor) : floor;
      b.marking = MarkingStatus::kNotPortion;
      continue;
    }
    if (b.mark && !b.mark->garbled) {
      assign(b.classification, b.mark->classification);
      b.marking = MarkingStatus::kMarked;
    } else if (b.mark) {
      b.classification = floor.combine(b.mark->classification);
      b.marking = MarkingStatus::kGarbled;
      diag(Severity::kWarning, "garbled-marking", b.mark->span.begin,
           "portion mark '(" + b.mark->text + ")' of " + describe(b) + " does not parse; read as " +
               b.classification.text() + " (fail closed)",
           idx);
    } else {
      // The floor, combined with the parent's classification under a portion parent.
      if (b.parent >= 0 && static_cast<size_t>(b.parent) < i &&
          is_portion(doc_.blocks[static_cast<size_t>(b.parent)].kind))
        b.classification = floor.combine(doc_.blocks[static_cast<size_t>(b.parent)].classification);
      else
        assign(b.classification, floor);
      b.marking = MarkingStatus::kInherited;
      if (portion && classified) {
        std::string own_text;
        const bool is_floor = b.classification == floor;
        if (is_floor && floor_text.empty()) floor_text = floor.text();
        if (!is_floor) own_text = b.classification.text();
        const std::string& cls_text = is_floor ? floor_text : own_text;
        // One buffer for the message: it is built for every unmarked paragraph.
        static constexpr std::string_view kMid = " has no portion mark; read as ";
        static constexpr std::string_view kEnd = " (inherited, fail closed)";
        std::string msg;
        msg.reserve(14 + b.label.size() + kMid.size() + cls_text.size() + kEnd.size());
        append_description(msg, b);
        msg += kMid;
        msg += cls_text;
        msg += kEnd;
        diag(Severity::kWarning, "unmarked-paragraph", b.span.begin, std::move(msg), idx);
      }
    }
  }
}

void Reader::find_media_redactions() {
  // "XXXXXXXXXXXX" (and "xxxxx"): text a media partner withheld before publication.
  std::vector<Span> runs;
  const size_t n = t_.size();
  // The next 'X' or 'x' at or after i; n if none. 16 bytes at a time where SSE2
  // is available: most of a cable holds no 'X' or 'x'.
  auto next_x = [&](size_t i) {
#if defined(__SSE2__)
    // b | 0x20 == 'x' holds for exactly 'X' and 'x': one compare, not two.
    const __m128i lo = _mm_set1_epi8('x');
    const __m128i bit = _mm_set1_epi8(0x20);
    auto xs = [&](size_t at) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t_.data() + at));
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, bit), lo)));
    };
    for (; i + 32 <= n; i += 32) {
      const unsigned m = xs(i) | (xs(i + 16) << 16);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    }
    for (; i + 16 <= n; i += 16) {
      const unsigned m = xs(i);
      if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
    }
#endif
    while (i < n && t_[i] != 'X' && t_[i] != 'x') ++i;
    return i;
  };
  for (size_t i = next_x(0); i < n; i = next_x(i)) {
    const char x = t_[i];
    size_t e = i;
    while (e < n && t_[e] == x) ++e;
    if (e - i >= 5) runs.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(e)});
    i = e;
  }
  doc_.media_redactions = std::move(runs);
  int last_block = -2;
  for (const Span& r : doc_.media_redactions) {
    const int blk = doc_.block_at(r.begin);
    if (blk == last_block || blk < 0) continue;
    last_block = blk;
    const auto& issues = doc_.blocks[static_cast<size_t>(blk)].issues;
    if (std::find(issues.begin(), issues.end(), "media-redaction") != issues.end()) continue;
    diag(Severity::kNote, "media-redaction", r.begin,
         "text withheld by a media partner before publication ('" +
             std::string(t_.substr(r.begin, std::min<size_t>(r.size(), 12))) + "')",
         blk);
  }
}

void Reader::finish() {
  if (repeating_) end_repeat();

  // Interruptions interrupt only a block that goes on after them.
  for (Block& b : doc_.blocks) {
    if (b.parent < 0 || is_portion(b.kind)) continue;
    const Block& parent = doc_.blocks[static_cast<size_t>(b.parent)];
    if (parent.span.end <= b.span.begin) b.parent = -1;
  }

  // Preamble classification.
  if (doc_.preamble && !doc_.preamble->classification.empty()) {
    size_t used = 0;
    auto cls = parse_classification_line(doc_.preamble->classification, &used);
    if (cls) doc_.preamble_classification = *cls;
  }

  settle_fields();

  // The banner: its class line plus the captions of the first header.
  Classification floor;
  bool have_floor = false;
  if (doc_.banner) {
    Classification caps;
    caps.controls = banner_controls_;
    doc_.banner->classification = doc_.banner->classification.combine(caps);
    floor = doc_.banner->classification;
    have_floor = true;
  } else {
    if (doc_.preamble_classification) {
      floor = *doc_.preamble_classification;
      have_floor = true;
    }
    if (have_other_class_) {
      floor = have_floor ? floor.combine(other_class_) : other_class_;
      have_floor = true;
    }
    if (routing_level_) {
      Classification r;
      r.level = *routing_level_;
      floor = have_floor ? floor.combine(r) : r;
      have_floor = true;
    }
    // No classification line: the most restrictive portion mark too, and at
    // least CONFIDENTIAL when a declassification date says it is classified.
    for (const Block& b : doc_.blocks)
      if (b.mark && (is_portion(b.kind) || b.kind == BlockKind::kSubject))
        floor = floor.combine(b.mark->classification);
    const DeclassKind k = doc_.declass.kind;
    if (!have_floor && floor.level == Level::kUnclassified && k != DeclassKind::kNotApplicable &&
        k != DeclassKind::kMissing && k != DeclassKind::kDeclassified)
      floor.level = Level::kConfidential;
    size_t at = doc_.preamble ? doc_.preamble->span.end : 0;
    for (const Block& b : doc_.blocks) {
      if (b.kind != BlockKind::kPreamble && b.kind != BlockKind::kNotice) {
        at = b.span.begin;
        break;
      }
    }
    diag(Severity::kWarning, "missing-banner", std::min(at, t_.size()),
         "no classification line found; unmarked text read as " + floor.text() + " (fail closed)",
         -1);
  }
  // "(C - ENTIRE TEXT)" covers the whole telegram.
  for (const Block& b : doc_.blocks)
    if (b.mark && b.mark->entire_text && !b.mark->garbled)
      floor = floor.combine(b.mark->classification);
  const bool classified = floor.level > Level::kUnclassified;
  settle_classifications(floor, classified);

  // The document: most restrictive of preamble, banner, page markings and portions.
  Classification all = floor;
  // combine(x, x) == x when x is itself the result of combine (its lists come
  // back element by element, NOFORN has already dropped REL TO, a classified
  // level SBU/FOUO): most portions carry the classification `all` already has.
  bool all_combined = false;
  if (doc_.preamble_classification) {
    all = all.combine(*doc_.preamble_classification);
    all_combined = true;
  }
  if (have_other_class_) {
    all = all.combine(other_class_);
    all_combined = true;
  }
  for (const Block& b : doc_.blocks) {
    if (!(is_portion(b.kind) || b.kind == BlockKind::kSubject || b.kind == BlockKind::kRef))
      continue;
    if (all_combined && b.classification == all) continue;
    all = all.combine(b.classification);
    all_combined = true;
  }
  doc_.classification = all;

  // Consistency checks.
  if (doc_.banner) {
    const Classification& bc = doc_.banner->classification;
    for (size_t i = 0; i < doc_.blocks.size(); ++i) {
      const Block& b = doc_.blocks[i];
      if (!b.mark || b.mark->garbled || b.repeated) continue;
      if (!bc.dominates(b.mark->classification))
        diag(Severity::kWarning, "banner-below-portion", b.mark->span.begin,
             "portion marked " + b.mark->classification.portion_text() + " is above the banner " +
                 bc.text(),
             static_cast<int>(i));
    }
    if (doc_.preamble_classification) {
      const Classification& pc = *doc_.preamble_classification;
      if (pc.level != bc.level || pc.has(Control::kNoforn) != bc.has(Control::kNoforn))
        diag(Severity::kWarning, "preamble-banner-mismatch",
             doc_.blocks[doc_.banner->block].span.begin,
             "banner reads " + bc.text() + " but the header says " + pc.text(),
             static_cast<int>(doc_.banner->block));
    }
  }
  const bool doc_classified = doc_.classification.level > Level::kUnclassified;
  if (doc_classified) {
    const int at = doc_.banner ? static_cast<int>(doc_.banner->block) : -1;
    const size_t off = at >= 0 ? doc_.blocks[static_cast<size_t>(at)].span.begin : 0;
    if (doc_.declass.kind == DeclassKind::kMissing)
      diag(Severity::kWarning, "missing-eo-line", off,
           "classified cable (" + doc_.classification.text() +
               ") has no E.O. line; declassification date taken fail closed",
           at);
    if (doc_.declass.kind == DeclassKind::kNotApplicable) {
      const int eo = doc_.block_at(doc_.declass.span.begin);
      diag(Severity::kWarning, "na-on-classified", doc_.declass.span.begin,
           "E.O. line says N/A but the cable is " + doc_.classification.text(), eo);
    }
    if (!doc_.classified_by)
      diag(Severity::kNote, "missing-classified-by", off,
           "classified cable has no Classified By line", at);
  }

  find_media_redactions();
  // Mostly raised in offset order already: then the sort (and its buffer) is not needed.
  auto by_offset = [](const Diagnostic& a, const Diagnostic& b) { return a.offset < b.offset; };
  if (!std::is_sorted(doc_.diagnostics.begin(), doc_.diagnostics.end(), by_offset))
    std::stable_sort(doc_.diagnostics.begin(), doc_.diagnostics.end(), by_offset);
  uint32_t line = 0;
  uint32_t line_begin = 0;
  uint32_t at = 0;  // offset whose column is `column`
  uint32_t column = 1;
  for (Diagnostic& d : doc_.diagnostics) {
    const auto off = static_cast<uint32_t>(d.offset);
    const uint32_t l = doc_.source.line_of(off);
    if (l != line) {
      line = l;
      line_begin = doc_.source.line_start(l);
      at = line_begin;
      column = 1;
    }
    for (; at < off; ++at)  // count code points: bytes that are not UTF-8 continuations
      if ((static_cast<unsigned char>(t_[at]) & 0xC0) != 0x80) ++column;
    d.line = line;
    d.column = column;
    d.offset = doc_.source.original_offset(off);
  }
  (void)line_begin;
}

}  // namespace

Document read_document(Source source) {
  Document doc;
  doc.source = std::move(source);
  Reader reader(doc);
  reader.run();
  return doc;
}

std::string read_document_id(Source source) {
  {
    Document doc;
    doc.source = std::move(source);
    Reader reader(doc);
    std::string id = reader.preamble_identifier();
    if (!id.empty()) return id;
    source = std::move(doc.source);
  }
  return read_document(std::move(source)).id;
}

}  // namespace declass::core
