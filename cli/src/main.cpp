// declass: command-line entry point. Parsing and dispatch only; every
// subcommand lives in declass_app (cli/include/declass/app/commands.h).
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "declass/app/commands.h"

int main(int argc, char** argv) {
  using namespace declass::app;
  // While TZ is unset, glibc stats /etc/localtime again on every
  // localtime(), and PoDoFo calls it for each PDF document object it makes
  // (a date we then replace: no output depends on the clock or the zone).
  // Naming the same zone file explicitly makes glibc read it once.
  if (std::getenv("TZ") == nullptr) ::setenv("TZ", ":/etc/localtime", 0);
  CLI::App app{"declass: declassification review and redaction of diplomatic cables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("declass 0.1.0"));

  InspectOptions inspect;
  CLI::App* inspect_cmd =
      app.add_subcommand("inspect", "Read cables and print their document model");
  inspect_cmd->add_flag("--json", inspect.json, "One JSON object per file, one per line");
  inspect_cmd->add_option("--as-of", inspect.as_of,
                          "Review date YYYY-MM-DD: say whether each cable is declassified then");
  inspect_cmd->add_option("files", inspect.files, "Cable files")->required();

  BatchOptions batch;
  CLI::App* batch_cmd = app.add_subcommand(
      "batch", "Release a whole collection: parallel, ordered, resumable, shardable");
  batch_cmd->add_option("--policy", batch.policy, "Policy XML")->required();
  batch_cmd->add_option("--as-of", batch.as_of, "Review date YYYY-MM-DD")->required();
  batch_cmd->add_option("--out", batch.out_dir, "Output directory (manifest, releases, logs)")
      ->required();
  batch_cmd->add_option("--jobs,-j", batch.jobs, "Workers (default: all cores)");
  batch_cmd->add_option("--case-id", batch.case_id, "Case number printed on stamps and logs");
  batch_cmd->add_option("--reviewer", batch.reviewer, "Reviewer name printed on stamps and logs");
  batch_cmd->add_option("--overrides", batch.overrides, "Reviewer overrides XML");
  batch_cmd->add_option("--format", batch.formats, "Outputs: any of text,pdf,log")
      ->capture_default_str();
  batch_cmd->add_option("--bates-prefix", batch.bates_prefix, "Bates number prefix")
      ->capture_default_str();
  batch_cmd->add_option("--bates-digits", batch.bates_digits, "Bates number width")
      ->capture_default_str();
  batch_cmd->add_option("--shard", batch.shard, "Take shard K of N (K/N, 1-based)");
  batch_cmd->add_flag("--resume", batch.resume, "Continue the run recorded in --out");
  batch_cmd->add_flag("!--no-progress", batch.progress, "No live progress line");
  batch_cmd
      ->add_option("--max-bytes", batch.max_bytes, "Largest input released; larger ones are errors")
      ->capture_default_str();
  batch_cmd->add_option("inputs", batch.inputs, "Files, directories, or - for paths on stdin")
      ->required();

  MergeOptions merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "Merge shard runs into one run (Bates renumbered)");
  merge_cmd->add_option("--out", merge.out_dir, "New directory for the merged run")->required();
  merge_cmd->add_option("shards", merge.shard_dirs, "Shard output directories")->required();

  CheckPolicyOptions check_policy;
  CLI::App* check_policy_cmd =
      app.add_subcommand("check-policy", "Check policies: positioned errors, nothing runs");
  check_policy_cmd->add_option("policies", check_policy.policies, "Policy XML files")->required();

  ExplainOptions explain;
  CLI::App* explain_cmd =
      app.add_subcommand("explain", "Show, block by block, what a policy decides and why");
  explain_cmd->add_option("--policy", explain.policy, "Policy XML file")->required();
  explain_cmd->add_option("--as-of", explain.as_of, "Review date YYYY-MM-DD")->required();
  explain_cmd->add_option("--case-id", explain.case_id, "Case number, e.g. F-2026-01234");
  explain_cmd->add_option("--reviewer", explain.reviewer, "Reviewer's name");
  explain_cmd->add_option("--overrides", explain.overrides, "Reviewer-overrides XML file");
  explain_cmd->add_flag("--json", explain.json, "One JSON object per cable, one per line");
  explain_cmd->add_option("files", explain.files, "Cable files")->required();

  RedactOptions redact;
  CLI::App* redact_cmd = app.add_subcommand(
      "redact", "Release cables as text, PDF and Vaughn index, each output verified");
  redact_cmd->add_option("--policy", redact.policy, "Policy XML file")->required();
  redact_cmd->add_option("--as-of", redact.as_of, "Review date YYYY-MM-DD")->required();
  redact_cmd->add_option("--case-id", redact.case_id, "Case number printed on stamps and logs");
  redact_cmd->add_option("--reviewer", redact.reviewer,
                         "Reviewer's name printed on stamps and logs");
  redact_cmd->add_option("--overrides", redact.overrides, "Reviewer-overrides XML file");
  redact_cmd->add_option("--format", redact.formats, "Outputs: any of text,pdf,log")
      ->capture_default_str();
  redact_cmd->add_option("--bates-prefix", redact.bates_prefix, "Bates number prefix")
      ->capture_default_str();
  redact_cmd->add_option("--bates-digits", redact.bates_digits, "Bates number width")
      ->capture_default_str();
  redact_cmd->add_option("--bates-start", redact.bates_start, "Bates number of the first page")
      ->capture_default_str();
  redact_cmd->add_option("-o,--out", redact.out_dir, "Output directory")->capture_default_str();
  redact_cmd->add_flag("--explain", redact.explain, "Print the decision trace of every block");
  redact_cmd->add_flag("--reviewer-log", redact.reviewer_log,
                       "Also write the INTERNAL reviewer log, which QUOTES WITHHELD TEXT");
  redact_cmd->add_flag("!--no-verify", redact.verify, "Do not verify outputs (debugging only)");
  redact_cmd
      ->add_option("--max-bytes", redact.max_bytes,
                   "Largest input released; larger ones are errors")
      ->capture_default_str();
  redact_cmd->add_option("files", redact.files, "Cable files")->required();

  VerifyOptions verify;
  CLI::App* verify_cmd =
      app.add_subcommand("verify", "Prove that no withheld text is in a cable's outputs");
  verify_cmd->add_option("--policy", verify.policy, "Policy XML file (as for redact)")->required();
  verify_cmd->add_option("--as-of", verify.as_of, "Review date YYYY-MM-DD (as for redact)")
      ->required();
  verify_cmd->add_option("--case-id", verify.case_id, "Case number (as for redact)");
  verify_cmd->add_option("--reviewer", verify.reviewer, "Reviewer's name (as for redact)");
  verify_cmd->add_option("--overrides", verify.overrides,
                         "Reviewer-overrides XML file (as for redact)");
  verify_cmd->add_option("-o,--out", verify.out_dir, "Directory holding the outputs")
      ->capture_default_str();
  verify_cmd->add_option("--bates-prefix", verify.bates_prefix, "Bates prefix used")
      ->capture_default_str();
  verify_cmd->add_option("--output", verify.outputs, "Another file to check against every cable");
  verify_cmd->add_flag("--keep", verify.keep,
                       "Keep the outputs of a cable that leaks (default: remove them)");
  verify_cmd->add_option("files", verify.files, "Cable files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  try {
    if (inspect_cmd->parsed()) return run_inspect(inspect, std::cout, std::cerr);
    if (redact_cmd->parsed()) return run_redact(redact, std::cout, std::cerr);
    if (verify_cmd->parsed()) return run_verify(verify, std::cout, std::cerr);
    if (check_policy_cmd->parsed()) return run_check_policy(check_policy, std::cout, std::cerr);
    if (explain_cmd->parsed()) return run_explain(explain, std::cout, std::cerr);
    if (batch_cmd->parsed()) return run_batch(batch, std::cin, std::cout, std::cerr);
    if (merge_cmd->parsed()) return run_merge(merge, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "declass: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitUsage;
}
