// The checked, compiled form of a policy (internal to policies/).
#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "declass/core/decisions.h"
#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "pattern_prefilter.h"
#include "term_matcher.h"

namespace declass::policies {

/// Where something was defined, for messages ("privacy-b6.xml:12:3").
struct Origin {
  std::string path;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string text() const;
};

/// Labels given by an action, a list or the settings. B1 reasons may come from
/// the cable ("from-cable"), resolved per document.
struct LabelSpec {
  core::LabelSet fixed;  ///< every label except a from-cable B1
  bool b1_from_cable = false;
  bool empty() const { return fixed.empty() && !b1_from_cable; }
};

enum class CondKind : uint8_t {
  kAll,
  kAny,
  kNot,
  kKind,
  kPortion,
  kControls,
  kDeclassified,
  kDeclass,
  kAge,
  kReasons,
  kTags,
  kOrigin,
  kCreated,
  kContains,
  kIssue,
  kRepeated,
};

/// One node of a rule's condition tree.
struct Condition {
  CondKind kind = CondKind::kAll;
  std::vector<Condition> children;  ///< all / any / not
  uint32_t mask = 0;  ///< kind: block kinds; declass: DeclassKind bits; portion: MarkingStatus bits
  std::optional<core::Level> min_level, max_level;
  uint32_t controls_any = 0, controls_all = 0;
  std::vector<std::string> any,
      all;  ///< globs or codes (tags, issues, declass codes, origin, labels)
  std::string reasons_any, reasons_all;  ///< 1.4 letters
  std::optional<int> at_least, under;    ///< age in years
  bool from_december = false;            ///< age counted as E.O. 13526 §3.3(a) does
  std::optional<core::Date> before, after;
  std::vector<uint32_t> lists;          ///< contains: list indices
  std::vector<std::string> list_names;  ///< contains: as written (resolved into `lists`)
  Origin list_origin;                   ///< where `lists` was written
};

enum class ListKind : uint8_t { kTerms, kPattern };

struct ListDef {
  std::string id;
  ListKind kind = ListKind::kTerms;
  LabelSpec labels;
  Origin origin;
  // patterns
  std::string regex;
  bool case_sensitive = false;
  int group = 0;
  std::unique_ptr<RE2> re;
  size_t term_count = 0;
};

struct Rule {
  std::string id;
  int priority = 0;
  core::Action action = core::Action::kWithhold;
  Condition when;  ///< kAll with no children = always
  bool has_when = false;
  LabelSpec labels;             ///< withhold: the box labels; redact: added to each list's labels
  std::vector<uint32_t> lists;  ///< redact: the lists whose matches are redacted
  std::vector<std::string> list_names;
  Origin list_origin;
  std::string justification;
  Origin origin;
  size_t order = 0;  ///< position in the expanded policy
};

struct Settings {
  core::Action default_action = core::Action::kWithhold;
  LabelSpec default_labels;  ///< labels of the default withholding
  core::PlaceholderStyle placeholder = core::PlaceholderStyle::kProportional;
  uint32_t placeholder_step = 5;
};

}  // namespace declass::policies

namespace declass::policies {

class CompiledPolicy {
 public:
  std::string name;
  std::string version;
  std::string path;
  std::string digest;              ///< hex SHA-256
  std::vector<std::string> files;  ///< every file read, in load order
  Settings settings;
  std::vector<ListDef> lists;
  std::vector<Rule> rules;     ///< in policy order (includes expanded in place)
  std::vector<uint32_t> rank;  ///< rule indices in precedence order
  TermMatcher terms;
  std::unique_ptr<RE2::Set> pattern_set;  ///< every pattern; null if none
  std::vector<uint32_t> set_to_list;      ///< pattern set index -> list index
  PatternPrefilter prefilter;             ///< by set index: which patterns may match a text
  bool needs_text = false;                ///< some rule reads the text of blocks
};

struct OverrideEntry {
  enum class Target : uint8_t { kParagraph, kKind, kSpan };
  Target target = Target::kParagraph;
  bool release = false;   ///< false: withhold
  std::string paragraph;  ///< "3" or "3.A"
  core::BlockKind kind = core::BlockKind::kParagraph;
  core::Position from, to;  ///< kSpan, inclusive
  LabelSpec labels;
  std::string reason;
  Origin origin;
};

class Overrides {
 public:
  std::string path;
  struct Cable {
    std::string id;
    std::vector<OverrideEntry> entries;
  };
  std::vector<Cable> cables;
};

}  // namespace declass::policies
