#include "run_outputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "declass/app/atomic_file.h"
#include "manifest.h"

namespace declass::app {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

bool parse_formats(const std::string& formats, PipelineConfig* config, std::string* error) {
  config->want_text = config->want_pdf = config->want_log = false;
  std::stringstream ss(formats);
  std::string item;
  bool any = false;
  while (std::getline(ss, item, ',')) {
    if (item == "text") config->want_text = true;
    else if (item == "pdf") config->want_pdf = true;
    else if (item == "log") config->want_log = true;
    else {
      if (error) *error = "--format: unknown output '" + item + "' (expected text, pdf, log)";
      return false;
    }
    any = true;
  }
  if (!any && error) *error = "--format: empty list (expected text, pdf, log)";
  return any;
}

std::string bates_label(const std::string& prefix, uint32_t digits, uint64_t number) {
  std::string n = std::to_string(number);
  if (n.size() < digits) n.insert(0, digits - n.size(), '0');
  return prefix + n;
}

namespace {

std::string csv_field(const ordered_json& v) {
  std::string s;
  if (v.is_string()) s = v.get<std::string>();
  else if (v.is_null()) s = "";
  else if (v.is_array()) {
    for (const auto& e : v) {
      if (!s.empty()) s += "; ";
      s += e.is_string() ? e.get<std::string>() : e.dump();
    }
  } else s = v.dump();
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

// Adds the Bates range of the row's pages, which only the run knows.
ordered_json with_bates(ordered_json row, const ManifestDoc& d, const PipelineConfig& config) {
  if (d.pages > 0 && row.contains("page_first") && row.contains("page_last") &&
      row["page_first"].is_number_unsigned() && row["page_last"].is_number_unsigned()) {
    const uint64_t first = d.bates_first + row["page_first"].get<uint64_t>() - 1;
    const uint64_t last = d.bates_first + row["page_last"].get<uint64_t>() - 1;
    row["bates_first"] = bates_label(config.bates_prefix, config.bates_digits, first);
    row["bates_last"] = bates_label(config.bates_prefix, config.bates_digits, last);
  }
  return row;
}

}  // namespace

bool write_run_outputs(const std::string& out_dir, const std::string& manifest_path,
                       const PipelineConfig& config, double seconds, RunTotals* totals,
                       std::string* error) {
  std::ifstream in(manifest_path, std::ios::binary);
  if (!in) {
    *error = manifest_path + ": cannot read manifest";
    return false;
  }
  const std::string jsonl_path = (fs::path(out_dir) / "log.jsonl").string();
  const std::string csv_path = (fs::path(out_dir) / "log.csv").string();
  // Streamed through temp files: memory must not grow with the run.
  AtomicFileWriter jsonl_file, csv_file;
  if (config.want_log && (!jsonl_file.open(jsonl_path, error) || !csv_file.open(csv_path, error)))
    return false;
  std::string jsonl, csv;
  std::vector<std::string> columns;
  std::string line;
  bool first_line = true;
  while (std::getline(in, line)) {
    if (first_line) {
      first_line = false;
      continue;
    }
    if (line.empty()) continue;
    ManifestDoc d;
    const ordered_json j = ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("status")) continue;
    ++totals->documents;
    const std::string status = j["status"].get<std::string>();
    if (status != "ok") {
      ++totals->errors;
      continue;
    }
    d.pages = j["pages"].get<uint32_t>();
    d.bates_first = j["bates_first"].get<uint64_t>();
    totals->pages += d.pages;
    ++totals->by_disposition[j["disposition"].get<std::string>()];
    for (const auto& e : j["exemptions"]) ++totals->by_exemption[e.get<std::string>()];
    if (!config.want_log) continue;
    for (const auto& raw : j["log"]) {
      const ordered_json row = with_bates(raw, d, config);
      jsonl += row.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
      jsonl += '\n';
      if (columns.empty()) {
        for (auto it = row.begin(); it != row.end(); ++it) columns.push_back(it.key());
        for (size_t c = 0; c < columns.size(); ++c) {
          if (c) csv += ',';
          csv += columns[c];
        }
        csv += '\n';
      }
      for (size_t c = 0; c < columns.size(); ++c) {
        if (c) csv += ',';
        if (row.contains(columns[c])) csv += csv_field(row[columns[c]]);
      }
      csv += '\n';
    }
    if (jsonl.size() > (1u << 20)) {
      if (!jsonl_file.write(jsonl, error) || !csv_file.write(csv, error)) return false;
      jsonl.clear();
      csv.clear();
    }
  }
  if (config.want_log) {
    if (!jsonl_file.write(jsonl, error) || !csv_file.write(csv, error) ||
        !jsonl_file.commit(error) || !csv_file.commit(error))
      return false;
  }
  ordered_json s;
  s["documents"] = totals->documents;
  s["errors"] = totals->errors;
  s["pages"] = totals->pages;
  s["by_disposition"] = totals->by_disposition;
  s["by_exemption"] = totals->by_exemption;
  s["seconds"] = seconds;
  return write_file_atomically((fs::path(out_dir) / "summary.json").string(), s.dump(2) + "\n", error);
}

}  // namespace declass::app
