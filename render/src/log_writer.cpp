#include "declass/render/log_writer.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <numeric>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

// Both logs are written straight into their output strings: a row is a set of
// views into the release view plus a few reused buffers, and each writer
// appends runs of bytes that need no escaping at once. Building every column as
// a string first cost some 500 allocations per cable, 8% of a verified release.

namespace declass::render {

namespace {

void append_number(std::string& out, uint64_t n) {
  char digits[20];  // 2^64 - 1 has 20 digits
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

// Byte classes, one table lookup per byte (string_view::find_first_of calls
// memchr once per byte and was half the cost of the CSV log).
using ByteTable = std::array<bool, 256>;
constexpr ByteTable kCsvSpecial = [] {
  ByteTable t{};
  for (const char c : {',', '"', '\n', '\r'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();
// Printable ASCII that JSON takes as is.
constexpr ByteTable kJsonPlain = [] {
  ByteTable t{};
  for (unsigned char c = 0x20; c < 0x7F; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

bool is(const ByteTable& table, char c) {
  return table[static_cast<unsigned char>(c)];
}

// Quoted, with quotes doubled, only if `s` holds a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view s) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return is(kCsvSpecial, c); })) {
    out += s;
    return;
  }
  out += '"';
  for (size_t quote = s.find('"'); quote != std::string_view::npos; quote = s.find('"')) {
    out += s.substr(0, quote + 1);
    out += '"';
    s.remove_prefix(quote + 1);
  }
  out += s;
  out += '"';
}

// Length of the UTF-8 sequence that starts at s[i] (a byte >= 0x80), or 0 if
// it is invalid there: a bad lead byte, a truncated sequence or a missing
// continuation byte.
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t len = c > 0xF4 ? 0 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return len;
}

// JSON string with escapes; invalid UTF-8 becomes U+FFFD so the line always parses.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t copied = 0;  // s[copied, i) is plain text not yet appended
  for (size_t i = 0; i < s.size();) {
    if (is(kJsonPlain, s[i])) {
      ++i;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (const size_t len = utf8_sequence_length(s, i); len > 0) {
        i += len;
        continue;
      }
    }
    out += s.substr(copied, i - copied);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x80) {  // other control characters and DEL
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += "\xEF\xBF\xBD";
    }
    copied = ++i;
  }
  out += s.substr(copied);
  out += '"';
}

// Appends ascending `pages` as runs, "1-3, 5", each page written by `put`.
template <class Put>
void append_runs(std::string& out, std::span<const uint32_t> pages, Put put) {
  for (size_t i = 0; i < pages.size();) {
    size_t j = i;
    while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
    if (i > 0) out += ", ";
    put(pages[i]);
    if (j > i) {
      out += '-';
      put(pages[j]);
    }
    i = j + 1;
  }
}

// One row: views into the release view, and the values that must be
// formatted, in buffers that are reused from row to row.
struct Row {
  uint64_t entry = 0;
  std::string_view scope;
  std::string_view block_kind;
  std::string_view paragraph;
  std::span<const uint32_t> pages;
  std::string bates;  // "" without a first Bates number
  std::string source_lines;
  uint32_t withheld_lines = 0;
  uint32_t withheld_chars = 0;
  uint32_t shown_lines = 0;
  std::vector<std::string> labels;  // each label's text
  std::string labels_text;          // joined by ", " as LabelSet::text() does
  std::string_view rule;
  std::string_view match;
  std::string_view justification;
  bool reviewer_override = false;

  void set_bates(const LogOptions& o) {
    bates.clear();
    if (!o.first_bates) return;
    append_runs(bates, pages,
                [&](uint32_t page) { bates += format_bates(o.bates, *o.first_bates + page - 1); });
  }

  // Consecutive placeholders mostly share their labels: formatted only on a change.
  void set_labels(const core::LabelSet& set) {
    if (labels_of_ != nullptr && *labels_of_ == set) return;
    labels_of_ = &set;
    labels.clear();
    labels_text.clear();
    for (const auto& label : set.labels()) {
      labels.push_back(label.text());
      if (!labels_text.empty()) labels_text += ", ";
      labels_text += labels.back();
    }
  }

 private:
  const core::LabelSet* labels_of_ = nullptr;
};

// The key of each column, quoted, with its colon: "\"document\":".
const std::vector<std::string>& json_keys() {
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys;
    for (const auto& c : log_columns()) {
      keys.emplace_back();
      append_json_string(keys.back(), c);
      keys.back() += ':';
    }
    return keys;
  }();
  return kKeys;
}

// Appends rows as CSV lines, a field quoted only where it must be.
class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}

  void text(std::string_view s) {
    separate();
    append_csv_field(out_, s);
  }
  void number(uint64_t n) {
    separate();
    append_number(out_, n);
  }
  void boolean(bool b) {
    separate();
    out_ += b ? "true" : "false";
  }
  void pages(std::span<const uint32_t> pages) {
    scratch_.clear();
    append_runs(scratch_, pages, [&](uint32_t page) { append_number(scratch_, page); });
    text(scratch_);
  }
  void labels(const Row& row) { text(row.labels_text); }
  void end_row() {
    assert(column_ == log_columns().size());
    out_ += '\n';
    column_ = 0;
  }

 private:
  void separate() {
    if (column_++ > 0) out_ += ',';
  }

  std::string& out_;
  size_t column_ = 0;
  std::string scratch_;
};

// Appends rows as JSON objects, one per line, keyed by log_columns().
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void text(std::string_view s) {
    key();
    append_json_string(out_, s);
  }
  void number(uint64_t n) {
    key();
    append_number(out_, n);
  }
  void boolean(bool b) {
    key();
    out_ += b ? "true" : "false";
  }
  void pages(std::span<const uint32_t> pages) {
    key();
    out_ += '[';
    for (size_t k = 0; k < pages.size(); ++k) {
      if (k > 0) out_ += ',';
      append_number(out_, pages[k]);
    }
    out_ += ']';
  }
  void labels(const Row& row) {
    key();
    out_ += '[';
    for (size_t k = 0; k < row.labels.size(); ++k) {
      if (k > 0) out_ += ',';
      append_json_string(out_, row.labels[k]);
    }
    out_ += ']';
  }
  void end_row() {
    assert(column_ == log_columns().size());
    out_ += "}\n";
    column_ = 0;
  }

 private:
  // Opens the object before the first column.
  void key() {
    out_ += column_ == 0 ? '{' : ',';
    out_ += keys_[column_++];
  }

  std::string& out_;
  const std::vector<std::string>& keys_ = json_keys();
  size_t column_ = 0;
};

// The columns of log_columns(), in order.
template <class Writer>
void write_row(Writer& w, const Stamp& st, std::string_view disposition, const Row& row) {
  w.text(st.document_id);
  w.text(st.case_id);
  w.text(st.review_date);
  w.text(disposition);
  w.number(row.entry);
  w.text(row.scope);
  w.text(row.block_kind);
  w.text(row.paragraph);
  w.pages(row.pages);
  w.text(row.bates);
  w.text(row.source_lines);
  w.number(row.withheld_lines);
  w.number(row.withheld_chars);
  w.number(row.shown_lines);
  w.labels(row);
  w.text(row.rule);
  w.text(row.match);
  w.text(row.justification);
  w.boolean(row.reviewer_override);
  w.end_row();
}

// Writes the rows to whichever of `csv` and `jsonl` is not null (replacing its content).
void write_rows(const ReleaseView& view, uint32_t page_count,
                const std::vector<std::vector<uint32_t>>& placeholder_pages, const LogOptions& o,
                std::string* csv, std::string* jsonl) {
  const Stamp& st = view.stamp();
  const std::string_view disposition = core::to_string(st.disposition);
  const auto& phs = view.placeholders();
  std::optional<CsvWriter> csv_writer;
  std::optional<JsonWriter> json_writer;
  // Typical rows take about 200 (CSV) and 470 (JSON) bytes.
  if (csv != nullptr) {
    csv->clear();
    csv->reserve(256 * (phs.size() + 1));
    csv_writer.emplace(*csv);
  }
  if (jsonl != nullptr) {
    jsonl->clear();
    jsonl->reserve(512 * (phs.size() + 1));
    json_writer.emplace(*jsonl);
  }
  const auto write = [&](const Row& row) {
    if (csv_writer) write_row(*csv_writer, st, disposition, row);
    if (json_writer) write_row(*json_writer, st, disposition, row);
  };

  std::vector<uint32_t> all_pages(page_count);
  std::iota(all_pages.begin(), all_pages.end(), 1u);
  Row row;
  row.scope = "document";
  row.pages = all_pages;
  row.set_bates(o);
  row.set_labels(st.exemptions);
  write(row);

  for (size_t k = 0; k < phs.size(); ++k) {
    const Placeholder& p = phs[k];
    row.entry = k + 1;
    row.scope = to_string(p.scope);
    row.block_kind = p.block_kind;
    row.paragraph = p.paragraph;
    row.pages = k < placeholder_pages.size() ? std::span<const uint32_t>(placeholder_pages[k])
                                             : std::span<const uint32_t>();
    row.set_bates(o);
    row.source_lines.clear();
    append_number(row.source_lines, p.first_source_line);
    if (p.last_source_line != p.first_source_line) {
      row.source_lines += '-';
      append_number(row.source_lines, p.last_source_line);
    }
    row.withheld_lines = p.withheld_lines;
    row.withheld_chars = p.withheld_chars;
    row.shown_lines = p.shown_lines;
    row.set_labels(p.labels);
    row.rule = p.rule;
    row.match = p.match;
    row.justification = p.justification;
    row.reviewer_override = p.by_reviewer;
    write(row);
  }
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

std::string write_log_csv(const ReleaseView& view, const PageLayout& layout,
                          const LogOptions& options) {
  std::string csv;
  write_rows(view, static_cast<uint32_t>(layout.pages.size()), layout.placeholder_pages, options,
             &csv, nullptr);
  return csv;
}

std::string write_log_jsonl(const ReleaseView& view, const PageLayout& layout,
                            const LogOptions& options) {
  std::string jsonl;
  write_rows(view, static_cast<uint32_t>(layout.pages.size()), layout.placeholder_pages, options,
             nullptr, &jsonl);
  return jsonl;
}

std::string write_log_csv(const ReleaseView& view, const PageNumbers& numbers,
                          const LogOptions& options) {
  std::string csv;
  write_rows(view, numbers.pages, numbers.placeholder_pages, options, &csv, nullptr);
  return csv;
}

std::string write_log_jsonl(const ReleaseView& view, const PageNumbers& numbers,
                            const LogOptions& options) {
  std::string jsonl;
  write_rows(view, numbers.pages, numbers.placeholder_pages, options, nullptr, &jsonl);
  return jsonl;
}

void write_logs(const ReleaseView& view, const PageNumbers& numbers, const LogOptions& options,
                std::string* csv, std::string* jsonl) {
  write_rows(view, numbers.pages, numbers.placeholder_pages, options, csv, jsonl);
}

}  // namespace declass::render
