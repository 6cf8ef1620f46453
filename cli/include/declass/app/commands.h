// Every subcommand of `declass` as a function the tests can call directly.
// Each returns the process exit code (docs/cli.md).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace declass::app {

/// Exit codes shared by all subcommands.
enum ExitCode : int {
  kExitOk = 0,          ///< everything done, no errors
  kExitInputError = 1,  ///< at least one input had an error (others were still processed)
  kExitUsage = 2,       ///< bad command line or bad policy: nothing was done
  kExitLeak = 3,        ///< verification found withheld text in an output (outputs removed)
  kExitInternal = 4,    ///< a bug: an unexpected exception
};

/// Largest cable `redact` and `batch` release by default. The biggest cables
/// of the 2010 release are well under 1 MB; a release PDF costs about 40 bytes
/// of memory per input byte, so this bound keeps a worker under ~100 MB
/// whatever it is given. `--max-bytes` changes it.
inline constexpr uint64_t kDefaultMaxCableBytes = 2ull << 20;

struct InspectOptions {
  std::vector<std::string> files;
  bool json = false;
  std::string as_of;  ///< "YYYY-MM-DD" or empty
};

int run_inspect(const InspectOptions& options, std::ostream& out, std::ostream& err);

struct CheckPolicyOptions {
  std::vector<std::string> policies;
};

/// Loads and checks each policy; positioned errors on `err`; kExitUsage if any has an error.
int run_check_policy(const CheckPolicyOptions& options, std::ostream& out, std::ostream& err);

struct ExplainOptions {
  std::string policy;
  std::string as_of;  ///< "YYYY-MM-DD" (required)
  std::string case_id;
  std::string reviewer;
  std::string overrides;  ///< reviewer-overrides XML, or empty
  bool json = false;
  std::vector<std::string> files;
};

/// Prints every block's decision and why. kExitUsage for a bad policy, date or
/// overrides file; kExitInputError if a cable cannot be read or an override
/// names a paragraph it does not have (the other cables are still explained).
int run_explain(const ExplainOptions& options, std::ostream& out, std::ostream& err);

struct BatchOptions {
  std::string policy;
  std::string as_of;
  std::string out_dir;
  unsigned jobs = 0;  ///< 0: all cores
  std::string case_id;
  std::string reviewer;
  std::string overrides;
  std::string formats = "text,pdf,log";
  std::string bates_prefix = "DECL";
  unsigned bates_digits = 7;
  std::string shard;  ///< "K/N" or empty
  bool resume = false;
  bool progress = true;                        ///< live progress line when stderr is a terminal
  uint64_t max_bytes = kDefaultMaxCableBytes;  ///< larger inputs are an error (input-too-large)
  std::vector<std::string> inputs;             ///< files, directories, "-" (paths on stdin)
};

/// `declass batch`: the whole run, resumable; see docs/batch.md.
int run_batch(const BatchOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

struct MergeOptions {
  std::string out_dir;
  std::vector<std::string> shard_dirs;
};

/// `declass merge`: shard runs into one, Bates renumbered; see docs/scale-out.md.
int run_merge(const MergeOptions& options, std::ostream& out, std::ostream& err);

struct RedactOptions {
  std::string policy;
  std::string as_of;  ///< "YYYY-MM-DD" (required)
  std::string case_id;
  std::string reviewer;
  std::string overrides;  ///< reviewer-overrides XML, or empty
  std::string formats = "text,pdf,log";
  std::string bates_prefix = "DECL";
  unsigned bates_digits = 7;
  uint64_t bates_start = 1;  ///< Bates number of the run's first page
  std::string out_dir = "release";
  bool explain = false;       ///< print the decision trace (no withheld text) on `out`
  bool reviewer_log = false;  ///< also write the internal reviewer log (QUOTES WITHHELD TEXT)
  bool verify = true;         ///< verify every output before it is written
  uint64_t max_bytes = kDefaultMaxCableBytes;  ///< larger inputs are an error (input-too-large)
  std::vector<std::string> files;
};

/// `declass redact`: DIR/ID.txt, DIR/ID.pdf, DIR/log.csv, DIR/log.jsonl, each
/// verified before it is written atomically. kExitLeak (outputs of that cable
/// not written, earlier ones under its name removed) beats kExitInputError;
/// kExitUsage for bad arguments, policy or overrides (nothing written).
int run_redact(const RedactOptions& options, std::ostream& out, std::ostream& err);

struct VerifyOptions {
  std::string policy;
  std::string as_of;
  std::string case_id;
  std::string reviewer;
  std::string overrides;
  std::string out_dir = "release";  ///< where redact wrote the outputs
  std::string bates_prefix = "DECL";
  std::vector<std::string> outputs;  ///< more files to check against every cable
  bool keep = false;                 ///< keep the outputs of a cable that leaks (default: remove)
  std::vector<std::string> files;
};

/// `declass verify`: every output of each cable searched for its withheld
/// material. kExitLeak on any hit (the cable's outputs removed unless `keep`),
/// kExitInputError if a cable or its outputs cannot be read.
int run_verify(const VerifyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace declass::app
