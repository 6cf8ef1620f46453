// Strict XML reading shared by the policy and overrides loaders: files read
// with a size bound, UTF-8 checked, pugixml byte offsets mapped to line:col,
// attributes checked against a known set, positioned diagnostics.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/diagnostic.h"
#include "declass/core/source.h"
#include "policy_model.h"

namespace declass::policies {

inline constexpr uint64_t kMaxFileBytes = 64ull << 20;

/// One file read for a policy: its bytes and a line index.
struct TextFile {
  std::string path;  ///< as shown in messages
  std::string text;
  std::vector<uint32_t> line_starts;

  void index_lines();
  core::Position position(uint64_t offset) const;
};

/// Collects positioned diagnostics.
class Diags {
 public:
  void error(const TextFile& file, uint64_t offset, std::string code, std::string message);
  void warning(const TextFile& file, uint64_t offset, std::string code, std::string message);
  void error_at_file(const std::string& path, std::string code, std::string message);
  void error_at(const Origin& where, std::string code, std::string message);
  bool has_errors() const { return errors_ > 0; }
  std::vector<core::Diagnostic>& all() { return diags_; }
  size_t error_count() const { return errors_; }

 private:
  void add(core::Severity sev, const TextFile& file, uint64_t offset, std::string code,
           std::string message);
  std::vector<core::Diagnostic> diags_;
  size_t errors_ = 0;
};

/// Reads `path` (bounded by kMaxFileBytes) into `out`. False with a message on error.
bool read_file_bytes(const std::string& path, std::string& out, std::string& problem);

/// Byte offset of the first invalid UTF-8 sequence, or nothing if valid.
std::optional<size_t> invalid_utf8_at(std::string_view text);

/// A parsed XML file whose nodes can be located in its text.
struct XmlFile {
  TextFile file;
  pugi::xml_document doc;

  /// Offset of the '<' of an element (pugixml reports the name).
  uint64_t element_offset(const pugi::xml_node& node) const;
  /// Offset of an attribute's name, or of its element if not found.
  uint64_t attribute_offset(const pugi::xml_node& node, std::string_view name) const;
  /// Offset of an attribute's value (just inside the quote).
  uint64_t value_offset(const pugi::xml_node& node, std::string_view name) const;
  /// Offset of `token` inside an attribute's value (the value's start if absent).
  uint64_t token_offset(const pugi::xml_node& node, std::string_view name,
                        std::string_view token) const;
  Origin origin(const pugi::xml_node& node) const;
};

/// Parses `xf.file.text` strictly: UTF-8 only, no DOCTYPE, no unknown entities.
/// Reports problems into `diags`; false if the file cannot be used.
bool parse_xml(XmlFile& xf, Diags& diags);

/// Reports every attribute of `node` not in `known`; false if any.
bool check_attributes(const XmlFile& xf, const pugi::xml_node& node,
                      std::initializer_list<std::string_view> known, Diags& diags);
/// Reports `name` missing on `node`; false if missing.
bool require_attribute(const XmlFile& xf, const pugi::xml_node& node, std::string_view name,
                       Diags& diags);
/// Reports non-blank text directly inside `node`; false if any.
bool check_no_text(const XmlFile& xf, const pugi::xml_node& node, Diags& diags);

/// Splits on blanks and commas.
std::vector<std::string> split_list(std::string_view value);

/// Parses the label attributes `exemption`, `reasons`, `statute` of `node`
/// (names can be prefixed, e.g. "default-"). Reports errors; false if any.
bool parse_labels(const XmlFile& xf, const pugi::xml_node& node, std::string_view prefix,
                  LabelSpec& out, Diags& diags);

/// Strict "YYYY-MM-DD".
std::optional<core::Date> parse_date_strict(std::string_view text);

/// Case-insensitive glob with `*` and `?`.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace declass::policies
