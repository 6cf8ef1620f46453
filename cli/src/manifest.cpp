#include "manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "declass/app/atomic_file.h"

namespace declass::app {

using nlohmann::ordered_json;

bool ManifestRun::same_run(const ManifestRun& o, bool ignore_shard, std::string* why) const {
  auto differ = [&](const char* field, const std::string& a, const std::string& b) {
    if (a == b) return false;
    if (why) *why = std::string(field) + " differs ('" + a + "' vs '" + b + "')";
    return true;
  };
  if (differ("policy_sha256", policy_sha256, o.policy_sha256) ||
      differ("review_date", review_date, o.review_date) || differ("case_id", case_id, o.case_id) ||
      differ("reviewer", reviewer, o.reviewer) || differ("formats", formats, o.formats) ||
      differ("bates_prefix", bates_prefix, o.bates_prefix) ||
      differ("bates_digits", std::to_string(bates_digits), std::to_string(o.bates_digits)) ||
      differ("tool_version", tool_version, o.tool_version) ||
      differ("inputs_total", std::to_string(inputs_total), std::to_string(o.inputs_total)) ||
      differ("plan_sha256", plan_sha256, o.plan_sha256))
    return false;
  if (!ignore_shard && differ("shard", shard, o.shard)) return false;
  return true;
}

ordered_json to_json(const ManifestRun& r) {
  ordered_json j;
  j["type"] = "run";
  j["tool_version"] = r.tool_version;
  j["policy"] = r.policy;
  j["policy_sha256"] = r.policy_sha256;
  j["review_date"] = r.review_date;
  j["case_id"] = r.case_id;
  j["reviewer"] = r.reviewer;
  j["formats"] = r.formats;
  j["bates_prefix"] = r.bates_prefix;
  j["bates_digits"] = r.bates_digits;
  j["shard"] = r.shard;
  j["inputs_total"] = r.inputs_total;
  j["plan_sha256"] = r.plan_sha256;
  return j;
}

ordered_json to_json(const ManifestDoc& d) {
  ordered_json j;
  j["type"] = "doc";
  j["seq"] = d.seq;
  j["input"] = d.input;
  j["input_sha256"] = d.input_sha256;
  j["id"] = d.id;
  j["name"] = d.name;
  j["status"] = d.status;
  if (!d.error.empty()) j["error"] = d.error;
  j["disposition"] = d.disposition;
  j["exemptions"] = d.exemptions;
  j["pages"] = d.pages;
  j["bates_first"] = d.bates_first;
  j["bates_last"] = d.bates_last;
  ordered_json outs = ordered_json::array();
  for (const auto& o : d.outputs)
    outs.push_back({{"kind", o.kind}, {"path", o.path}, {"sha256", o.sha256}, {"bytes", o.bytes}});
  j["outputs"] = outs;
  j["log_csv"] = d.log_csv;
  j["log_jsonl"] = d.log_jsonl;
  j["warnings"] = d.warnings;
  j["ms"] = {{"read", d.ms_read}, {"decide", d.ms_decide}, {"render", d.ms_render}};
  return j;
}

namespace {

ManifestRun run_from_json(const ordered_json& j) {
  ManifestRun r;
  r.tool_version = j.at("tool_version").get<std::string>();
  r.policy = j.at("policy").get<std::string>();
  r.policy_sha256 = j.at("policy_sha256").get<std::string>();
  r.review_date = j.at("review_date").get<std::string>();
  r.case_id = j.at("case_id").get<std::string>();
  r.reviewer = j.at("reviewer").get<std::string>();
  r.formats = j.at("formats").get<std::string>();
  r.bates_prefix = j.at("bates_prefix").get<std::string>();
  r.bates_digits = j.at("bates_digits").get<uint32_t>();
  r.shard = j.at("shard").get<std::string>();
  r.inputs_total = j.at("inputs_total").get<uint64_t>();
  r.plan_sha256 = j.at("plan_sha256").get<std::string>();
  return r;
}

ManifestDoc doc_from_json(const ordered_json& j) {
  ManifestDoc d;
  d.seq = j.at("seq").get<uint64_t>();
  d.input = j.at("input").get<std::string>();
  d.input_sha256 = j.at("input_sha256").get<std::string>();
  d.id = j.at("id").get<std::string>();
  d.name = j.at("name").get<std::string>();
  d.status = j.at("status").get<std::string>();
  if (j.contains("error")) d.error = j.at("error").get<std::string>();
  d.disposition = j.at("disposition").get<std::string>();
  d.exemptions = j.at("exemptions").get<std::vector<std::string>>();
  d.pages = j.at("pages").get<uint32_t>();
  d.bates_first = j.at("bates_first").get<uint64_t>();
  d.bates_last = j.at("bates_last").get<uint64_t>();
  for (const auto& o : j.at("outputs")) {
    ManifestOutput out;
    out.kind = o.at("kind").get<std::string>();
    out.path = o.at("path").get<std::string>();
    out.sha256 = o.at("sha256").get<std::string>();
    out.bytes = o.at("bytes").get<uint64_t>();
    d.outputs.push_back(std::move(out));
  }
  d.log_csv = j.at("log_csv").get<std::string>();
  d.log_jsonl = j.at("log_jsonl").get<std::string>();
  if (j.contains("warnings")) d.warnings = j.at("warnings").get<std::vector<std::string>>();
  const auto& ms = j.at("ms");
  d.ms_read = ms.at("read").get<double>();
  d.ms_decide = ms.at("decide").get<double>();
  d.ms_render = ms.at("render").get<double>();
  return d;
}

}  // namespace

std::optional<LoadedManifest> load_manifest(const std::string& path, bool repair,
                                            std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = path + ": cannot open manifest: " + std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  LoadedManifest m;
  size_t pos = 0;
  size_t line_no = 0;
  uint64_t good_end = 0;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    ++line_no;
    if (nl == std::string::npos) {
      // No final newline: the process died while writing this line.
      m.truncated_tail = true;
      break;
    }
    const std::string_view line(text.data() + pos, nl - pos);
    try {
      const ordered_json j = ordered_json::parse(line);
      const std::string type = j.at("type").get<std::string>();
      if (line_no == 1) {
        if (type != "run") throw std::runtime_error("first line is not the run record");
        m.run = run_from_json(j);
      } else if (type == "doc") {
        m.docs.push_back(doc_from_json(j));
      } else {
        throw std::runtime_error("unknown record type '" + type + "'");
      }
    } catch (const std::exception& e) {
      if (error)
        *error =
            path + ":" + std::to_string(line_no) + ": error: malformed manifest line: " + e.what();
      return std::nullopt;
    }
    pos = nl + 1;
    good_end = pos;
  }
  if (line_no == 0 || (line_no == 1 && m.truncated_tail)) {
    if (error) *error = path + ": error: manifest has no run record";
    return std::nullopt;
  }
  if (m.truncated_tail && repair) {
    if (::truncate(path.c_str(), static_cast<off_t>(good_end)) != 0) {
      if (error) *error = path + ": cannot truncate partial last line: " + std::strerror(errno);
      return std::nullopt;
    }
  }
  return m;
}

ManifestWriter::~ManifestWriter() {
  if (fd_ >= 0) ::close(fd_);
}

bool ManifestWriter::open(const std::string& path, const ManifestRun* new_run, std::string* error) {
  if (new_run) {
    // The run line lands atomically: a run killed at any moment leaves either
    // no manifest or one that starts with a complete run record.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      if (error) *error = path + ": manifest already exists";
      return false;
    }
    if (!write_file_atomically(path, to_json(*new_run).dump() + "\n", error)) return false;
  }
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    if (error) *error = path + ": cannot open manifest for writing: " + std::strerror(errno);
    return false;
  }
  return true;
}

bool ManifestWriter::append(const std::vector<ManifestDoc>& docs, std::string* error) {
  if (docs.empty()) return true;
  std::string lines;
  for (const auto& d : docs)
    lines += to_json(d).dump(-1, ' ', false, ordered_json::error_handler_t::replace) + "\n";
  std::string_view rest(lines);
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error) *error = std::string("cannot append to manifest: ") + std::strerror(errno);
      return false;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fdatasync(fd_) != 0) {
    if (error) *error = std::string("cannot sync manifest: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace declass::app
