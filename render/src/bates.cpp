#include "declass/render/bates.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "declass/render/log_writer.h"
#include "declass/render/pdf_writer.h"

namespace declass::render {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// Shifts every label of a Bates value ("P0000001", "P0000001-P0000003, P0000007")
// by delta. Labels have a fixed length, so the value parses without ambiguity
// whatever characters the prefix holds.
bool shift_value(std::string_view value, const BatesOptions& o, int64_t delta, std::string* out) {
  out->clear();
  const size_t len = o.prefix.size() + o.digits;
  size_t pos = 0;
  if (value.empty()) return true;  // a row without pages
  for (;;) {
    if (value.size() - pos < len || value.substr(pos, o.prefix.size()) != o.prefix) return false;
    const std::string_view digits = value.substr(pos + o.prefix.size(), o.digits);
    if (!all_digits(digits)) return false;
    const int64_t n = static_cast<int64_t>(std::stoull(std::string(digits))) + delta;
    if (n < 1) return false;
    const std::string label = format_bates(o, static_cast<uint64_t>(n));
    if (label.size() != len) return false;  // overflowed the width
    *out += label;
    pos += len;
    if (pos == value.size()) return true;
    if (value[pos] == '-') {
      *out += '-';
      pos += 1;
    } else if (value.substr(pos, 2) == ", ") {
      *out += ", ";
      pos += 2;
    } else {
      return false;
    }
  }
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

// [begin, end) of field `index` of the CSV row starting at `line` and the
// unquoted value; false if the row ends first. Fields may be quoted with "".
bool csv_field_at(std::string_view row, size_t index, size_t* begin, size_t* end,
                  std::string* value) {
  size_t pos = 0;
  for (size_t f = 0;; ++f) {
    const size_t start = pos;
    std::string v;
    if (pos < row.size() && row[pos] == '"') {
      ++pos;
      for (;;) {
        if (pos >= row.size()) return false;
        if (row[pos] == '"') {
          if (pos + 1 < row.size() && row[pos + 1] == '"') {
            v += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        v += row[pos++];
      }
    } else {
      while (pos < row.size() && row[pos] != ',') v += row[pos++];
    }
    if (f == index) {
      *begin = start;
      *end = pos;
      *value = std::move(v);
      return true;
    }
    if (pos >= row.size() || row[pos] != ',') return false;
    ++pos;
  }
}

size_t bates_column() {
  const auto& cols = log_columns();
  for (size_t i = 0; i < cols.size(); ++i)
    if (cols[i] == "bates") return i;
  return cols.size();
}

}  // namespace

bool rebase_log_bates(std::string& rows, const BatesOptions& o, uint64_t from_first,
                      uint64_t to_first) {
  if (from_first == to_first || rows.empty()) return true;
  const int64_t delta = static_cast<int64_t>(to_first) - static_cast<int64_t>(from_first);
  const bool json = rows[0] == '{';
  static constexpr std::string_view kKey = "\"bates\":\"";
  std::string out;
  out.reserve(rows.size());
  size_t line_start = 0;
  std::string shifted;
  while (line_start < rows.size()) {
    size_t nl = rows.find('\n', line_start);
    if (nl == std::string::npos) nl = rows.size();
    const std::string_view line(rows.data() + line_start, nl - line_start);
    if (json) {
      // The key occurs once per row; earlier string values are JSON-escaped, so
      // an unescaped "bates":" cannot occur inside them.
      const size_t k = line.find(kKey);
      if (k == std::string_view::npos) return false;
      const size_t vb = k + kKey.size();
      const size_t ve = line.find('"', vb);
      if (ve == std::string_view::npos ||
          !shift_value(line.substr(vb, ve - vb), o, delta, &shifted))
        return false;
      out.append(line.substr(0, vb));
      out += shifted;
      out.append(line.substr(ve));
    } else {
      size_t b = 0, e = 0;
      std::string value;
      if (!csv_field_at(line, bates_column(), &b, &e, &value) ||
          !shift_value(value, o, delta, &shifted))
        return false;
      out.append(line.substr(0, b));
      out += csv_quote(shifted);
      out.append(line.substr(e));
    }
    if (nl < rows.size()) out += '\n';
    line_start = nl + 1;
  }
  rows = std::move(out);
  return true;
}

bool rebase_pdf_bates(std::string& pdf, const BatesOptions& o, uint32_t pages, uint64_t from_first,
                      uint64_t to_first) {
  if (from_first == to_first) return true;
  // PdfWriter draws each page's Bates label in a small uncompressed stream of
  // its own, as a hex string of glyph codes. The codes of printable ASCII (all
  // a Bates label can hold) are the same in every release PDF of one code
  // width: with one-byte codes each is its own character; with two-byte codes
  // the font's fixed repertoire takes the first codes. A label of the same
  // width replaces the old one in place, so no offset in the file moves.
  const std::u32string& base = base_repertoire();
  auto hex = [&](const std::string& label, bool one_byte) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out = "<";
    for (const char c : label) {
      const auto u = static_cast<char32_t>(static_cast<unsigned char>(c));
      if (one_byte) {
        out += kHex[(u >> 4) & 15];
        out += kHex[u & 15];
        continue;
      }
      const auto it = std::lower_bound(base.begin(), base.end(), u);
      const auto code = static_cast<uint32_t>(it - base.begin() + 1);
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 15];
    }
    return out + "> Tj";
  };
  // The code width of this PDF: the one whose first label occurs exactly once.
  auto once = [&](const std::string& s) {
    const size_t at = pdf.find(s);
    return at != std::string::npos && pdf.find(s, at + 1) == std::string::npos;
  };
  const std::string first = format_bates(o, from_first);
  bool one_byte = once(hex(first, true));
  if (!one_byte && !once(hex(first, false))) return false;
  std::vector<std::pair<size_t, std::string>> edits;
  for (uint32_t p = 0; p < pages; ++p) {
    const std::string from_label = format_bates(o, from_first + p);
    const std::string to_label = format_bates(o, to_first + p);
    if (to_label.size() != from_label.size()) return false;
    const std::string from = hex(from_label, one_byte);
    const size_t at = pdf.find(from);
    if (at == std::string::npos || pdf.find(from, at + 1) != std::string::npos) return false;
    edits.emplace_back(at, hex(to_label, one_byte));
  }
  for (const auto& [at, to] : edits) pdf.replace(at, to.size(), to);
  return true;
}

}  // namespace declass::render
