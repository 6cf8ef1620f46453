// The release PDF with PoDoFo 0.9.8. PoDoFo only holds objects and writes the
// file: the page content streams (our own line layout), the embedded font
// subset, its CIDToGIDMap and ToUnicode CMap are made here, so nothing but the
// release view's text can get into the file (no DrawMultiLineText, no
// PoDoFo font machinery, no clock).
#include "declass/render/pdf_writer.h"

#include <podofo/podofo.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <list>
#include <map>
#include <new>
#include <optional>
#include <type_traits>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ascii.h"
#include "flate.h"
#include "font_subset.h"
#include "pdf_writer_internal.h"
#include "stamp.h"

namespace declass::render {

namespace detail {

bool append_format(std::string& out, const char* format, va_list args) {
  const size_t start = out.size();
  auto give_up = [&] {
    out.resize(start);
    return false;
  };
  for (const char* p = format; *p != '\0';) {
    if (*p != '%') {
      const char* q = p;
      while (*q != '\0' && *q != '%') ++q;
      out.append(p, static_cast<size_t>(q - p));
      p = q;
      continue;
    }
    ++p;
    if (*p == '%') {
      out += '%';
      ++p;
      continue;
    }
    bool left = false, zero = false, plus = false, space = false;
    for (;; ++p) {
      if (*p == '-')
        left = true;
      else if (*p == '0')
        zero = true;
      else if (*p == '+')
        plus = true;
      else if (*p == ' ')
        space = true;
      else
        break;
    }
    size_t width = 0;
    for (; *p >= '0' && *p <= '9'; ++p) {
      width = width * 10 + static_cast<size_t>(*p - '0');
      if (width > 4096) return give_up();
    }
    long precision = -1;
    if (*p == '.') {
      precision = 0;
      for (++p; *p >= '0' && *p <= '9'; ++p) {
        precision = precision * 10 + (*p - '0');
        if (precision > 4096) return give_up();
      }
    }
    enum { kInt, kChar, kShort, kLong, kLongLong, kSize, kMax, kPtrdiff } length = kInt;
    if (p[0] == 'h' && p[1] == 'h') {
      length = kChar;
      p += 2;
    } else if (p[0] == 'l' && p[1] == 'l') {
      length = kLongLong;
      p += 2;
    } else if (*p == 'h' || *p == 'l' || *p == 'z' || *p == 'j' || *p == 't') {
      length = *p == 'h'   ? kShort
               : *p == 'l' ? kLong
               : *p == 'z' ? kSize
               : *p == 'j' ? kMax
                           : kPtrdiff;
      ++p;
    }
    const char conversion = *p++;
    auto pad = [&](size_t used) {
      if (width > used) out.append(width - used, ' ');
    };
    if (conversion == 's' || conversion == 'c') {
      if (zero || length != kInt) return give_up();
      char c = 0;
      const char* s = &c;
      size_t n = 1;
      if (conversion == 'c') {
        c = static_cast<char>(va_arg(args, int));
      } else {
        s = va_arg(args, const char*);
        if (s == nullptr) return give_up();
        n = precision < 0 ? std::strlen(s) : strnlen(s, static_cast<size_t>(precision));
      }
      if (!left) pad(n);
      out.append(s, n);
      if (left) pad(n);
      continue;
    }
    if (conversion != 'd' && conversion != 'i' && conversion != 'u') return give_up();
    unsigned long long magnitude = 0;
    char sign = 0;
    if (conversion == 'u') {
      switch (length) {
        case kInt:
          magnitude = va_arg(args, unsigned);
          break;
        case kChar:
          magnitude = static_cast<unsigned char>(va_arg(args, unsigned));
          break;
        case kShort:
          magnitude = static_cast<unsigned short>(va_arg(args, unsigned));
          break;
        case kLong:
          magnitude = va_arg(args, unsigned long);
          break;
        case kLongLong:
          magnitude = va_arg(args, unsigned long long);
          break;
        case kSize:
          magnitude = va_arg(args, size_t);
          break;
        case kMax:
          magnitude = va_arg(args, uintmax_t);
          break;
        case kPtrdiff:
          magnitude = static_cast<std::make_unsigned_t<ptrdiff_t>>(va_arg(args, ptrdiff_t));
          break;
      }
    } else {
      long long v = 0;
      switch (length) {
        case kInt:
          v = va_arg(args, int);
          break;
        case kChar:
          v = static_cast<signed char>(va_arg(args, int));
          break;
        case kShort:
          v = static_cast<short>(va_arg(args, int));
          break;
        case kLong:
          v = va_arg(args, long);
          break;
        case kLongLong:
          v = va_arg(args, long long);
          break;
        case kSize:
          v = static_cast<std::make_signed_t<size_t>>(va_arg(args, size_t));
          break;
        case kMax:
          v = static_cast<long long>(va_arg(args, intmax_t));
          break;
        case kPtrdiff:
          v = va_arg(args, ptrdiff_t);
          break;
      }
      magnitude =
          v < 0 ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
      sign = v < 0 ? '-' : plus ? '+' : space ? ' ' : '\0';
    }
    char digits[24];
    size_t n = 0;
    for (unsigned long long m = magnitude; m != 0; m /= 10)
      digits[n++] = static_cast<char>('0' + m % 10);
    if (n == 0 && precision != 0) digits[n++] = '0';
    const size_t zeros = precision > 0 && static_cast<size_t>(precision) > n
                             ? static_cast<size_t>(precision) - n
                             : 0;
    const size_t used = (sign != 0 ? 1 : 0) + zeros + n;
    const size_t fill = width > used ? width - used : 0;
    if (!left && !(zero && precision < 0)) out.append(fill, ' ');
    if (sign != 0) out += sign;
    if (!left && zero && precision < 0) out.append(fill, '0');
    out.append(zeros, '0');
    while (n > 0) out += digits[--n];
    if (left) out.append(fill, ' ');
  }
  return true;
}

namespace {

// `v` in decimal with at least `min_digits` digits (zeros in front), as
// printf's precision makes it.
char* put_decimal(char* p, unsigned long long v, size_t min_digits) {
  char digits[24];
  size_t n = 0;
  do {
    digits[sizeof digits - ++n] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (; n < min_digits; ++p, --min_digits) *p = '0';
  std::memcpy(p, digits + sizeof digits - n, n);
  return p + n;
}

char* put_signed(char* p, long long v) {
  if (v < 0) *p++ = '-';
  return put_decimal(
      p, v < 0 ? 0ull - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v), 1);
}

// PoDoFo's most frequent formats (an object's head, a reference, an xref
// entry, a length; tokens without a conversion), written without parsing
// them. False, with nothing read from `args`, for any other format.
bool append_known_format(std::string& out, const char* format, va_list args) {
  if (std::strchr(format, '%') == nullptr) {
    out.append(format);
    return true;
  }
  char buf[80];
  char* p = buf;
  if (std::strcmp(format, "%i %i obj") == 0) {
    const int number = va_arg(args, int);
    const int generation = va_arg(args, int);
    p = put_signed(p, number);
    *p++ = ' ';
    p = put_signed(p, generation);
    std::memcpy(p, " obj", 4);
    p += 4;
  } else if (std::strcmp(format, " %i %hi R") == 0) {
    const int number = va_arg(args, int);
    const auto generation = static_cast<short>(va_arg(args, int));
    *p++ = ' ';
    p = put_signed(p, number);
    *p++ = ' ';
    p = put_signed(p, generation);
    std::memcpy(p, " R", 2);
    p += 2;
  } else if (std::strcmp(format, "%0.10lu %0.5hu %c \n") == 0) {
    const unsigned long offset = va_arg(args, unsigned long);
    const auto generation = static_cast<unsigned short>(va_arg(args, unsigned));
    const auto kind = static_cast<char>(va_arg(args, int));
    p = put_decimal(p, offset, 10);
    *p++ = ' ';
    p = put_decimal(p, generation, 5);
    *p++ = ' ';
    *p++ = kind;
    *p++ = ' ';
    *p++ = '\n';
  } else if (std::strcmp(format, "%ld") == 0) {
    p = put_signed(p, va_arg(args, long));
  } else {
    return false;
  }
  out.append(buf, static_cast<size_t>(p - buf));
  return true;
}

}  // namespace

void append_vformat(std::string& out, const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const bool known = append_known_format(out, format, copy);
  va_end(copy);
  if (known) return;
  va_copy(copy, args);
  const bool done = append_format(out, format, copy);
  va_end(copy);
  if (done) return;
  char small[256];
  va_copy(copy, args);
  const int n = std::vsnprintf(small, sizeof small, format, copy);
  va_end(copy);
  if (n < 0) throw PoDoFo::PdfError(PoDoFo::ePdfError_InvalidDataType);
  if (static_cast<size_t>(n) < sizeof small) {
    out.append(small, static_cast<size_t>(n));
    return;
  }
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(n) + 1);
  va_copy(copy, args);
  std::vsnprintf(out.data() + start, static_cast<size_t>(n) + 1, format, copy);
  va_end(copy);
  out.resize(start + static_cast<size_t>(n));
}

}  // namespace detail

namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;
using PoDoFo::PdfVariant;

// US Letter in points, and the page furniture (docs/release-outputs.md).
constexpr double kPageWidth = 612;
constexpr double kPageHeight = 792;
constexpr double kBodySize = 10;
constexpr double kLeading = 12;
constexpr double kBodyTop = 694;   // baseline of the first body row
constexpr double kTopMark = 754;   // "UNCLASSIFIED" on top
constexpr double kStampTop = 738;  // first stamp line
constexpr double kStampLeading = 11;
constexpr double kStampSize = 8;
constexpr double kTopRule = 708;
constexpr double kBottomRule = 92;
constexpr double kBottomMark = 70;
constexpr double kFooterLine = 54;
constexpr double kMarkSize = 12;
constexpr size_t kFontCacheSize = 32;
// Content streams: fastest deflate (glyph codes compress well at any level,
// and deflate dominated the writer's time at zlib's level 6). Fonts are made
// once per character set, at level 9: level 12 saved 0.9% of a release's
// bytes for 10 M more instructions and 120 more page faults per set.
constexpr int kContentDeflateLevel = 1;
constexpr int kFontDeflateLevel = 9;

// Room for a number written by put_hundredths() or put_uint().
constexpr size_t kNumberRoom = 24;

// Fixed-point number for content streams from hundredths of a point: never
// locale-dependent, at most two decimals, no trailing zeros. Writes at most
// kNumberRoom bytes at `p`; returns their end.
char* put_hundredths(char* p, long long n) {
  if (n < 0) *p++ = '-';
  const unsigned long long m =
      n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  unsigned long long whole = m / 100;
  const auto frac = static_cast<unsigned>(m % 100);
  size_t digits = 1;
  for (unsigned long long t = whole; t >= 10; t /= 10) ++digits;
  char* q = p + digits;
  p = q;
  do {
    *--q = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (frac != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 10);
    if (frac % 10 != 0) *p++ = static_cast<char>('0' + frac % 10);
  }
  return p;
}

void put_hundredths(std::string& out, long long n) {
  char buf[kNumberRoom];
  out.append(buf, static_cast<size_t>(put_hundredths(buf, n) - buf));
}

// std::llround(v * 100) without the library call (a few of these go into
// every row): below 2^52 a double minus its truncation is exact, so halves
// round away from zero exactly as llround() rounds them.
inline long long hundredths(double v) {
  const double x = v * 100;
  if (!(std::fabs(x) < 4e15)) return std::llround(x);
  const auto t = static_cast<long long>(x);
  const double frac = x - static_cast<double>(t);
  return frac >= 0.5 ? t + 1 : frac <= -0.5 ? t - 1 : t;
}

void num(std::string& out, double v) {
  put_hundredths(out, hundredths(v));
}

char* put_num(char* p, double v) {
  return put_hundredths(p, hundredths(v));
}

// Copies `s` to `p`; returns the end.
char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// A byte buffer written through a raw pointer, for the page content: room()
// makes room for a piece of known largest size, the piece is written without
// a check per byte, and commit() takes its end. The buffer keeps its size
// from page to page, so it is zero-filled only when it grows.
class Sink {
 public:
  void clear() { size_ = 0; }
  char* room(size_t n) {
    if (buf_.size() - size_ < n) buf_.resize(std::max(size_ + n, 2 * buf_.size()));
    return buf_.data() + size_;
  }
  void commit(const char* end) { size_ = static_cast<size_t>(end - buf_.data()); }
  void append(std::string_view s) { commit(put(room(s.size()), s)); }
  std::string_view view() const { return {buf_.data(), size_}; }

 private:
  std::string buf_;
  size_t size_ = 0;
};

// The code point at byte `i` of `s` and, in `len`, its length: U+FFFD and 1
// for a byte that does not start a complete, valid sequence.
char32_t decode_one(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  char32_t cp = 0;
  bool ok = n > 0 && i + n <= s.size();
  if (ok) {
    cp = n == 1 ? c : static_cast<char32_t>(c & (0xFF >> (n + 1)));
    for (size_t k = 1; k < n && ok; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      ok = (d & 0xC0) == 0x80;
      cp = (cp << 6) | (d & 0x3F);
    }
  }
  if (!ok || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *len = 1;
    return U'\uFFFD';
  }
  *len = n;
  return cp;
}

// An integer object. Passing a bare integer to AddKey() can pick its
// PdfObject* overload when the value is a constant 0.
PdfObject integer(long long v) {
  return PdfObject(static_cast<PoDoFo::pdf_int64>(v));
}

void hex4(std::string& out, uint32_t v) {
  static const char* kHex = "0123456789ABCDEF";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(v >> shift) & 15];
}

// Appends glyph code `v` as 1 or 2 bytes of a literal string, escaping what
// a reader would not take as itself: parentheses and backslash, and CR and
// LF (an end of line inside a literal string reads as LF). At most 4 bytes.
char* put_literal_code(char* p, uint32_t v, bool one_byte) {
  const std::array<unsigned, 2> bytes{(v >> 8) & 0xFFu, v & 0xFFu};
  for (size_t k = one_byte ? 1 : 0; k < 2; ++k) {
    const auto c = static_cast<char>(bytes[k]);
    if (c == '(' || c == ')' || c == '\\') {
      *p++ = '\\';
      *p++ = c;
    } else if (c == '\r') {
      *p++ = '\\';
      *p++ = 'r';
    } else if (c == '\n') {
      *p++ = '\\';
      *p++ = 'n';
    } else {
      *p++ = c;
    }
  }
  return p;
}

// Appends glyph code `v` in hex: 2 or 4 digits.
char* put_hex_code(char* p, uint32_t v, bool one_byte) {
  static const char* kHex = "0123456789ABCDEF";
  for (int shift = one_byte ? 4 : 12; shift >= 0; shift -= 4) *p++ = kHex[(v >> shift) & 15];
  return p;
}

void literal_code(std::string& out, uint32_t v, bool one_byte) {
  char buf[4];
  out.append(buf, static_cast<size_t>(put_literal_code(buf, v, one_byte) - buf));
}

void hex_code(std::string& out, uint32_t v, bool one_byte) {
  char buf[4];
  out.append(buf, static_cast<size_t>(put_hex_code(buf, v, one_byte) - buf));
}

// Everything embedded for one character set: built once, shared by every
// document with that exact set.
//
// Glyph codes are one byte wherever the set allows it (every release of an
// all-ASCII cable, and most others; see assign_cids()), through a small
// embedded CMap (kOneByteCMap): page text is then half the bytes it is with
// two-byte codes (Identity-H), and so is everything that deflates, inflates
// and lexes it. A set with more than 128 characters above ASCII, or with a
// control character, keeps two-byte codes: CID k+1 for chars[k].
struct FontResources {
  std::u32string chars;        // sorted, unique
  std::vector<uint16_t> cids;  // per chars[k], its CID (in one-byte mode also its code)
  bool one_byte = false;       // one-byte codes (embedded CMap) rather than Identity-H
  std::string font_file;       // deflated subset
  uint32_t font_length = 0;    // /Length1
  std::string cid_to_gid;      // deflated
  std::string to_unicode;      // deflated
  std::string tag;             // "ABCDEF"
  int dw = 600;
  std::vector<std::pair<uint16_t, int>> widths;      // CIDs whose width differs from dw
  std::array<std::array<char, 4>, 128> ascii_hex{};  // hex code of each ASCII character,
  std::array<uint8_t, 128> ascii_hex_size{};         // its length in bytes
  std::array<std::array<char, 4>, 128> ascii_lit{};  // escaped binary code of each, and
  std::array<uint8_t, 128> ascii_lit_size{};         // its length in bytes
  // Every printable ASCII character but ( ) \ is its own literal code (one
  // byte): literal page text is then copied as it is, but for those.
  bool ascii_lit_plain = false;
  // The font objects and the shared /Resources as PoDoFo wrote them into a
  // new PdfMemDocument (see serialize_font_objects()): the same for every
  // document with this character set, so they are copied in as raw data
  // rather than built and written key by key again. Empty: build them.
  struct RawObject {
    uint32_t number = 0;
    std::string body;  // what PoDoFo writes between "N 0 obj" and "\nendobj\n"
  };
  std::vector<RawObject> raw;
  size_t raw_first = 0;  // objects a new document holds before the font's
  PoDoFo::EPdfWriteMode raw_mode = PoDoFo::ePdfWriteMode_Default;
  uint32_t resources_number = 0;
  uint16_t cid(char32_t c) const {
    auto it = std::lower_bound(chars.begin(), chars.end(), c);
    return it != chars.end() && *it == c ? cids[static_cast<size_t>(it - chars.begin())] : 0;
  }
};

// One-byte mode's Encoding: codes 0x00-0xFF, each the CID of its own value.
constexpr std::string_view kOneByteCMapName = "DeclassOneByte";
constexpr std::string_view kOneByteCMap =
    "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n"
    "/CMapName /DeclassOneByte def\n/CMapType 1 def\n"
    "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
    "1 begincidrange\n<00> <FF> 0\nendcidrange\n"
    "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

const std::string& one_byte_cmap_deflated() {
  static const std::string k = detail::deflate(kOneByteCMap, kFontDeflateLevel);
  return k;
}

// The Windows-1252 byte of `c`, or 0 where it has none (ASCII aside).
uint8_t cp1252_byte(char32_t c) {
  static constexpr std::array<char16_t, 32> kHigh = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  if (c >= 0xA0 && c <= 0xFF) return static_cast<uint8_t>(c);
  for (size_t k = 0; k < kHigh.size(); ++k)
    if (kHigh[k] != 0 && kHigh[k] == c) return static_cast<uint8_t>(0x80 + k);
  return 0;
}

// The CIDs of `chars` (sorted, unique), and whether they are one-byte codes.
// One-byte codes are those of Windows-1252 wherever it has the character
// (so that the codes read as Windows-1252 are the text, and the verifier
// need not decode them twice); other characters take the free codes from
// 0x80 up, in order.
bool assign_cids(const std::u32string& chars, std::vector<uint16_t>& cids) {
  cids.assign(chars.size(), 0);
  size_t others = 0;
  bool one_byte = true;
  for (const char32_t c : chars) {
    if (c < 0x20 || c == 0x7F) one_byte = false;
    if (c >= 0x80) ++others;
  }
  if (others > 0x80) one_byte = false;
  if (!one_byte) {
    for (size_t k = 0; k < chars.size(); ++k) cids[k] = static_cast<uint16_t>(k + 1);
    return false;
  }
  std::array<bool, 256> taken{};
  for (size_t k = 0; k < chars.size(); ++k) {
    const uint8_t code = chars[k] < 0x80 ? static_cast<uint8_t>(chars[k]) : cp1252_byte(chars[k]);
    if (code == 0) continue;
    cids[k] = code;
    taken[code] = true;
  }
  uint16_t next = 0x80;
  for (size_t k = 0; k < chars.size(); ++k) {
    if (cids[k] != 0) continue;
    while (taken[next]) ++next;  // at most 128 others: a free code is left
    cids[k] = next;
    taken[next] = true;
  }
  return true;
}

std::string to_unicode_cmap(const FontResources& f) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";
  s += f.one_byte ? "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
                  : "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (size_t i = 0; i < f.chars.size(); i += 100) {
    const size_t n = std::min<size_t>(100, f.chars.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) {
      s += '<';
      hex_code(s, f.cids[k], f.one_byte);
      s += "> <";
      const char32_t c = f.chars[k];
      if (c < 0x10000) {
        hex4(s, c);
      } else {
        const uint32_t v = c - 0x10000;
        hex4(s, 0xD800 + (v >> 10));
        hex4(s, 0xDC00 + (v & 0x3FF));
      }
      s += ">\n";
    }
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

std::shared_ptr<FontResources> build_font(const detail::TrueTypeFont& font, std::u32string chars) {
  auto r = std::make_shared<FontResources>();
  r->chars = std::move(chars);
  r->one_byte = assign_cids(r->chars, r->cids);
  std::vector<uint16_t> glyphs;
  glyphs.reserve(r->chars.size());
  for (const char32_t c : r->chars) glyphs.push_back(font.glyph(c));
  std::vector<uint16_t> new_ids;
  const std::string subset = font.subset(glyphs, &new_ids);
  r->font_length = static_cast<uint32_t>(subset.size());
  r->font_file = detail::deflate(subset, kFontDeflateLevel);
  const uint16_t max_cid = r->cids.empty() ? 0 : *std::max_element(r->cids.begin(), r->cids.end());
  std::string map(2 * (size_t{max_cid} + 1), '\0');  // CID 0 (and any unused) -> glyph 0
  for (size_t k = 0; k < new_ids.size(); ++k) {
    map[2 * size_t{r->cids[k]}] = static_cast<char>(new_ids[k] >> 8);
    map[2 * size_t{r->cids[k]} + 1] = static_cast<char>(new_ids[k] & 0xFF);
  }
  r->cid_to_gid = detail::deflate(map, kFontDeflateLevel);
  r->to_unicode = detail::deflate(to_unicode_cmap(*r), kFontDeflateLevel);
  for (char32_t c = 0; c < 128; ++c) {
    std::string h;
    hex_code(h, r->cid(c), r->one_byte);
    std::copy(h.begin(), h.end(), r->ascii_hex[c].begin());
    r->ascii_hex_size[c] = static_cast<uint8_t>(h.size());
    std::string l;
    literal_code(l, r->cid(c), r->one_byte);
    std::copy(l.begin(), l.end(), r->ascii_lit[c].begin());
    r->ascii_lit_size[c] = static_cast<uint8_t>(l.size());
  }
  r->ascii_lit_plain = true;
  for (char32_t c = 0x20; c < 0x7F; ++c)
    if (c != '(' && c != ')' && c != '\\' &&
        (r->ascii_lit_size[c] != 1 || r->ascii_lit[c][0] != static_cast<char>(c)))
      r->ascii_lit_plain = false;
  // Subset tag from the character set (FNV-1a): the same set, the same tag.
  uint64_t h = 1469598103934665603ull;
  for (const char32_t c : r->chars) {
    h ^= c;
    h *= 1099511628211ull;
  }
  for (int k = 0; k < 6; ++k) {
    r->tag += static_cast<char>('A' + h % 26);
    h /= 26;
  }
  auto width = [&](uint16_t gid) {
    return static_cast<int>(std::lround(font.advance(gid) * 1000.0 / font.units_per_em()));
  };
  r->dw = width(font.glyph(U' '));
  for (size_t k = 0; k < glyphs.size(); ++k)
    if (width(glyphs[k]) != r->dw) r->widths.emplace_back(r->cids[k], width(glyphs[k]));
  std::sort(r->widths.begin(), r->widths.end());
  return r;
}

}  // namespace

const std::u32string& base_repertoire() {
  static const std::u32string kBase = [] {
    std::u32string s;
    for (char32_t c = 0x20; c < 0x7F; ++c) s += c;
    s += U"\u00A0\u00B4\u00B6\u2013\u2014\u2018\u2019\u201C\u201D";
    std::sort(s.begin(), s.end());
    return s;
  }();
  return kBase;
}

// PoDoFo writes the file token by token through PdfOutputDevice::Print(),
// which formats each one twice with vsnprintf() (once to measure it) and was
// most of the time PdfMemDocument::Write() took. This device takes the same
// calls and appends to a string, formatting PoDoFo's few integer and string
// conversions itself: the same bytes, without vsnprintf() on the way.
class StringDevice final : public PoDoFo::PdfOutputDevice {
 public:
  explicit StringDevice(std::string& out) : out_(out) {}
  void Print(const char* format, ...) override {
    va_list args;
    va_start(args, format);
    detail::append_vformat(out_, format, args);
    va_end(args);
  }
  void PrintV(const char* format, long, va_list args) override {
    detail::append_vformat(out_, format, args);
  }
  void Write(const char* data, size_t n) override { out_.append(data, n); }
  size_t GetLength() const override { return out_.size(); }
  size_t Tell() const override { return out_.size(); }
  // A complete rewrite only ever appends: anything else is a PoDoFo path
  // this writer does not expect, and fails the document.
  void Seek(size_t) override { throw PoDoFo::PdfError(PoDoFo::ePdfError_InternalLogic); }
  size_t Read(char*, size_t) override { throw PoDoFo::PdfError(PoDoFo::ePdfError_InternalLogic); }
  void Flush() override {}

 private:
  std::string& out_;
};

// A stream object's data: already deflated, so PoDoFo takes it as it is.
void set_deflated(PdfObject* o, std::string_view deflated) {
  o->GetDictionary().AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
  PoDoFo::PdfMemoryInputStream in(deflated.data(), static_cast<PoDoFo::pdf_long>(deflated.size()));
  o->GetStream()->SetRawData(&in, static_cast<PoDoFo::pdf_long>(deflated.size()));
}

// Adobe-Identity-0, of the CID font and of the one-byte CMap.
PdfDictionary identity_system_info() {
  PdfDictionary info;
  info.AddKey("Registry", PdfString("Adobe"));
  info.AddKey("Ordering", PdfString("Identity"));
  info.AddKey("Supplement", integer(0));
  return info;
}

// The embedded font (file, descriptor, CID font, CIDToGIDMap, ToUnicode, the
// one-byte CMap if used, Type0 font) and the /Resources every page shares,
// built key by key. Returns the /Resources object.
PoDoFo::PdfReference build_font_objects(PoDoFo::PdfVecObjects& objects, const FontResources& f,
                                        const detail::TrueTypeFont& font) {
  const std::string base_font = f.tag + "+DejaVuSansMono";
  PdfObject* file = objects.CreateObject();
  file->GetDictionary().AddKey("Length1", integer(f.font_length));
  set_deflated(file, f.font_file);
  PdfObject* descriptor = objects.CreateObject("FontDescriptor");
  {
    PdfDictionary& d = descriptor->GetDictionary();
    const double scale = 1000.0 / font.units_per_em();
    auto scaled = [&](int v) { return integer(std::lround(v * scale)); };
    d.AddKey("FontName", PdfName(base_font));
    d.AddKey("Flags", integer(33));  // fixed pitch, non-symbolic
    PdfArray bbox;
    for (int k = 0; k < 4; ++k) bbox.push_back(scaled(font.bbox()[k]));
    d.AddKey("FontBBox", bbox);
    d.AddKey("ItalicAngle", integer(0));
    d.AddKey("Ascent", scaled(font.ascent()));
    d.AddKey("Descent", scaled(font.descent()));
    d.AddKey("CapHeight", scaled(font.cap_height()));
    d.AddKey("StemV", integer(80));
    d.AddKey("FontFile2", file->Reference());
  }
  PdfObject* cid_map = objects.CreateObject();
  set_deflated(cid_map, f.cid_to_gid);
  PdfObject* cid_font = objects.CreateObject("Font");
  {
    PdfDictionary& d = cid_font->GetDictionary();
    d.AddKey("Subtype", PdfName("CIDFontType2"));
    d.AddKey("BaseFont", PdfName(base_font));
    d.AddKey("CIDSystemInfo", identity_system_info());
    d.AddKey("FontDescriptor", descriptor->Reference());
    d.AddKey("DW", integer(f.dw));
    if (!f.widths.empty()) {
      PdfArray w;
      for (const auto& [cid, width] : f.widths) {
        w.push_back(integer(cid));
        PdfArray one;
        one.push_back(integer(width));
        w.push_back(one);
      }
      d.AddKey("W", w);
    }
    d.AddKey("CIDToGIDMap", cid_map->Reference());
  }
  PdfObject* to_unicode = objects.CreateObject();
  set_deflated(to_unicode, f.to_unicode);
  PdfObject* encoding = nullptr;
  if (f.one_byte) {
    encoding = objects.CreateObject("CMap");
    PdfDictionary& d = encoding->GetDictionary();
    d.AddKey("CMapName", PdfName(std::string(kOneByteCMapName)));
    d.AddKey("CIDSystemInfo", identity_system_info());
    set_deflated(encoding, one_byte_cmap_deflated());
  }
  PdfObject* type0 = objects.CreateObject("Font");
  {
    PdfDictionary& d = type0->GetDictionary();
    d.AddKey("Subtype", PdfName("Type0"));
    d.AddKey("BaseFont", PdfName(base_font));
    if (encoding != nullptr)
      d.AddKey("Encoding", encoding->Reference());
    else
      d.AddKey("Encoding", PdfName("Identity-H"));
    PdfArray descendants;
    descendants.push_back(cid_font->Reference());
    d.AddKey("DescendantFonts", descendants);
    d.AddKey("ToUnicode", to_unicode->Reference());
  }
  PdfObject* resources = objects.CreateObject();
  {
    PdfDictionary fonts;
    fonts.AddKey("F1", type0->Reference());
    resources->GetDictionary().AddKey("Font", fonts);
    PdfArray procset;
    for (const char* name : {"PDF", "Text", "ImageB", "ImageC", "ImageI"})
      procset.push_back(PdfName(name));
    resources->GetDictionary().AddKey("ProcSet", procset);
  }
  return resources->Reference();
}

// What `o` writes as an object in `mode`.
std::string serialized(const PdfObject& o, PoDoFo::EPdfWriteMode mode) {
  std::string s;
  StringDevice device(s);
  o.WriteObject(&device, mode, nullptr);
  return s;
}

// Fills f.raw: build_font_objects() into a new PdfMemDocument, each object
// as PoDoFo writes it. An object whose raw body does not write back to the
// very same bytes leaves f.raw empty (the objects are then built for every
// document).
void serialize_font_objects(FontResources& f, const detail::TrueTypeFont& font) {
  try {
    PoDoFo::PdfMemDocument scratch;
    PoDoFo::PdfVecObjects& objects = scratch.GetObjects();
    const PoDoFo::EPdfWriteMode mode = scratch.GetWriteMode();
    const size_t first = objects.GetObjectCount();
    const size_t index = objects.GetSize();
    const PoDoFo::PdfReference resources = build_font_objects(objects, f, font);
    std::vector<FontResources::RawObject> raw;
    constexpr std::string_view kTail = "\nendobj\n";
    for (size_t i = index; i < objects.GetSize(); ++i) {
      const PdfObject& o = *objects[i];
      if (o.Reference().GenerationNumber() != 0) return;
      const std::string whole = serialized(o, mode);
      // "N 0 obj" as PoDoFo writes it before a raw body (and "\nendobj\n" after).
      std::string head =
          serialized(PdfObject(o.Reference(), PdfVariant(PoDoFo::PdfData(""))), mode);
      if (!head.ends_with(kTail)) return;
      head.resize(head.size() - kTail.size());
      if (whole.size() < head.size() + kTail.size() || !whole.starts_with(head) ||
          !whole.ends_with(kTail))
        return;
      FontResources::RawObject r;
      r.number = o.Reference().ObjectNumber();
      r.body = whole.substr(head.size(), whole.size() - head.size() - kTail.size());
      const PdfObject back(o.Reference(),
                           PdfVariant(PoDoFo::PdfData(r.body.data(), r.body.size())));
      if (serialized(back, mode) != whole) return;
      raw.push_back(std::move(r));
    }
    if (raw.empty() || raw.back().number != resources.ObjectNumber()) return;
    f.raw = std::move(raw);
    f.raw_first = first;
    f.raw_mode = mode;
    f.resources_number = resources.ObjectNumber();
  } catch (const PoDoFo::PdfError&) {
    f.raw.clear();
  }
}

// One page and its two content streams (the page text, deflated, and the
// Bates label), built key by key. Returns the page object.
PoDoFo::PdfReference build_page(PoDoFo::PdfVecObjects& objects, const PoDoFo::PdfReference& parent,
                                const PoDoFo::PdfReference& resources, std::string_view deflated,
                                std::string_view footer_content) {
  PdfObject* page = objects.CreateObject("Page");
  PdfDictionary& d = page->GetDictionary();
  PdfArray media_box;
  for (const double v : {0.0, 0.0, kPageWidth, kPageHeight})
    media_box.push_back(integer(std::llround(v)));
  d.AddKey("MediaBox", media_box);
  d.AddKey("Parent", parent);
  d.AddKey("Resources", resources);
  PdfObject* main = objects.CreateObject();
  set_deflated(main, deflated);
  PdfObject* footer = objects.CreateObject();
  PoDoFo::PdfMemoryInputStream in(footer_content.data(),
                                  static_cast<PoDoFo::pdf_long>(footer_content.size()));
  footer->GetStream()->SetRawData(&in, static_cast<PoDoFo::pdf_long>(footer_content.size()));
  PdfArray contents;
  contents.push_back(main->Reference());
  contents.push_back(footer->Reference());
  d.AddKey("Contents", contents);
  return page->Reference();
}

void append_number(std::string& out, uint64_t n) {
  char buf[24];
  char* e = buf + sizeof buf;
  char* p = e;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out.append(p, static_cast<size_t>(e - p));
}

// " N G R", as PoDoFo writes a reference in compact mode.
void append_reference(std::string& out, const PoDoFo::PdfReference& r) {
  out += ' ';
  append_number(out, r.ObjectNumber());
  out += ' ';
  append_number(out, r.GenerationNumber());
  out += " R";
}

// A stream object's body as PoDoFo writes it between "N 0 obj" and
// "\nendobj\n": the dictionary (/Filter, if any, and /Length), then the data.
void stream_body(std::string& out, bool deflated, std::string_view data) {
  out.clear();
  out += deflated ? "<</Filter/FlateDecode/Length" : "<</Length";
  out += ' ';
  append_number(out, data.size());
  out += ">>\nstream\n";
  out.append(data);
  out += "\nendstream";
}

// Sets the raw body of `o` (a raw data object) to `body`, copied once.
// PdfData hands out only a const view of its string, but the string itself
// is not const: writing it through that view is sound, and spares the two
// copies an assignment of a new PdfData makes (a font file is ~14 KB).
void set_raw_body(PdfObject* o, std::string_view body) {
  const_cast<std::string&>(o->GetRawData().data()).assign(body.data(), body.size());
}

// A new raw data object holding `body`, copied once (CreateObject() of a
// PdfVariant of a PdfData copies it three times).
PdfObject* raw_object(PoDoFo::PdfVecObjects& objects, std::string_view body) {
  PdfObject* o = objects.CreateObject(PdfVariant(PoDoFo::PdfData("")));
  set_raw_body(o, body);
  return o;
}

// build_page() as raw bodies of the bytes PoDoFo writes for it (compact
// mode; checked against PoDoFo's own output by raw_pages_match()), without
// the dictionaries, names, arrays and stream buffers of three objects a page.
PoDoFo::PdfReference add_raw_page(PoDoFo::PdfVecObjects& objects,
                                  const PoDoFo::PdfReference& parent,
                                  const PoDoFo::PdfReference& resources, std::string_view deflated,
                                  std::string_view footer_content, std::string& body) {
  PdfObject* page = raw_object(objects, "");
  stream_body(body, true, deflated);
  const PdfObject* main = raw_object(objects, body);
  stream_body(body, false, footer_content);
  const PdfObject* footer = raw_object(objects, body);
  body = "<</Type/Page/Contents[";
  append_reference(body, main->Reference());
  append_reference(body, footer->Reference());
  body += "]/MediaBox[";
  for (const double v : {0.0, 0.0, kPageWidth, kPageHeight}) {
    body += ' ';
    append_number(body, static_cast<uint64_t>(std::llround(v)));
  }
  body += "]/Parent";
  append_reference(body, parent);
  body += "/Resources";
  append_reference(body, resources);
  body += ">>";
  set_raw_body(page, body);
  return page->Reference();
}

// True if add_raw_page() writes what build_page() does, byte for byte, in a
// new document's write mode (object numbers of one and two digits).
bool raw_pages_match() {
  auto pages = [](bool raw) {
    PoDoFo::PdfMemDocument doc;
    PoDoFo::PdfVecObjects& objects = doc.GetObjects();
    PdfObject* resources = nullptr;
    while (objects.GetObjectCount() < 10) resources = objects.CreateObject();
    const PoDoFo::PdfReference parent = doc.GetPagesTree()->GetObject()->Reference();
    const size_t index = objects.GetSize();
    std::string body;
    const std::string deflated = detail::deflate("BT\n(x) Tj\nET\n", 1);
    const std::string footer = "BT\n0 g\n/F1 8 Tf 1 0 0 1 495.2 54 Tm <0024> Tj\nET\n";
    for (int p = 0; p < 2; ++p) {
      if (raw)
        add_raw_page(objects, parent, resources->Reference(), deflated, footer, body);
      else
        build_page(objects, parent, resources->Reference(), deflated, footer);
    }
    std::vector<std::string> written;
    for (size_t i = index; i < objects.GetSize(); ++i)
      written.push_back(serialized(*objects[i], doc.GetWriteMode()));
    return written;
  };
  try {
    return pages(true) == pages(false);
  } catch (const PoDoFo::PdfError&) {
    return false;
  }
}

// The font objects and /Resources of a new document: copied in from f.raw
// when they fit (the document holds just its own first objects, and writes
// in the same mode), built otherwise. Returns the /Resources object.
PoDoFo::PdfReference add_font_objects(PoDoFo::PdfVecObjects& objects, PoDoFo::EPdfWriteMode mode,
                                      const FontResources& f, const detail::TrueTypeFont& font,
                                      bool raw) {
  if (!raw || f.raw.empty() || objects.GetObjectCount() != f.raw_first || mode != f.raw_mode)
    return build_font_objects(objects, f, font);
  for (const FontResources::RawObject& r : f.raw) {
    const PdfObject* o = raw_object(objects, r.body);
    if (o->Reference().ObjectNumber() != r.number || o->Reference().GenerationNumber() != 0)
      throw PoDoFo::PdfError(PoDoFo::ePdfError_InternalLogic);
  }
  return PoDoFo::PdfReference(f.resources_number, 0);
}

// A new document's objects (catalog, info, page tree root) and PoDoFo's
// PdfWriter to write it. Either a PdfMemDocument, or (`lean`) the same three
// objects in the same order in a PdfVecObjects of our own, written by the
// PdfWriter PdfMemDocument::Write() uses: without the font cache, FreeType
// library, clock-dated info and page tree PdfMemDocument sets up and takes
// down for every document (lean_documents_match() holds the two to the
// same bytes).
class Skeleton {
 public:
  explicit Skeleton(bool lean) {
    if (!lean) {
      doc_.emplace();
      info_ = doc_->GetInfo()->GetObject();
      info_->GetDictionary().Clear();
      pages_ = doc_->GetPagesTree()->GetObject();
      return;
    }
    objects_.emplace();
    objects_->SetAutoDelete(true);
    catalog_ = objects_->CreateObject("Catalog");
    info_ = objects_->CreateObject();
    pages_ = objects_->CreateObject("Pages");
    pages_->GetDictionary().AddKey("Kids", PdfArray());
    pages_->GetDictionary().AddKey("Count", integer(0));
    catalog_->GetDictionary().AddKey("Pages", pages_->Reference());
    trailer_.GetDictionary().AddKey("Root", catalog_->Reference());
    trailer_.GetDictionary().AddKey("Info", info_->Reference());
  }
  PoDoFo::PdfVecObjects& objects() { return doc_ ? doc_->GetObjects() : *objects_; }
  PoDoFo::EPdfWriteMode mode() const {
    return doc_ ? doc_->GetWriteMode() : PoDoFo::ePdfWriteMode_Default;
  }
  PdfObject* info() { return info_; }
  PdfObject* pages() { return pages_; }
  void write(PoDoFo::PdfOutputDevice* device) {
    if (doc_) return doc_->Write(device);
    PoDoFo::PdfWriter writer(&*objects_, &trailer_);
    writer.SetPdfVersion(PoDoFo::ePdfVersion_Default);
    writer.SetWriteMode(PoDoFo::ePdfWriteMode_Default);
    writer.Write(device);
  }

 private:
  std::optional<PoDoFo::PdfMemDocument> doc_;
  std::optional<PoDoFo::PdfVecObjects> objects_;
  PdfObject trailer_;
  PdfObject* catalog_ = nullptr;
  PdfObject* info_ = nullptr;
  PdfObject* pages_ = nullptr;
};

// True if a lean Skeleton writes what a PdfMemDocument does, byte for byte,
// for a small document of two raw pages and an info dictionary.
bool lean_documents_match() {
  auto write = [](bool lean) {
    Skeleton k(lean);
    PoDoFo::PdfVecObjects& objects = k.objects();
    PdfArray kids;
    for (int p = 0; p < 2; ++p) {
      PdfObject* page = objects.CreateObject(PdfVariant(PoDoFo::PdfData("<</Type/Page>>")));
      kids.push_back(page->Reference());
    }
    k.pages()->GetDictionary().AddKey("Kids", kids);
    k.pages()->GetDictionary().AddKey("Count", integer(2));
    PdfDictionary& info = k.info()->GetDictionary();
    info.AddKey("Title", PdfString("A (B) \\ C"));
    info.AddKey("CreationDate", PdfString("D:20240501000000Z"));
    std::string out;
    StringDevice device(out);
    k.write(&device);
    return out;
  };
  try {
    return write(true) == write(false);
  } catch (const PoDoFo::PdfError&) {
    return false;
  }
}

// An info dictionary value: `s` as a PdfString, or (`raw`, and every byte
// printable ASCII) as raw data of the very bytes PoDoFo writes for that
// PdfString, "(...)" with ( ) \\ escaped. PoDoFo writes the info dictionary
// three times a document (twice to hash it into /ID, through its own
// printf-based device, which a PdfString calls three times a character);
// raw data is one call.
PdfObject info_value(const std::string& s, bool raw) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
  if (!raw || !plain) return PdfObject(PdfString(s));
  std::string lit = "(";
  for (const char c : s) {
    if (c == '(' || c == ')' || c == '\\') lit += '\\';
    lit += c;
  }
  lit += ')';
  return PdfObject(PdfVariant(PoDoFo::PdfData(lit.data(), lit.size())));
}

// True if info_value() writes the same bytes raw as a PdfString, for every
// printable ASCII character.
bool raw_info_matches() {
  std::string all;
  for (char c = 0x20; c < 0x7F; ++c) all += c;
  auto write = [&](bool raw) {
    PdfObject o;
    o.GetDictionary().AddKey("Title", info_value(all, raw));
    o.GetDictionary().AddKey("CreationDate", info_value("D:20240501000000Z", raw));
    return serialized(o, PoDoFo::ePdfWriteMode_Default);
  };
  try {
    return write(true) == write(false);
  } catch (const PoDoFo::PdfError&) {
    return false;
  }
}

struct PdfWriter::Impl {
  PdfOptions options;
  std::optional<detail::TrueTypeFont> font;
  uint64_t next_bates = 1;
  double char_width = 6;  // body column width in points
  double left = 72;       // body left margin
  uint32_t columns = 80;
  // Least recently used first.
  std::list<std::shared_ptr<const FontResources>> cache;
  detail::Deflater content_deflater{kContentDeflateLevel};
  bool raw_fonts = true;        // font objects go in as raw bodies when they can
  bool raw_pages = false;       // raw_pages_match(): pages go in as raw bodies
  bool lean_documents = false;  // lean_documents_match(): no PdfMemDocument
  bool raw_info = false;        // raw_info_matches(): info values as raw data
  std::string body;             // reused raw object body
  Sink content;                 // reused page content buffer, and its text and strike-through parts
  Sink text_;
  Sink strike_;

  // Where the text of a BT ... ET block stands: font size and the start of
  // the current line, in hundredths of a point (moves are exact integers).
  class TextState {
   public:
    explicit TextState(bool literal) : literal_(literal) {}
    void show(Sink& out, const FontResources& f, double size, double x, double y,
              std::string_view utf8);

   private:
    bool literal_;
    bool started_ = false;
    long long size_ = -1;
    long long x_ = 0;
    long long y_ = 0;
  };

  std::shared_ptr<const FontResources> resources(std::u32string chars);
  void page_content(const Page& page, const FontResources& f, const std::vector<std::string>& stamp,
                    uint32_t number, uint32_t total);
  std::string bates_content(const FontResources& f, const std::string& bates) const;
  void text(std::string& out, const FontResources& f, double size, double x, double y,
            std::string_view utf8, bool literal) const;
};

std::shared_ptr<const FontResources> PdfWriter::Impl::resources(std::u32string chars) {
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if ((*it)->chars == chars) {
      auto hit = *it;
      cache.erase(it);
      cache.push_back(hit);
      return hit;
    }
  }
  std::shared_ptr<FontResources> built = build_font(*font, std::move(chars));
  serialize_font_objects(*built, *font);
  std::shared_ptr<const FontResources> r = std::move(built);
  cache.push_back(r);
  if (cache.size() > kFontCacheSize) cache.pop_front();
  return r;
}

// Room put_codes() may take for `utf8`: at most 4 bytes a code point, and a
// code point takes at least a byte (plus what a block copy may write beyond).
size_t codes_room(std::string_view utf8) {
  return 4 * utf8.size() + 16;
}

// The glyph codes of `utf8` from byte `i` on, as the inside of a literal or
// hex string, decoded a code point at a time.
char* put_codes_decoded(char* p, const FontResources& f, std::string_view utf8, size_t i,
                        bool literal) {
  for (size_t n = 0; i < utf8.size(); i += n) {
    const char32_t c = decode_one(utf8, i, &n);
    if (c < 0x80) {
      const auto& code = literal ? f.ascii_lit[c] : f.ascii_hex[c];
      std::memcpy(p, code.data(), 4);
      p += literal ? f.ascii_lit_size[c] : f.ascii_hex_size[c];
    } else {
      p = literal ? put_literal_code(p, f.cid(c), f.one_byte)
                  : put_hex_code(p, f.cid(c), f.one_byte);
    }
  }
  return p;
}

// The glyph codes of `utf8` as the inside of a literal or hex string: at most
// codes_room(utf8) bytes at `p`; returns their end. This is most of what
// drawing a page costs: literal ASCII text whose codes are the characters
// themselves is copied 16 bytes at a time, stopping only at what needs an
// escape or another code.
char* put_codes(char* p, const FontResources& f, std::string_view utf8, bool literal) {
  size_t i = 0;
  const size_t n = utf8.size();
  const char* s = utf8.data();
  if (literal && f.ascii_lit_plain) {
#ifdef __SSE2__
    const __m128i blank = _mm_set1_epi8(' ');
    const __m128i del = _mm_set1_epi8(0x7F);
    const __m128i open = _mm_set1_epi8('(');
    const __m128i close = _mm_set1_epi8(')');
    const __m128i backslash = _mm_set1_epi8('\\');
    while (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      // Signed compare: bytes from 0x80 on are negative, so below the blank.
      const __m128i other =
          _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, blank), _mm_cmpeq_epi8(v, del)),
                       _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, open), _mm_cmpeq_epi8(v, close)),
                                    _mm_cmpeq_epi8(v, backslash)));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(other));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v);
      if (mask == 0) {
        p += 16;
        i += 16;
        continue;
      }
      const auto k = static_cast<size_t>(__builtin_ctz(mask));
      p += k;
      i += k;
      const auto u = static_cast<unsigned char>(s[i]);
      if (u >= 0x80) return put_codes_decoded(p, f, utf8, i, literal);
      std::memcpy(p, f.ascii_lit[u].data(), 4);
      p += f.ascii_lit_size[u];
      ++i;
    }
#endif
  }
  const auto& codes = literal ? f.ascii_lit : f.ascii_hex;
  const auto& sizes = literal ? f.ascii_lit_size : f.ascii_hex_size;
  for (; i < n; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    // An ASCII prefix decodes the same on its own: the rest goes through
    // the decoder from the first other byte.
    if (u >= 0x80) return put_codes_decoded(p, f, utf8, i, literal);
    std::memcpy(p, codes[u].data(), 4);
    p += sizes[u];
  }
  return p;
}

// The Bates label: absolute position, hex string, "> Tj" (the form
// rebase_pdf_bates() looks for).
void PdfWriter::Impl::text(std::string& out, const FontResources& f, double size, double x,
                           double y, std::string_view utf8, bool literal) const {
  out += "/F1 ";
  num(out, size);
  out += " Tf 1 0 0 1 ";
  num(out, x);
  out += ' ';
  num(out, y);
  out += literal ? " Tm (" : " Tm <";
  const size_t at = out.size();
  out.resize(at + codes_room(utf8));
  char* e = put_codes(out.data() + at, f, utf8, literal);
  out.resize(static_cast<size_t>(e - out.data()));
  out += literal ? ") Tj\n" : "> Tj\n";
}

// Page text. A run straight under the start of the previous one moves there
// with `'` (next line by the leading, 12 TL) or `0 dy Td`; any other run is
// placed with an absolute Tm as before. A viewer then computes every glyph
// position from the very numbers an absolute Tm would give it (the vertical
// moves are whole points, so their sums are exact), and the pages render to
// the same pixels. Tf only when the size changes.
void PdfWriter::Impl::TextState::show(Sink& out, const FontResources& f, double size, double x,
                                      double y, std::string_view utf8) {
  // "/F1 s Tf\n", "1 0 0 1 x y Tm", the string's delimiters and "Tj\n".
  char* p = out.room(3 * kNumberRoom + 32 + codes_room(utf8));
  const long long s = hundredths(size);
  if (s != size_) {
    p = put(p, "/F1 ");
    p = put_hundredths(p, s);
    p = put(p, " Tf\n");
    size_ = s;
  }
  const long long nx = hundredths(x);
  const long long ny = hundredths(y);
  const bool down = started_ && nx == x_ && ny % 100 == 0 && y_ % 100 == 0;
  const bool next_line = down && ny == y_ - hundredths(kLeading);
  if (!down) {
    p = put(p, "1 0 0 1 ");
    p = put_hundredths(p, nx);
    *p++ = ' ';
    p = put_hundredths(p, ny);
    p = put(p, " Tm");
  } else if (!next_line) {
    p = put(p, "0 ");
    p = put_hundredths(p, ny - y_);
    p = put(p, " Td");
  }
  x_ = nx;
  y_ = ny;
  started_ = true;
  *p++ = literal_ ? '(' : '<';
  p = put_codes(p, f, utf8, literal_);
  *p++ = literal_ ? ')' : '>';
  p = put(p, next_line ? std::string_view("'\n") : std::string_view("Tj\n"));
  out.commit(p);
}

// The page's content into `content`: the graphics (boxes and rules), then
// the text, then the strike-through lines over it.
void PdfWriter::Impl::page_content(const Page& page, const FontResources& f,
                                   const std::vector<std::string>& stamp, uint32_t number,
                                   uint32_t total) {
  const double mono = char_width / kBodySize;  // advance per point of font size
  const double right = left + columns * char_width;
  Sink& g = content;  // graphics: boxes and rules
  Sink& t = text_;    // text
  Sink& s = strike_;  // strike-through lines, over the text
  g.clear();
  t.clear();
  s.clear();
  g.append("0 g 0 G\n");
  t.append("BT\n");
  {
    char* p = t.room(kNumberRoom + 8);
    p = put_num(p, kLeading);
    t.commit(put(p, " TL\n"));
  }
  TextState ts(options.literal_strings);
  auto centered = [&](double size, double y, const std::string& str) {
    const double w = static_cast<double>(count_code_points(str)) * size * mono;
    ts.show(t, f, size, (kPageWidth - w) / 2, y, str);
  };
  // Line widths as set last: a width is only written when it changes.
  double width = -1;
  // "w " (if the width changes) and four numbers with their separators and an
  // operator of at most 6 bytes.
  constexpr size_t kShapeRoom = 5 * kNumberRoom + 16;
  auto set_width = [&](char* p, double w) {
    if (w == width) return p;
    p = put_num(p, w);
    p = put(p, " w ");
    width = w;
    return p;
  };
  // Top: UNCLASSIFIED and the stamp; the disposition line is boxed.
  centered(kMarkSize, kTopMark, detail::kUnclassified);
  for (size_t i = 0; i < stamp.size(); ++i) {
    const double y = kStampTop - static_cast<double>(i) * kStampLeading;
    const double n = static_cast<double>(count_code_points(stamp[i]));
    const double size = std::min(kStampSize, (right - left) / std::max(1.0, n * mono));
    ts.show(t, f, size, left, y, stamp[i]);
    if (i == 1) {
      char* p = set_width(g.room(kShapeRoom), 0.8);
      p = put_num(p, left - 2);
      *p++ = ' ';
      p = put_num(p, y - 2.5);
      *p++ = ' ';
      p = put_num(p, n * size * mono + 4);
      *p++ = ' ';
      p = put_num(p, size + 2.5);
      g.commit(put(p, " re S\n"));
    }
  }
  auto rule = [&](double y) {
    char* p = set_width(g.room(kShapeRoom), 0.5);
    p = put_num(p, left);
    *p++ = ' ';
    p = put_num(p, y);
    p = put(p, " m ");
    p = put_num(p, right);
    *p++ = ' ';
    p = put_num(p, y);
    g.commit(put(p, " l S\n"));
  };
  rule(kTopRule);
  rule(kBottomRule);
  // Body rows. Boxes are filled, never stroked: from here on only the
  // strike-through lines (drawn after all of `g`) set a line width.
  bool white = false;
  auto fill = [&](bool w) {
    if (white != w) t.append(w ? "1 g\n" : "0 g\n");
    white = w;
  };
  for (size_t r = 0; r < page.rows.size(); ++r) {
    const double y = kBodyTop - static_cast<double>(r) * kLeading;
    for (const RowItem& item : page.rows[r].items) {
      const double x = left + item.column * char_width;
      const double w = item.columns * char_width;
      if (item.kind == ItemKind::kBox) {
        char* p = g.room(kShapeRoom);
        p = put_num(p, x);
        *p++ = ' ';
        p = put_num(p, y - 3);
        *p++ = ' ';
        p = put_num(p, w);
        *p++ = ' ';
        p = put_num(p, kLeading);
        g.commit(put(p, " re f\n"));
        if (!item.text.empty()) {
          fill(true);
          ts.show(t, f, kBodySize, x, y, item.text);
        }
        continue;
      }
      fill(false);
      ts.show(t, f, kBodySize, x, y, item.text);
      if (item.kind == ItemKind::kStruck) {
        char* p = set_width(s.room(kShapeRoom), 0.8);
        p = put_num(p, x);
        *p++ = ' ';
        p = put_num(p, y + 3.2);
        p = put(p, " m ");
        p = put_num(p, x + w);
        *p++ = ' ';
        p = put_num(p, y + 3.2);
        s.commit(put(p, " l S\n"));
      }
    }
  }
  fill(false);
  // Footer: UNCLASSIFIED, page x of y, Bates number.
  centered(kMarkSize, kBottomMark, detail::kUnclassified);
  const std::string page_no = "Page " + std::to_string(number) + " of " + std::to_string(total);
  ts.show(t, f, kStampSize, left, kFooterLine, page_no);
  t.append("ET\n");
  g.append(t.view());
  g.append(s.view());
}

// The Bates label sits in a small uncompressed stream of its own, at a fixed
// place with a fixed width, so that rebase_pdf_bates() can renumber a page in
// place and get the very bytes a fresh rendering would have given.
std::string PdfWriter::Impl::bates_content(const FontResources& f, const std::string& bates) const {
  const double mono = char_width / kBodySize;
  const double right = left + columns * char_width;
  const double bw = static_cast<double>(count_code_points(bates)) * kStampSize * mono;
  std::string t = "BT\n0 g\n";
  text(t, f, kStampSize, right - bw, kFooterLine, bates, false);
  t += "ET\n";
  return t;
}

void detail::PdfWriterTestAccess::build_objects(PdfWriter& writer) {
  writer.impl_->raw_fonts = false;
  writer.impl_->raw_pages = false;
  writer.impl_->lean_documents = false;
  writer.impl_->raw_info = false;
}

bool detail::PdfWriterTestAccess::lean_documents(const PdfWriter& writer) {
  return writer.impl_->lean_documents;
}

bool detail::PdfWriterTestAccess::raw_pages(const PdfWriter& writer) {
  return writer.impl_->raw_pages;
}

PdfWriter::PdfWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfWriter::~PdfWriter() = default;

uint64_t PdfWriter::next_bates() const {
  return impl_->next_bates;
}
void PdfWriter::set_next_bates(uint64_t n) {
  impl_->next_bates = n;
}

core::Result<std::unique_ptr<PdfWriter>> PdfWriter::create(const PdfOptions& options) {
  core::Result<std::unique_ptr<PdfWriter>> result;
  PoDoFo::PdfError::EnableLogging(false);
  PoDoFo::PdfError::EnableDebug(false);
  auto fail = [&](std::string code, std::string message) {
    core::Diagnostic d;
    d.code = std::move(code);
    d.path = options.font_path;
    d.message = std::move(message);
    result.diagnostics.push_back(std::move(d));
    return std::move(result);
  };
  if (!valid_bates_prefix(options.bates.prefix))
    return fail("bad-bates-prefix",
                "the Bates prefix must be 1-32 characters of A-Z a-z 0-9 . _ -");
  // Read whole in one piece of its size (a stream copy grows and copies a
  // buffer several times over this ~340 KB file, at every start).
  std::ifstream in(options.font_path, std::ios::binary | std::ios::ate);
  if (!in) return fail("font-missing", "cannot read the font (install fonts-dejavu-core)");
  const std::streamoff size = in.tellg();
  std::string data;
  if (size > 0) {
    data.resize(static_cast<size_t>(size));
    in.seekg(0);
    in.read(data.data(), size);
    if (in.gcount() != size) data.clear();
  }
  std::string error;
  auto font = detail::TrueTypeFont::parse(std::move(data), &error);
  if (!font) return fail("font-unreadable", "cannot use the font: " + error);
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->next_bates = options.first_bates;
  impl->char_width = kBodySize * font->advance(font->glyph(U'M')) / font->units_per_em();
  const PageGeometry geometry;
  impl->columns = geometry.columns;
  impl->left = (kPageWidth - impl->columns * impl->char_width) / 2;
  impl->font = std::move(font);
  // The answer depends only on the PoDoFo the program runs with: asked once
  // per process, not once per writer (each batch worker makes one).
  static const bool kRawPagesMatch = raw_pages_match();
  impl->raw_pages = kRawPagesMatch;
  static const bool kLeanDocumentsMatch = lean_documents_match();
  impl->lean_documents = kLeanDocumentsMatch;
  static const bool kRawInfoMatches = raw_info_matches();
  impl->raw_info = kRawInfoMatches;
  result.value = std::unique_ptr<PdfWriter>(new PdfWriter(std::move(impl)));
  return result;
}

core::Result<PdfOutput> PdfWriter::write(const ReleaseView& view) {
  core::Result<PdfOutput> result;
  Impl& m = *impl_;
  PdfOutput out;
  out.layout = layout_pages(view);
  const auto total = static_cast<uint32_t>(out.layout.pages.size());
  out.pages = total;
  out.first_bates = m.next_bates;
  const std::vector<std::string> stamp = detail::stamp_lines(view.stamp());

  // The font holds the fixed repertoire plus every character drawn.
  // ASCII is in the base set: only other characters need collecting.
  std::u32string chars = base_repertoire();
  auto add = [&](std::string_view s) {
    if (detail::all_ascii(s)) return;
    for (size_t i = 0, n = 0; i < s.size(); i += n)
      if (const char32_t c = decode_one(s, i, &n); c >= 0x80) chars += c;
  };
  for (const std::string& l : stamp) add(l);
  for (const Page& p : out.layout.pages)
    for (const Row& r : p.rows)
      for (const RowItem& i : r.items) add(i.text);
  add(m.options.bates.prefix);
  std::sort(chars.begin(), chars.end());
  chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
  const std::shared_ptr<const FontResources> f = m.resources(std::move(chars));

  try {
    Skeleton doc(m.lean_documents);
    auto& objects = doc.objects();
    // Streams plus room for the dictionaries, the xref table and the trailer.
    size_t bytes_hint = f->font_file.size() + f->cid_to_gid.size() + f->to_unicode.size() + 4096;
    const PoDoFo::PdfReference resources =
        add_font_objects(objects, doc.mode(), *f, *m.font, m.raw_fonts);
    // The page tree by hand: one /Pages node whose /Kids are the pages in
    // order, without PoDoFo's page cache and per-page bookkeeping
    // (CreatePage()). Every page shares one /Resources object: the font, and
    // the /ProcSet CreatePage() gave every page.
    PdfObject* pages_node = doc.pages();
    const PoDoFo::PdfReference parent = pages_node->Reference();
    PdfArray kids;
    kids.reserve(total);
    for (uint32_t p = 0; p < total; ++p) {
      m.page_content(out.layout.pages[p], *f, stamp, p + 1, total);
      const std::string_view deflated = m.content_deflater(m.content.view());
      if (deflated.empty()) throw PoDoFo::PdfError(PoDoFo::ePdfError_OutOfMemory);
      bytes_hint += deflated.size() + 512;
      const std::string bates =
          m.bates_content(*f, format_bates(m.options.bates, m.next_bates + p));
      kids.push_back(m.raw_pages ? add_raw_page(objects, parent, resources, deflated, bates, m.body)
                                 : build_page(objects, parent, resources, deflated, bates));
    }
    pages_node->GetDictionary().AddKey("Kids", kids);
    pages_node->GetDictionary().AddKey("Count", integer(total));
    // Info: only what the view allows; dates from the review date, never the clock.
    PdfDictionary& info = doc.info()->GetDictionary();
    std::string title =
        view.stamp().document_id + " " + std::string(core::to_string(view.stamp().disposition));
    for (char& c : title)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
    info.AddKey("Title", info_value(title, m.raw_info));
    info.AddKey("Producer", info_value(m.options.producer, m.raw_info));
    const std::string& date = view.stamp().review_date;
    if (date.size() == 10) {
      const std::string d =
          "D:" + date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2) + "000000Z";
      info.AddKey("CreationDate", info_value(d, m.raw_info));
      info.AddKey("ModDate", info_value(d, m.raw_info));
    }
    out.bytes.reserve(bytes_hint);
    StringDevice device(out.bytes);
    doc.write(&device);
  } catch (const PoDoFo::PdfError& e) {
    core::Diagnostic d;
    d.code = "pdf-error";
    const char* what = PoDoFo::PdfError::ErrorMessage(e.GetError());
    d.message =
        std::string("cannot write the pdf: ") + (what != nullptr ? what : "pdf library error");
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  m.next_bates += total;
  result.value = std::move(out);
  return result;
}

}  // namespace declass::render
