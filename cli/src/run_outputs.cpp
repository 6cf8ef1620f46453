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

RunOutputWriter::RunOutputWriter() = default;
RunOutputWriter::~RunOutputWriter() = default;

bool RunOutputWriter::open(const std::string& out_dir, const PipelineConfig& config,
                           std::string* error) {
  out_dir_ = out_dir;
  want_log_ = config.want_log;
  if (!want_log_) return true;
  // Streamed through temp files: memory must not grow with the run. The rows
  // are the writers' own bytes (render/log_writer.h), Bates already final.
  jsonl_ = std::make_unique<AtomicFileWriter>();
  csv_ = std::make_unique<AtomicFileWriter>();
  return jsonl_->open((fs::path(out_dir) / "log.jsonl").string(), error) &&
         csv_->open((fs::path(out_dir) / "log.csv").string(), error) &&
         csv_->write(render::log_csv_header(), error);
}

bool RunOutputWriter::add(const ManifestDoc& d, std::string* error) {
  return add(d.status == "ok", d.warnings, d.pages, d.disposition, d.exemptions, d.log_jsonl,
             d.log_csv, error);
}

bool RunOutputWriter::add(bool ok, const std::vector<std::string>& warnings, uint32_t pages,
                          const std::string& disposition,
                          const std::vector<std::string>& exemptions, const std::string& log_jsonl,
                          const std::string& log_csv, std::string* error) {
  ++totals_.documents;
  for (const std::string& w : warnings) {
    if (!w.empty() && w[0] == '+') continue;  // "+N more": codes unknown
    ++totals_.warnings_by_code[w.substr(w.rfind(' ') + 1)];
  }
  if (!ok) {
    ++totals_.errors;
    return true;
  }
  totals_.pages += pages;
  ++totals_.by_disposition[disposition];
  for (const std::string& e : exemptions) ++totals_.by_exemption[e];
  return !want_log_ || (jsonl_->write(log_jsonl, error) && csv_->write(log_csv, error));
}

bool RunOutputWriter::finish(double seconds, std::string* error) {
  if (want_log_ && (!jsonl_->commit(error) || !csv_->commit(error))) return false;
  ordered_json s;
  s["documents"] = totals_.documents;
  s["errors"] = totals_.errors;
  s["pages"] = totals_.pages;
  s["by_disposition"] = totals_.by_disposition;
  s["by_exemption"] = totals_.by_exemption;
  s["warnings_by_code"] = totals_.warnings_by_code;
  s["seconds"] = seconds;
  return write_file_atomically((fs::path(out_dir_) / "summary.json").string(), s.dump(2) + "\n",
                               error);
}

bool write_run_outputs(const std::string& out_dir, const std::string& manifest_path,
                       const PipelineConfig& config, double seconds, RunTotals* totals,
                       std::string* error) {
  std::ifstream in(manifest_path, std::ios::binary);
  if (!in) {
    *error = manifest_path + ": cannot read manifest";
    return false;
  }
  RunOutputWriter w;
  if (!w.open(out_dir, config, error)) return false;
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
    const bool ok = j.at("status").get<std::string>() == "ok";
    const std::vector<std::string> warnings = j.contains("warnings")
                                                  ? j.at("warnings").get<std::vector<std::string>>()
                                                  : std::vector<std::string>{};
    static const std::string kNone;
    if (!w.add(ok, warnings, ok ? j.at("pages").get<uint32_t>() : 0,
               ok ? j.at("disposition").get<std::string>() : kNone,
               ok ? j.at("exemptions").get<std::vector<std::string>>() : std::vector<std::string>{},
               ok ? j.at("log_jsonl").get<std::string>() : kNone,
               ok ? j.at("log_csv").get<std::string>() : kNone, error))
      return false;
  }
  if (!w.finish(seconds, error)) return false;
  *totals = w.totals();
  return true;
}

}  // namespace declass::app
