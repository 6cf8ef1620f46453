// The batch manifest: DIR/manifest.jsonl, append-only and fsync'd. Line 1
// describes the run; every other line records one finished document. A
// document is done only once its line is durable, so a killed run resumes by
// redoing exactly the documents without a line.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace declass::app {

struct ManifestRun {
  std::string tool_version;
  std::string policy;         ///< path as given
  std::string policy_sha256;  ///< after includes and list files
  std::string review_date;    ///< YYYY-MM-DD
  std::string case_id;
  std::string reviewer;
  std::string formats;  ///< "text,pdf,log"
  std::string bates_prefix;
  uint32_t bates_digits = 7;
  std::string shard;          ///< "K/N"
  uint64_t inputs_total = 0;  ///< documents in the whole run, all shards
  std::string plan_sha256;    ///< plan_digest() of the whole run

  /// The fields that must match for a resume or a merge to be sound.
  bool same_run(const ManifestRun& other, bool ignore_shard, std::string* why) const;
};

struct ManifestOutput {
  std::string kind;  ///< "text", "pdf"
  std::string path;  ///< relative to the run directory
  std::string sha256;
  uint64_t bytes = 0;
};

struct ManifestDoc {
  uint64_t seq = 0;  ///< position in the run's id order (0-based, whole run)
  std::string input;
  std::string input_sha256;
  std::string id;
  std::string name;
  std::string status;       ///< "ok" or "error"
  std::string error;        ///< the diagnostic, for status "error"
  std::string disposition;  ///< "RELEASED IN FULL" ...
  std::vector<std::string> exemptions;
  uint32_t pages = 0;
  uint64_t bates_first = 0;  ///< 0 when the document has no pages
  uint64_t bates_last = 0;
  std::vector<ManifestOutput> outputs;
  std::string log_csv;  ///< the document's Vaughn index rows, final Bates numbers
  std::string log_jsonl;
  /// The reader's warnings and errors on the cable as "LINE:COL code" (what was
  /// treated fail-closed). No messages: they may quote the input.
  std::vector<std::string> warnings;
  double ms_read = 0, ms_decide = 0, ms_render = 0;
};

nlohmann::ordered_json to_json(const ManifestRun& run);
nlohmann::ordered_json to_json(const ManifestDoc& doc);

struct LoadedManifest {
  ManifestRun run;
  std::vector<ManifestDoc> docs;  ///< in file order
  bool truncated_tail = false;    ///< a partial last line (killed mid-write) was cut off
};

/// Reads DIR/manifest.jsonl. A partial last line is dropped and, with
/// `repair`, truncated off the file. Anything else malformed is an error.
std::optional<LoadedManifest> load_manifest(const std::string& path, bool repair,
                                            std::string* error);

/// Appends lines and makes them durable (fdatasync) before returning.
class ManifestWriter {
 public:
  ManifestWriter() = default;
  ~ManifestWriter();
  ManifestWriter(const ManifestWriter&) = delete;
  ManifestWriter& operator=(const ManifestWriter&) = delete;

  /// Creates the file with its run line, or opens an existing one for append.
  bool open(const std::string& path, const ManifestRun* new_run, std::string* error);
  bool append(const std::vector<ManifestDoc>& docs, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace declass::app
