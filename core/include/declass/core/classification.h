// Classification levels, control markings, and the portion-marking grammar
// (domain.md §1.1-1.2, §2 "Portion markings", §3 grammar `portion`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "declass/core/source.h"

namespace declass::core {

/// Ordered: U < C < S < TS. SBU and FOUO are controls on U, not levels.
enum class Level : uint8_t { kUnclassified = 0, kConfidential = 1, kSecret = 2, kTopSecret = 3 };

/// "U", "C", "S", "TS".
std::string_view abbrev(Level l);
/// "UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET".
std::string_view name(Level l);

/// Control and dissemination markings. A bit set, so combining is a union.
enum class Control : uint32_t {
  kSbu = 1u << 0,      ///< SENSITIVE BUT UNCLASSIFIED (State); also LIMITED OFFICIAL USE
  kFouo = 1u << 1,     ///< FOR OFFICIAL USE ONLY (DoD equivalent of SBU)
  kNoforn = 1u << 2,   ///< NF, NOFORN, SBU-N
  kOrcon = 1u << 3,    ///< OC, ORCON
  kPropin = 1u << 4,   ///< PR, PROPIN
  kRelido = 1u << 5,   ///< RELIDO
  kFgi = 1u << 6,      ///< foreign government information (countries in Classification::fgi)
  kRelTo = 1u << 7,    ///< REL TO (countries in Classification::rel_to)
  kExdis = 1u << 8,    ///< State caption EXDIS
  kNodis = 1u << 9,    ///< State caption NODIS
  kLimdis = 1u << 10,  ///< State caption LIMDIS
  kStadis = 1u << 11,  ///< State caption STADIS
  kEfto = 1u << 12,    ///< UNCLAS E F T O (encrypt for transmission only)
};

/// Canonical abbreviation used in markings: "SBU", "FOUO", "NF", "OC", "PR",
/// "RELIDO", "FGI", "REL TO", "XD", "ND", "LIMDIS", "STADIS", "EFTO".
std::string_view abbrev(Control c);
/// Spelled-out name used in banners: "NOFORN", "ORCON", "EXDIS", ...
std::string_view name(Control c);

/// A level plus a set of controls. A value type; the default is UNCLASSIFIED
/// with no controls.
struct Classification {
  Level level = Level::kUnclassified;
  uint32_t controls = 0;            ///< bit set of Control
  std::vector<std::string> rel_to;  ///< REL TO countries, canonical upper case, sorted, unique
  std::vector<std::string> fgi;     ///< FGI countries, sorted, unique

  bool has(Control c) const { return (controls & static_cast<uint32_t>(c)) != 0; }
  void add(Control c) { controls |= static_cast<uint32_t>(c); }

  /// The most restrictive combination: higher level, union of controls, REL TO
  /// lists intersected, NOFORN absorbing REL TO (domain.md §1.1).
  Classification combine(const Classification& other) const;
  /// True if `*this` is at least as restrictive as `other` in level and NOFORN.
  bool dominates(const Classification& other) const;

  /// Banner form, e.g. "CONFIDENTIAL//NOFORN", "SECRET//REL TO USA, GBR", "UNCLASSIFIED//SBU".
  std::string text() const;
  /// Portion form, e.g. "C//NF", "S//REL TO USA, GBR", "U//SBU".
  std::string portion_text() const;

  friend bool operator==(const Classification&, const Classification&) = default;
};

/// How a portion's classification was established.
enum class MarkingStatus : uint8_t {
  kMarked,   ///< its own, well-formed portion mark
  kGarbled,  ///< a mark that looks like one but does not parse; most restrictive plausible reading
  kInherited,   ///< no mark of its own: inherited from parent / banner (fail closed)
  kNotPortion,  ///< the block is not a portion (routing, banner, ...): classification is the
                ///< banner's
};

std::string_view to_string(MarkingStatus s);

/// A parsed portion mark such as "(S//NF)" or "(C - ENTIRE TEXT)".
struct PortionMark {
  Span span;         ///< the parenthesised mark, parentheses included
  std::string text;  ///< the raw text inside the parentheses
  Classification classification;
  bool garbled =
      false;  ///< true: did not parse; classification is the most restrictive plausible reading
  bool entire_text = false;  ///< "(C - ENTIRE TEXT)": the mark covers the whole telegram
};

/// Result of parsing the inside of a parenthesised mark.
struct MarkingParse {
  enum class Kind : uint8_t {
    kMarking,  ///< a valid portion marking
    kGarbled,  ///< looks like a marking (short, upper case, level-like letters) but does not parse
    kNotMarking,  ///< ordinary text in parentheses, e.g. "(1)", "(U.S.)", "(Afghanistan)"
  };
  Kind kind = Kind::kNotMarking;
  Classification classification;
  bool entire_text = false;
  std::string problem;  ///< for kGarbled: why, e.g. "unknown control 'SF'"
  /// kGarbled with no level token at all ("/Rel UK", "NF"): the level is the
  /// fail-closed default (SECRET); a reader should raise it to the banner's.
  bool level_missing = false;
  /// kMarking only: a self-contradiction resolved restrictively, e.g. NOFORN with
  /// REL TO ("S/NF/rel Panama"); empty otherwise. Worth a warning, not an error.
  std::string note;
};

/// Parses the text between the parentheses of a candidate portion mark,
/// e.g. "S//NF", "C ", "c", "SBU-N", "S/Rel to Russia, Latvia", "//DEU TS",
/// "CONFIDENTIAL -- ENTIRE PARAGRAPH". Never throws; bounded by the input size.
MarkingParse parse_portion_marking(std::string_view inside);

/// Parses a banner or CAPCO classification line head such as
/// "C O N F I D E N T I A L", "S e c r e t", "UNCLAS E F T O", "SECRET//NOFORN",
/// "CONFIDENTIAL//NOFORN" (the preamble form). Returns nothing if `text` does not
/// start with a classification; `consumed` receives the bytes used.
std::optional<Classification> parse_classification_line(std::string_view text,
                                                        size_t* consumed = nullptr);

}  // namespace declass::core
