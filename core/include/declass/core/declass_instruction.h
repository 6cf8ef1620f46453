// The declassification instruction of the E.O. line (domain.md §1.4, §2 "E.O. /
// DECL line", §3 `eo_line` and "Evaluation"), and what it means on a review date.
#pragma once

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/classification.h"

namespace declass::core {

using Date = boost::gregorian::date;

enum class DeclassKind : uint8_t {
  kDate,           ///< DECL: <date>
  kNotApplicable,  ///< N/A, NA: unclassified
  kExemption,      ///< X1-X8, 25X1-25X9 (incl. 25X1-HUMAN), 50X1-HUM, 50X2-WMD, 75X*, XGDS
  kOadr,           ///< OADR (E.O. 12356)
  kManualReview,   ///< MR
  kDuration,       ///< TEN YEARS, 20 YEARS ... counted from creation
  kEvent,          ///< AFTER KOREAN UNIFICATION, CLOSURE OF ICTY ...
  kDeclassified,   ///< DECLASSIFIED BY NARA 09/02/2009, AS AMENDED; DECLASSIFIED JUNE 21, 2006
  kDowngrade,      ///< DNG: CO 04/08/2026 (no declassification date given)
  kGds,            ///< E.O. 11652/12065 General Declassification Schedule
  kUnknown,        ///< an E.O. line whose value cannot be read (damaged, redacted, empty)
  kMissing,        ///< no E.O. line at all
};

/// "date", "na", "exemption", "oadr", "mr", "duration", "event", "declassified",
/// "downgrade", "gds", "unknown", "missing" (the JSON `kind` values).
std::string_view to_string(DeclassKind k);

struct DeclassInstruction {
  DeclassKind kind = DeclassKind::kMissing;
  Span span;                 ///< the whole E.O. line text (empty for kMissing)
  std::string text;          ///< the value after the order number, trimmed, e.g. "DECL: 07/30/2017"
  std::string order;         ///< executive order as written: "12958", "12356", "11652", "13526"
  std::optional<Date> date;  ///< explicit date (kDate, kDeclassified, kDowngrade, kGds with a date)
  std::vector<std::string> exemptions;  ///< canonical codes: "X1", "25X1", "25X1-HUMAN", "50X1-HUM"
  int duration_years = 0;  ///< kDuration; also "N YEARS AFTER <event>" (then kind is kEvent)
  std::string event;       ///< kEvent: the event text
  std::optional<Level> downgrade_to;  ///< kDowngrade: the level it falls to
  std::vector<std::string>
      reasons;  ///< 1.4 letters written on the E.O. line itself ("E.O. 12958, 1.4(D)")
  /// Derivative "Declassify on: Source marked ..., Date of source: June 18, 2009":
  /// the source's date (evaluated as source date + 25 years, never earlier).
  std::optional<Date> source_date;
};

/// Parses the text of an E.O. line from its start ("E.O. 12958: DECL: 07/30/2017",
/// "EO 12958 N/A", "E.O. 12356: DECL:OADR", "E.O. 12958: DNG: CO 04/08/2026", ...).
/// `created` resolves two-digit years (the first matching year not before creation).
/// Text after a trailing "TAGS" is not part of the value. Never fails: an
/// unreadable value yields kind kUnknown with `problem` set.
struct EoParse {
  DeclassInstruction instruction;
  std::string problem;  ///< non-empty if the value could not be fully read
};
EoParse parse_eo_line(std::string_view line, std::optional<Date> created);

/// Parses a "Declassify on: ..." / "DECL: ..." value without an order number,
/// including the derivative form "Declassify on: Source marked 25X1-human, Date
/// of source: June 18, 2009" (kind from the source marking, `source_date` set).
/// Never fails: an unreadable value yields kUnknown with `problem` set.
EoParse parse_declassify_on(std::string_view text, std::optional<Date> created);

/// What an instruction means, computed with Boost.Date_Time (docs/declassification.md).
struct DeclassEvaluation {
  /// The date from which the information may be released, if time alone decides.
  /// Always set for a classified cable: with no computable date, 31 Dec of
  /// origin year + 25 (E.O. 13526 §3.3(a)); never earlier.
  std::optional<Date> effective_date;
  /// True if the date came from the instruction itself (date, duration);
  /// false if it is the fail-closed 25-year default.
  bool computable = false;
  /// True if an exemption code (X*, XGDS, 25X*, 50X*, 75X*) keeps it withheld even
  /// after effective_date unless a policy rule releases it. OADR and MR are not
  /// exemptions: they fall to the 25-year date (docs/declassification.md).
  bool exemption_hold = false;
  /// True for N/A and for already-declassified notes: nothing to wait for.
  bool unclassified_or_declassified = false;
};

/// Evaluates `instr` for a cable created on `created` (origin year used when the
/// date is unknown). With no creation date and no computable date the effective
/// date is unknown (nullopt) and the information is never declassified by time.
DeclassEvaluation evaluate(const DeclassInstruction& instr, std::optional<Date> created);

/// True if, on `review`, the date has passed (effective_date <= review) and no
/// exemption holds it. N/A and already-declassified count as declassified.
bool declassified_as_of(const DeclassEvaluation& eval, Date review);

/// Parses "YYYY-MM-DD" strictly (the --as-of format). Nothing on bad input.
std::optional<Date> parse_iso_date(std::string_view text);
/// "YYYY-MM-DD".
std::string format_iso_date(Date d);

}  // namespace declass::core
