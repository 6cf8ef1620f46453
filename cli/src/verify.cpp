// `declass verify`: recompute each cable's withheld material (same policy,
// date and overrides as the redact run) and search its outputs for it: the
// text release, the PDF (every channel, plus hygiene) and its rows of the
// Vaughn index. A hit fails the cable loudly and removes its outputs.
#include "declass/render/verify.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "batch_plan.h"
#include "declass/app/atomic_file.h"
#include "declass/app/commands.h"
#include "declass/core/document.h"
#include "declass/policies/engine.h"

namespace declass::app {

namespace {

bool read(const std::string& path, std::string* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *bytes = ss.str();
  return true;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// CSV records (RFC 4180 quoting, so a quoted field may hold line breaks).
std::vector<std::pair<std::string, std::string>> csv_records(const std::string& csv) {
  std::vector<std::pair<std::string, std::string>> out;  // first field, whole record
  size_t i = 0;
  while (i < csv.size()) {
    const size_t start = i;
    std::string first;
    bool in_first = true;
    bool quoted = false;
    for (; i < csv.size(); ++i) {
      const char c = csv[i];
      if (quoted) {
        if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
          if (in_first) first += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else if (in_first) {
          first += c;
        }
        continue;
      }
      if (c == '"')
        quoted = true;
      else if (c == ',')
        in_first = false;
      else if (c == '\n')
        break;
      else if (in_first)
        first += c;
    }
    out.emplace_back(first, csv.substr(start, i - start));
    ++i;
  }
  return out;
}

// The "document" value of one of our JSON Lines records.
std::string jsonl_document(const std::string& line) {
  const std::string key = "{\"document\":\"";
  if (line.rfind(key, 0) != 0) return {};
  std::string out;
  for (size_t i = key.size(); i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size()) {
      out += line[++i];
      continue;
    }
    if (line[i] == '"') return out;
    out += line[i];
  }
  return {};
}

}  // namespace

int run_verify(const VerifyOptions& o, std::ostream& out, std::ostream& err) {
  const std::optional<core::Date> as_of = core::parse_iso_date(o.as_of);
  if (!as_of) {
    err << "declass: error: --as-of '" << o.as_of << "' is not a date of the form YYYY-MM-DD\n";
    return kExitUsage;
  }
  auto policy = policies::load_policy(o.policy);
  for (const auto& d : policy.diagnostics) err << d.format() << '\n';
  if (!policy.value) return kExitUsage;
  policies::ReviewContext context;
  context.review_date = *as_of;
  context.case_id = o.case_id;
  context.reviewer = o.reviewer;
  if (!o.overrides.empty()) {
    auto ov = policies::load_overrides(o.overrides);
    for (const auto& d : ov.diagnostics) err << d.format() << '\n';
    if (!ov.value) return kExitUsage;
    context.overrides = *ov.value;
  }
  const std::string dir = o.out_dir.empty() ? std::string(".") : o.out_dir;
  std::string log_csv;
  std::string log_jsonl;
  const bool have_csv = read(dir + "/log.csv", &log_csv);
  const bool have_jsonl = read(dir + "/log.jsonl", &log_jsonl);
  auto csv = have_csv ? csv_records(log_csv) : std::vector<std::pair<std::string, std::string>>{};
  std::vector<std::string> extra(o.outputs.size());
  for (size_t k = 0; k < o.outputs.size(); ++k) {
    if (!read(o.outputs[k], &extra[k])) {
      err << "declass: error: cannot read " << o.outputs[k] << '\n';
      return kExitUsage;
    }
  }

  bool input_error = false;
  bool leak = false;
  std::map<std::string, uint32_t> names_seen;
  const ProtectedFiles inputs(o.files);  // stat'ed once
  for (const std::string& path : o.files) {
    core::Result<core::Document> r = core::read_file(path);
    for (const auto& d : r.diagnostics)
      if (d.severity == core::Severity::kError) err << d.format() << '\n';
    if (!r.value) {
      input_error = true;
      continue;
    }
    const core::Document& doc = *r.value;
    const core::Decisions decisions = policies::decide(**policy.value, doc, context);
    const render::WithheldMaterial material =
        render::collect_withheld(doc, decisions, {o.bates_prefix});
    const std::string base = safe_name(doc.id.empty() ? path : doc.id);
    const uint32_t n = ++names_seen[lower(base)];
    const std::string name = n == 1 ? base : base + "~" + std::to_string(n);

    std::vector<render::Finding> findings;
    std::vector<std::string> checked;
    uint64_t channels = 0;
    auto check = [&](const std::string& bytes, render::OutputKind kind, const std::string& what) {
      const render::VerifyReport rep = render::verify_output(material, kind, bytes, what);
      channels += rep.channels;
      findings.insert(findings.end(), rep.findings.begin(), rep.findings.end());
      checked.push_back(what);
    };
    const std::string txt_path = dir + "/" + name + ".txt";
    const std::string pdf_path = dir + "/" + name + ".pdf";
    std::string bytes;
    if (read(txt_path, &bytes)) check(bytes, render::OutputKind::kText, txt_path);
    if (read(pdf_path, &bytes)) check(bytes, render::OutputKind::kPdf, pdf_path);
    if (have_csv) {
      std::string rows;
      for (const auto& [first, record] : csv)
        if (first == doc.id) rows += record + "\n";
      if (!rows.empty()) check(rows, render::OutputKind::kLog, dir + "/log.csv rows of " + doc.id);
    }
    if (have_jsonl) {
      std::string rows;
      std::istringstream lines(log_jsonl);
      for (std::string line; std::getline(lines, line);)
        if (jsonl_document(line) == doc.id) rows += line + "\n";
      if (!rows.empty())
        check(rows, render::OutputKind::kLog, dir + "/log.jsonl rows of " + doc.id);
    }
    for (size_t k = 0; k < o.outputs.size(); ++k) {
      const std::string& p = o.outputs[k];
      const bool is_pdf = p.size() >= 4 && lower(p.substr(p.size() - 4)) == ".pdf";
      const bool is_log = (p.size() >= 4 && lower(p.substr(p.size() - 4)) == ".csv") ||
                          (p.size() >= 6 && lower(p.substr(p.size() - 6)) == ".jsonl");
      check(extra[k],
            is_pdf   ? render::OutputKind::kPdf
            : is_log ? render::OutputKind::kLog
                     : render::OutputKind::kText,
            p);
    }
    if (checked.empty()) {
      err << "declass: error: " << path << ": no outputs of " << doc.id << " in " << dir
          << " to verify\n";
      input_error = true;
      continue;
    }
    if (!findings.empty()) {
      leak = true;
      err << "declass: LEAK: " << path << ": withheld material of " << doc.id
          << " found in its outputs\n";
      for (const auto& f : findings) err << "  " << f.code << ": " << f.message << '\n';
      if (!o.keep) {
        for (const std::string& p : {txt_path, pdf_path})
          if (exists(p) && ::unlink(p.c_str()) == 0) err << "  removed " << p << '\n';
        // Its Vaughn index rows describe a release that is gone.
        if (have_csv) {
          std::string kept;
          for (const auto& [first, record] : csv)
            if (first != doc.id) kept += record + "\n";
          std::string e;
          if (kept != log_csv && write_file_atomically(dir + "/log.csv", kept, &e, inputs))
            err << "  removed its rows from " << dir << "/log.csv\n";
          log_csv = kept;
          csv = csv_records(log_csv);
        }
        if (have_jsonl) {
          std::string kept;
          std::istringstream lines(log_jsonl);
          for (std::string line; std::getline(lines, line);)
            if (jsonl_document(line) != doc.id) kept += line + "\n";
          std::string e;
          if (kept != log_jsonl && write_file_atomically(dir + "/log.jsonl", kept, &e, inputs))
            err << "  removed its rows from " << dir << "/log.jsonl\n";
          log_jsonl = kept;
        }
      }
      continue;
    }
    out << doc.id << ": clean (" << checked.size()
        << (checked.size() == 1 ? " output, " : " outputs, ") << channels << " channels, "
        << material.needles().size() << " needles)\n";
  }
  if (leak) return kExitLeak;
  return input_error ? kExitInputError : kExitOk;
}

}  // namespace declass::app
