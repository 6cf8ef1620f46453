// `declass redact`: release each cable as text, PDF and Vaughn index rows,
// verify every output against the cable's withheld material before it is
// written, and write atomically (docs/release-outputs.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include "atomic_file_internal.h"
#include "batch_plan.h"
#include "declass/app/atomic_file.h"
#include "declass/app/commands.h"
#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "declass/render/log_writer.h"
#include "declass/render/release_builder.h"

namespace declass::app {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A file written as the run goes (so memory does not grow with the number of
// cables) and put in place atomically at the end: temp file in the target
// directory (internal::create_temp_file), fsync, rename. Dropped (temp
// removed) unless commit() succeeds.
class StreamedFile {
 public:
  StreamedFile(std::string path, const ProtectedFiles& inputs)
      : path_(std::move(path)), inputs_(inputs) {
    fd_ = internal::create_temp_file(path_, &tmp_, nullptr);
    if (fd_ < 0) error_ = "cannot create a temp file for " + path_ + ": " + std::strerror(errno);
  }
  ~StreamedFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
  }
  StreamedFile(const StreamedFile&) = delete;
  StreamedFile& operator=(const StreamedFile&) = delete;

  void append(std::string_view bytes) {
    while (fd_ >= 0 && error_.empty() && !bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = "cannot write " + path_ + ": " + std::strerror(errno);
        return;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
  /// Puts the file in place; never over an input.
  bool commit(std::string* error) {
    if (fd_ < 0 || !error_.empty()) {
      *error = error_;
      return false;
    }
    if (const std::string* in = inputs_.match(path_)) {
      *error = "refusing to overwrite input file " + *in;
      return false;
    }
    const bool ok = ::fsync(fd_) == 0;
    ::close(fd_);
    fd_ = -1;
    if (!ok || ::rename(tmp_.c_str(), path_.c_str()) != 0) {
      *error = "cannot write " + path_ + ": " + std::strerror(errno);
      return false;
    }
    committed_ = true;
    return true;
  }

 private:
  std::string path_;
  const ProtectedFiles& inputs_;  // the run's, which outlives every file
  std::string tmp_;
  std::string error_;
  int fd_ = -1;
  bool committed_ = false;
};

// The decision trace (--explain): every block's action, rule and labels, with
// positions but never the text.
void explain(const core::Document& doc, const core::Decisions& d, std::ostream& out) {
  out << "explain " << doc.id << " (" << doc.source.path()
      << "): " << core::to_string(d.disposition);
  if (!d.exemptions.empty()) out << " " << d.exemptions.text();
  out << '\n';
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const core::Block& b = doc.blocks[i];
    out << "  #" << i << ' ' << core::to_string(b.kind);
    if (!b.label.empty()) out << ' ' << b.label;
    out << " lines " << b.first_line << '-' << b.last_line << ": ";
    if (i >= d.blocks.size()) {
      out << "withhold (no decision)\n";
      continue;
    }
    const core::BlockDecision& bd = d.blocks[i];
    out << core::to_string(bd.action) << " rule=" << bd.rule;
    if (!bd.labels.empty()) out << " [" << bd.labels.text() << "]";
    if (bd.by_reviewer) out << " (reviewer override)";
    if (!bd.also_matched.empty()) {
      out << " also=";
      for (size_t k = 0; k < bd.also_matched.size(); ++k)
        out << (k ? "," : "") << bd.also_matched[k];
    }
    if (!bd.justification.empty()) out << " -- " << bd.justification;
    out << '\n';
    for (const core::Redaction& r : bd.redactions) {
      const core::Position p = doc.source.position(r.span.begin);
      out << "    redact " << p.line << ':' << p.column << " (" << r.span.size() << " bytes) ["
          << r.labels.text() << "] rule=" << r.rule;
      if (!r.match.empty()) out << " match=" << r.match;
      out << '\n';
    }
  }
}

}  // namespace

int run_redact(const RedactOptions& o, std::ostream& out, std::ostream& err) {
  // --- Arguments: everything is checked before anything is written.
  const std::optional<core::Date> as_of = core::parse_iso_date(o.as_of);
  if (!as_of) {
    err << "declass: error: --as-of '" << o.as_of << "' is not a date of the form YYYY-MM-DD\n";
    return kExitUsage;
  }
  bool want_text = false;
  bool want_pdf = false;
  bool want_log = false;
  {
    std::stringstream ss(o.formats);
    std::string f;
    while (std::getline(ss, f, ',')) {
      if (f == "text")
        want_text = true;
      else if (f == "pdf")
        want_pdf = true;
      else if (f == "log")
        want_log = true;
      else {
        err << "declass: error: --format '" << f << "' is not one of text, pdf, log\n";
        return kExitUsage;
      }
    }
    if (!want_text && !want_pdf && !want_log) {
      err << "declass: error: --format names no output\n";
      return kExitUsage;
    }
  }
  render::BatesOptions bates;
  bates.prefix = o.bates_prefix;
  bates.digits = o.bates_digits;
  if (!render::valid_bates_prefix(bates.prefix)) {
    err << "declass: error: --bates-prefix '" << o.bates_prefix
        << "' must be 1-32 characters of A-Z a-z 0-9 . _ -\n";
    return kExitUsage;
  }
  if (bates.digits < 1 || bates.digits > 12) {
    err << "declass: error: --bates-digits must be between 1 and 12\n";
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
  std::string error;
  if (!make_directories(o.out_dir, &error)) {
    err << "declass: error: " << error << '\n';
    return kExitUsage;
  }
  std::unique_ptr<render::PdfWriter> pdf_writer;
  if (want_pdf) {
    render::PdfOptions po;
    po.bates = bates;
    po.first_bates = o.bates_start;
    auto w = render::PdfWriter::create(po);
    for (const auto& d : w.diagnostics) err << d.format() << '\n';
    if (!w.value) return kExitUsage;
    pdf_writer = std::move(*w.value);
  }
  render::ReleaseOptions ro;
  ro.text = want_text;
  ro.pdf = want_pdf;
  ro.log = want_log;
  ro.verify = o.verify;
  ro.bates = bates;

  // --- Documents, in argument order.
  const std::string dir = o.out_dir.empty() ? std::string(".") : o.out_dir;
  std::map<std::string, uint32_t> names_seen;  // lower-cased base name -> count
  const ProtectedFiles inputs(o.files);        // stat'ed once, not once per output
  std::unique_ptr<StreamedFile> log_csv;
  std::unique_ptr<StreamedFile> log_jsonl;
  std::unique_ptr<StreamedFile> reviewer_log;
  if (want_log) {
    log_csv = std::make_unique<StreamedFile>(dir + "/log.csv", inputs);
    log_jsonl = std::make_unique<StreamedFile>(dir + "/log.jsonl", inputs);
    log_csv->append(render::log_csv_header());
  }
  if (o.reviewer_log)
    reviewer_log = std::make_unique<StreamedFile>(dir + "/" + render::kReviewerLogName, inputs);
  bool input_error = false;
  bool leak = false;
  for (const std::string& path : o.files) {
    core::ReadOptions read_options;
    read_options.max_bytes = o.max_bytes;
    core::Result<core::Document> r = core::read_file(path, read_options);
    for (const auto& d : r.diagnostics)
      if (d.severity == core::Severity::kError) err << d.format() << '\n';
    if (!r.value) {
      input_error = true;
      continue;
    }
    const core::Document& doc = *r.value;
    const core::Decisions decisions = policies::decide(**policy.value, doc, context);
    if (o.explain) explain(doc, decisions, out);

    // A safe, unique output name: never a path, never an input's name twice.
    const std::string base = safe_name(doc.id.empty() ? path : doc.id);
    const uint32_t n = ++names_seen[lower(base)];
    const std::string name = n == 1 ? base : base + "~" + std::to_string(n);
    const std::string txt_path = dir + "/" + name + ".txt";
    const std::string pdf_path = dir + "/" + name + ".pdf";

    render::ReleasedDocument rel = render::release_document(doc, decisions, ro, pdf_writer.get());
    for (const auto& d : rel.errors) err << d.format() << '\n';
    auto remove_outputs = [&]() {
      // Outputs of an earlier run under the same names must not pass for this one.
      for (const std::string& p : {txt_path, pdf_path})
        if (inputs.match(p) == nullptr) ::unlink(p.c_str());
    };
    if (rel.leaked()) {
      leak = true;
      err << "declass: LEAK: " << path
          << ": withheld material found in its outputs; nothing written for " << doc.id
          << ", earlier outputs under its name removed\n";
      for (const auto& f : rel.findings) err << "  " << f.code << ": " << f.message << '\n';
      remove_outputs();
      continue;
    }
    if (!rel.ok()) {
      input_error = true;
      remove_outputs();
      continue;
    }
    // Write and read back: what is on disk is what was verified.
    bool written = true;
    auto put = [&](const std::string& p, const std::string& bytes) {
      if (bytes.empty()) return;
      std::string e;
      // Not fsync'd one by one: one syncfs() below makes the run durable
      // before it reports success (two fsyncs a file were most of the
      // kernel time of a run).
      // Read back through the temp file before the rename: what appears
      // under the name is what was verified ("... does not read back as
      // written" otherwise, and nothing appears).
      if (!write_file_atomically(p, bytes, &e, inputs, /*durable=*/false,
                                 /*verify_read_back=*/true)) {
        err << "declass: error: " << e << '\n';
        written = false;
      }
    };
    if (want_text) put(txt_path, rel.text);
    if (want_pdf) put(pdf_path, rel.pdf);
    if (!written) {
      input_error = true;
      remove_outputs();
      if (pdf_writer && rel.first_bates != 0) pdf_writer->set_next_bates(rel.first_bates);
      continue;
    }
    if (want_log) {
      log_csv->append(rel.log_csv);
      log_jsonl->append(rel.log_jsonl);
    }
    if (reviewer_log) {
      const render::ReleaseView view = render::make_release_view(doc, decisions);
      reviewer_log->append(render::write_reviewer_log(doc, decisions, view));
    }
    out << doc.id << ": " << core::to_string(rel.disposition);
    if (!rel.exemptions.empty()) out << ' ' << rel.exemptions.text();
    if (want_text) out << " -> " << txt_path;
    if (want_pdf) {
      out << (want_text ? ", " : " -> ") << pdf_path << " (" << rel.pages
          << (rel.pages == 1 ? " page, " : " pages, ")
          << render::format_bates(bates, rel.first_bates);
      if (rel.pages > 1) out << '-' << render::format_bates(bates, rel.first_bates + rel.pages - 1);
      out << ')';
    }
    out << '\n';
  }

  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    if (::syncfs(dfd) != 0) {
      err << "declass: error: cannot sync outputs in " << dir << ": " << std::strerror(errno)
          << '\n';
      input_error = true;
    }
    ::close(dfd);
  } else {
    ::sync();
  }
  if (want_log) {
    std::string e;
    if (!log_csv->commit(&e) || !log_jsonl->commit(&e)) {
      err << "declass: error: " << e << '\n';
      input_error = true;
    }
  }
  if (reviewer_log) {
    std::string e;
    const std::string p = dir + "/" + render::kReviewerLogName;
    if (!reviewer_log->commit(&e)) {
      err << "declass: error: " << e << '\n';
      input_error = true;
    } else {
      err << "declass: WARNING: " << p
          << " QUOTES WITHHELD TEXT: internal use only, never release it\n";
    }
  }
  if (!o.verify)
    err << "declass: warning: --no-verify: outputs were NOT checked for withheld text\n";
  if (leak) return kExitLeak;
  return input_error ? kExitInputError : kExitOk;
}

}  // namespace declass::app
