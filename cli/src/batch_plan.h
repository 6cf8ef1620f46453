// Planning a batch run: which inputs, in which order, under which output
// names, in which shard. Everything here is deterministic: the same inputs give
// the same plan on every machine, whatever the number of workers or shards.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace declass::app {

/// `--shard K/N`: this process takes shard K (1-based) of N.
struct ShardSpec {
  uint32_t index = 1;
  uint32_t count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// Parses "K/N" with 1 <= K <= N <= 100000. Nothing (and `error`) otherwise.
std::optional<ShardSpec> parse_shard(std::string_view text, std::string* error);

/// FNV-1a 64: stable across machines, compilers and runs (std::hash is not).
uint64_t stable_hash(std::string_view bytes);

/// True if the document with cable id `id` belongs to `shard`. All documents
/// sharing an id land in the same shard, so duplicate ids are named consistently.
bool in_shard(std::string_view id, const ShardSpec& shard);

/// Expands command-line inputs: files as given, directories recursively (regular
/// files only, dot-files and dot-directories skipped, sorted), and "-" as a list
/// of paths on `stdin_list`, one per line. A directory met while walking that is
/// `skip_dir` (the run's output directory, compared by device and inode) is not
/// entered, so a run's own outputs never become its inputs. Problems (missing
/// path, unreadable directory) go to `errors` as "path: message"; the rest is
/// still returned.
std::vector<std::string> collect_inputs(const std::vector<std::string>& args,
                                        std::istream& stdin_list, std::vector<std::string>* errors,
                                        const std::string& skip_dir = {});

/// A safe file base name for a cable id: [A-Za-z0-9._-] kept, anything else
/// (slashes, "..", spaces, control bytes) replaced by '_', no leading '.',
/// at most 100 bytes; "unnamed" if nothing is left.
std::string safe_name(std::string_view id);

/// ASCII lower case: how output names are compared, so that two never share a
/// file on a case-folding file system.
std::string fold_case(std::string s);

/// One input as planned: its identity and its place in the run.
struct PlannedDoc {
  std::string path;          ///< as given (or as found under a directory)
  std::string id;            ///< cable id; the file stem if the input cannot be read
  std::string name;          ///< output base name, unique in the whole run (case-insensitively)
  std::string input_sha256;  ///< of the input's bytes ("" if unreadable)
  uint64_t size = 0;
  std::string read_error;  ///< first error diagnostic if the input cannot be read
};

/// Sorts by (id, path) and assigns unique output names: the first document of an
/// id gets safe_name(id), later ones "<name>~2", "<name>~3", ... in that order.
void order_and_name(std::vector<PlannedDoc>& docs);

/// SHA-256 over the ordered (id, path, sha256) list: shards of one run agree on it.
std::string plan_digest(const std::vector<PlannedDoc>& docs);

}  // namespace declass::app
