#include "xml_util.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace declass::policies {

std::string Origin::text() const {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

void TextFile::index_lines() {
  line_starts.assign(1, 0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(static_cast<uint32_t>(i + 1));
}

core::Position TextFile::position(uint64_t offset) const {
  if (line_starts.empty()) return {1, 1};
  offset = std::min<uint64_t>(offset, text.size());
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  const auto line = static_cast<uint32_t>(it - line_starts.begin());
  const uint32_t start = line_starts[line - 1];
  uint32_t col = 1;
  for (uint64_t i = start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  return {line, col};
}

void Diags::add(core::Severity sev, const TextFile& file, uint64_t offset, std::string code,
                std::string message) {
  core::Diagnostic d;
  d.severity = sev;
  d.code = std::move(code);
  d.path = file.path;
  const core::Position p = file.position(offset);
  d.line = p.line;
  d.column = p.column;
  d.offset = offset;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
  if (sev == core::Severity::kError) ++errors_;
}

void Diags::error(const TextFile& file, uint64_t offset, std::string code, std::string message) {
  add(core::Severity::kError, file, offset, std::move(code), std::move(message));
}

void Diags::warning(const TextFile& file, uint64_t offset, std::string code, std::string message) {
  add(core::Severity::kWarning, file, offset, std::move(code), std::move(message));
}

void Diags::error_at_file(const std::string& path, std::string code, std::string message) {
  core::Diagnostic d;
  d.code = std::move(code);
  d.path = path;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
  ++errors_;
}

void Diags::error_at(const Origin& where, std::string code, std::string message) {
  core::Diagnostic d;
  d.code = std::move(code);
  d.path = where.path;
  d.line = where.line;
  d.column = where.column;
  d.message = std::move(message);
  diags_.push_back(std::move(d));
  ++errors_;
}

bool read_file_bytes(const std::string& path, std::string& out, std::string& problem) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    problem = std::string("cannot read '") + path + "': " + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    problem = "'" + path + "' is a directory";
    return false;
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxFileBytes) {
    problem = "'" + path + "' is " + std::to_string(st.st_size) + " bytes; the limit is " +
              std::to_string(kMaxFileBytes);
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    problem = std::string("cannot open '") + path + "': " + std::strerror(errno);
    return false;
  }
  out.clear();
  char buf[65536];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + got > kMaxFileBytes) {
      std::fclose(f);
      problem = "'" + path + "' grew past the size limit while being read";
      return false;
    }
    out.append(buf, got);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    problem = "read error on '" + path + "'";
    return false;
  }
  return true;
}

std::optional<size_t> invalid_utf8_at(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return std::nullopt;
}

uint64_t XmlFile::element_offset(const pugi::xml_node& node) const {
  const ptrdiff_t off = node.offset_debug();
  if (off <= 0) return 0;
  uint64_t o = static_cast<uint64_t>(off);
  // pugixml points at the name; step back to the '<'.
  if (o > 0 && o <= file.text.size() && file.text[o - 1] == '<') --o;
  return o;
}

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == ':' ||
         c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

// Finds attribute `name` in the start tag at `elem` ('<' offset): returns the
// offsets of its name and of its value, or false.
bool find_attribute(std::string_view text, uint64_t elem, std::string_view name, uint64_t& name_at,
                    uint64_t& value_at) {
  size_t i = static_cast<size_t>(elem);
  if (i < text.size() && text[i] == '<') ++i;
  while (i < text.size() && is_name_char(text[i])) ++i;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    if (i >= text.size() || text[i] == '>' || text[i] == '/') return false;
    const size_t nb = i;
    while (i < text.size() && is_name_char(text[i])) ++i;
    const std::string_view attr = text.substr(nb, i - nb);
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    if (i >= text.size() || text[i] != '=') return false;
    ++i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) ++i;
    if (i >= text.size() || (text[i] != '"' && text[i] != '\'')) return false;
    const char q = text[i++];
    const size_t vb = i;
    while (i < text.size() && text[i] != q) ++i;
    if (attr == name) {
      name_at = nb;
      value_at = vb;
      return true;
    }
    if (i < text.size()) ++i;
    if (attr.empty()) return false;
  }
  return false;
}

}  // namespace

uint64_t XmlFile::attribute_offset(const pugi::xml_node& node, std::string_view name) const {
  const uint64_t e = element_offset(node);
  uint64_t n = 0, v = 0;
  return find_attribute(file.text, e, name, n, v) ? n : e;
}

uint64_t XmlFile::value_offset(const pugi::xml_node& node, std::string_view name) const {
  const uint64_t e = element_offset(node);
  uint64_t n = 0, v = 0;
  return find_attribute(file.text, e, name, n, v) ? v : e;
}

uint64_t XmlFile::token_offset(const pugi::xml_node& node, std::string_view name,
                               std::string_view token) const {
  const uint64_t v = value_offset(node, name);
  if (v >= file.text.size() || token.empty()) return v;
  const char quote = v > 0 ? file.text[v - 1] : '"';
  const size_t end = file.text.find(quote, v);
  const size_t at = file.text.find(token, v);
  return at != std::string::npos && at < end ? at : v;
}

Origin XmlFile::origin(const pugi::xml_node& node) const {
  const core::Position p = file.position(element_offset(node));
  return Origin{file.path, p.line, p.column};
}

namespace {

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// Entity references other than the five predefined ones and character
// references are never expanded (pugixml keeps them as text): report them,
// outside comments and CDATA, so a policy never means something else than it says.
void check_entities(const XmlFile& xf, Diags& diags) {
  const std::string_view t = xf.file.text;
  size_t i = 0;
  while (i < t.size()) {
    if (t.compare(i, 4, "<!--") == 0) {
      const size_t e = t.find("-->", i + 4);
      i = e == std::string_view::npos ? t.size() : e + 3;
      continue;
    }
    if (t.compare(i, 9, "<![CDATA[") == 0) {
      const size_t e = t.find("]]>", i + 9);
      i = e == std::string_view::npos ? t.size() : e + 3;
      continue;
    }
    if (t[i] != '&') {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < t.size() && j - i < 64 && t[j] != ';' && (is_name_char(t[j]) || t[j] == '#')) ++j;
    const std::string_view ref =
        j < t.size() && t[j] == ';' ? t.substr(i + 1, j - i - 1) : std::string_view();
    bool ok = ref == "lt" || ref == "gt" || ref == "amp" || ref == "apos" || ref == "quot";
    if (!ok && ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      ok = !digits.empty() && digits.size() <= 8 &&
           std::all_of(digits.begin(), digits.end(), [&](char c) {
             return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                        : std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
      if (ok) {
        // Only characters XML allows: no NUL or other control characters, no
        // surrogates, nothing past U+10FFFF.
        const unsigned long cp = std::stoul(std::string(digits), nullptr, hex ? 16 : 10);
        ok = (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp < 0xD800) ||
              (cp > 0xDFFF && cp <= 0x10FFFF && cp != 0xFFFE && cp != 0xFFFF));
        if (!ok) {
          diags.error(xf.file, i, "xml-entity",
                      "character reference '&" + std::string(ref) +
                          ";' names a character XML does not allow");
          i = j;
          continue;
        }
      }
    }
    if (!ok) {
      if (ref.empty())
        diags.error(xf.file, i, "xml-entity", "'&' must be written '&amp;'");
      else
        diags.error(
            xf.file, i, "xml-entity",
            "unknown entity '&" + std::string(ref) +
                ";': only &lt; &gt; &amp; &apos; &quot; and character references are allowed");
    }
    i = j;
  }
}

}  // namespace

bool parse_xml(XmlFile& xf, Diags& diags) {
  const std::string& text = xf.file.text;
  if (auto bad = invalid_utf8_at(text)) {
    diags.error(xf.file, *bad, "policy-encoding", "invalid UTF-8: policies must be UTF-8");
    return false;
  }
  if (text.find('\0') != std::string::npos) {
    diags.error(xf.file, text.find('\0'), "policy-encoding", "NUL byte in an XML file");
    return false;
  }
  // A BOM is allowed; blank it out so every offset stays the file's own.
  std::string buffer = text;
  if (buffer.compare(0, 3, "\xEF\xBB\xBF") == 0) buffer.replace(0, 3, "   ");
  const pugi::xml_parse_result r = xf.doc.load_buffer(
      buffer.data(), buffer.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!r) {
    diags.error(xf.file, static_cast<uint64_t>(std::max<ptrdiff_t>(r.offset, 0)), "xml-syntax",
                "malformed XML: " + lower_first(r.description()));
    return false;
  }
  const size_t before = diags.error_count();
  for (pugi::xml_node n = xf.doc.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_doctype) {
      const ptrdiff_t off = n.offset_debug();
      const uint64_t at = off > 0 ? static_cast<uint64_t>(off) : 0;
      diags.error(xf.file, text.rfind("<!", at) == std::string::npos ? at : text.rfind("<!", at),
                  "xml-doctype",
                  "a document type declaration (<!DOCTYPE>) is not allowed in a policy");
    }
  }
  check_entities(xf, diags);
  return diags.error_count() == before;
}

bool check_attributes(const XmlFile& xf, const pugi::xml_node& node,
                      std::initializer_list<std::string_view> known, Diags& diags) {
  bool ok = true;
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name = a.name();
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string expected;
    for (std::string_view k : known) {
      if (!expected.empty()) expected += ", ";
      expected += k;
    }
    diags.error(
        xf.file, xf.attribute_offset(node, name), "unknown-attribute",
        "unknown attribute '" + std::string(name) + "' on <" + node.name() + ">" +
            (expected.empty() ? std::string(": it takes none") : "; expected one of: " + expected));
    ok = false;
  }
  return ok;
}

bool require_attribute(const XmlFile& xf, const pugi::xml_node& node, std::string_view name,
                       Diags& diags) {
  if (node.attribute(std::string(name).c_str())) return true;
  diags.error(xf.file, xf.element_offset(node), "missing-attribute",
              "<" + std::string(node.name()) + "> needs the attribute '" + std::string(name) + "'");
  return false;
}

bool check_no_text(const XmlFile& xf, const pugi::xml_node& node, Diags& diags) {
  bool ok = true;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
    const std::string_view v = c.value();
    if (v.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    const ptrdiff_t off = c.offset_debug();
    uint64_t at = off > 0 ? static_cast<uint64_t>(off) : xf.element_offset(node);
    while (at < xf.file.text.size() &&
           std::isspace(static_cast<unsigned char>(xf.file.text[at])) != 0)
      ++at;
    diags.error(xf.file, at, "unexpected-text",
                "unexpected text inside <" + std::string(node.name()) + ">");
    ok = false;
  }
  return ok;
}

std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() &&
           (std::isspace(static_cast<unsigned char>(value[i])) != 0 || value[i] == ','))
      ++i;
    const size_t b = i;
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i])) == 0 &&
           value[i] != ',')
      ++i;
    if (i > b) out.emplace_back(value.substr(b, i - b));
  }
  return out;
}

namespace {

// "b d", "bd", "1.4(b), 1.4(d)", "(B)/(D)" -> "bd"; false on anything else.
bool parse_reason_letters(std::string_view v, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < v.size()) {
    const char c = v[i];
    if (v.compare(i, 3, "1.4") == 0 || v.compare(i, 3, "1.5") == 0) {
      i += 3;
      continue;
    }
    if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '/') {
      ++i;
      continue;
    }
    if (v.compare(i, 3, "and") == 0 &&
        (i + 3 >= v.size() || !std::isalpha(static_cast<unsigned char>(v[i + 3])))) {
      i += 3;
      continue;
    }
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l < 'a' || l > 'h') return false;
    if (i + 1 < v.size() && std::isalpha(static_cast<unsigned char>(v[i + 1])) && v[i + 1] != ' ') {
      // "bd" is fine, but words are not.
      const char l2 = static_cast<char>(std::tolower(static_cast<unsigned char>(v[i + 1])));
      if (l2 < 'a' || l2 > 'h') return false;
    }
    out += l;
    ++i;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return !out.empty();
}

}  // namespace

bool parse_labels(const XmlFile& xf, const pugi::xml_node& node, std::string_view prefix,
                  LabelSpec& out, Diags& diags) {
  const std::string ex_name = std::string(prefix) + "exemption";
  const std::string re_name = std::string(prefix) + "reasons";
  const std::string st_name = std::string(prefix) + "statute";
  const pugi::xml_attribute ex = node.attribute(ex_name.c_str());
  const pugi::xml_attribute re = node.attribute(re_name.c_str());
  const pugi::xml_attribute st = node.attribute(st_name.c_str());
  bool ok = true;
  bool has_b1 = false, has_b3 = false;
  std::vector<core::Exemption> codes;
  if (ex) {
    const auto tokens = split_list(ex.value());
    if (tokens.empty()) {
      diags.error(xf.file, xf.value_offset(node, ex_name), "bad-exemption",
                  "'" + ex_name + "' is empty; expected exemption codes such as \"B1 B6\"");
      ok = false;
    }
    for (const auto& t : tokens) {
      const auto code = core::exemption_from_string(t);
      if (!code) {
        diags.error(xf.file, xf.token_offset(node, ex_name, t), "bad-exemption",
                    "unknown exemption '" + t + "'; expected B1-B9, B7(A)-B7(F)");
        ok = false;
        continue;
      }
      has_b1 |= *code == core::Exemption::kB1;
      has_b3 |= *code == core::Exemption::kB3;
      codes.push_back(*code);
    }
  }
  std::string letters;
  bool from_cable = true;
  if (re) {
    const std::string_view v = re.value();
    if (!has_b1) {
      diags.error(xf.file, xf.attribute_offset(node, re_name), "reasons-without-b1",
                  "'" + re_name + "' is only for the B1 exemption");
      ok = false;
    } else if (v == "from-cable") {
      from_cable = true;
    } else if (parse_reason_letters(v, letters)) {
      from_cable = false;
    } else {
      diags.error(xf.file, xf.value_offset(node, re_name), "bad-reasons",
                  "bad reasons '" + std::string(v) +
                      "'; expected \"from-cable\" or 1.4 letters a-h such as \"b d\"");
      ok = false;
    }
  }
  std::string statute;
  if (st) {
    statute = st.value();
    const size_t b = statute.find_first_not_of(' ');
    statute =
        b == std::string::npos ? "" : statute.substr(b, statute.find_last_not_of(' ') - b + 1);
    if (!has_b3) {
      diags.error(xf.file, xf.attribute_offset(node, st_name), "statute-without-b3",
                  "'" + st_name + "' is only for the B3 exemption");
      ok = false;
    } else if (statute.empty()) {
      diags.error(xf.file, xf.value_offset(node, st_name), "b3-without-statute",
                  "'" + st_name + "' is empty; B3 needs the statute named");
      ok = false;
    }
  } else if (has_b3) {
    diags.error(xf.file, xf.value_offset(node, ex_name), "b3-without-statute",
                "B3 needs the statute named in '" + st_name + "' (e.g. statute=\"INA 222(f)\")");
    ok = false;
  }
  if (!ok) return false;
  out = LabelSpec{};
  for (core::Exemption c : codes) {
    if (c == core::Exemption::kB1 && from_cable) {
      out.b1_from_cable = true;
      continue;
    }
    core::ExemptionLabel l;
    l.code = c;
    if (c == core::Exemption::kB1) l.reasons = letters;
    if (c == core::Exemption::kB3) l.statute = statute;
    out.fixed.add(l);
  }
  return true;
}

std::optional<core::Date> parse_date_strict(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = 0; i < lens[k]; ++i) {
      const char c = s[starts[k] + i];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  }
  if (v[0] < 1400 || v[0] > 9999 || v[1] < 1 || v[1] > 12 || v[2] < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (v[0] % 4 == 0 && v[0] % 100 != 0) || v[0] % 400 == 0;
  const int days = kDays[v[1] - 1] + (v[1] == 2 && leap ? 1 : 0);
  if (v[2] > days) return std::nullopt;
  return core::Date(static_cast<unsigned short>(v[0]), static_cast<unsigned short>(v[1]),
                    static_cast<unsigned short>(v[2]));
}

bool glob_match(std::string_view p, std::string_view t) {
  // Iterative with one backtrack point: linear-ish, never exponential.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  auto eq = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti])))) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace declass::policies
