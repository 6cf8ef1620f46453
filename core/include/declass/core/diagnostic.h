// Diagnostics: every problem the reader or the policy loader finds, with its
// position, printed as `path:line:col: error: message [code]`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace declass::core {

enum class Severity : uint8_t { kNote, kWarning, kError };

std::string_view to_string(Severity s);

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string
      code;  ///< stable, kebab-case, e.g. "unknown-marking"; documented in docs/diagnostics.md
  std::string path;     ///< file the position refers to
  uint32_t line = 0;    ///< 1-based; 0 when the problem concerns the whole file
  uint32_t column = 0;  ///< 1-based code-point column; 0 when unknown
  uint64_t offset = 0;  ///< byte offset in the original file
  std::string message;  ///< lower-case start, no final period

  /// `path:line:col: severity: message [code]` (line/col omitted when 0).
  std::string format() const;
};

/// A value and the diagnostics found while producing it. Bad input is returned
/// this way, not thrown: `value` is empty when an error made a value impossible.
template <class T>
struct Result {
  std::optional<T> value;
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return value.has_value(); }
  bool has_errors() const {
    for (const auto& d : diagnostics)
      if (d.severity == Severity::kError) return true;
    return false;
  }
};

}  // namespace declass::core
