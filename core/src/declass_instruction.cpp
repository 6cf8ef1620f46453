// The E.O. / DECL line grammar (domain.md §2 "E.O. / DECL line", §3 `eo_line`,
// `eo_value`, `date`, `exemption`, `derived`) and its evaluation (§3
// "Evaluation"). The rules and their sources are in docs/declassification.md.
#include "declass/core/declass_instruction.h"

#include <algorithm>
#include <array>
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ascii_grammar.h"

namespace declass::core {
namespace {

using grammar::Cursor;
using grammar::iequals;
using grammar::is_alnum;
using grammar::is_alpha;
using grammar::is_blank;
using grammar::is_digit;
using grammar::to_lower;
using grammar::to_upper;

// E.O. 13526 §3.3(a): automatic declassification on 31 December of the year
// 25 years from the date of origin.
constexpr int kAutomaticYears = 25;

bool valid_ymd(int y, int m, int d) {
  // Boost.Date_Time represents 1400..9999; anything else is not a real date here.
  if (y < 1400 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const int eom = boost::gregorian::gregorian_calendar::end_of_month_day(
      static_cast<unsigned short>(y), static_cast<unsigned short>(m));
  return d <= eom;
}

Date make_date(int y, int m, int d) {
  return Date(static_cast<unsigned short>(y), static_cast<unsigned short>(m),
              static_cast<unsigned short>(d));
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

int month_from_name(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "JANUARY", "FEBRUARY", "MARCH",     "APRIL",   "MAY",      "JUNE",
      "JULY",    "AUGUST",   "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"};
  if (w.size() < 3) return 0;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (iequals(w, kNames[i])) return static_cast<int>(i) + 1;
    // Abbreviations: "OCT", "SEPT".
    if (w.size() <= 4 && w.size() < kNames[i].size() && iequals(w, kNames[i].substr(0, w.size())))
      return static_cast<int>(i) + 1;
  }
  return 0;
}

enum class DateScan : uint8_t { kNone, kValid, kInvalid };

struct ScannedDate {
  DateScan scan = DateScan::kNone;
  Date date;
  bool two_digit_year = false;
  std::string written;  // the date as written, for problems
};

// A two-digit year is the first matching year not before the creation year;
// without a creation date, 20YY (the later reading, so nothing is released early).
int resolve_two_digit_year(int yy, std::optional<Date> created) {
  if (!created) return 2000 + yy;
  const int cy = created->year();
  int y = (cy / 100) * 100 + yy;
  if (y < cy) y += 100;
  return y;
}

// date = M/D/(YY|YYYY) | M-D-YY | YYYY/MM/DD | YYYY-MM-DD | DD MONTH YYYY | MONTH D, YYYY.
// Consumes the date on kValid and kInvalid.
ScannedDate scan_date(Cursor& c, std::optional<Date> created) {
  ScannedDate out;
  const size_t start = c.pos();
  const std::string_view d1 = c.digits();
  if (!d1.empty()) {
    c.advance(d1.size());
    const char sep = c.peek();
    if ((sep == '/' || sep == '-' || sep == '.') && is_digit(c.peek(1))) {
      c.advance();
      const std::string_view d2 = c.digits();
      c.advance(d2.size());
      if (c.peek() == sep && is_digit(c.peek(1)) && d2.size() <= 2) {
        c.advance();
        const std::string_view d3 = c.digits();
        c.advance(d3.size());
        out.written = std::string(c.text().substr(start, c.pos() - start));
        int y = 0, m = 0, d = 0;
        if (d1.size() == 4 && d3.size() <= 2) {
          y = to_int(d1);
          m = to_int(d2);
          d = to_int(d3);
        } else if (d1.size() <= 2 && (d3.size() == 4 || d3.size() == 2)) {
          m = to_int(d1);
          d = to_int(d2);
          if (d3.size() == 2) {
            y = resolve_two_digit_year(to_int(d3), created);
            out.two_digit_year = true;
          } else {
            y = to_int(d3);
          }
        } else {
          out.scan = DateScan::kInvalid;
          return out;
        }
        if (!valid_ymd(y, m, d)) {
          out.scan = DateScan::kInvalid;
          return out;
        }
        out.scan = DateScan::kValid;
        out.date = make_date(y, m, d);
        return out;
      }
    } else if (d1.size() <= 2 && is_blank(sep)) {
      // "08 OCTOBER 2019"
      c.skip_blanks();
      const int m = month_from_name(c.word());
      if (m != 0) {
        c.advance(c.word().size());
        c.take_char('.');
        c.take_char(',');
        c.skip_blanks();
        const std::string_view y = c.digits();
        if (y.size() == 4) {
          c.advance(4);
          out.written = std::string(c.text().substr(start, c.pos() - start));
          const int d = to_int(d1);
          if (!valid_ymd(to_int(y), m, d)) {
            out.scan = DateScan::kInvalid;
            return out;
          }
          out.scan = DateScan::kValid;
          out.date = make_date(to_int(y), m, d);
          return out;
        }
      }
    }
    c.set_pos(start);
    return out;
  }
  // "JUNE 21, 2006"
  const int m = month_from_name(c.word());
  if (m != 0) {
    c.advance(c.word().size());
    c.take_char('.');
    c.skip_blanks();
    const std::string_view d = c.digits();
    if (!d.empty() && d.size() <= 2) {
      c.advance(d.size());
      c.take_char(',');
      c.skip_blanks();
      const std::string_view y = c.digits();
      if (y.size() == 4) {
        c.advance(4);
        out.written = std::string(c.text().substr(start, c.pos() - start));
        if (!valid_ymd(to_int(y), m, to_int(d))) {
          out.scan = DateScan::kInvalid;
          return out;
        }
        out.scan = DateScan::kValid;
        out.date = make_date(to_int(y), m, to_int(d));
        return out;
      }
    }
  }
  c.set_pos(start);
  return out;
}

// "TEN", "TWENTY-FIVE", "TWENTY FIVE", "10".
int scan_number(Cursor& c) {
  const std::string_view d = c.digits();
  if (!d.empty() && d.size() <= 3) {
    c.advance(d.size());
    return to_int(d);
  }
  static constexpr std::array<std::string_view, 21> kUnits = {
      "ZERO",     "ONE",     "TWO",     "THREE",     "FOUR",     "FIVE",     "SIX",
      "SEVEN",    "EIGHT",   "NINE",    "TEN",       "ELEVEN",   "TWELVE",   "THIRTEEN",
      "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN", "EIGHTEEN", "NINETEEN", "TWENTY"};
  const size_t start = c.pos();
  int value = 0;
  for (size_t i = 1; i < kUnits.size(); ++i) {
    if (c.take_word(kUnits[i])) {
      value = static_cast<int>(i);
      break;
    }
  }
  if (value == 0) {
    if (c.take_word("THIRTY"))
      value = 30;
    else if (c.take_word("FORTY"))
      value = 40;
    else if (c.take_word("FIFTY"))
      value = 50;
    else if (c.take_word("SEVENTY"))
      value = 70;
  }
  if (value == 0) {
    c.set_pos(start);
    return 0;
  }
  if (value >= 20 && value % 10 == 0) {
    // "TWENTY-FIVE", "TWENTY FIVE"
    const size_t save = c.pos();
    if (c.take_char('-') || c.skip_blanks() > 0) {
      for (size_t i = 1; i <= 9; ++i) {
        if (c.take_word(kUnits[i])) return value + static_cast<int>(i);
      }
    }
    c.set_pos(save);
  }
  return value;
}

// exemption = ["("] "X" [1-8] [")"] | "25X" [1-9] ["-" "HUMAN"] | "50X1-HUM" |
// "50X2-WMD" | "75X" [1-9] | "XGDS" [1-4]. Canonical upper-case code or "".
std::string scan_exemption(Cursor& c) {
  const size_t start = c.pos();
  const bool paren = c.take_char('(');
  c.skip_blanks();
  std::string code;
  const std::string_view w = c.word();
  if (iequals(w, "XGDS")) {
    c.advance(4);
    code = "XGDS";
    const size_t save = c.pos();
    c.take_char('-');
    c.skip_blanks();
    const std::string_view d = c.digits();
    if (d.size() == 1 && d[0] >= '1' && d[0] <= '4') {
      c.advance(1);
      code += '-';
      code += d;
    } else {
      c.set_pos(save);
    }
  } else if (w.size() == 1 && to_upper(w[0]) == 'X' && c.peek(1) >= '1' && c.peek(1) <= '8' &&
             !is_alnum(c.peek(2))) {
    code = std::string("X") + c.peek(1);
    c.advance(2);
  } else {
    const std::string_view d = c.digits();
    if ((d == "25" || d == "50" || d == "75") && to_upper(c.peek(2)) == 'X' &&
        is_digit(c.peek(3)) && c.peek(3) != '0' && !is_digit(c.peek(4))) {
      code = std::string(d) + 'X' + c.peek(3);
      c.advance(4);
      // Suffix: "-HUMAN", "- HUMAN", "-HUM", "-WMD".
      const size_t save = c.pos();
      c.skip_blanks();
      if (c.take_char('-')) {
        c.skip_blanks();
        const std::string_view suffix = c.word();
        if (!suffix.empty() && suffix.size() <= 6) {
          code += '-';
          for (char ch : suffix) code += to_upper(ch);
          c.advance(suffix.size());
        } else {
          c.set_pos(save);
        }
      } else {
        c.set_pos(save);
      }
    }
  }
  if (code.empty()) {
    c.set_pos(start);
    return code;
  }
  if (paren) {
    c.skip_blanks();
    c.take_char(')');
  }
  return code;
}

// "1.4 (B) 1.4(D)", "1.4(D)", "1.5 (b,d)" written on the E.O. line.
bool scan_reasons(Cursor& c, std::vector<std::string>& reasons) {
  const size_t start = c.pos();
  if (!(c.peek() == '1' && (c.peek(1) == '.' || c.peek(1) == ',') &&
        (c.peek(2) == '4' || c.peek(2) == '5') && !is_digit(c.peek(3)))) {
    return false;
  }
  c.advance(3);
  c.skip_blanks();
  bool any = false;
  while (c.take_char('(')) {
    while (true) {
      c.skip_blanks();
      const char l = to_lower(c.peek());
      if (l < 'a' || l > 'h' || is_alpha(c.peek(1))) break;
      reasons.emplace_back(1, l);
      any = true;
      c.advance();
      c.skip_blanks();
      if (!(c.take_char(',') || c.take_char('/') || c.take_char('&') || c.take_word("AND"))) break;
    }
    if (!c.take_char(')')) break;
    // "(b), (d)", "(b) and (d)", "(b)(d)".
    const size_t after_group = c.pos();
    c.skip_blanks();
    if (c.take_char(',') || c.take_char('&') || c.take_word("AND")) c.skip_blanks();
    if (c.peek() != '(') {
      c.set_pos(after_group);
      c.skip_blanks();
      break;
    }
  }
  std::sort(reasons.begin(), reasons.end());
  reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
  if (!any) c.set_pos(start);
  return any;
}

// Where the value ends: before TAGS/SUBJECT glued on by reflowing, or a SIPDIS.
size_t value_end(std::string_view v) {
  size_t end = v.size();
  for (std::string_view stop : {"TAGS", "SUBJECT", "SIPDIS", "AGS:"}) {
    const size_t at = grammar::ifind(v, stop);
    if (at != std::string_view::npos) end = std::min(end, at);
  }
  // "TAG PTER, ..." (singular, a typo) only as a whole word.
  for (size_t at = grammar::ifind(v, "TAG "); at != std::string_view::npos;
       at = grammar::ifind(v, "TAG ", at + 1)) {
    if (at == 0 || !is_alpha(v[at - 1])) {
      end = std::min(end, at);
      break;
    }
  }
  return end;
}

std::string_view trim_value(std::string_view v) {
  v = grammar::trim(v);
  // Trailing line-continuation backslashes and stray punctuation.
  while (!v.empty() &&
         (v.back() == '\\' || v.back() == ',' || v.back() == ';' || is_blank(v.back())))
    v.remove_suffix(1);
  return v;
}

bool has_redaction(std::string_view v) {
  size_t run = 0;
  for (char ch : v) {
    run = (to_upper(ch) == 'X') ? run + 1 : 0;
    if (run >= 4) return true;
  }
  return false;
}

// An event is readable words: at least two words of letters, no redaction
// runs, no '#' and no cut-off "...".
bool looks_like_event(std::string_view v) {
  if (v.find('#') != std::string_view::npos || v.find("..") != std::string_view::npos ||
      has_redaction(v))
    return false;
  size_t words = 0;
  size_t i = 0;
  while (i < v.size()) {
    if (!is_alpha(v[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < v.size() && is_alpha(v[e])) ++e;
    if (e - i >= 2) ++words;
    i = e;
  }
  return words >= 2;
}

class ValueParser {
 public:
  ValueParser(DeclassInstruction& in, std::string& problem, std::optional<Date> created)
      : in_(in), problem_(problem), created_(created) {}

  // eo_value, from the cursor to the end of `c`.
  void parse(Cursor& c) {
    c.skip_blanks();
    // Reasons before the instruction: "1.4 (B) 1.4(D) DECLASSIFY 11/07/2018",
    // "Reasons 1.4 (b), (d)", "1.4(b)(d).".
    {
      const size_t save = c.pos();
      if (c.take_word("REASONS") || c.take_word("REASON")) {
        c.skip_blanks();
        c.take_char(':');
        c.skip_blanks();
        if (!scan_reasons(c, in_.reasons)) c.set_pos(save);
      }
    }
    while (scan_reasons(c, in_.reasons)) {
      c.skip_blanks();
      while (c.take_char(',') || c.take_char('.') || c.take_char(';')) c.skip_blanks();
    }
    if (c.eof()) {
      unknown(in_.reasons.empty() ? "e.o. line has no declassification instruction"
                                  : "e.o. line gives reasons but no declassification instruction");
      return;
    }
    if (take_na(c)) return finish(c);
    if (c.take_word("GDS")) return gds(c);
    if (c.take_word("DNG")) return downgrade(c);
    if (c.take_word("AS")) {
      c.skip_blanks();
      c.take_word("AMENDED");
      c.skip_blanks();
      while (c.take_char(';') || c.take_char(':') || c.take_char(',')) c.skip_blanks();
    }
    if (take_declassified(c)) return finish(c);
    if (take_decl_keyword(c)) {
      // "DECL: DECL: 11/14/2016"
      while (take_decl_keyword(c)) {
      }
      if (c.eof()) {
        unknown(cut_off_ ? "e.o. line is cut off after the declassify keyword"
                         : "declassify keyword without a value");
        return;
      }
    }
    decl_value(c);
  }

  void set_cut_off(bool v) { cut_off_ = v; }

 private:
  bool take_na(Cursor& c) {
    const size_t save = c.pos();
    if (c.take("N/A") || c.take_word("NA")) {
      if (!is_alnum(c.peek())) {
        in_.kind = DeclassKind::kNotApplicable;
        return true;
      }
    }
    c.set_pos(save);
    return false;
  }

  // decl_kw = "DECL" ["L"] [" ON"] | "DECLASSIFY" [" ON"], then optional ":".
  bool take_decl_keyword(Cursor& c) {
    const size_t save = c.pos();
    c.skip_blanks();
    const std::string_view w = c.word();
    if (!(iequals(w, "DECL") || iequals(w, "DECLL") || iequals(w, "DECLASSIFY") ||
          iequals(w, "DECLAS") || iequals(w, "DECLASS"))) {
      c.set_pos(save);
      return false;
    }
    c.advance(w.size());
    c.skip_blanks();
    c.take_word("ON");
    c.skip_blanks();
    c.take_char(':');
    c.skip_blanks();
    return true;
  }

  // "DECLASSIFIED BY NARA 09/02/2009", "DECLASSIFIED JUNE 21, 2006".
  bool take_declassified(Cursor& c) {
    if (!c.take_word("DECLASSIFIED")) return false;
    in_.kind = DeclassKind::kDeclassified;
    c.skip_blanks();
    if (c.take_word("BY")) {
      c.skip_blanks();
      // The declassifying authority: words up to the date.
      while (!c.eof() && !is_digit(c.peek())) {
        Cursor probe = c;
        if (scan_date(probe, created_).scan != DateScan::kNone) break;
        c.advance();
      }
    }
    c.skip_blanks();
    const ScannedDate d = scan_date(c, created_);
    if (d.scan == DateScan::kValid) in_.date = d.date;
    if (d.scan == DateScan::kInvalid) problem_ = "impossible date '" + d.written + "'";
    return true;
  }

  // "GDS", "GDS 8/12/85 (TOMSETH, VICTOR L.) OR-P".
  void gds(Cursor& c) {
    in_.kind = DeclassKind::kGds;
    c.skip_blanks();
    const ScannedDate d = scan_date(c, created_);
    if (d.scan == DateScan::kValid) in_.date = d.date;
    if (d.scan == DateScan::kInvalid) problem_ = "impossible date '" + d.written + "'";
    // The classifier's name and office that follow are not part of the rule.
  }

  // "DNG: CO 04/08/2026": downgrade to CONFIDENTIAL on that date.
  void downgrade(Cursor& c) {
    in_.kind = DeclassKind::kDowngrade;
    c.skip_blanks();
    c.take_char(':');
    c.skip_blanks();
    const std::string_view w = c.word();
    if (iequals(w, "CO") || iequals(w, "C") || iequals(w, "CONFIDENTIAL")) {
      in_.downgrade_to = Level::kConfidential;
    } else if (iequals(w, "SE") || iequals(w, "S") || iequals(w, "SECRET")) {
      in_.downgrade_to = Level::kSecret;
    } else if (iequals(w, "UN") || iequals(w, "U") || iequals(w, "UNCLASSIFIED")) {
      in_.downgrade_to = Level::kUnclassified;
    }
    if (in_.downgrade_to) c.advance(w.size());
    c.skip_blanks();
    const ScannedDate d = scan_date(c, created_);
    if (d.scan == DateScan::kValid) in_.date = d.date;
    if (d.scan == DateScan::kInvalid) problem_ = "impossible date '" + d.written + "'";
    if (!in_.downgrade_to || d.scan != DateScan::kValid)
      problem_ = problem_.empty() ? "unreadable downgrade instruction" : problem_;
    finish(c);
  }

  // decl_value = date | exemption | OADR | MR | N YEARS [AFTER event] | event |
  // DECLASSIFIED ... | SOURCE MARKED ...
  void decl_value(Cursor& c) {
    c.skip_blanks();
    // "1.6 FIVE YEARS AFTER ..." cites E.O. 12958 §1.6 (duration); not a reason.
    if (c.peek() == '1' && c.peek(1) == '.' && c.peek(2) == '6' && !is_digit(c.peek(3))) {
      c.advance(3);
      c.skip_blanks();
    }
    if (take_na(c)) return finish(c);
    if (take_declassified(c)) return finish(c);
    {
      const size_t save = c.pos();
      const ScannedDate d = scan_date(c, created_);
      if (d.scan == DateScan::kValid) {
        in_.kind = DeclassKind::kDate;
        in_.date = d.date;
        if (d.two_digit_year && !created_)
          problem_ = "two-digit year read as 20" + d.written.substr(d.written.size() - 2) +
                     " without a creation date";
        if (created_ && d.date < *created_)
          problem_ = "declassification date " + d.written + " is before the cable was created";
        return finish(c);
      }
      if (d.scan == DateScan::kInvalid) {
        in_.kind = DeclassKind::kUnknown;
        problem_ = "impossible date '" + d.written + "'";
        return;
      }
      c.set_pos(save);
    }
    if (c.take_word("OADR")) {
      in_.kind = DeclassKind::kOadr;
      return finish(c);
    }
    if (c.take_word("MR")) {
      in_.kind = DeclassKind::kManualReview;
      return finish(c);
    }
    if (c.take_word("SOURCE")) {
      c.skip_blanks();
      c.take_word("MARKED");
      return source_marked(c);
    }
    if (take_exemptions(c)) {
      in_.kind = DeclassKind::kExemption;
      return finish(c);
    }
    {
      const size_t save = c.pos();
      const int n = scan_number(c);
      if (n > 0) {
        c.skip_blanks();
        if (c.take_word("YEARS") || c.take_word("YEAR") || c.take_word("YRS")) {
          in_.duration_years = n;
          c.skip_blanks();
          const std::string_view rest = trim_value(c.rest());
          if (rest.empty() || grammar::istarts_with(rest, "FROM")) {
            // "TEN YEARS", "10 YEARS FROM DATE OF ORIGIN": counted from creation.
            in_.kind = DeclassKind::kDuration;
          } else {
            in_.kind = DeclassKind::kEvent;
            in_.event = std::string(rest);
          }
          return;
        }
      }
      c.set_pos(save);
    }
    const std::string_view rest = trim_value(c.rest());
    if (looks_like_event(rest)) {
      in_.kind = DeclassKind::kEvent;
      in_.event = std::string(rest);
      return;
    }
    if (has_redaction(rest)) {
      unknown("e.o. line value is redacted ('" + std::string(rest) + "')");
    } else if (cut_off_ || rest.find("..") != std::string_view::npos) {
      unknown("e.o. line is cut off ('" + in_.text + "')");
    } else {
      unknown("unreadable declassification instruction '" + std::string(rest) + "'");
    }
  }

  bool take_exemptions(Cursor& c) {
    bool any = false;
    while (true) {
      const std::string code = scan_exemption(c);
      if (code.empty()) break;
      in_.exemptions.push_back(code);
      any = true;
      const size_t save = c.pos();
      c.skip_blanks();
      if (c.take_char(',') || c.take_char('/') || c.take_char(';') || c.take_word("AND")) {
        c.skip_blanks();
        continue;
      }
      c.set_pos(save);
      break;
    }
    return any;
  }

  // derived = "SOURCE MARKED" (exemption | OADR | MR) "," "DATE OF SOURCE:" text_date.
  void source_marked(Cursor& c) {
    c.skip_blanks();
    if (c.take_word("OADR")) {
      in_.kind = DeclassKind::kOadr;
    } else if (c.take_word("MR")) {
      in_.kind = DeclassKind::kManualReview;
    } else if (take_exemptions(c)) {
      in_.kind = DeclassKind::kExemption;
    } else {
      unknown("unreadable source marking in derivative declassification");
      return;
    }
    c.skip_blanks();
    c.take_char(',');
    c.take_char(';');
    c.skip_blanks();
    if (c.take_word("DATE")) {
      c.skip_blanks();
      c.take_word("OF");
      c.skip_blanks();
      c.take_word("SOURCE");
      c.skip_blanks();
      c.take_char(':');
      c.skip_blanks();
      const ScannedDate d = scan_date(c, created_);
      if (d.scan == DateScan::kValid) {
        in_.source_date = d.date;
        return finish(c);
      }
    }
    problem_ = "derivative declassification without a readable date of source";
  }

  // Anything left after a complete value is reported, not silently dropped.
  void finish(Cursor& c) {
    c.skip_blanks();
    std::string_view rest = trim_value(c.rest());
    while (!rest.empty() && !is_alnum(rest.front())) rest.remove_prefix(1);
    if (!rest.empty() && problem_.empty())
      problem_ = "unread text after the declassification instruction: '" + std::string(rest) + "'";
  }

  void unknown(std::string why) {
    in_.kind = DeclassKind::kUnknown;
    problem_ = std::move(why);
  }

  DeclassInstruction& in_;
  std::string& problem_;
  std::optional<Date> created_;
  bool cut_off_ = false;
};

// Start of "E.O." / "E.O" / "EO" / "E. O." followed by an order number or ':'.
// Returns the position after the prefix, or npos.
size_t find_eo_prefix(std::string_view line, size_t* prefix_start) {
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (to_upper(line[i]) != 'E') continue;
    Cursor c(line, i + 1);
    bool dotted = c.take_char('.');
    c.skip_blanks();
    if (to_upper(c.peek()) != 'O') continue;
    c.advance();
    dotted = c.take_char('.') || dotted;
    // "EO" must be a word of its own ("GEO", "VIDEO" are not); "E.O." may be
    // glued to a caption ("SIPDISE.O. 12958").
    if (!dotted && ((i > 0 && is_alpha(line[i - 1])) || is_alpha(c.peek()))) continue;
    const size_t after = c.pos();
    c.skip_blanks();
    c.take_char(':');
    c.skip_blanks();
    if (!is_digit(c.peek()) && !dotted) continue;
    if (prefix_start) *prefix_start = i;
    return after;
  }
  return std::string_view::npos;
}

EoParse parse_value_text(std::string_view value, std::optional<Date> created) {
  EoParse out;
  DeclassInstruction& in = out.instruction;
  const std::string_view v = trim_value(value.substr(0, value_end(value)));
  in.text = std::string(v);
  ValueParser p(in, out.problem, created);
  // "DECL..." / "DE..." / "08...": the line was cut off where the text ends.
  p.set_cut_off(v.size() >= 2 && v.substr(v.size() - 2) == "..");
  Cursor c(v);
  p.parse(c);
  return out;
}

std::string_view first_line(std::string_view s) {
  const size_t nl = grammar::find_line_break(s);
  return nl == std::string_view::npos ? s : s.substr(0, nl);
}

}  // namespace

std::string_view to_string(DeclassKind k) {
  switch (k) {
    case DeclassKind::kDate:
      return "date";
    case DeclassKind::kNotApplicable:
      return "na";
    case DeclassKind::kExemption:
      return "exemption";
    case DeclassKind::kOadr:
      return "oadr";
    case DeclassKind::kManualReview:
      return "mr";
    case DeclassKind::kDuration:
      return "duration";
    case DeclassKind::kEvent:
      return "event";
    case DeclassKind::kDeclassified:
      return "declassified";
    case DeclassKind::kDowngrade:
      return "downgrade";
    case DeclassKind::kGds:
      return "gds";
    case DeclassKind::kUnknown:
      return "unknown";
    case DeclassKind::kMissing:
      return "missing";
  }
  return "unknown";
}

EoParse parse_eo_line(std::string_view line, std::optional<Date> created) {
  line = first_line(line);
  size_t prefix_start = 0;
  const size_t after_prefix = find_eo_prefix(line, &prefix_start);
  if (after_prefix == std::string_view::npos) {
    // No "E.O." at all: read it as a bare DECL value, but say so.
    EoParse out = parse_declassify_on(line, created);
    if (out.problem.empty()) out.problem = "no e.o. order number";
    return out;
  }
  Cursor c(line, after_prefix);
  c.skip_blanks();
  c.take_char(':');  // "E.O.: 12958"
  c.skip_blanks();
  const std::string_view order = c.digits();
  c.advance(order.size());
  // Separator between order and value: ":", ",", or nothing ("EO 12958 N/A").
  c.skip_blanks();
  while (c.take_char(':') || c.take_char(',') || c.take_char(';')) c.skip_blanks();
  EoParse out = parse_value_text(c.rest(), created);
  out.instruction.order = std::string(order);
  if (order.empty() && out.problem.empty()) out.problem = "e.o. line without an order number";
  return out;
}

EoParse parse_declassify_on(std::string_view text, std::optional<Date> created) {
  return parse_value_text(first_line(text), created);
}

DeclassEvaluation evaluate(const DeclassInstruction& instr, std::optional<Date> created) {
  DeclassEvaluation ev;
  // The fail-closed default: 31 Dec of the origin year + 25 (E.O. 13526 §3.3(a)).
  std::optional<Date> automatic;
  if (created) automatic = make_date(static_cast<int>(created->year()) + kAutomaticYears, 12, 31);

  switch (instr.kind) {
    case DeclassKind::kNotApplicable:
      ev.unclassified_or_declassified = true;
      return ev;
    case DeclassKind::kDeclassified:
      ev.unclassified_or_declassified = true;
      ev.effective_date = instr.date;
      ev.computable = instr.date.has_value();
      return ev;
    case DeclassKind::kDate:
      // A date before the cable existed is a typo: fall back to the default.
      if (instr.date && (!created || *instr.date >= *created)) {
        ev.effective_date = instr.date;
        ev.computable = true;
        return ev;
      }
      break;
    case DeclassKind::kDuration:
      if (created && instr.duration_years > 0) {
        // Boost keeps Feb 29 + N years on the last day of February.
        ev.effective_date = *created + boost::gregorian::years(instr.duration_years);
        ev.computable = true;
        return ev;
      }
      break;
    case DeclassKind::kGds:
      if (instr.date && (!created || *instr.date >= *created)) {
        // E.O. 12065 wrote the scheduled date after GDS.
        ev.effective_date = instr.date;
        ev.computable = true;
        return ev;
      }
      if (!instr.date && created) {
        // E.O. 11652 §5(A) schedule, level unknown here: the longest (TOP SECRET)
        // term, declassified at the end of the tenth full calendar year.
        ev.effective_date = make_date(static_cast<int>(created->year()) + 10, 12, 31);
        ev.computable = true;
        return ev;
      }
      break;
    case DeclassKind::kExemption:
      ev.exemption_hold = true;
      break;
    case DeclassKind::kOadr:
    case DeclassKind::kManualReview:
    case DeclassKind::kEvent:
    case DeclassKind::kDowngrade:
    case DeclassKind::kUnknown:
    case DeclassKind::kMissing:
      break;
  }
  ev.effective_date = automatic;
  if (instr.kind == DeclassKind::kDowngrade && instr.date && automatic &&
      *instr.date > *automatic) {
    // Never declassified before the date it was only to be downgraded on.
    ev.effective_date = instr.date;
  }
  if (instr.source_date) {
    // Derivative: date of source + 25 years, but never before our own default.
    const Date from_source = *instr.source_date + boost::gregorian::years(kAutomaticYears);
    ev.effective_date = automatic ? std::max(*automatic, from_source) : from_source;
  }
  ev.computable = false;
  return ev;
}

bool declassified_as_of(const DeclassEvaluation& eval, Date review) {
  if (eval.unclassified_or_declassified) return true;
  if (eval.exemption_hold || !eval.effective_date) return false;
  return *eval.effective_date <= review;
}

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!is_digit(text[i])) return std::nullopt;
  const int y = to_int(text.substr(0, 4));
  const int m = to_int(text.substr(5, 2));
  const int d = to_int(text.substr(8, 2));
  if (!valid_ymd(y, m, d)) return std::nullopt;
  return make_date(y, m, d);
}

std::string format_iso_date(Date d) {
  if (d.is_special()) return "";
  const auto ymd = d.year_month_day();
  const unsigned y = ymd.year, m = ymd.month, dd = ymd.day;
  std::string out(10, '0');
  out[0] = static_cast<char>('0' + y / 1000 % 10);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + dd / 10);
  out[9] = static_cast<char>('0' + dd % 10);
  return out;
}

}  // namespace declass::core
