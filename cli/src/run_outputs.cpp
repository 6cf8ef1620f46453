#include "run_outputs.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "declass/app/atomic_file.h"
#include "declass/render/log_writer.h"
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
    if (item == "text")
      config->want_text = true;
    else if (item == "pdf")
      config->want_pdf = true;
    else if (item == "log")
      config->want_log = true;
    else {
      if (error) *error = "--format: unknown output '" + item + "' (expected text, pdf, log)";
      return false;
    }
    any = true;
  }
  if (!any && error) *error = "--format: empty list (expected text, pdf, log)";
  return any;
}

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
  // Streamed through temp files: memory must not grow with the run. The rows
  // are the writers' own bytes (render/log_writer.h), Bates already final.
  AtomicFileWriter jsonl_file, csv_file;
  if (config.want_log && (!jsonl_file.open(jsonl_path, error) || !csv_file.open(csv_path, error) ||
                          !csv_file.write(render::log_csv_header(), error)))
    return false;
  std::string line;
  bool first_line = true;
  while (std::getline(in, line)) {
    if (first_line) {
      first_line = false;
      continue;
    }
    if (line.empty()) continue;
    const ordered_json j = ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("status")) {
      *error = manifest_path + ": malformed manifest line";
      return false;
    }
    ++totals->documents;
    if (j.contains("warnings"))
      for (const auto& w : j.at("warnings")) {
        const std::string s = w.get<std::string>();
        if (!s.empty() && s[0] == '+') continue;  // "+N more": codes unknown
        ++totals->warnings_by_code[s.substr(s.rfind(' ') + 1)];
      }
    if (j.at("status").get<std::string>() != "ok") {
      ++totals->errors;
      continue;
    }
    totals->pages += j.at("pages").get<uint32_t>();
    ++totals->by_disposition[j.at("disposition").get<std::string>()];
    for (const auto& e : j.at("exemptions")) ++totals->by_exemption[e.get<std::string>()];
    if (config.want_log && (!jsonl_file.write(j.at("log_jsonl").get<std::string>(), error) ||
                            !csv_file.write(j.at("log_csv").get<std::string>(), error)))
      return false;
  }
  if (config.want_log && (!jsonl_file.commit(error) || !csv_file.commit(error))) return false;
  ordered_json s;
  s["documents"] = totals->documents;
  s["errors"] = totals->errors;
  s["pages"] = totals->pages;
  s["by_disposition"] = totals->by_disposition;
  s["by_exemption"] = totals->by_exemption;
  s["warnings_by_code"] = totals->warnings_by_code;
  s["seconds"] = seconds;
  return write_file_atomically((fs::path(out_dir) / "summary.json").string(), s.dump(2) + "\n",
                               error);
}

}  // namespace declass::app
