// Byte-level recognisers for the cable reader (see reader_internal.h).
#include <array>

#include "declass/core/classification.h"
#include "reader_internal.h"

namespace declass::core::reader {

namespace {

size_t blanks_then(std::string_view s, size_t i, size_t end, size_t* count) {
  const size_t j = skip_blanks(s, i, end);
  *count = j - i;
  return j;
}

// Exactly n digits at s[i] (not followed by another digit); returns the end or kNo.
size_t exact_digits(std::string_view s, size_t i, size_t end, size_t n) {
  const size_t e = digits_end(s, i, end);
  return e - i == n ? e : kNo;
}

bool at_word_end(std::string_view s, size_t i, size_t end) {
  return i >= end || !is_word_byte(s[i]);
}

}  // namespace

int month_at(std::string_view s, size_t i) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  for (size_t m = 0; m < kMonths.size(); ++m)
    if (match_ci(s, i, kMonths[m])) return static_cast<int>(m) + 1;
  return 0;
}

size_t match_page_core(std::string_view s, size_t i, size_t end) {
  size_t n = 0;
  size_t p = exact_digits(s, i, end, 8);
  if (p == kNo) return kNo;
  p = blanks_then(s, p, end, &n);
  if (n == 0 || n > 4) return kNo;
  p = exact_digits(s, p, end, 3);
  if (p == kNo) return kNo;
  if (p + 1 < end && s[p] == '.' && is_digit(s[p + 1])) p = digits_end(s, p + 1, end);
  p = blanks_then(s, p, end, &n);
  if (n == 0 || n > 4 || !match_ci(s, p, "OF")) return kNo;
  p = blanks_then(s, p + 2, end, &n);
  if (n == 0 || n > 4) return kNo;
  const size_t e = digits_end(s, p, end);
  if (e - p < 2 || e - p > 3 || !at_word_end(s, e, end)) return kNo;
  return e;
}

size_t match_page_line(std::string_view s, size_t i, size_t end) {
  size_t p = i;
  // The post: upper-case letters and blanks, at most 12 bytes, then the serial.
  while (p < end && p - i <= 12 && (is_upper(s[p]) || s[p] == ' ')) ++p;
  if (p >= end || !is_digit(s[p])) return kNo;
  if (p > i && s[p - 1] != ' ') return kNo;
  return match_page_core(s, p, end);
}

size_t match_old_page(std::string_view s, size_t i, size_t end, int* page) {
  if (!match_cs(s, i, "PAGE")) return kNo;
  size_t n = 0;
  size_t p = blanks_then(s, i + 4, end, &n);
  if (n == 0) return kNo;
  const size_t pe = exact_digits(s, p, end, 2);
  if (pe == kNo) return kNo;
  if (page != nullptr) *page = (s[p] - '0') * 10 + (s[p + 1] - '0');
  p = blanks_then(s, pe, end, &n);
  if (n == 0) return kNo;
  // Post words (upper case, blanks), at most 30 bytes, then the serial.
  const size_t post = p;
  while (p < end && p - post <= 30 && (is_upper(s[p]) || s[p] == ' ')) ++p;
  if (p == post || p >= end || !is_digit(s[p]) || s[p - 1] != ' ') return kNo;
  const size_t se = digits_end(s, p, end);
  if (se - p < 4 || se - p > 6) return kNo;
  p = blanks_then(s, se, end, &n);
  if (n == 0) return kNo;
  // Optional "01 OF 03".
  const size_t sec = exact_digits(s, p, end, 2);
  if (sec != kNo) {
    size_t q = blanks_then(s, sec, end, &n);
    if (n > 0 && match_cs(s, q, "OF")) {
      q = blanks_then(s, q + 2, end, &n);
      const size_t qe = exact_digits(s, q, end, 2);
      if (n == 0 || qe == kNo) return kNo;
      p = blanks_then(s, qe, end, &n);
      if (n == 0) return kNo;
    }
  }
  const size_t de = exact_digits(s, p, end, 6);
  if (de == kNo || de >= end || s[de] != 'Z' || !at_word_end(s, de + 1, end)) return kNo;
  return de + 1;
}

size_t match_dtg(std::string_view s, size_t i, size_t end, Dtg* dtg) {
  const size_t de = exact_digits(s, i, end, 6);
  if (de == kNo || de >= end || s[de] != 'Z') return kNo;
  size_t n = 0;
  size_t p = blanks_then(s, de + 1, end, &n);
  if (n == 0) return kNo;
  const int month = month_at(s, p);
  if (month == 0 || !at_word_end(s, p + 3, end)) return kNo;
  p = blanks_then(s, p + 3, end, &n);
  if (n == 0) return kNo;
  const size_t ye = exact_digits(s, p, end, 2);
  if (ye == kNo) return kNo;
  Dtg d;
  d.day = (s[i] - '0') * 10 + (s[i + 1] - '0');
  d.hour = (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
  d.minute = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
  d.month = month;
  d.year2 = (s[p] - '0') * 10 + (s[p + 1] - '0');
  if (d.day < 1 || d.day > 31 || d.hour > 23 || d.minute > 59) return kNo;
  if (dtg != nullptr) *dtg = d;
  return ye;
}

bool is_routing_line(std::string_view s, size_t i, size_t end, Dtg* dtg) {
  if (i >= end) return false;
  const char c = s[i];
  auto precedence = [](char p) { return p == 'O' || p == 'P' || p == 'R' || p == 'Z'; };
  if (c == 'V') return match_cs(s, i, "VZCZC");
  if (is_digit(c)) return match_dtg(s, i, end, dtg) != kNo;
  if (precedence(c)) {
    // "O 300558Z JUL 07", "O P 131425Z JUL 08", "OO RUEHFK ...", "RUEHML/AMEMBASSY".
    size_t p = i + 1;
    if (p < end && precedence(s[p]) && (p + 1 >= end || s[p + 1] == ' ')) {
      // Two-letter precedence: "OO RUEH..." or "OO 300558Z".
      size_t n = 0;
      const size_t q = blanks_then(s, p + 1, end, &n);
      if (n > 0 && q < end && (s[q] == 'R' || is_digit(s[q]))) {
        if (is_digit(s[q])) return match_dtg(s, q, end, dtg) != kNo;
        return true;
      }
    }
    if (p < end && s[p] == ' ') {
      size_t n = 0;
      size_t q = blanks_then(s, p, end, &n);
      if (q + 1 < end && precedence(s[q]) && s[q + 1] == ' ') q = skip_blanks(s, q + 1, end);
      if (q < end && is_digit(s[q])) return match_dtg(s, q, end, dtg) != kNo;
    }
    if (c == 'R') {
      // Routing indicators: "RUEHML/AMEMBASSY MANILA", "RUEHNL RUEHQU RUEHRD".
      size_t e = i;
      while (e < end && is_upper(s[e])) ++e;
      if (e - i >= 4 && e - i <= 8 && (e >= end || s[e] == '/' || s[e] == ' ')) {
        if (e < end && s[e] == '/') return true;
        // A line of indicators only.
        size_t p2 = e;
        while (p2 < end) {
          p2 = skip_blanks(s, p2, end);
          if (p2 >= end) break;
          if (s[p2] != 'R') return false;
          size_t w = p2;
          while (w < end && is_upper(s[w])) ++w;
          if (w - p2 < 4 || (w < end && s[w] != ' ')) return false;
          p2 = w;
        }
        return true;
      }
    }
    if (c == 'P' && match_cs(s, i, "PAGE 01")) return match_old_page(s, i, end, nullptr) != kNo;
  }
  switch (c) {
    case 'D':
      return (match_cs(s, i, "DE ") && i + 3 < end && s[i + 3] == 'R') ||
             match_cs(s, i, "DRAFTED BY");
    case 'Z':
      return match_cs(s, i, "ZNY ") || match_cs(s, i, "ZNR ");
    case 'F':
      return match_cs(s, i, "FM ");
    case 'T':
      return match_cs(s, i, "TO ");
    case 'I':
      return match_cs(s, i, "INFO ") || match_cs(s, i, "INFO\t");
    case 'X':
      return match_cs(s, i, "XMT ");
    case 'A':
      return match_cs(s, i, "ACTION ") || match_cs(s, i, "APPROVED BY");
    case 'C':
      return match_cs(s, i, "CLEARED");
    case 'S':
      return match_cs(s, i, "SOURCE: ");
    case 'O':
      return match_cs(s, i, "ORIGIN ");
    case '-': {
      // "------------------A54E38  291401Z /38"
      size_t p = i;
      while (p < end && s[p] == '-') ++p;
      if (p - i < 5 || p >= end || !is_alnum(s[p])) return false;
      while (p < end && is_alnum(s[p])) ++p;
      p = skip_blanks(s, p, end);
      return exact_digits(s, p, end, 6) != kNo;
    }
    default:
      return false;
  }
}

size_t match_captions(std::string_view s, size_t i, size_t end, bool glued, uint32_t* controls) {
  struct Caption {
    std::string_view word;
    uint32_t control;
  };
  static constexpr std::array<Caption, 9> kCaptions = {{
      {"SIPDIS", 0},
      {"NOFORN", static_cast<uint32_t>(Control::kNoforn)},
      {"SENSITIVE BUT UNCLASSIFIED", static_cast<uint32_t>(Control::kSbu)},
      {"SENSITIVE", static_cast<uint32_t>(Control::kSbu)},
      {"EXDIS", static_cast<uint32_t>(Control::kExdis)},
      {"NODIS", static_cast<uint32_t>(Control::kNodis)},
      {"LIMDIS", static_cast<uint32_t>(Control::kLimdis)},
      {"STADIS", static_cast<uint32_t>(Control::kStadis)},
      {"SPECAT", 0},
  }};
  // Corrected copies: the caption runs to the end of the line.
  if (match_cs(s, i, "C O R R E C T E D") || match_cs(s, i, "CORRECTED COPY")) return end;
  size_t p = i;
  size_t last = kNo;
  uint32_t bits = 0;
  while (p < end) {
    bool found = false;
    for (const auto& cap : kCaptions) {
      if (!match_cs(s, p, cap.word)) continue;
      const size_t e = p + cap.word.size();
      if (!glued && !at_word_end(s, e, end)) continue;
      // Even glued, a caption must not run into lower case ("SIPDISsomething").
      if (e < end && is_lower(s[e])) continue;
      bits |= cap.control;
      last = e;
      p = e;
      found = true;
      break;
    }
    if (!found) break;
    // Separators between captions: blanks, ",", "/", "-".
    size_t q = p;
    while (q < end && (blank_len(s, q) > 0 || s[q] == ',' || s[q] == '/' || s[q] == '-'))
      q += blank_len(s, q) > 0 ? blank_len(s, q) : 1;
    if (q == p && !glued) break;
    p = q;
  }
  if (last == kNo) return kNo;
  // A trailing comma or period belongs to the caption line.
  if (last < end && (s[last] == ',' || s[last] == '.')) ++last;
  if (controls != nullptr) *controls = bits;
  return last;
}

size_t match_sipdis_word(std::string_view s, size_t i, size_t end) {
  if (!match_cs(s, i, "SIPDIS")) return kNo;
  if (!at_word_end(s, i + 6, end)) return kNo;
  return i + 6;
}

bool is_eo_start(std::string_view s, size_t i, size_t end) {
  if (i >= end || (s[i] != 'E' && s[i] != 'e')) return false;
  size_t p = i + 1;
  bool dots = false;
  if (p < end && s[p] == '.') {
    dots = true;
    ++p;
    p = skip_blanks(s, p, end);
  }
  // "E.0. 12958" (a zero for the O) is a typing slip seen in real cables.
  if (p >= end || (s[p] != 'O' && s[p] != 'o' && !(dots && s[p] == '0'))) return false;
  ++p;
  if (p < end && s[p] == '.') {
    dots = true;
    ++p;
  }
  if (p < end && is_alpha(s[p])) return false;  // "EOS", "E.OFFICE"
  size_t q = skip_blanks(s, p, end);
  if (q < end && s[q] == ':') q = skip_blanks(s, q + 1, end);
  if (q < end && is_digit(s[q])) return digits_end(s, q, end) - q >= 4;
  return dots && q > p;  // "E.O.: N/A" needs the dots
}

size_t match_tags_start(std::string_view s, size_t i, size_t end, bool line_start) {
  auto sep = [&](size_t p) { return p < end && (s[p] == ':' || s[p] == ';' || s[p] == ','); };
  if (match_cs(s, i, "TAGS")) {
    const size_t p = i + 4;
    if (sep(p)) return p + 1;
    size_t n = 0;
    const size_t q = blanks_then(s, p, end, &n);
    if (n > 0 && q < end && (is_upper(s[q]) || (line_start && is_alpha(s[q])))) return p;
    return p >= end ? p : kNo;
  }
  if (match_ci(s, i, "TAGS")) {
    // "Tags: prel, pgov", "tAgs something" (lower case only at a line start or with a colon).
    const size_t p = i + 4;
    if (sep(p)) return p + 1;
    if (line_start && p < end && blank_len(s, p) > 0) return p;
    return kNo;
  }
  if (!line_start) return kNo;
  // Typing slips seen in real cables: "TAG", "TAGES:", "TAS:", "TGS:", "TABS:", "AGS:".
  static constexpr std::array<std::string_view, 6> kSlips = {"TAGES", "TABS", "TAG",
                                                             "TAS",   "TGS",  "AGS"};
  for (auto w : kSlips) {
    if (!match_cs(s, i, w)) continue;
    const size_t p = i + w.size();
    if (sep(p)) return p + 1;
    size_t n = 0;
    const size_t q = blanks_then(s, p, end, &n);
    if (w == "TAG" && n > 0 && q + 3 < end && is_upper(s[q]) && is_upper(s[q + 1])) return p;
    return kNo;
  }
  return kNo;
}

size_t match_subject_start(std::string_view s, size_t i, size_t end, bool line_start) {
  size_t p = kNo;
  bool upper = false;
  if (match_ci(s, i, "SUBJECT")) {
    p = i + 7;
    upper = match_cs(s, i, "SUBJECT");
  } else if (match_ci(s, i, "SUBJ")) {
    p = i + 4;
    upper = match_cs(s, i, "SUBJ");
  } else if (line_start && match_cs(s, i, "UBJECT:")) {
    return i + 7;  // the lost "S" of a damaged header
  } else {
    return kNo;
  }
  if (p < end && is_alpha(s[p])) return kNo;  // "SUBJECTS", "Subjective"
  const size_t q = skip_blanks(s, p, end);
  if (q < end && s[q] == ':') return q + 1;
  if (!upper || !line_start) return kNo;
  if (q > p && q < end && is_upper(s[q]) && p == i + 7) return q;  // "SUBJECT FOO"
  if (line_start && q >= end && p == i + 7) return p;
  return kNo;
}

size_t match_ref_start(std::string_view s, size_t i, size_t end) {
  if (!match_ci(s, i, "REF")) return kNo;
  if (s[i] != 'R' || (s[i + 1] != 'E' && s[i + 1] != 'e')) return kNo;
  size_t p = i + 3;
  static constexpr std::array<std::string_view, 5> kTails = {"ERENCES", "ERENCE", "TELS", "TEL",
                                                             "S"};
  for (auto t : kTails) {
    if (match_ci(s, p, t)) {
      p += t.size();
      break;
    }
  }
  if (p < end && s[p] == '(') {  // "REF(S):"
    if (match_ci(s, p, "(S)")) p += 3;
  }
  if (p < end && is_alpha(s[p])) return kNo;  // "REFORM", "REFUGEES"
  const size_t q = skip_blanks(s, p, end);
  if (q < end && s[q] == ':') return q + 1;
  // "REF A: ...", "REF (A) ...", "REF A. ...", "REFTEL HARARE 6584".
  if (q > p && q < end) {
    if (is_upper(s[q]) && q + 1 < end && (s[q + 1] == ':' || s[q + 1] == '.' || s[q + 1] == ')'))
      return p;
    if (s[q] == '(' && q + 2 < end && is_alpha(s[q + 1]) && s[q + 2] == ')') return p;
    if (p > i + 3 && is_upper(s[q])) return p;  // "REFTEL HARARE"
  }
  if (p >= end && p > i + 3) return p;
  return kNo;
}

size_t match_classified_by_start(std::string_view s, size_t i, size_t end) {
  size_t p = i;
  if (p < end && s[p] == '(') {
    size_t q = p + 1;
    while (q < end && q - p <= 5 && is_alpha(s[q])) ++q;
    if (q < end && s[q] == ')' && q > p + 1) p = skip_blanks(s, q + 1, end);
  }
  size_t n = 0;
  if (match_ci(s, p, "CLASSIFIED")) {
    const size_t q = blanks_then(s, p + 10, end, &n);
    if (n > 0 && match_ci(s, q, "BY") && at_word_end(s, q + 2, end)) return q + 2;
    return kNo;
  }
  if (match_ci(s, p, "DERIVED")) {
    const size_t q = blanks_then(s, p + 7, end, &n);
    if (n > 0 && match_ci(s, q, "FROM") && at_word_end(s, q + 4, end)) return q + 4;
  }
  return kNo;
}

bool is_declassify_on(std::string_view s, size_t i, size_t end) {
  if (!match_ci(s, i, "DECLASSIFY")) return false;
  size_t n = 0;
  const size_t q = blanks_then(s, i + 10, end, &n);
  return n > 0 && match_ci(s, q, "ON");
}

bool is_rule(std::string_view s, size_t i, size_t end) {
  size_t marks = 0;
  for (size_t p = i; p < end; ++p) {
    const char c = s[p];
    if (c == '-' || c == '=' || c == '_' || c == '*') {
      ++marks;
    } else if (!is_blank(c)) {
      return false;
    }
  }
  return marks >= 3;
}

size_t trailing_rule(std::string_view s, size_t i, size_t end) {
  size_t p = end;
  while (p > i && (s[p - 1] == '-' || s[p - 1] == '=' || s[p - 1] == ' ')) --p;
  size_t marks = 0;
  for (size_t q = p; q < end; ++q) marks += (s[q] == '-' || s[q] == '=') ? 1u : 0u;
  if (marks < 3) return kNo;
  while (p < end && s[p] == ' ') ++p;
  if (p > i && s[p - 1] != ' ') return kNo;  // "well-" or "--word" glued
  return p;
}

size_t match_lone_class_word(std::string_view s, size_t i, size_t end) {
  static constexpr std::array<std::string_view, 5> kWords = {
      "LIMITED OFFICIAL USE", "UNCLASSIFIED", "CONFIDENTIAL", "TOP SECRET", "SECRET"};
  size_t p = skip_blanks(s, i, end);
  for (auto w : kWords) {
    if (!match_cs(s, p, w)) continue;
    const size_t e = p + w.size();
    const size_t q = skip_blanks(s, e, end);
    if (q >= end) return e;
    // A transmission number after it: "CONFIDENTIAL     PTQ1859".
    size_t r = q;
    while (r < end && is_upper(s[r])) ++r;
    if (r - q < 2 || r - q > 4) return kNo;
    const size_t d = digits_end(s, r, end);
    if (d - r < 3 || skip_blanks(s, d, end) != end) return kNo;
    return end;
  }
  return kNo;
}

bool is_partial_extract(std::string_view s, size_t i, size_t /*end*/) {
  return match_ci(s, i, "THIS RECORD IS A PARTIAL EXTRACT");
}

bool is_weekday_line(std::string_view s, size_t i, size_t end) {
  static constexpr std::array<std::string_view, 7> kDays = {
      "Monday, ", "Tuesday, ", "Wednesday, ", "Thursday, ", "Friday, ", "Saturday, ", "Sunday, "};
  // What the loop would answer for most lines, without trying seven days: a
  // match needs i < end, at most 48 bytes, and the first letter of a day.
  if (i >= end || end - i > 48) return false;
  const char c = s[i];
  if (c != 'M' && c != 'T' && c != 'W' && c != 'F' && c != 'S') return false;
  for (auto d : kDays) {
    if (match_cs(s, i, d)) {
      const size_t p = i + d.size();
      return p < end && is_digit(s[p]) && end - i <= 48;
    }
  }
  return false;
}

size_t match_iso_datetime(std::string_view s, size_t i, size_t end) {
  if (exact_digits(s, i, end, 4) == kNo || i + 10 > end || s[i + 4] != '-' || s[i + 7] != '-')
    return kNo;
  if (exact_digits(s, i + 5, end, 2) == kNo || exact_digits(s, i + 8, end, 2) == kNo) return kNo;
  size_t p = i + 10;
  if (p < end && (s[p] == ' ' || s[p] == 'T') && exact_digits(s, p + 1, end, 2) != kNo &&
      p + 6 <= end && s[p + 3] == ':' && exact_digits(s, p + 4, end, 2) != kNo) {
    p += 6;
    if (p + 3 <= end && s[p] == ':' && exact_digits(s, p + 1, end, 2) != kNo) p += 3;
  }
  return p;
}

bool looks_like_signature(std::string_view s, size_t i, size_t end) {
  // "GILLESPIE##": teletype end marks after the name.
  while (end > i && s[end - 1] == '#') --end;
  if (i >= end || end - i > 40 || !is_upper(s[i])) return false;
  size_t words = 0;
  size_t letters = 0;
  size_t p = i;
  while (p < end) {
    const size_t w = p;
    while (p < end && (is_alpha(s[p]) || s[p] == '.' || s[p] == '-' || s[p] == '\'')) {
      letters += is_alpha(s[p]) ? 1u : 0u;
      ++p;
    }
    if (p == w) return false;
    ++words;
    if (p < end) {
      if (s[p] != ' ') return false;
      ++p;
    }
  }
  if (words > 4 || letters < 2) return false;
  const std::string_view t = s.substr(i, end - i);
  static constexpr std::array<std::string_view, 8> kNot = {"NNNN",    "BT",     "END",    "QUOTE",
                                                           "UNQUOTE", "SIPDIS", "NOFORN", "NOTE"};
  for (auto k : kNot)
    if (t == k) return false;
  return true;
}

}  // namespace declass::core::reader
