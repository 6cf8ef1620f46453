// Byte-level recognisers used by the cable reader (reader.cpp). Each looks at a
// position of one line and answers in O(length of what it matches), so that the
// reader stays one linear pass: no regexes, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace declass::core::reader {

constexpr size_t kNo = std::string_view::npos;

constexpr bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_alpha(char c) {
  return is_upper(c) || is_lower(c);
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
constexpr char to_upper(char c) {
  return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}
/// ASCII blanks within a line (LF never occurs inside one).
constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/// Width of the blank at s[i]: 1 (ASCII), 2 (U+00A0, common in the HTML-derived
/// files), 0 if s[i] is not blank or i is past the end.
inline size_t blank_len(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (is_blank(s[i])) return 1;
  if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0)
    return 2;
  return 0;
}
inline size_t skip_blanks(std::string_view s, size_t i, size_t end) {
  while (i < end) {
    const size_t w = blank_len(s, i);
    if (w == 0) break;
    i += w;
  }
  return i;
}
/// End of [b, e) without trailing blanks (incl. U+00A0).
inline size_t trim_end(std::string_view s, size_t b, size_t e) {
  while (e > b) {
    if (is_blank(s[e - 1])) {
      --e;
    } else if (e - b >= 2 && static_cast<unsigned char>(s[e - 1]) == 0xA0 &&
               static_cast<unsigned char>(s[e - 2]) == 0xC2) {
      e -= 2;
    } else {
      break;
    }
  }
  return e;
}
inline size_t digits_end(std::string_view s, size_t i, size_t end) {
  while (i < end && is_digit(s[i])) ++i;
  return i;
}
/// True if s[i..] starts with `lit` (given in upper case), ignoring ASCII case.
inline bool match_ci(std::string_view s, size_t i, std::string_view lit) {
  if (i > s.size() || s.size() - i < lit.size()) return false;
  for (size_t k = 0; k < lit.size(); ++k)
    if (to_upper(s[i + k]) != lit[k]) return false;
  return true;
}
inline bool match_cs(std::string_view s, size_t i, std::string_view lit) {
  // A plain loop: the literals are short, and a memcmp call per word costs more.
  if (i > s.size() || s.size() - i < lit.size()) return false;
  for (size_t k = 0; k < lit.size(); ++k)
    if (s[i + k] != lit[k]) return false;
  return true;
}
/// "¶" (U+00B6) at s[i].
inline bool is_pilcrow(std::string_view s, size_t i) {
  return i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2 &&
         static_cast<unsigned char>(s[i + 1]) == 0xB6;
}
/// A word character for boundary tests: ASCII letter or digit, or any non-ASCII byte.
inline bool is_word_byte(char c) {
  return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80;
}

// ------------------------------------------------------------ prechecks
// Cheap tests of the first bytes, one per matcher below, each implied by that
// matcher accepting: derived from the matcher's own first statements, reading
// bytes with the same bounds (match_cs / match_ci stop at s.size(), not at
// `end`). dispatch() runs a matcher only when its precheck holds, so most lines
// skip most of the chain. reader_prechecks_test runs every corpus line and word
// through both and requires the same answers.

/// s[i], or NUL past the text.
inline char byte_at(std::string_view s, size_t i) {
  return i < s.size() ? s[i] : '\0';
}
/// is_eo_start: "E"/"e", then "." or "O"/"o" (the "0" slip needs the dot).
inline bool may_be_eo_start(std::string_view s, size_t i, size_t end) {
  if (i + 1 >= end || (s[i] != 'E' && s[i] != 'e')) return false;
  const char b = s[i + 1];
  return b == '.' || b == 'O' || b == 'o';
}
/// is_declassify_on: "DE" in any case.
inline bool may_be_declassify_on(std::string_view s, size_t i) {
  return to_upper(byte_at(s, i)) == 'D' && to_upper(byte_at(s, i + 1)) == 'E';
}
/// match_tags_start: "TA" in any case ("TAGS", "TAGES", "TABS", "TAG", "TAS"),
/// "TG" ("TGS"), "AG" ("AGS").
inline bool may_match_tags_start(std::string_view s, size_t i) {
  const char a = byte_at(s, i);
  const char b = byte_at(s, i + 1);
  return (to_upper(a) == 'T' && (to_upper(b) == 'A' || b == 'G')) || (a == 'A' && b == 'G');
}
/// match_subject_start: "SU" in any case ("SUBJECT", "SUBJ"), "UB" ("UBJECT:").
inline bool may_match_subject_start(std::string_view s, size_t i) {
  const char a = byte_at(s, i);
  const char b = byte_at(s, i + 1);
  return (to_upper(a) == 'S' && to_upper(b) == 'U') || (a == 'U' && b == 'B');
}
/// match_ref_start: "RE" / "Re".
inline bool may_match_ref_start(std::string_view s, size_t i) {
  const char b = byte_at(s, i + 1);
  return byte_at(s, i) == 'R' && (b == 'E' || b == 'e');
}
/// match_classified_by_start: a "(" (a mark may come first), or "CL" ("CLASSIFIED")
/// or "DE" ("DERIVED") in any case.
inline bool may_match_classified_by_start(std::string_view s, size_t i) {
  const char a = to_upper(byte_at(s, i));
  const char b = to_upper(byte_at(s, i + 1));
  return a == '(' || (a == 'C' && b == 'L') || (a == 'D' && b == 'E');
}
/// match_captions: "C O R R E C T E D" / "CORRECTED COPY", or a caption word at
/// i < end (SIPDIS SENSITIVE STADIS SPECAT NOFORN EXDIS LIMDIS NODIS).
inline bool may_match_captions(std::string_view s, size_t i, size_t end) {
  const char a = byte_at(s, i);
  const char b = byte_at(s, i + 1);
  if (a == 'C') return b == ' ' || b == 'O';
  if (i >= end) return false;
  switch (a) {
    case 'S':
      return b == 'I' || b == 'E' || b == 'T' || b == 'P';
    case 'N':
      return b == 'O';
    case 'E':
      return b == 'X';
    case 'L':
      return b == 'I';
    default:
      return false;
  }
}
/// is_rule: a rule byte ('-', '=', '_', '*') or a blank at i < end.
inline bool may_be_rule(std::string_view s, size_t i, size_t end) {
  if (i >= end) return false;
  const char c = s[i];
  return c == '-' || c == '=' || c == '_' || c == '*' || is_blank(c);
}
/// is_partial_extract ("THIS RECORD ...", any case): "TH" in any case.
inline bool may_be_partial_extract(std::string_view s, size_t i) {
  return to_upper(byte_at(s, i)) == 'T' && to_upper(byte_at(s, i + 1)) == 'H';
}

// ------------------------------------------------------------ body scan
// next_boundary() looks at every byte of body text for an inline boundary: a
// byte that may start one (a digit, 'S', 'P', '(', the lead byte 0xC2 of "¶")
// after a blank (' ', '\t', or 0xA0, the last byte of U+00A0). The two
// versions below give the same answers; the test compares them.

/// A byte that may start an inline boundary in body text.
inline bool is_body_start(char c) {
  return is_digit(c) || c == 'S' || c == 'P' || c == '(' || static_cast<unsigned char>(c) == 0xC2;
}
/// A blank as the byte before a candidate.
inline bool is_blank_before(char c) {
  return c == ' ' || c == '\t' || static_cast<unsigned char>(c) == 0xA0;
}

/// The first r in [b, e) with is_blank_before(t[r - 1]) and is_body_start(t[r]);
/// e if none. Requires 1 <= b and e <= size (the text's size).
inline size_t find_body_candidate_scalar(const char* t, size_t b, size_t e) {
  for (size_t k = b; k < e; ++k)
    if (is_blank_before(t[k - 1]) && is_body_start(t[k])) return k;
  return e;
}

#if defined(__SSE2__)
/// The same, 16 bytes at a time.
inline size_t find_body_candidate_sse2(const char* t, size_t b, size_t e, size_t size) {
  size_t k = b;
  const __m128i sp = _mm_set1_epi8(' ');
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i nbsp = _mm_set1_epi8(static_cast<char>(0xA0));
  const __m128i zero = _mm_set1_epi8('0');
  const __m128i nine = _mm_set1_epi8(9);
  const __m128i c_s = _mm_set1_epi8('S');
  const __m128i c_p = _mm_set1_epi8('P');
  const __m128i c_paren = _mm_set1_epi8('(');
  const __m128i c_lead = _mm_set1_epi8(static_cast<char>(0xC2));
  // The candidates among the 16 bytes at t + at, one bit each.
  auto block = [&](size_t at) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at));
    const __m128i prev = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at - 1));
    const __m128i blank =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(prev, sp), _mm_cmpeq_epi8(prev, tab)),
                     _mm_cmpeq_epi8(prev, nbsp));
    const __m128i d = _mm_sub_epi8(v, zero);
    __m128i cand = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
    cand = _mm_or_si128(cand, _mm_or_si128(_mm_cmpeq_epi8(v, c_s), _mm_cmpeq_epi8(v, c_p)));
    cand = _mm_or_si128(cand, _mm_or_si128(_mm_cmpeq_epi8(v, c_paren), _mm_cmpeq_epi8(v, c_lead)));
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(cand, blank)));
  };
  // Whole blocks of 32 inside [b, e): no masking, one test per 32 bytes.
  while (k + 32 <= e) {
    const unsigned mask = block(k) | (block(k + 16) << 16);
    if (mask != 0) return k + static_cast<size_t>(__builtin_ctz(mask));
    k += 32;
  }
  // Blocks of 16 may read past e (never past the text): the mask drops those bytes.
  while (k < e && k + 16 <= size) {
    unsigned mask = block(k);
    if (k + 16 > e) mask &= (1u << (e - k)) - 1u;  // the last, partial block
    if (mask != 0) return k + static_cast<size_t>(__builtin_ctz(mask));
    k += 16;
    if (k >= e) return e;
  }
  return find_body_candidate_scalar(t, k, e);
}
#endif

/// The scan next_boundary() uses: the widest version this CPU runs.
inline size_t find_body_candidate(const char* t, size_t b, size_t e, size_t size) {
#if defined(__SSE2__)
  return find_body_candidate_sse2(t, b, e, size);
#else
  (void)size;
  return find_body_candidate_scalar(t, b, e);
#endif
}

/// Day-time group "300558Z JUL 07" (also "291359Z Nov 00").
struct Dtg {
  int day = 0;
  int hour = 0;
  int minute = 0;
  int month = 0;  ///< 1-12
  int year2 = 0;  ///< two-digit year
};

/// "00003470 002 OF 003" / "00002069  001.2 OF 002" starting at the 8-digit
/// serial s[i]; returns the end, or kNo.
size_t match_page_core(std::string_view s, size_t i, size_t end);
/// A page-break line "TOKYO 00003470 002 OF 003" starting at s[i]: a post of at
/// most 12 upper-case letters and blanks (page lines cut posts to 10), then the
/// core. Returns the end, or kNo.
size_t match_page_line(std::string_view s, size_t i, size_t end);
/// Old page line "PAGE 02 HARARE 06677 01 OF 03 291400Z" at s[i]; `page`
/// receives the page number. Returns the end, or kNo.
size_t match_old_page(std::string_view s, size_t i, size_t end, int* page);
/// "300558Z JUL 07" at s[i]; returns the end, or kNo.
size_t match_dtg(std::string_view s, size_t i, size_t end, Dtg* dtg);
/// A routing line at s[i] (VZCZC, precedence + RU codes, DE, ZNY/ZNR, DTG, FM,
/// TO, INFO, XMT, ACTION, PAGE 01, the "-----A54E38 291401Z /38" line, DRAFTED
/// BY, APPROVED BY, CLEARED, SOURCE, "R.../AMEMBASSY X" addresses). `dtg`
/// receives a precedence DTG when the line is one.
bool is_routing_line(std::string_view s, size_t i, size_t end, Dtg* dtg);
/// Caption words at s[i]: SIPDIS, NOFORN, SENSITIVE, EXDIS, NODIS, LIMDIS,
/// STADIS, SPECAT, and "C O R R E C T E D  C O P Y" with the rest of its line.
/// `glued` allows a following caption or E.O. to stick to a word
/// ("SIPDISNOFORN SIPDISE.O."). Returns the end of the run of captions (commas,
/// slashes and blanks between them included), or kNo. `controls` receives the
/// Control bits the captions add.
size_t match_captions(std::string_view s, size_t i, size_t end, bool glued, uint32_t* controls);
/// A lone "SIPDIS" token at s[i] with word boundaries. Returns the end or kNo.
size_t match_sipdis_word(std::string_view s, size_t i, size_t end);
/// "E.O. 12958", "EO 12958", "E.O.12958", "E. O. 12958", "E.o. 12958" at s[i].
bool is_eo_start(std::string_view s, size_t i, size_t end);
/// "TAGS:", "TAGS " followed by an upper-case tag, "Tags:" at s[i]; at a line
/// start also "tags x" and slips ("TAG", "TAS:", "TGS:" ...). End of the keyword or kNo.
size_t match_tags_start(std::string_view s, size_t i, size_t end, bool line_start);
/// "SUBJECT:", "Subject:", "SUBJ:", "SUBJECT " + upper case at s[i] (at a line
/// start also "UBJECT:"); end of the keyword or kNo.
size_t match_subject_start(std::string_view s, size_t i, size_t end, bool line_start);
/// "REF:", "REFS:", "REFTEL:", "REFTELS:", "REF A:", "REFERENCE:", "REF(S):"
/// at s[i]; end of keyword or kNo.
size_t match_ref_start(std::string_view s, size_t i, size_t end);
/// "Classified By", "CLASSIFIED BY", "Derived From", "DERIVED FROM" at s[i],
/// optionally after a portion-like "(U)"; end of keyword or kNo.
size_t match_classified_by_start(std::string_view s, size_t i, size_t end);
/// "Declassify on:" (the derivative instruction line) at s[i].
bool is_declassify_on(std::string_view s, size_t i, size_t end);
/// A rule line: only '-', '=', '_', '*' (at least three) and blanks in [i, end).
bool is_rule(std::string_view s, size_t i, size_t end);
/// A run of at least three '-'/'=' at the very end of [i, end): its start, else kNo.
size_t trailing_rule(std::string_view s, size_t i, size_t end);
/// A lone classification word making up all of [i, end) (page markings of old
/// telegrams: "CONFIDENTIAL", " CONFIDENTIAL PTQ1865"): end of the class word or kNo.
size_t match_lone_class_word(std::string_view s, size_t i, size_t end);
/// Partial-extract notice "This record is a partial extract ...".
bool is_partial_extract(std::string_view s, size_t i, size_t end);
/// Partner date line "Friday, 20 February 2009, 16:00".
bool is_weekday_line(std::string_view s, size_t i, size_t end);
/// "YYYY-MM-DD HH:MM[:SS]" at s[i]; end or kNo.
size_t match_iso_datetime(std::string_view s, size_t i, size_t end);
/// True if [i, end) looks like a signature: one to four name words (letters,
/// '.', '-', '\''), at most 40 bytes, starting upper-case, no digits.
bool looks_like_signature(std::string_view s, size_t i, size_t end);
/// Month number for "JAN".."DEC" (any case) at s[i], else 0.
int month_at(std::string_view s, size_t i);

}  // namespace declass::core::reader
