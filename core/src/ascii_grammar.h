// Small ASCII helpers shared by the hand-written marking, E.O. and Classified By
// grammars. Locale-independent on purpose: std::toupper and friends depend on
// the C locale, and output must not (style.md, determinism).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace declass::core::grammar {

constexpr bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_alpha(char c) {
  return is_upper(c) || is_lower(c);
}
constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
constexpr bool is_space(char c) {
  return is_blank(c) || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
constexpr char to_upper(char c) {
  return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}
constexpr char to_lower(char c) {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Offset of the first '\r' or '\n' in `s`; npos if none. Same as
/// s.find_first_of("\r\n"), which searches the set once per byte.
inline size_t find_line_break(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == '\n' || s[i] == '\r') return i;
  return std::string_view::npos;
}

/// Offset of the last '\r' or '\n' at or before `pos` in `s`; npos if none.
/// Same as s.find_last_of("\r\n", pos).
inline size_t rfind_line_break(std::string_view s, size_t pos) {
  if (s.empty()) return std::string_view::npos;
  for (size_t i = (pos < s.size() ? pos : s.size() - 1) + 1; i > 0; --i)
    if (s[i - 1] == '\n' || s[i - 1] == '\r') return i - 1;
  return std::string_view::npos;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  return true;
}

/// True if `s` starts with `prefix`, ignoring ASCII case.
inline bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

/// Position of `needle` in `hay` ignoring ASCII case, or npos.
inline size_t ifind(std::string_view hay, std::string_view needle, size_t from = 0) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size()) return std::string_view::npos;
  const char first = to_upper(needle[0]);
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (to_upper(hay[i]) != first) continue;
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

inline std::string to_upper_copy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_upper(c);
  return out;
}

/// `s` without leading and trailing ASCII white space.
inline std::string_view trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// A cursor over a string; all keyword tests ignore ASCII case.
class Cursor {
 public:
  explicit Cursor(std::string_view s, size_t pos = 0) : s_(s), p_(pos) {}

  bool eof() const { return p_ >= s_.size(); }
  size_t pos() const { return p_; }
  void set_pos(size_t p) { p_ = p; }
  std::string_view text() const { return s_; }
  std::string_view rest() const { return p_ < s_.size() ? s_.substr(p_) : std::string_view(); }
  char peek(size_t k = 0) const { return p_ + k < s_.size() ? s_[p_ + k] : '\0'; }
  void advance(size_t n = 1) { p_ = p_ + n < s_.size() ? p_ + n : s_.size(); }

  /// Skips blanks (space, tab); returns how many.
  size_t skip_blanks() {
    const size_t start = p_;
    while (p_ < s_.size() && is_blank(s_[p_])) ++p_;
    return p_ - start;
  }
  /// Skips any white space including line breaks; returns how many.
  size_t skip_space() {
    const size_t start = p_;
    while (p_ < s_.size() && is_space(s_[p_])) ++p_;
    return p_ - start;
  }

  /// The run of letters at the cursor (empty if none), without consuming it.
  std::string_view word() const {
    size_t e = p_;
    while (e < s_.size() && is_alpha(s_[e])) ++e;
    return s_.substr(p_, e - p_);
  }
  /// The run of digits at the cursor.
  std::string_view digits() const {
    size_t e = p_;
    while (e < s_.size() && is_digit(s_[e])) ++e;
    return s_.substr(p_, e - p_);
  }
  /// Consumes `w` if the word at the cursor is exactly `w` (case-insensitive).
  bool take_word(std::string_view w) {
    if (!iequals(word(), w)) return false;
    p_ += w.size();
    return true;
  }
  /// Consumes `lit` if the text at the cursor starts with it (case-insensitive).
  bool take(std::string_view lit) {
    if (!istarts_with(rest(), lit)) return false;
    p_ += lit.size();
    return true;
  }
  bool take_char(char c) {
    if (peek() != c || eof()) return false;
    ++p_;
    return true;
  }

 private:
  std::string_view s_;
  size_t p_;
};

}  // namespace declass::core::grammar
