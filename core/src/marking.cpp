// The portion-marking and banner grammars (domain.md §2 "Portion markings",
// §2 "Banners", §3 `portion`/`marking`/`ctl_tail`/`rel`/`class_line`/`capco`).
// Hand-written recursive descent over the original bytes: it runs once per
// paragraph, so it must reject ordinary text fast and never allocate much.
// The decisions on the garbled / not-a-marking boundary are in
// docs/declassification.md ("Marking grammar").
#include <algorithm>
#include <array>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ascii_grammar.h"
#include "declass/core/classification.h"

namespace declass::core {
namespace {

using grammar::Cursor;
using grammar::iequals;
using grammar::is_alpha;
using grammar::is_blank;
using grammar::is_digit;
using grammar::is_lower;
using grammar::is_upper;
using grammar::to_upper;

// Longer text inside parentheses is prose, never a marking. The longest real
// mark seen is about 45 bytes ("S//REL TO USA, AUS, CAN, GBR, NZL" and the like).
constexpr size_t kMaxMarkingLength = 120;

// Country names and codes seen in REL TO / FGI lists, mapped to the CAPCO
// trigraph (ISO 3166-1 alpha-3) or tetragraph. State's two-letter FIPS tags
// (CH = China, UK, GM = Germany) are mapped too. Sorted by name.
struct CountryName {
  std::string_view name;
  std::string_view code;
};
constexpr CountryName kCountries[] = {
    {"AFGHANISTAN", "AFG"},
    {"ALBANIA", "ALB"},
    {"ALGERIA", "DZA"},
    {"ARGENTINA", "ARG"},
    {"ARMENIA", "ARM"},
    {"AUS", "AUS"},
    {"AUSTRALIA", "AUS"},
    {"AUSTRIA", "AUT"},
    {"AZERBAIJAN", "AZE"},
    {"BAHRAIN", "BHR"},
    {"BANGLADESH", "BGD"},
    {"BELARUS", "BLR"},
    {"BELGIUM", "BEL"},
    {"BELIZE", "BLZ"},
    {"BOLIVIA", "BOL"},
    {"BOSNIA", "BIH"},
    {"BRAZIL", "BRA"},
    {"BRITAIN", "GBR"},
    {"BULGARIA", "BGR"},
    {"CANADA", "CAN"},
    {"CH", "CHN"},
    {"CHILE", "CHL"},
    {"CHINA", "CHN"},
    {"COLOMBIA", "COL"},
    {"CROATIA", "HRV"},
    {"CUBA", "CUB"},
    {"CYPRUS", "CYP"},
    {"CZECH REPUBLIC", "CZE"},
    {"DENMARK", "DNK"},
    {"ECUADOR", "ECU"},
    {"EGYPT", "EGY"},
    {"ESTONIA", "EST"},
    {"ETHIOPIA", "ETH"},
    {"FINLAND", "FIN"},
    {"FIVE EYES", "FVEY"},
    {"FRANCE", "FRA"},
    {"GEORGIA", "GEO"},
    {"GER", "DEU"},
    {"GERMANY", "DEU"},
    {"GM", "DEU"},
    {"GREAT BRITAIN", "GBR"},
    {"GREECE", "GRC"},
    {"GUATEMALA", "GTM"},
    {"HONDURAS", "HND"},
    {"HUNGARY", "HUN"},
    {"ICELAND", "ISL"},
    {"INDIA", "IND"},
    {"INDONESIA", "IDN"},
    {"IRAN", "IRN"},
    {"IRAQ", "IRQ"},
    {"IRELAND", "IRL"},
    {"ISRAEL", "ISR"},
    {"ITALY", "ITA"},
    {"JAPAN", "JPN"},
    {"JORDAN", "JOR"},
    {"KAZAKHSTAN", "KAZ"},
    {"KENYA", "KEN"},
    {"KOREA", "KOR"},
    {"KOSOVO", "XKS"},
    {"KUWAIT", "KWT"},
    {"KYRGYZSTAN", "KGZ"},
    {"LATVIA", "LVA"},
    {"LEBANON", "LBN"},
    {"LIBYA", "LBY"},
    {"LITHUANIA", "LTU"},
    {"LUXEMBOURG", "LUX"},
    {"MACEDONIA", "MKD"},
    {"MALAYSIA", "MYS"},
    {"MALTA", "MLT"},
    {"MEXICO", "MEX"},
    {"MOLDOVA", "MDA"},
    {"MONGOLIA", "MNG"},
    {"MONTENEGRO", "MNE"},
    {"MOROCCO", "MAR"},
    {"NETHERLANDS", "NLD"},
    {"NEW ZEALAND", "NZL"},
    {"NICARAGUA", "NIC"},
    {"NIGERIA", "NGA"},
    {"NORWAY", "NOR"},
    {"OMAN", "OMN"},
    {"PAK", "PAK"},
    {"PAKISTAN", "PAK"},
    {"PANAMA", "PAN"},
    {"PARAGUAY", "PRY"},
    {"PERU", "PER"},
    {"PHILIPPINES", "PHL"},
    {"POLAND", "POL"},
    {"PORTUGAL", "PRT"},
    {"QATAR", "QAT"},
    {"ROMANIA", "ROU"},
    {"RUSSIA", "RUS"},
    {"RUSSIAN FEDERATION", "RUS"},
    {"RWANDA", "RWA"},
    {"SAUDI ARABIA", "SAU"},
    {"SERBIA", "SRB"},
    {"SINGAPORE", "SGP"},
    {"SLOVAKIA", "SVK"},
    {"SLOVENIA", "SVN"},
    {"SOUTH AFRICA", "ZAF"},
    {"SOUTH KOREA", "KOR"},
    {"SPAIN", "ESP"},
    {"SRI LANKA", "LKA"},
    {"SUDAN", "SDN"},
    {"SWEDEN", "SWE"},
    {"SWITZERLAND", "CHE"},
    {"SYRIA", "SYR"},
    {"TAIWAN", "TWN"},
    {"TAJIKISTAN", "TJK"},
    {"THAILAND", "THA"},
    {"TUNISIA", "TUN"},
    {"TURKEY", "TUR"},
    {"TURKMENISTAN", "TKM"},
    {"UAE", "ARE"},
    {"UGANDA", "UGA"},
    {"UK", "GBR"},
    {"UKRAINE", "UKR"},
    {"UNITED KINGDOM", "GBR"},
    {"UNITED STATES", "USA"},
    {"URUGUAY", "URY"},
    {"US", "USA"},
    {"UZBEKISTAN", "UZB"},
    {"VENEZUELA", "VEN"},
    {"VIETNAM", "VNM"},
    {"YEMEN", "YEM"},
    {"ZIMBABWE", "ZWE"},
};

static_assert(std::is_sorted(std::begin(kCountries), std::end(kCountries),
                             [](const CountryName& a, const CountryName& b) {
                               return a.name < b.name;
                             }));

// Canonical upper-case code for a country / organisation name as written.
// Unknown names are kept, upper-cased, with blanks collapsed.
std::string canonical_country(std::string_view written) {
  std::string up;
  up.reserve(written.size());
  bool blank = false;
  for (char c : written) {
    if (is_blank(c)) {
      blank = !up.empty();
      continue;
    }
    if (blank) up += ' ';
    blank = false;
    up += to_upper(c);
  }
  const auto it =
      std::lower_bound(std::begin(kCountries), std::end(kCountries), up,
                       [](const CountryName& a, const std::string& b) { return a.name < b; });
  if (it != std::end(kCountries) && it->name == up) return std::string(it->code);
  return up;
}

// Words that end a country list because they start the next control.
bool is_control_keyword(std::string_view w) {
  static constexpr std::array<std::string_view, 14> kWords = {
      "NF",    "NOFORN", "ORCON",  "PROPIN", "RELIDO", "FOUO", "FGI",
      "EXDIS", "NODIS",  "LIMDIS", "STADIS", "SBU",    "REL",  "RELEASABLE"};
  for (auto k : kWords)
    if (iequals(w, k)) return true;
  return false;
}

// What has been read so far: level and controls, countries as written.
struct Reading {
  bool has_level = false;
  Level level = Level::kUnclassified;
  uint32_t controls = 0;
  std::vector<std::string> rel_to;
  std::vector<std::string> fgi;
  bool entire_text = false;
  std::string failed_at;  // the token the grammar could not read

  void add(Control c) { controls |= static_cast<uint32_t>(c); }
  bool has(Control c) const { return (controls & static_cast<uint32_t>(c)) != 0; }
};

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A level abbreviation or spelt-out level word at the cursor. Abbreviations
// must end at a boundary (end, blank, '/', '-', ')', ','); a glued "NF"
// ("SNF", "CNF") is read as the NOFORN control.
bool take_level(Cursor& c, Reading& r) {
  const size_t start = c.pos();
  // Spelt-out words first, so that "SECRET" is not read as "S" + junk.
  if (c.take_word("TOP")) {
    if (c.skip_blanks() > 0 && c.take_word("SECRET")) {
      r.level = Level::kTopSecret;
      r.has_level = true;
      return true;
    }
    c.set_pos(start);
    return false;
  }
  struct LevelWord {
    std::string_view word;
    Level level;
  };
  static constexpr std::array<LevelWord, 4> kWords = {{{"SECRET", Level::kSecret},
                                                       {"CONFIDENTIAL", Level::kConfidential},
                                                       {"UNCLASSIFIED", Level::kUnclassified},
                                                       {"UNCLAS", Level::kUnclassified}}};
  for (const auto& w : kWords) {
    if (c.take_word(w.word)) {
      r.level = w.level;
      r.has_level = true;
      return true;
    }
  }
  if (c.take_word("SENSITIVE")) {
    c.skip_blanks();
    if (c.take_word("BUT")) {
      c.skip_blanks();
      if (c.take_word("UNCLASSIFIED")) {
        r.level = Level::kUnclassified;
        r.has_level = true;
        r.add(Control::kSbu);
        return true;
      }
    }
    c.set_pos(start);
    return false;
  }
  if (c.take_word("LIMITED")) {
    c.skip_blanks();
    if (c.take_word("OFFICIAL")) {
      c.skip_blanks();
      if (c.take_word("USE")) {
        r.level = Level::kUnclassified;
        r.has_level = true;
        r.add(Control::kSbu);
        return true;
      }
    }
    c.set_pos(start);
    return false;
  }
  const std::string_view w = c.word();
  struct Abbrev {
    std::string_view word;
    Level level;
    uint32_t controls;
  };
  static constexpr std::array<Abbrev, 11> kAbbrevs = {{
      {"TS", Level::kTopSecret, 0},
      {"S", Level::kSecret, 0},
      {"C", Level::kConfidential, 0},
      {"U", Level::kUnclassified, 0},
      {"SBU", Level::kUnclassified, static_cast<uint32_t>(Control::kSbu)},
      {"LOU", Level::kUnclassified, static_cast<uint32_t>(Control::kSbu)},
      {"TSNF", Level::kTopSecret, static_cast<uint32_t>(Control::kNoforn)},
      {"SNF", Level::kSecret, static_cast<uint32_t>(Control::kNoforn)},
      {"CNF", Level::kConfidential, static_cast<uint32_t>(Control::kNoforn)},
      {"UNF", Level::kUnclassified, static_cast<uint32_t>(Control::kNoforn)},
      {"SBUNF", Level::kUnclassified,
       static_cast<uint32_t>(Control::kSbu) | static_cast<uint32_t>(Control::kNoforn)},
  }};
  for (const auto& a : kAbbrevs) {
    if (!iequals(w, a.word)) continue;
    const char next = c.peek(w.size());
    const bool boundary = c.pos() + w.size() >= c.text().size() || is_blank(next) || next == '/' ||
                          next == '-' || next == ')' || next == ',';
    if (!boundary) return false;
    c.advance(w.size());
    r.level = a.level;
    r.controls |= a.controls;
    r.has_level = true;
    return true;
  }
  return false;
}

// One country or organisation name: letters, with single blanks between
// words; stops before "AND", a control keyword, or any other character.
std::string_view take_country_name(Cursor& c) {
  const size_t start = c.pos();
  size_t end = start;
  while (true) {
    const std::string_view w = c.word();
    if (w.empty() || iequals(w, "AND") || (end > start && is_control_keyword(w))) break;
    // "NF" as the first word is a control, not a country.
    if (end == start && is_control_keyword(w)) break;
    c.advance(w.size());
    end = c.pos();
    const size_t before_blank = c.pos();
    if (c.skip_blanks() == 0 || !is_alpha(c.peek())) {
      c.set_pos(before_blank);
      break;
    }
  }
  c.set_pos(end);
  return c.text().substr(start, end - start);
}

// rel = ("REL"|"RELEASABLE") [" TO"] country {("," | "AND" | "/") country}.
// The REL keyword has been consumed.
bool take_rel_list(Cursor& c, Reading& r) {
  c.skip_blanks();
  // "TO" is optional; take_word never swallows a country that starts with TO (TOGO).
  c.take_word("TO");
  bool any = false;
  while (true) {
    c.skip_blanks();
    const std::string_view name = take_country_name(c);
    if (name.empty()) break;
    r.rel_to.push_back(canonical_country(name));
    any = true;
    const size_t after_name = c.pos();
    c.skip_blanks();
    if (c.take_char(',')) {
      c.skip_blanks();
      c.take_word("AND");
      continue;
    }
    if (c.take_word("AND")) continue;
    if (c.peek() == '/' && c.peek(1) != '/') {
      // "NATO/AUS" lists countries; "/NF" starts the next control.
      Cursor look = c;
      look.advance();
      look.skip_blanks();
      if (!look.word().empty() && !is_control_keyword(look.word())) {
        c.advance();
        continue;
      }
    }
    c.set_pos(after_name);
    break;
  }
  if (!any) r.failed_at = "REL";
  return any;
}

// One control value at the cursor (after a separator).
bool take_control(Cursor& c, Reading& r) {
  const std::string_view w = c.word();
  if (w.empty()) {
    r.failed_at = std::string(c.rest().substr(0, 1));
    return false;
  }
  struct Simple {
    std::string_view word;
    Control control;
  };
  static constexpr std::array<Simple, 18> kSimple = {{
      {"NF", Control::kNoforn},
      {"NOFORN", Control::kNoforn},
      {"N", Control::kNoforn},
      {"FOUO", Control::kFouo},
      {"OC", Control::kOrcon},
      {"ORCON", Control::kOrcon},
      {"PR", Control::kPropin},
      {"PROPIN", Control::kPropin},
      {"RELIDO", Control::kRelido},
      {"SBU", Control::kSbu},
      {"LOU", Control::kSbu},
      {"EXDIS", Control::kExdis},
      {"XD", Control::kExdis},
      {"NODIS", Control::kNodis},
      {"ND", Control::kNodis},
      {"LIMDIS", Control::kLimdis},
      {"STADIS", Control::kStadis},
      {"EFTO", Control::kEfto},
  }};
  for (const auto& s : kSimple) {
    if (iequals(w, s.word)) {
      c.advance(w.size());
      r.add(s.control);
      return true;
    }
  }
  if (iequals(w, "FOR")) {
    // The banner spells FOUO out: "UNCLASSIFIED//FOR OFFICIAL USE ONLY".
    const size_t save = c.pos();
    c.advance(3);
    c.skip_blanks();
    if (c.take_word("OFFICIAL") && c.skip_blanks() > 0 && c.take_word("USE") &&
        c.skip_blanks() > 0 && c.take_word("ONLY")) {
      r.add(Control::kFouo);
      return true;
    }
    c.set_pos(save);
  }
  if (iequals(w, "FGI")) {
    c.advance(3);
    r.add(Control::kFgi);
    // FGI countries are separated by blanks: "FGI DEU GBR".
    while (true) {
      const size_t save = c.pos();
      if (c.skip_blanks() == 0) break;
      const std::string_view cw = c.word();
      if (cw.empty() || is_control_keyword(cw) || cw.size() > 4) {
        c.set_pos(save);
        break;
      }
      c.advance(cw.size());
      r.fgi.push_back(canonical_country(cw));
    }
    return true;
  }
  if (iequals(w, "REL") || iequals(w, "RELEASABLE")) {
    c.advance(w.size());
    return take_rel_list(c, r);
  }
  r.failed_at = std::string(w);
  return false;
}

// ctl_tail = sep control {sep control} [trailing "//" or "/"].
// `need_sep`: the first control must be preceded by a separator (after a level).
bool take_ctl_tail(Cursor& c, Reading& r, bool need_sep) {
  bool first = true;
  while (true) {
    const size_t blanks = c.skip_blanks();
    if (c.eof()) return true;
    bool sep = false;
    if (c.take("//") || c.take_char('/') || c.take_char('-')) sep = true;
    c.skip_blanks();
    if (c.eof()) return sep || !first || blanks > 0 || !need_sep;  // trailing "//"
    if (!sep && blanks == 0 && (need_sep || !first)) {
      r.failed_at = std::string(c.rest().substr(0, 1));
      return false;
    }
    if (!take_control(c, r)) return false;
    first = false;
  }
}

// "- ENTIRE TEXT", "-- ENTIRE PARAGRAPH", "-ENTIRE TEXT." after the level.
bool take_entire_text(Cursor& c) {
  const size_t save = c.pos();
  c.skip_blanks();
  if (!c.take_char('-')) {
    c.set_pos(save);
    return false;
  }
  c.take_char('-');
  c.skip_blanks();
  if (c.take_word("ENTIRE")) {
    c.skip_blanks();
    if (c.take_word("TEXT") || c.take_word("PARAGRAPH")) {
      c.take_char('.');
      c.skip_blanks();
      if (c.eof()) return true;
    }
  }
  c.set_pos(save);
  return false;
}

// FGI portion form "//DEU TS" (CAPCO: the foreign level with its country).
bool take_fgi_portion(Cursor& c, Reading& r) {
  const size_t save = c.pos();
  if (!c.take("//")) return false;
  c.skip_blanks();
  std::vector<std::string> countries;
  while (true) {
    const std::string_view w = c.word();
    if (w.empty() || w.size() > 4) break;
    Cursor probe = c;
    Reading lr;
    if (take_level(probe, lr) && !countries.empty()) break;
    countries.push_back(canonical_country(w));
    c.advance(w.size());
    if (c.skip_blanks() == 0) break;
  }
  if (countries.empty() || !take_level(c, r)) {
    c.set_pos(save);
    r.has_level = false;
    return false;
  }
  r.add(Control::kFgi);
  for (auto& k : countries) r.fgi.push_back(std::move(k));
  return true;
}

// Letters of the short marking vocabulary (TS S C U SBU NF NOFORN OC ORCON PR
// PROPIN FOUO FGI REL). A short upper-case token made only of these letters
// looks like a damaged marking; anything with other letters (NATO, DCM,
// FARC) does not.
bool is_marking_letter(char c) {
  switch (c) {
    case 'T':
    case 'S':
    case 'C':
    case 'U':
    case 'B':
    case 'N':
    case 'F':
    case 'O':
    case 'R':
    case 'P':
    case 'E':
    case 'L':
    case 'G':
    case 'I':
      return true;
    default:
      return false;
  }
}

// Upper-case parenthesised abbreviations that are not markings although
// made of marking letters.
bool is_known_non_marking(std::string_view t) {
  static constexpr std::array<std::string_view, 8> kWords = {"US",   "USG", "UN",   "EU",
                                                             "UNSC", "GOS", "OSCE", "GOC"};
  for (auto k : kWords)
    if (t == k) return true;
  return false;
}

// Edit distance for short words (bounded by the marking length).
size_t edit_distance(std::string_view a, std::string_view b) {
  std::array<size_t, kMaxMarkingLength + 1> row{};
  if (a.size() > kMaxMarkingLength || b.size() > kMaxMarkingLength) return kMaxMarkingLength;
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const size_t cost = to_upper(a[i - 1]) == to_upper(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

// The most restrictive reading of one token of a damaged mark: the highest
// level it could abbreviate, and NOFORN if it could be NF.
void garbled_token_reading(std::string_view tok, Reading& r) {
  Cursor c(tok);
  Reading known;
  if (take_level(c, known) && c.eof()) {
    r.level = std::max(r.level, known.level);
    r.controls |= known.controls;
    return;
  }
  Cursor k(tok);
  Reading ctl;
  if (take_control(k, ctl) && k.eof()) {
    r.controls |= ctl.controls;
    return;
  }
  if (tok.size() >= 5) {
    // A misspelt word ("SECRT", "CONFIDENTAL", "NOFRN").
    static constexpr std::array<std::pair<std::string_view, Level>, 3> kWords = {
        {{"SECRET", Level::kSecret},
         {"CONFIDENTIAL", Level::kConfidential},
         {"UNCLASSIFIED", Level::kUnclassified}}};
    for (const auto& [word, level] : kWords) {
      if (edit_distance(tok, word) <= 2) {
        r.level = std::max(r.level, level);
        return;
      }
    }
    if (edit_distance(tok, "NOFORN") <= 2) {
      r.add(Control::kNoforn);
      return;
    }
  }
  bool t = false, s = false, cc = false, nf = false;
  for (char ch : tok) {
    const char u = to_upper(ch);
    t = t || u == 'T';
    s = s || u == 'S';
    cc = cc || u == 'C';
    nf = nf || u == 'N' || u == 'F';
  }
  Level l = Level::kUnclassified;
  if (t && s && to_upper(tok[0]) == 'T') {
    l = Level::kTopSecret;
  } else if (s) {
    l = Level::kSecret;
  } else if (cc) {
    l = Level::kConfidential;
  }
  r.level = std::max(r.level, l);
  if (nf) r.add(Control::kNoforn);
}

// Reads every letter token of `text` restrictively (see garbled_token_reading).
void garbled_reading(std::string_view text, Reading& r) {
  size_t i = 0;
  while (i < text.size()) {
    if (!is_alpha(text[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < text.size() && is_alpha(text[e])) ++e;
    const std::string_view tok = text.substr(i, e - i);
    // REL TO country lists say nothing about the level.
    if (!iequals(tok, "REL") && !iequals(tok, "TO") && !iequals(tok, "AND"))
      garbled_token_reading(tok, r);
    i = e;
  }
}

// "Confidential sources said": a lower-case word of three or more letters
// after a blank that is not one of the grammar's own words.
bool looks_like_prose(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (!is_lower(text[i]) || (i > 0 && !is_blank(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < text.size() && is_alpha(text[e])) ++e;
    const std::string_view w = text.substr(i, e - i);
    static constexpr std::array<std::string_view, 9> kOwn = {
        "rel", "to", "and", "noforn", "releasable", "entire", "text", "paragraph", "only"};
    bool own = false;
    for (auto k : kOwn) own = own || iequals(w, k);
    if (w.size() >= 3 && !own && i > 0) return true;
    i = e;
  }
  return false;
}

// The short, upper-case, level-like shape of a damaged mark ("SE", "N/SF").
bool looks_like_garbled_mark(std::string_view t) {
  // A misspelt level word: "SECRT", "CONFIDENTAL".
  if (t.size() >= 5 && t.size() <= 14 && std::all_of(t.begin(), t.end(), is_upper)) {
    for (std::string_view w : {"SECRET", "CONFIDENTIAL", "UNCLASSIFIED", "NOFORN"})
      if (edit_distance(t, w) <= 2) return true;
  }
  if (t.size() < 2 || t.size() > 12) return false;
  bool classified_letter = false;
  for (char ch : t) {
    if (ch == '/' || ch == '-' || ch == ' ') continue;
    if (!is_upper(ch) || !is_marking_letter(ch)) return false;
    classified_letter = classified_letter || ch == 'S' || ch == 'C';
  }
  return classified_letter && !is_known_non_marking(t);
}

Classification to_classification(Reading& r, std::string* note) {
  Classification out;
  out.level = r.level;
  out.controls = r.controls;
  if (!r.rel_to.empty()) {
    out.add(Control::kRelTo);
    // REL TO always includes USA (CAPCO writes it first); keep it in the list
    // so that two lists intersect correctly.
    r.rel_to.push_back("USA");
    sort_unique(r.rel_to);
    out.rel_to = std::move(r.rel_to);
  }
  sort_unique(r.fgi);
  out.fgi = std::move(r.fgi);
  if (out.has(Control::kNoforn) && out.has(Control::kRelTo)) {
    if (note) *note = "noforn contradicts rel to; read as noforn";
    out.controls &= ~static_cast<uint32_t>(Control::kRelTo);
    out.rel_to.clear();
  }
  const uint32_t admin =
      static_cast<uint32_t>(Control::kSbu) | static_cast<uint32_t>(Control::kFouo);
  if (out.level > Level::kUnclassified && (out.controls & admin) != 0) {
    // 32 CFR 2001.23(a): SBU/FOUO never sit on classified information.
    if (note && note->empty()) *note = "sbu or fouo on a classified portion; dropped";
    out.controls &= ~admin;
  }
  return out;
}

}  // namespace

MarkingParse parse_portion_marking(std::string_view inside) {
  MarkingParse out;
  const std::string_view t = grammar::trim(inside);
  if (t.empty() || t.size() > kMaxMarkingLength) return out;
  // Fast reject: a mark starts with a letter or "/" ("//DEU TS", "/Rel UK").
  if (!is_alpha(t[0]) && t[0] != '/') return out;
  // Fast path: the handful of forms that mark almost every paragraph.
  struct Common {
    std::string_view text;
    Level level;
    uint32_t controls;
  };
  static constexpr uint32_t kNf = static_cast<uint32_t>(Control::kNoforn);
  static constexpr uint32_t kSbuBit = static_cast<uint32_t>(Control::kSbu);
  static constexpr std::array<Common, 12> kCommon = {{
      {"C", Level::kConfidential, 0},
      {"S", Level::kSecret, 0},
      {"U", Level::kUnclassified, 0},
      {"TS", Level::kTopSecret, 0},
      {"SBU", Level::kUnclassified, kSbuBit},
      {"S/NF", Level::kSecret, kNf},
      {"C/NF", Level::kConfidential, kNf},
      {"S//NF", Level::kSecret, kNf},
      {"C//NF", Level::kConfidential, kNf},
      {"SBU/NF", Level::kUnclassified, kSbuBit | kNf},
      {"SBU-N", Level::kUnclassified, kSbuBit | kNf},
      {"U//FOUO", Level::kUnclassified, static_cast<uint32_t>(Control::kFouo)},
  }};
  if (t.size() <= 7) {
    for (const auto& k : kCommon) {
      if (iequals(t, k.text)) {
        out.kind = MarkingParse::Kind::kMarking;
        out.classification.level = k.level;
        out.classification.controls = k.controls;
        return out;
      }
    }
  }

  Cursor c(t);
  Reading r;
  bool parsed = false;
  if (t[0] == '/' && take_fgi_portion(c, r)) {
    parsed = take_ctl_tail(c, r, true);
  } else if (t[0] != '/' && take_level(c, r)) {
    if (take_entire_text(c)) {
      r.entire_text = true;
      parsed = true;
    } else {
      parsed = take_ctl_tail(c, r, true);
    }
  } else {
    // No level: a control tail alone ("/Rel UK", "NF") is read, then reported.
    c.set_pos(0);
    r = Reading{};
    // A lone letter ("(N)") is a list item, not a control.
    if (t.size() >= 2 && take_ctl_tail(c, r, false) && (r.controls != 0 || !r.rel_to.empty())) {
      out.kind = MarkingParse::Kind::kGarbled;
      out.level_missing = true;
      r.level = Level::kSecret;
      out.classification = to_classification(r, nullptr);
      out.problem = "portion mark has controls but no level";
      return out;
    }
    // Damaged marks made of marking letters: "SE", "NC", "N/SF".
    if (!looks_like_garbled_mark(t)) return out;
    Reading g;
    garbled_reading(t, g);
    out.kind = MarkingParse::Kind::kGarbled;
    out.classification = to_classification(g, nullptr);
    out.problem = "unreadable portion mark '" + std::string(t) + "'";
    return out;
  }

  if (parsed) {
    out.kind = MarkingParse::Kind::kMarking;
    out.entire_text = r.entire_text;
    out.classification = to_classification(r, &out.note);
    return out;
  }
  // A level followed by something the grammar cannot read.
  if (looks_like_prose(t)) return out;
  Reading g;
  g.level = r.level;
  g.controls = r.controls;
  g.rel_to = r.rel_to;
  g.fgi = r.fgi;
  garbled_reading(c.rest(), g);
  out.kind = MarkingParse::Kind::kGarbled;
  out.classification = to_classification(g, nullptr);
  out.problem = r.failed_at.empty() ? "unreadable portion mark '" + std::string(t) + "'"
                                    : "unknown control '" + r.failed_at + "'";
  return out;
}

namespace {

// Matches class word `w` ("TOP SECRET", "CONFIDENTIAL") at the cursor in its
// spaced-letter form ("C O N F I D E N T I A L", "S e c r e t", doubled
// first letter "SS E C R E T"), any case. Consumes it on success.
bool take_spaced_word(Cursor& c, std::string_view w) {
  const size_t save = c.pos();
  // Doubled first letter: "SS E C R E T".
  if (to_upper(c.peek()) == w[0] && to_upper(c.peek(1)) == w[0] && c.peek(2) == ' ') c.advance();
  size_t letters = 0;
  for (char want : w) {
    if (want == ' ') continue;
    if (letters > 0) {
      // One blank between letters, up to three between words.
      const size_t blanks = c.skip_blanks();
      if (blanks == 0 || blanks > 3) {
        c.set_pos(save);
        return false;
      }
    }
    if (to_upper(c.peek()) != want) {
      c.set_pos(save);
      return false;
    }
    c.advance();
    ++letters;
  }
  // The word must end here: "S E C R E T A R Y" is not a banner.
  const size_t end = c.pos();
  if (c.skip_blanks() == 1 && is_alpha(c.peek()) && !is_alpha(c.peek(1))) {
    c.set_pos(save);
    return false;
  }
  c.set_pos(end);
  return true;
}

// The whole class word, upper case, ending at a non-letter.
bool take_solid_word(Cursor& c, std::string_view w) {
  const size_t save = c.pos();
  for (char want : w) {
    if (want == ' ') {
      if (c.skip_blanks() == 0) {
        c.set_pos(save);
        return false;
      }
      continue;
    }
    if (c.peek() != want) {
      c.set_pos(save);
      return false;
    }
    c.advance();
  }
  if (is_alpha(c.peek()) || is_digit(c.peek())) {
    c.set_pos(save);
    return false;
  }
  return true;
}

}  // namespace

std::optional<Classification> parse_classification_line(std::string_view text, size_t* consumed) {
  // Only the first line matters.
  const size_t nl = grammar::find_line_break(text);
  const std::string_view line = nl == std::string_view::npos ? text : text.substr(0, nl);
  Cursor c(line);
  c.skip_blanks();

  struct ClassWord {
    std::string_view word;
    Level level;
  };
  // Longest first: UNCLASSIFIED before UNCLAS, TOP SECRET before SECRET.
  static constexpr std::array<ClassWord, 5> kWords = {{{"TOP SECRET", Level::kTopSecret},
                                                       {"CONFIDENTIAL", Level::kConfidential},
                                                       {"UNCLASSIFIED", Level::kUnclassified},
                                                       {"SECRET", Level::kSecret},
                                                       {"UNCLAS", Level::kUnclassified}}};
  Reading r;
  bool spaced = false;
  bool found = false;
  for (const auto& w : kWords) {
    if (take_spaced_word(c, w.word)) {
      spaced = true;
    } else if (!take_solid_word(c, w.word)) {
      continue;
    }
    r.level = w.level;
    r.has_level = true;
    found = true;
    break;
  }
  if (!found) {
    // Pre-1995 State cables: "LIMITED OFFICIAL USE" is the SBU of its day.
    if (!take_solid_word(c, "LIMITED OFFICIAL USE")) return std::nullopt;
    r.level = Level::kUnclassified;
    r.add(Control::kSbu);
  }
  size_t end = c.pos();

  if (r.level == Level::kUnclassified) {
    // "UNCLAS E F T O" / "UNCLAS EFTO".
    Cursor e = c;
    if (e.skip_blanks() > 0 && (take_spaced_word(e, "EFTO") || take_solid_word(e, "EFTO"))) {
      r.add(Control::kEfto);
      c = e;
      end = c.pos();
    }
  }

  if (c.peek() == '/' && c.peek(1) == '/') {
    // CAPCO: LEVEL//GROUP//GROUP, values within a group separated by "/".
    while (c.take("//")) {
      const size_t group_start = c.pos() - 2;
      Reading g;
      bool ok = false;
      const std::string_view w = c.word();
      if (iequals(w, "MR") || iequals(w, "OADR")) {
        // A declassification field in the banner, not a control.
        c.advance(w.size());
        ok = true;
      } else if (take_control(c, g)) {
        ok = true;
        while (c.peek() == '/' && c.peek(1) != '/') {
          c.advance();
          if (!take_control(c, g)) {
            ok = false;
            break;
          }
        }
      }
      if (!ok || (!c.eof() && (is_alpha(c.peek()) || is_digit(c.peek())))) {
        // Unknown group: stop before it so the caller sees and reports it.
        c.set_pos(group_start);
        break;
      }
      r.controls |= g.controls;
      for (auto& k : g.rel_to) r.rel_to.push_back(std::move(k));
      for (auto& k : g.fgi) r.fgi.push_back(std::move(k));
      end = c.pos();
      if (c.peek() == '/' && c.peek(1) == '/' && c.pos() + 2 >= line.size()) {
        end = c.pos() + 2;  // trailing "//"
        break;
      }
    }
  } else if (!spaced) {
    // A solid class word must have the banner shape: end of line, or an
    // upper-case word (SECTION, the post, a serial), never lower-case prose
    // ("Confidential sources said", "SECRET" then "ary Rice" is excluded above).
    Cursor after(line, end);
    after.skip_blanks();
    if (!after.eof()) {
      const std::string_view next = after.word();
      const bool upper_word = !next.empty() && std::all_of(next.begin(), next.end(), is_upper);
      if (!upper_word && !is_digit(after.peek())) return std::nullopt;
    }
  }
  if (consumed) *consumed = end;
  return to_classification(r, nullptr);
}

}  // namespace declass::core
