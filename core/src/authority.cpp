// The Classified By / Derived From grammar (domain.md §2 "Classified By", §3
// `classified_by`, `reason`, `cats`, `group`). The classifier's *name* is found
// from the end of the classifier text backwards (titles and offices come
// first: "Acting Deputy Chief of Mission Marc Wall"), which is robust to the
// endless variety of titles; see docs/declassification.md.
#include "declass/core/authority.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "ascii_grammar.h"

namespace declass::core {
namespace {

using grammar::iequals;
using grammar::is_alpha;
using grammar::is_blank;
using grammar::is_digit;
using grammar::is_lower;
using grammar::is_space;
using grammar::is_upper;
using grammar::istarts_with;
using grammar::to_lower;
using grammar::to_upper;

// Lines hard-wrapped at a fixed width are at least this long; a word cut there
// continues at the very start of the next line ("Hoyt Y" / "ee").
constexpr size_t kHardWrapWidth = 71;
// The longest classifier block we read; longer text is a reflowed body.
constexpr size_t kMaxBlock = 2000;

struct Phrase {
  std::string_view text;
  bool derived;
};
constexpr std::array<Phrase, 4> kPhrases = {{{"CLASSIFIED BY", false},
                                             {"CLASSFIED BY", false},
                                             {"CLASSIFIED  BY", false},
                                             {"DERIVED FROM", true}}};

// The block: from `text` to a blank line, with lines joined. A line break
// inside a word cut by hard wrapping joins without a space; other breaks and
// runs of blanks become one space.
std::string join_block(std::string_view text, size_t first_column) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxBlock));
  // The first line began `first_column` bytes before `text`.
  size_t line_start = 0;
  size_t first_extra = first_column;
  size_t i = 0;
  while (i < text.size() && out.size() < kMaxBlock) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      // Line length without trailing blanks.
      size_t e = i;
      while (e > line_start && is_blank(text[e - 1])) --e;
      const size_t len = e - line_start + first_extra;
      first_extra = 0;
      size_t next = i + (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n' ? 2 : 1);
      // A blank line ends the block.
      size_t k = next;
      while (k < text.size() && is_blank(text[k])) ++k;
      if (k >= text.size() || text[k] == '\n' || text[k] == '\r') break;
      const bool cut_word = len >= kHardWrapWidth && e > 0 && is_alpha(text[e - 1]) &&
                            next < text.size() && is_alpha(text[next]);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!cut_word) out += ' ';
      line_start = next;
      i = next;
      continue;
    }
    if (is_blank(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
    ++i;
  }
  if (out.size() >= kMaxBlock) {
    // Cut at the size limit: drop the partial last word.
    const size_t sp = out.rfind(' ');
    out.resize(sp == std::string::npos ? 0 : sp);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Token {
  size_t begin;
  size_t end;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    size_t e = i;
    while (e < s.size() && s[e] != ' ') ++e;
    out.push_back({i, e});
    i = e;
  }
  return out;
}

// A token without surrounding punctuation, for keyword tests.
std::string_view core_of(std::string_view t) {
  while (!t.empty() && !is_alpha(t.front()) && !is_digit(t.front())) t.remove_prefix(1);
  while (!t.empty() && !is_alpha(t.back()) && !is_digit(t.back())) t.remove_suffix(1);
  return t;
}

bool is_reason_word(std::string_view t) {
  t = core_of(t);
  // REASON(S), REAS (cut), RESONS, RASONS, REAONS: the typos seen in cables.
  for (std::string_view p : {"REAS", "RESON", "RASON", "REAON"})
    if (istarts_with(t, p)) return true;
  return false;
}

// "1.4", "1.5(b)", "1,4", "1.2" (a typo), "1.5.D."
bool is_section_number(std::string_view t) {
  while (!t.empty() && (t.front() == '(' || t.front() == '-')) t.remove_prefix(1);
  return t.size() >= 3 && t[0] == '1' && (t[1] == '.' || t[1] == ',') && t[2] >= '2' &&
         t[2] <= '6' && (t.size() == 3 || !is_digit(t[3]));
}

bool is_eo_token(std::string_view t) {
  t = core_of(t);
  return istarts_with(t, "E.O") || iequals(t, "EO") || istarts_with(t, "12958") ||
         istarts_with(t, "EO12958");
}

bool is_connector(std::string_view t) {
  t = core_of(t);
  for (std::string_view w : {"FOR", "FR", "F0R", "PER", "UNDER", "BASED", "ON", "0N", "UPON", "DUE",
                             "TO", "PARA", "SECTION", "SECTIONS", "AND", "OF", "IN"})
    if (iequals(t, w)) return true;
  return t.empty();
}

// Where the reason part starts in the joined block (npos if none), and whether
// there is a reason marker at all.
size_t find_reason_start(std::string_view s, const std::vector<Token>& toks, size_t* marker_tok) {
  size_t best = std::string_view::npos;
  *marker_tok = toks.size();
  for (size_t i = 0; i < toks.size(); ++i) {
    const std::string_view t = s.substr(toks[i].begin, toks[i].end - toks[i].begin);
    size_t at = std::string_view::npos;
    // "Margaret McKelvey-reasons 1.4"
    const size_t dash = grammar::ifind(t, "-reas");
    const size_t semi = t.find(';');
    if (is_reason_word(t) || is_section_number(t) || is_eo_token(t)) {
      at = toks[i].begin;
    } else if (dash != std::string_view::npos && dash > 0) {
      at = toks[i].begin + dash;
    } else if (semi != std::string_view::npos) {
      at = toks[i].begin + semi;
    } else if ((iequals(core_of(t), "SECTION") || iequals(core_of(t), "SECTIONS")) &&
               i + 1 < toks.size() && is_digit(s[toks[i + 1].begin])) {
      at = toks[i].begin;
    } else if (iequals(core_of(t), "FOR") || iequals(core_of(t), "FR") ||
               iequals(core_of(t), "F0R")) {
      // "for reasons", "for r" (cut off), "for 1.4", "for (b)", or "for" at the end.
      if (i + 1 >= toks.size()) {
        at = toks[i].begin;
      } else {
        const char n = s[toks[i + 1].begin];
        if (n == 'r' || n == 'R' || is_digit(n) || n == '(' ||
            is_eo_token(s.substr(toks[i + 1].begin, toks[i + 1].end - toks[i + 1].begin)))
          at = toks[i].begin;
      }
    } else if (t.size() >= 2 && t.back() == ':' && i + 1 < toks.size() &&
               is_digit(s[toks[i + 1].begin])) {
      // "KATTOUF: 1.5 B, D."
      at = toks[i].end - 1;
    }
    if (at != std::string_view::npos) {
      best = at;
      *marker_tok = i;
      break;
    }
  }
  if (best == std::string_view::npos) return best;
  // Back up over connectors: "based on", "due to", "for for", "-", ",".
  size_t i = *marker_tok;
  size_t start = best;
  while (i > 0) {
    const Token& p = toks[i - 1];
    const std::string_view t = s.substr(p.begin, p.end - p.begin);
    if (!is_connector(t) || iequals(core_of(t), "AND") || iequals(core_of(t), "OF") ||
        iequals(core_of(t), "IN"))
      break;
    start = p.begin;
    --i;
  }
  return start;
}

// The reasons after the marker: single letters a-h, stopping at the first
// word that is not part of a reason list.
std::string parse_letters(std::string_view s, std::string* order) {
  std::string letters;
  bool last_was_a = false;  // "(b) a" + "nd (d)": "and" cut by wrapping
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_digit(c)) {
      // The order number: 1.4 / 1.5 / "1,4" / "1. 4".
      if (c == '1' && order->empty()) {
        size_t k = i + 1;
        if (k < s.size() && (s[k] == '.' || s[k] == ',')) {
          ++k;
          while (k < s.size() && s[k] == ' ') ++k;
          if (k < s.size() && is_digit(s[k])) {
            *order = std::string("1.") + s[k];
            i = k + 1;
            last_was_a = false;
            continue;
          }
        }
      }
      if (i + 1 < s.size() && is_alpha(s[i + 1]) && (i == 0 || !is_alpha(s[i - 1]))) {
        // "0N", "F0R" with an OCR'd zero: fall through to the word.
      } else {
        while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) ++i;
        continue;
      }
    }
    if (!is_alpha(c) && !is_digit(c)) {
      ++i;
      continue;
    }
    // "E.O." between the words.
    if (to_upper(c) == 'E' && i + 2 < s.size() && s[i + 1] == '.' && to_upper(s[i + 2]) == 'O') {
      i += 3;
      continue;
    }
    // A word: letters, with OCR'd zeros inside ("REAS0N", "0N").
    size_t e = i;
    while (e < s.size() && (is_alpha(s[e]) || s[e] == '0')) ++e;
    const std::string_view w = s.substr(i, e - i);
    if (w.size() == 1) {
      const char l = to_lower(c);
      if (l < 'a' || l > 'h') break;
      letters += l;
      last_was_a = l == 'a';
    } else if (iequals(w, "ND") && last_was_a) {
      letters.pop_back();
      last_was_a = false;
    } else if (iequals(w, "AND") || iequals(w, "OR") || iequals(w, "EO") || iequals(w, "PARA") ||
               iequals(w, "SECTION") || iequals(w, "SECTIONS") || iequals(w, "FOR") ||
               iequals(w, "FR") || iequals(w, "F0R") || iequals(w, "PER") || iequals(w, "UNDER") ||
               iequals(w, "BASED") || iequals(w, "ON") || iequals(w, "0N") || iequals(w, "UPON") ||
               iequals(w, "DUE") || iequals(w, "TO") || is_reason_word(w)) {
      last_was_a = false;
      // "Reason(s):"
      if (is_reason_word(w) && s.substr(e, 3) == "(s)") e += 3;
    } else {
      break;
    }
    i = e;
  }
  std::sort(letters.begin(), letters.end());
  letters.erase(std::unique(letters.begin(), letters.end()), letters.end());
  return letters;
}

// ---- the name, read backwards from the end of the classifier text ----------

// Whether the edit distance of a and b is at most two (OCR'd zeros count as
// 'O'). Row minima never decrease, so once a row's minimum exceeds two the
// answer is known: most words leave after a row or two instead of filling the
// whole table (this runs for every word of every Classified By line).
bool within_two_edits(std::string_view a, std::string_view b) {
  constexpr size_t kMax = 24;
  constexpr size_t kLimit = 2;
  if (a.size() > kMax || b.size() > kMax) return false;
  // The distance is at least the length difference.
  if (a.size() > b.size() + kLimit || b.size() > a.size() + kLimit) return false;
  // Only cells with |i - j| <= kLimit can hold a distance <= kLimit, and a cell
  // of distance <= kLimit is reached only through such cells: the rest of the
  // table counts as "too far" (kFar) and is never computed.
  constexpr size_t kFar = kLimit + 1;
  std::array<size_t, kMax + 1> row{};
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j <= kLimit ? j : kFar;
  for (size_t i = 1; i <= a.size(); ++i) {
    const size_t lo = i > kLimit ? i - kLimit : 1;
    const size_t hi = std::min(b.size(), i + kLimit);
    size_t diag = row[lo - 1];
    row[lo - 1] = lo == 1 ? std::min(i, kFar) : kFar;
    size_t row_min = row[lo - 1];
    // OCR'd zeros: "AMBASSAD0R", "COUNSEL0R".
    char x = to_upper(a[i - 1]);
    if (x == '0') x = 'O';
    for (size_t j = lo; j <= hi; ++j) {
      const size_t up = row[j];
      const size_t cost = x == to_upper(b[j - 1]) ? 0 : 1;
      row[j] = std::min({up + 1, row[j - 1] + 1, diag + cost, kFar});
      row_min = std::min(row_min, row[j]);
      diag = up;
    }
    if (row_min > kLimit) return false;
  }
  return row[b.size()] <= kLimit;
}

// Titles, ranks, offices and bureau acronyms that precede a classifier's name.
// Long words also match with up to two typos ("Ambassaor", "Direcotr").
bool is_title_word(std::string_view w) {
  // clang-format off
  static constexpr std::string_view kTitles[] = {
      "ACTING", "ADVISER", "ADVISOR", "AF", "AFFAIRES", "AFFAIRS", "AFR", "AI", "AMB",
      "AMBASSADOR", "ARSO", "ASSISTANT", "ATTACHE", "BUREAU", "CDA", "CHAIRMAN", "CHARGE",
      "CHIEF", "CIEF", "COL", "COM", "COMMISSIONER", "CONGEN", "CONOFF", "CONSUL", "CONSULAR",
      "COORDINATOR", "COUN", "COUNCILOR", "COUNS", "COUNSEL", "COUNSELLOR", "COUNSELOR",
      "COUNSELOUR", "DAS", "DCM", "DEFENSE", "DELEGATE", "DELEGATION", "DEPARTMENT", "DEPUTY",
      "DIR", "DIRECTOR", "DPO", "EAP", "ECMIN", "ECON", "ECONCOUNS", "ECONOFF", "ECONOMIC",
      "ECONOMICAL", "ECOPOL", "EMIN", "ENVOY", "EUR", "GENERAL", "GOVERNANCE", "HEAD", "INR",
      "INSTITUTIONAL", "INTERAGENCY", "IO", "IPO", "ISN", "LABOR", "LEADER", "LEGAL", "LEGATT",
      "LT", "LTC", "MC", "MEMBER", "MIL", "MIN", "MINISTER", "MINCOUNS", "MISSION", "MULTIPLE",
      "NEA", "OFF", "OFFICE", "OFFICER", "PDAS", "PERMANENT", "PM", "POL", "POLCOUNS",
      "POLITICAL", "POLMIL", "POLMINCONS", "POLOFF", "POST", "PRINCIPAL", "PRM", "PROVINCIAL",
      "PRT", "REPRESENTATIVE", "RSO", "SCA", "SECRETARY", "SECTION", "SENIOR", "SPECIAL", "STATE",
      "TDY", "TEAM", "UNDERSECRETARY", "UNIT", "USDEL", "USEU", "USUN", "WHA", "OFFICIAL",
      "CONSULATE", "EMBASSY", "AMBASSADORIAL", "CONSUL-GENERAL", "CHARGES", "CHG", "ADMIN",
      "MANAGEMENT", "PUBLIC", "DIPLOMACY",
  };
  // clang-format on
  std::string_view c = core_of(w);
  if (c.empty()) return true;
  // MULTIPLE SOURCES is the whole classifier; keep it.
  if (iequals(c, "MULTIPLE")) return false;
  for (auto t : kTitles)
    if (iequals(c, t)) return true;
  // "D'AFFAIRES", "d,Affaires", "Minister-Counselor", "AMBASSADOR-AT-LARGE".
  if (grammar::ifind(c, "AFFAIR") != std::string_view::npos) return true;
  static constexpr std::string_view kLongTitles[] = {
      "AMBASSADOR", "COUNSELOR", "COUNSELLOR", "COUNCILOR",   "DIRECTOR",  "REPRESENTATIVE",
      "SECRETARY",  "AFFAIRS",   "MINISTER",   "COORDINATOR", "POLITICAL", "ECONOMIC"};
  if (c.size() >= 7)
    for (std::string_view long_title : kLongTitles)
      if (within_two_edits(c, long_title)) return true;
  // Hyphenated titles: any part a title.
  if (c.find('-') != std::string_view::npos) {
    size_t i = 0;
    while (i < c.size()) {
      size_t e = c.find('-', i);
      if (e == std::string_view::npos) e = c.size();
      const std::string_view part = c.substr(i, e - i);
      if (part.size() >= 3) {
        for (auto t : kTitles)
          if (iequals(part, t)) return true;
        if (part.size() >= 7 && within_two_edits(part, "COUNSELOR")) return true;
      }
      i = e + 1;
    }
  }
  return false;
}

// Place names that end an office title ("Ambassador to Sudan", "DAS for
// Central Asia"); only needed where case gives no hint.
bool is_place_word(std::string_view w) {
  const std::string_view c = core_of(w);
  for (std::string_view p : {"ASIA", "AFRICA", "EUROPE", "AMERICA", "AFGHANISTAN", "PAKISTAN",
                             "IRAQ", "SUDAN", "ISTANBUL", "KIRKUK", "MUMBAI"})
    if (iequals(c, p)) return true;
  return false;
}

bool is_suffix(std::string_view w) {
  const std::string_view c = core_of(w);
  return iequals(c, "JR") || iequals(c, "SR") || iequals(c, "II") || iequals(c, "III") ||
         iequals(c, "IV");
}

// "D.", "W.S.", "0." (an OCR'd O), "A": an initial.
bool is_initial(std::string_view w) {
  if (w.size() == 1) return is_alpha(w[0]);
  size_t letters = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    if (is_alpha(w[i]) || w[i] == '0') {
      if (i + 1 < w.size() && w[i + 1] != '.') return false;
      ++letters;
    } else if (w[i] != '.') {
      return false;
    }
  }
  return letters > 0;
}

bool all_caps_word(std::string_view w) {
  size_t letters = 0;
  for (char c : w) {
    if (is_lower(c)) return false;
    if (is_upper(c)) ++letters;
  }
  return letters >= 2;
}

// Removes "(acting)", "(CDA)", "(AI)" groups.
std::string drop_parentheticals(std::string_view s) {
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(') {
      ++depth;
      continue;
    }
    if (c == ')' && depth > 0) {
      --depth;
      continue;
    }
    if (depth == 0) out += c;
  }
  return out;
}

// The name at the end of one comma-separated segment of the classifier text;
// empty if the segment holds only titles.
std::string name_from_segment(std::string_view segment, bool mixed_case) {
  const std::string cleaned = drop_parentheticals(segment);
  std::vector<std::string_view> words;
  {
    std::string_view s = cleaned;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      size_t e = i;
      while (e < s.size() && s[e] != ' ') ++e;
      if (e > i) words.push_back(s.substr(i, e - i));
      i = e;
    }
  }
  // Trailing punctuation-only words and lower-case abbreviations ("a.i.", "a.y.").
  while (!words.empty() &&
         (core_of(words.back()).empty() ||
          (is_lower(words.back()[0]) && words.back().find('.') != std::string_view::npos)))
    words.pop_back();

  std::vector<std::string> name;  // reversed
  size_t full_words = 0;
  for (size_t k = words.size(); k-- > 0;) {
    std::string_view w = words[k];
    // A colon ends the title: "AMB:RCROCKER", "Counselor:Steve".
    const size_t colon = w.rfind(':');
    bool stop_after = false;
    if (colon != std::string_view::npos && colon + 1 >= w.size() && name.empty()) {
      w = w.substr(0, colon);  // "Clune:" right before the reason
    } else if (colon != std::string_view::npos) {
      if (colon + 1 >= w.size()) break;  // "Mission:" ends the name
      w = w.substr(colon + 1);
      stop_after = true;
    }
    // "DCM/Ted": the part after the slash may be the name; the rest is an office.
    const size_t slash = w.rfind('/');
    if (slash != std::string_view::npos) {
      w = w.substr(slash + 1);
      stop_after = true;
      if (core_of(w).size() < 2) break;
    }
    const std::string_view c = core_of(w);
    if (c.empty()) break;
    // "ANKARA 6772": a reference list, not a person.
    if (c.size() >= 2 && std::all_of(c.begin(), c.end(), [](char ch) { return is_digit(ch); })) {
      name.clear();
      break;
    }
    if (is_suffix(w) && name.empty()) {
      name.emplace_back(w);
      if (stop_after) break;
      continue;
    }
    if (is_title_word(w) || is_lower(c[0])) break;
    if (mixed_case && all_caps_word(c) && !is_initial(c)) break;  // an office acronym
    const bool initial = is_initial(c);
    if (!initial) {
      if (full_words == 2) {
        // A third word only when a title or punctuation bounds it ("Officer
        // Jessica Davis Ba"), not after "to"/"for" or a place ("to Sudan").
        if (is_place_word(w)) break;
        if (k > 0) {
          const std::string_view before = words[k - 1];
          if ((!core_of(before).empty() && (is_connector(before) || is_place_word(before))) ||
              !(is_title_word(before) || is_lower(before[0]) || core_of(before).empty() ||
                before.back() == ':' || before.find('/') != std::string_view::npos ||
                (mixed_case && all_caps_word(core_of(before)))))
            break;
        }
      }
      if (full_words == 3) break;
      ++full_words;
    }
    name.emplace_back(w);
    if (stop_after) break;
  }
  std::reverse(name.begin(), name.end());
  std::string out;
  for (const auto& n : name) {
    if (!out.empty()) out += ' ';
    out += n;
  }
  return out;
}

// Strips what follows a name: trailing punctuation, but not the period of an
// initial or of "Jr." / "Sr.".
void trim_name(std::string& n) {
  while (!n.empty() && (n.back() == ',' || n.back() == ';' || n.back() == ':' || n.back() == '-' ||
                        n.back() == ' ' || n.back() == '\'' || n.back() == '"'))
    n.pop_back();
  if (!n.empty() && n.back() == '.') {
    const size_t sp = n.rfind(' ');
    const std::string_view last = std::string_view(n).substr(sp == std::string::npos ? 0 : sp + 1);
    const std::string_view c = core_of(last);
    if (!(iequals(c, "JR") || iequals(c, "SR") || is_initial(last))) n.pop_back();
  }
}

std::string extract_name(std::string_view who) {
  // Mixed case lets office acronyms (DCM, AIT, ISN) be told from names.
  bool has_lower = false;
  for (char c : who) has_lower = has_lower || is_lower(c);
  // A sentence end inside the block ("TOM MCDONALD. CONFIDENTIAL ...").
  std::vector<std::string_view> segments;
  size_t i = 0;
  while (i <= who.size()) {
    size_t e = who.find(',', i);
    if (e == std::string_view::npos) e = who.size();
    segments.push_back(who.substr(i, e - i));
    i = e + 1;
  }
  for (size_t k = 0; k < segments.size(); ++k) {
    std::string n = name_from_segment(segments[k], has_lower);
    trim_name(n);
    if (n.empty() || is_suffix(n)) continue;
    // ", JR." / ", III" belongs to the name.
    if (k + 1 < segments.size() && is_suffix(grammar::trim(segments[k + 1]))) {
      std::string suffix(grammar::trim(segments[k + 1]));
      n += ", " + suffix;
      trim_name(n);
    }
    return n;
  }
  // Nothing but titles: a single word after them is the name ("AMB:RCROCKER"),
  // read from the first segment only.
  const auto toks = tokenize(segments.front());
  if (!toks.empty()) {
    std::string_view w =
        segments.front().substr(toks.back().begin, toks.back().end - toks.back().begin);
    const size_t colon = w.rfind(':');
    if (colon != std::string_view::npos && colon + 1 < w.size()) w = w.substr(colon + 1);
    const std::string_view c = core_of(w);
    const bool has_letter = std::any_of(c.begin(), c.end(), [](char ch) { return is_alpha(ch); });
    const bool has_digit = std::any_of(c.begin(), c.end(), [](char ch) { return is_digit(ch); });
    if (has_letter && !has_digit && !is_title_word(w) && !is_connector(w) && !is_lower(w[0])) {
      std::string n(w);
      trim_name(n);
      return n;
    }
  }
  return {};
}

// Where the classifier text ends at a sentence: "MCDONALD. \n CONFIDENTIAL".
size_t sentence_end(std::string_view raw_who_joined) {
  // The joined block has lost its line breaks, so only ". " followed by an
  // all-caps banner word is used here; other sentence ends carry a reason word.
  for (std::string_view banner : {". CONFIDENTIAL", ". SECRET", ". UNCLASSIFIED"}) {
    const size_t at = raw_who_joined.find(banner);
    if (at != std::string_view::npos) return at + 1;
  }
  return raw_who_joined.size();
}

}  // namespace

size_t find_classified_by(std::string_view text) {
  size_t best = std::string_view::npos;
  for (const auto& p : kPhrases) {
    size_t from = 0;
    while (true) {
      const size_t at = grammar::ifind(text, p.text, from);
      if (at == std::string_view::npos) break;
      if (at == 0 || !is_alpha(text[at - 1])) {
        best = std::min(best, at);
        break;
      }
      from = at + 1;
    }
  }
  return best;
}

std::optional<ClassificationAuthority> parse_classified_by(std::string_view text) {
  // Optional lead-in: blanks, "¶", a paragraph number "1.", a mark "(U)".
  size_t p = 0;
  auto skip_ws = [&] {
    while (p < text.size() && is_space(text[p])) ++p;
  };
  skip_ws();
  if (text.substr(p, 2) == "\xC2\xB6") p += 2;
  skip_ws();
  {
    size_t q = p;
    while (q < text.size() && is_digit(text[q])) ++q;
    if (q > p && q < text.size() && (text[q] == '.' || text[q] == ')')) p = q + 1;
  }
  skip_ws();
  if (p < text.size() && text[p] == '(') {
    const size_t close = text.find(')', p);
    if (close != std::string_view::npos && close - p <= 4) p = close + 1;
  }
  skip_ws();
  ClassificationAuthority out;
  bool matched = false;
  for (const auto& ph : kPhrases) {
    if (istarts_with(text.substr(p), ph.text)) {
      p += ph.text.size();
      out.derived = ph.derived;
      matched = true;
      break;
    }
  }
  if (!matched) return std::nullopt;
  // ":" after the phrase; bounded so that a reflowed body is never scanned whole.
  const size_t line_begin = grammar::rfind_line_break(text, p == 0 ? 0 : p - 1);
  const size_t column = line_begin == std::string_view::npos ? p : p - line_begin - 1;
  const std::string block =
      join_block(text.substr(p, std::min(text.size() - p, kMaxBlock * 2)), column);
  std::string_view s = block;
  while (!s.empty() && (s.front() == ':' || s.front() == ' ')) s.remove_prefix(1);

  const auto toks = tokenize(s);
  size_t marker_tok = 0;
  const size_t reason_at = find_reason_start(s, toks, &marker_tok);
  std::string_view who = s.substr(0, std::min(reason_at, s.size()));
  who = who.substr(0, sentence_end(who));
  out.classifier = std::string(grammar::trim(who));
  trim_name(out.classifier);
  out.name = extract_name(who);
  if (reason_at != std::string_view::npos) {
    out.reasons = parse_letters(s.substr(reason_at), &out.order);
  }
  out.truncated = out.reasons.empty();
  if (out.name.empty()) {
    // A label followed by a reference list, with the real block further on
    // ("Classified By: ADANA 222 ... Classified by DCM Nancy McEldowney").
    const size_t next = find_classified_by(text.substr(p, std::min(text.size() - p, kMaxBlock)));
    if (next != std::string_view::npos) {
      auto again = parse_classified_by(text.substr(p + next));
      if (again && !again->name.empty()) return again;
    }
  }
  return out;
}

std::string format_reasons(std::string_view reasons) {
  std::string out;
  for (char c : reasons) {
    if (!out.empty()) out += ", ";
    out += "1.4(";
    out += to_upper(c);
    out += ')';
  }
  return out;
}

}  // namespace declass::core
