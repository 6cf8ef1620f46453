#include "declass/render/log_writer.h"

#include <vector>

namespace declass::render {

namespace {

// One row: column values as strings, plus how JSON should type them.
enum class JsonType : uint8_t { kString, kNumber, kBool, kStringArray, kNumberArray };

struct Field {
  std::string text;  // CSV form
  JsonType type = JsonType::kString;
  std::vector<std::string> items;  // arrays
};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// JSON string with escapes; invalid UTF-8 becomes U+FFFD so the line always parses.
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      static const char* kHex = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else {
      size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
      if (c > 0xF4) len = 0;
      bool ok = len > 0 && i + len <= s.size();
      for (size_t k = 1; ok && k < len; ++k)
        ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
      if (ok) {
        out.append(s, i, len);
        i += len;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
    }
  }
  out += '"';
  return out;
}

std::string page_ranges(const std::vector<uint32_t>& pages) {
  std::string out;
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += std::to_string(pages[i]);
    if (j > i) out += "-" + std::to_string(pages[j]);
    i = j + 1;
  }
  return out;
}

std::string bates_ranges(const std::vector<uint32_t>& pages, const LogOptions& o) {
  if (!o.first_bates) return "";
  std::string out;
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += format_bates(o.bates, *o.first_bates + pages[i] - 1);
    if (j > i) out += "-" + format_bates(o.bates, *o.first_bates + pages[j] - 1);
    i = j + 1;
  }
  return out;
}

Field str(std::string s) {
  return {std::move(s), JsonType::kString, {}};
}
Field num(uint64_t n) {
  return {std::to_string(n), JsonType::kNumber, {}};
}

Field label_list(const core::LabelSet& l) {
  Field f;
  f.text = l.text();
  f.type = JsonType::kStringArray;
  for (const auto& x : l.labels()) f.items.push_back(x.text());
  return f;
}

Field page_list(const std::vector<uint32_t>& pages) {
  Field f;
  f.text = page_ranges(pages);
  f.type = JsonType::kNumberArray;
  for (const uint32_t p : pages) f.items.push_back(std::to_string(p));
  return f;
}

std::vector<std::vector<Field>> rows_of(const ReleaseView& view, uint32_t page_count,
                                        const std::vector<std::vector<uint32_t>>& placeholder_pages,
                                        const LogOptions& o) {
  const Stamp& st = view.stamp();
  std::vector<std::vector<Field>> rows;
  std::vector<uint32_t> all_pages;
  for (uint32_t p = 1; p <= page_count; ++p) all_pages.push_back(p);
  const std::string disposition(core::to_string(st.disposition));
  rows.push_back({str(st.document_id),
                  str(st.case_id),
                  str(st.review_date),
                  str(disposition),
                  num(0),
                  str("document"),
                  str(""),
                  str(""),
                  page_list(all_pages),
                  str(bates_ranges(all_pages, o)),
                  str(""),
                  num(0),
                  num(0),
                  num(0),
                  label_list(st.exemptions),
                  str(""),
                  str(""),
                  str(""),
                  {"false", JsonType::kBool, {}}});
  const auto& phs = view.placeholders();
  for (size_t k = 0; k < phs.size(); ++k) {
    const Placeholder& p = phs[k];
    const std::vector<uint32_t>& pages =
        k < placeholder_pages.size() ? placeholder_pages[k] : std::vector<uint32_t>{};
    std::string lines = std::to_string(p.first_source_line);
    if (p.last_source_line != p.first_source_line)
      lines += "-" + std::to_string(p.last_source_line);
    rows.push_back({str(st.document_id),
                    str(st.case_id),
                    str(st.review_date),
                    str(disposition),
                    num(k + 1),
                    str(to_string(p.scope)),
                    str(p.block_kind),
                    str(p.paragraph),
                    page_list(pages),
                    str(bates_ranges(pages, o)),
                    str(lines),
                    num(p.withheld_lines),
                    num(p.withheld_chars),
                    num(p.shown_lines),
                    label_list(p.labels),
                    str(p.rule),
                    str(p.match),
                    str(p.justification),
                    {p.by_reviewer ? "true" : "false", JsonType::kBool, {}}});
  }
  return rows;
}

}  // namespace

const std::vector<std::string>& log_columns() {
  static const std::vector<std::string> kColumns = {
      "document",       "case_id",       "review_date",      "disposition",
      "entry",          "scope",         "block_kind",       "paragraph",
      "pages",          "bates",         "source_lines",     "withheld_lines",
      "withheld_chars", "shown_lines",   "labels",           "rule",
      "match",          "justification", "reviewer_override"};
  return kColumns;
}

std::string log_csv_header() {
  std::string out;
  for (const auto& c : log_columns()) {
    if (!out.empty()) out += ',';
    out += c;
  }
  return out + "\n";
}

static std::string csv_of(const std::vector<std::vector<Field>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(row[i].text);
    }
    out += '\n';
  }
  return out;
}

static std::string jsonl_of(const std::vector<std::vector<Field>>& rows) {
  const auto& cols = log_columns();
  std::string out;
  for (const auto& row : rows) {
    out += '{';
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += json_string(cols[i]);
      out += ':';
      const Field& f = row[i];
      switch (f.type) {
        case JsonType::kString:
          out += json_string(f.text);
          break;
        case JsonType::kNumber:
        case JsonType::kBool:
          out += f.text;
          break;
        case JsonType::kStringArray:
        case JsonType::kNumberArray:
          out += '[';
          for (size_t k = 0; k < f.items.size(); ++k) {
            if (k > 0) out += ',';
            out += f.type == JsonType::kStringArray ? json_string(f.items[k]) : f.items[k];
          }
          out += ']';
          break;
      }
    }
    out += "}\n";
  }
  return out;
}

std::string write_log_csv(const ReleaseView& view, const PageLayout& layout,
                          const LogOptions& options) {
  return csv_of(
      rows_of(view, static_cast<uint32_t>(layout.pages.size()), layout.placeholder_pages, options));
}

std::string write_log_jsonl(const ReleaseView& view, const PageLayout& layout,
                            const LogOptions& options) {
  return jsonl_of(
      rows_of(view, static_cast<uint32_t>(layout.pages.size()), layout.placeholder_pages, options));
}

std::string write_log_csv(const ReleaseView& view, const PageNumbers& numbers,
                          const LogOptions& options) {
  return csv_of(rows_of(view, numbers.pages, numbers.placeholder_pages, options));
}

std::string write_log_jsonl(const ReleaseView& view, const PageNumbers& numbers,
                            const LogOptions& options) {
  return jsonl_of(rows_of(view, numbers.pages, numbers.placeholder_pages, options));
}

void write_logs(const ReleaseView& view, const PageNumbers& numbers, const LogOptions& options,
                std::string* csv, std::string* jsonl) {
  const auto rows = rows_of(view, numbers.pages, numbers.placeholder_pages, options);
  *csv = csv_of(rows);
  *jsonl = jsonl_of(rows);
}

}  // namespace declass::render
