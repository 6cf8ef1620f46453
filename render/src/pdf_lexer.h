// The PDF lexer shared by the verifier's content-stream and CMap reading
// (pdf_inspect.cpp) and its strict file reader (pdf_reader.cpp): literal
// strings with every escape (nested parentheses, \ddd octal, line
// continuations), hex strings, names with #xx, arrays, "<<" ">>" and
// everything else as one "other" token. It never throws and never reads past
// its view; an unterminated string or hex string sets truncated().
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace declass::render::detail {

// Byte classes of PDF syntax, by table: the lexer asks for every byte.
enum : uint8_t { kPdfSpace = 1, kDelim = 2 };
constexpr std::array<uint8_t, 256> kPdfClass = [] {
  std::array<uint8_t, 256> t{};
  for (const char c : {' ', '\n', '\r', '\t', '\f', '\0'})
    t[static_cast<unsigned char>(c)] = kPdfSpace;
  for (const char c : {'(', ')', '<', '>', '[', ']', '{', '}', '/', '%'})
    t[static_cast<unsigned char>(c)] = kDelim;
  return t;
}();
// Regular bytes that are printable ASCII: most of every name, number and
// operator (a run of them needs no check for binary bytes).
constexpr std::array<bool, 256> kPrintableRegular = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0x21; c < 0x7F; ++c) t[c] = kPdfClass[c] == 0;
  return t;
}();
// The bytes for_each_name() stops at: each can start a name, a string, a
// hex string or a comment; every other byte is stepped over.
constexpr std::array<bool, 256> kNameScanStop = [] {
  std::array<bool, 256> t{};
  for (const char c : {'/', '(', '<', '%'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();
// The bytes that end a run of plain bytes in a literal string.
constexpr std::array<bool, 256> kStringStop = [] {
  std::array<bool, 256> t{};
  for (const char c : {'\\', '(', ')', '\r'}) t[static_cast<unsigned char>(c)] = true;
  return t;
}();
inline bool pdf_space(char c) {
  return kPdfClass[static_cast<unsigned char>(c)] == kPdfSpace;
}
inline bool pdf_delim(char c) {
  return kPdfClass[static_cast<unsigned char>(c)] == kDelim;
}
// Neither: part of a name, number or operator.
inline bool pdf_regular(char c) {
  return kPdfClass[static_cast<unsigned char>(c)] == 0;
}
constexpr int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
// hexval() of every byte, for the lexer's hex strings.
inline constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> t{};
  for (unsigned c = 0; c < 256; ++c) t[c] = static_cast<int8_t>(hexval(static_cast<char>(c)));
  return t;
}();

// The bytes of a name after its '/', with #xx escapes decoded, into `out`.
inline void decode_name(std::string_view raw, std::string& out) {
  if (raw.find('#') == std::string_view::npos) {
    out.assign(raw);
    return;
  }
  out.clear();
  for (size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] == '#' && k + 2 < raw.size() && hexval(raw[k + 1]) >= 0 && hexval(raw[k + 2]) >= 0) {
      out += static_cast<char>(hexval(raw[k + 1]) * 16 + hexval(raw[k + 2]));
      k += 2;
    } else {
      out += raw[k];
    }
  }
}

// The first byte from `j` on in `s` that kStringStop holds, or s.size().
inline size_t string_run_end(std::string_view s, size_t j) {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i open = _mm_set1_epi8('(');
  const __m128i close = _mm_set1_epi8(')');
  const __m128i cr = _mm_set1_epi8('\r');
  for (; j + 16 <= s.size(); j += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + j));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, open)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, close), _mm_cmpeq_epi8(v, cr)));
    if (const int m = _mm_movemask_epi8(hit); m != 0)
      return j + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  while (j < s.size() && !kStringStop[static_cast<unsigned char>(s[j])]) ++j;
  return j;
}

// Calls f(name) for every name token the Lexer below would read in `s`
// (decoded as its Token::value), without making the other tokens: only a
// name, a string, a hex string or a comment changes where the next name can
// start, so every other byte is stepped over.
template <class F>
void for_each_name(std::string_view s, F&& f) {
  std::string name;
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const char c = s[i];
    if (c == '/') {
      size_t j = i + 1;
      while (j < n && kPdfClass[static_cast<unsigned char>(s[j])] == 0) ++j;
      const std::string_view raw = s.substr(i + 1, j - i - 1);
      if (raw.find('#') == std::string_view::npos) {
        f(raw);
      } else {
        decode_name(raw, name);
        f(std::string_view(name));
      }
      i = j;
    } else if (c == '(') {
      // As the lexer reads a literal string: an escape takes the next byte.
      int depth = 1;
      for (++i; i < n && depth > 0; ++i) {
        const char d = s[i];
        if (d == '\\')
          ++i;
        else if (d == '(')
          ++depth;
        else if (d == ')')
          --depth;
      }
    } else if (c == '<') {
      if (i + 1 < n && s[i + 1] == '<') {
        i += 2;
      } else {
        const size_t end = s.find('>', i + 1);
        i = end == std::string_view::npos ? n : end + 1;
      }
    } else if (c == '%') {
      while (i < n && s[i] != '\n' && s[i] != '\r') ++i;
    } else {
      ++i;
      while (i < n && !kNameScanStop[static_cast<unsigned char>(s[i])]) ++i;
    }
  }
}

// A minimal PDF lexer, enough for content streams and CMaps.
struct Token {
  enum Kind : uint8_t { kString, kName, kOther, kArrayOpen, kArrayClose, kEnd } kind = kEnd;
  std::string value;  // decoded string bytes, name (decoded #xx), or operator/number text
  /// kOther from a Lexer made with `views`: the token's bytes in the input
  /// (`value` stays empty: copying every number and operator was a fifth of
  /// the lexer's work).
  std::string_view other;
  /// The token's text: `other` or `value`.
  std::string_view text() const { return kind == kOther && !other.empty() ? other : value; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view s, bool views = false) : s_(s), views_(views) {}
  Token next() {
    Token t;
    next(t);
    return t;
  }
  /// Into `t`, reusing its buffer (no allocation per token once warm).
  void next(Token& t) {
    t.kind = Token::kEnd;
    t.value.clear();
    t.other = {};
    while (i_ < s_.size()) {
      if (pdf_space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '%') {
        if (first_comment_ == std::string_view::npos) first_comment_ = i_;
        while (i_ < s_.size() && s_[i_] != '\n' && s_[i_] != '\r') ++i_;
      } else {
        break;
      }
    }
    if (i_ >= s_.size()) return;
    const char c = s_[i_];
    if (pdf_regular(c)) {  // a number or an operator, mostly
      t.kind = Token::kOther;
      set_other(t, regular_run(i_) - i_);
      return;
    }
    if (c == '(') {
      t.kind = Token::kString;
      ++i_;
      int depth = 1;
      while (i_ < s_.size()) {
        // Copy the run up to the next special byte in one go.
        const size_t j = string_run_end(s_, i_);
        t.value.append(s_.data() + i_, j - i_);
        i_ = j;
        if (i_ >= s_.size()) break;
        const char d = s_[i_++];
        if (d == '\r') {
          // An unescaped end of line (CR, LF or CR LF) in a literal string is
          // one LF byte (ISO 32000-1 7.3.4.2): read it as a viewer does, so
          // that glyph codes cannot differ between the viewer and this check.
          if (i_ < s_.size() && s_[i_] == '\n') ++i_;
          t.value += '\n';
          continue;
        }
        if (d == '\\' && i_ < s_.size()) {
          const char e = s_[i_++];
          switch (e) {
            case 'n':
              t.value += '\n';
              break;
            case 'r':
              t.value += '\r';
              break;
            case 't':
              t.value += '\t';
              break;
            case 'b':
              t.value += '\b';
              break;
            case 'f':
              t.value += '\f';
              break;
            case '\r':
              if (i_ < s_.size() && s_[i_] == '\n') ++i_;
              break;
            case '\n':
              break;
            default:
              if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int k = 0; k < 2 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7'; ++k)
                  v = v * 8 + (s_[i_++] - '0');
                t.value += static_cast<char>(v & 0xFF);
              } else {
                t.value += e;
              }
          }
          continue;
        }
        if (d == '(') ++depth;
        if (d == ')' && --depth == 0) return;
        t.value += d;
      }
      truncated_ = true;  // the end came before the closing parenthesis
      return;
    }
    if (c == '<' && i_ + 1 < s_.size() && s_[i_ + 1] == '<') {
      t.kind = Token::kOther;
      set_other(t, 2);
      return;
    }
    if (c == '>' && i_ + 1 < s_.size() && s_[i_ + 1] == '>') {
      t.kind = Token::kOther;
      set_other(t, 2);
      return;
    }
    if (c == '<') {
      t.kind = Token::kString;
      ++i_;
      const size_t end = std::min(s_.find('>', i_), s_.size());
      if (end == s_.size()) truncated_ = true;
      t.value.resize((end - i_) / 2 + 1);
      size_t o = 0;
      // Two digits at a time while there is nothing between them (as our
      // writer puts them); from the first other byte on, one at a time.
      for (; i_ + 1 < end; i_ += 2) {
        const int a = kHexValue[static_cast<unsigned char>(s_[i_])];
        const int b = kHexValue[static_cast<unsigned char>(s_[i_ + 1])];
        if ((a | b) < 0) break;
        t.value[o++] = static_cast<char>(a * 16 + b);
      }
      int hi = -1;
      for (; i_ < end; ++i_) {
        const int v = kHexValue[static_cast<unsigned char>(s_[i_])];
        if (v < 0) continue;
        if (hi < 0) {
          hi = v;
        } else {
          t.value[o++] = static_cast<char>(hi * 16 + v);
          hi = -1;
        }
      }
      if (hi >= 0) t.value[o++] = static_cast<char>(hi * 16);
      t.value.resize(o);
      ++i_;
      return;
    }
    if (c == '[' || c == ']') {
      ++i_;
      t.kind = c == '[' ? Token::kArrayOpen : Token::kArrayClose;
      return;
    }
    if (c == '/') {
      ++i_;
      t.kind = Token::kName;
      const size_t j = regular_run(i_);
      decode_name(s_.substr(i_, j - i_), t.value);
      i_ = j;
      return;
    }
    t.kind = Token::kOther;
    set_other(t, 1);  // a stray ')' '>' '{' '}'
  }
  size_t pos() const { return i_; }
  /// Offset of the first comment (outside strings), or npos.
  size_t first_comment() const { return first_comment_; }
  /// Offset of the first byte outside strings that is neither printable
  /// ASCII nor a blank (it can only stand in a name or another token), or npos.
  size_t first_binary() const { return first_binary_; }
  /// A string or hex string ran to the end of the input.
  bool truncated() const { return truncated_; }
  void skip_to(size_t i) { i_ = i; }

 private:
  // The end of the run of regular bytes from `from`, noting the first
  // binary byte in it (no blank is a regular byte).
  size_t regular_run(size_t from) {
    size_t j = from;
    for (;;) {
      while (j < s_.size() && kPrintableRegular[static_cast<unsigned char>(s_[j])]) ++j;
      if (j >= s_.size() || !pdf_regular(s_[j])) return j;
      if (first_binary_ == std::string_view::npos) first_binary_ = j;
      ++j;
    }
  }
  // The next `n` bytes as the text of kOther token `t`.
  void set_other(Token& t, size_t n) {
    if (views_)
      t.other = s_.substr(i_, n);
    else
      t.value.assign(s_.data() + i_, n);
    i_ += n;
  }

  std::string_view s_;
  bool views_ = false;
  bool truncated_ = false;
  size_t first_comment_ = std::string_view::npos;
  size_t first_binary_ = std::string_view::npos;
  size_t i_ = 0;
};

}  // namespace declass::render::detail
