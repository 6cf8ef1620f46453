// declass: command-line entry point. Parsing and dispatch only; every
// subcommand lives in declass_app (cli/include/declass/app/commands.h).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "declass/app/commands.h"

int main(int argc, char** argv) {
  using namespace declass::app;
  CLI::App app{"declass: declassification review and redaction of diplomatic cables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("declass 0.1.0"));

  InspectOptions inspect;
  CLI::App* inspect_cmd = app.add_subcommand("inspect", "Read cables and print their document model");
  inspect_cmd->add_flag("--json", inspect.json, "One JSON object per file, one per line");
  inspect_cmd->add_option("--as-of", inspect.as_of, "Review date YYYY-MM-DD: say whether each cable is declassified then");
  inspect_cmd->add_option("files", inspect.files, "Cable files")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  try {
    if (inspect_cmd->parsed()) return run_inspect(inspect, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "declass: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
  return kExitUsage;
}
