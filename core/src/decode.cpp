// Byte-level input checks and decoding: UTF-8 or Windows-1252, LF line ends.
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "declass/core/document.h"
#include "source_internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace declass::core {

namespace {

// Windows-1252 0x80-0x9F; the five undefined bytes map to their Latin-1 code points.
constexpr std::array<uint16_t, 32> kCp1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
// surrogates, <= U+10FFFF), or 0 if invalid.
size_t utf8_sequence(const unsigned char* p, size_t avail) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return (avail >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;
    if (c == 0xED && p[1] >= 0xA0) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
      return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;
    if (c == 0xF4 && p[1] >= 0x90) return 0;
    return 4;
  }
  return 0;
}

// The end of the run of bytes at data[i..n) other than CR and bytes >= 0x80
// (what Windows-1252 text keeps as it is).
size_t plain_ascii_run(const unsigned char* data, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i c_cr = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    // movemask of v itself gives the bytes >= 0x80.
    const int m = _mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, c_cr)));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
  }
#endif
  while (i < n && data[i] != '\r' && data[i] < 0x80) ++i;
  return i;
}

bool is_text_control(unsigned char c) {
  return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Line and byte column of `offset` in the raw bytes (LF, CRLF or CR line ends).
Position raw_position(std::string_view bytes, size_t offset) {
  Position pos;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n'))) {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = static_cast<uint32_t>(offset - line_start + 1);
  return pos;
}

Diagnostic make(Severity sev, std::string code, const std::string& path, std::string_view bytes,
                size_t offset, std::string message) {
  Diagnostic d;
  d.severity = sev;
  d.code = std::move(code);
  d.path = path;
  const Position p = raw_position(bytes, offset);
  d.line = p.line;
  d.column = p.column;
  d.offset = offset;
  d.message = std::move(message);
  return d;
}

std::string hex_byte(unsigned char c) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string s = "0x";
  s += kDigits[c >> 4];
  s += kDigits[c & 15];
  return s;
}

}  // namespace

namespace {

// decode(); with `owned` (holding `bytes`), text kept as it is takes over that
// buffer instead of copying it.
Result<Source> decode_impl(std::string path, std::string_view bytes, const ReadOptions& options,
                           std::string* owned) {
  Result<Source> result;
  if (bytes.empty()) {
    Diagnostic d;
    d.code = "empty-input";
    d.path = path;
    d.message = "file is empty";
    result.diagnostics.push_back(std::move(d));
    return result;
  }
  if (bytes.size() > options.max_bytes || bytes.size() >= 0xFFFFFFF0u) {
    Diagnostic d;
    d.code = "input-too-large";
    d.path = path;
    d.message = "file is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                std::to_string(options.max_bytes);
    result.diagnostics.push_back(std::move(d));
    return result;
  }

  size_t start = 0;
  if (bytes.size() >= 3 && std::memcmp(bytes.data(), "\xEF\xBB\xBF", 3) == 0) start = 3;

  // One pass: reject binary bytes, classify the high bytes, and note where lines
  // start (the Source's line table, when the text is kept as it is).
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t valid_multibyte = 0;
  size_t first_invalid = n;
  size_t first_valid_multibyte = n;
  bool has_cr = false;
  // Line starts (offsets into bytes.substr(start)) are written through a
  // pointer into a table grown ahead of need, not pushed one by one: the
  // table is sized for 32 more entries before each block of 32 bytes.
  std::vector<uint32_t> line_starts((n - start) / 32 + 64);
  size_t line_count = 1;  // line_starts[0] == 0
  auto room = [&](size_t more) {
    if (line_count + more > line_starts.size()) line_starts.resize(2 * line_starts.size() + more);
  };
  // Records the line starting after each LF in `lf_mask` (bit k: byte at + k).
  // An LF at the very end starts no line; that entry is dropped after the pass.
  auto note_lines = [&](size_t at, uint32_t lf_mask) {
    room(32);
    uint32_t* out = line_starts.data() + line_count;
    const auto base = static_cast<uint32_t>(at + 1 - start);
    for (; lf_mask != 0; lf_mask &= lf_mask - 1)
      *out++ = base + static_cast<uint32_t>(__builtin_ctz(lf_mask));
    line_count = static_cast<size_t>(out - line_starts.data());
  };
  for (size_t i = start; i < n;) {
#if defined(__SSE2__)
    // Fast path: 32 bytes of printable ASCII or LF at a time (almost all of a
    // cable), then 16 at a time. A block holding another byte records the line
    // ends before that byte and hands the byte itself to the checks below.
    // Printable ASCII (0x20-0x7E) is exactly the bytes b with (int8)(b + 1) > 0x20.
    const __m128i c_lf = _mm_set1_epi8('\n');
    const __m128i c_one = _mm_set1_epi8(1);
    const __m128i c_space = _mm_set1_epi8(0x20);
    auto printable = [&](__m128i v) {
      return static_cast<uint32_t>(
          _mm_movemask_epi8(_mm_cmpgt_epi8(_mm_add_epi8(v, c_one), c_space)));
    };
    auto line_feeds = [&](__m128i v) {
      return static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c_lf)));
    };
    bool odd_byte = false;
    while (i + 32 <= n) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i + 16));
      const uint32_t lf = line_feeds(a) | (line_feeds(b) << 16);
      const uint32_t other = ~(printable(a) | (printable(b) << 16) | lf);
      if (other != 0) {
        const auto first = static_cast<unsigned>(__builtin_ctz(other));
        note_lines(i, lf & ((1u << first) - 1u));
        i += first;
        odd_byte = true;
        break;
      }
      if (lf != 0) note_lines(i, lf);
      i += 32;
    }
    while (!odd_byte && i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      const uint32_t lf = line_feeds(v);
      const uint32_t other = ~(printable(v) | lf) & 0xFFFFu;
      if (other != 0) {
        const auto first = static_cast<unsigned>(__builtin_ctz(other));
        note_lines(i, lf & ((1u << first) - 1u));
        i += first;
        break;
      }
      if (lf != 0) note_lines(i, lf);
      i += 16;
    }
    if (i >= n) break;
#endif
    const unsigned char c = data[i];
    if (c >= 0x20 && c < 0x7F) {
      ++i;
      continue;
    }
    if (c < 0x20 || c == 0x7F) {
      if (!is_text_control(c)) {
        result.diagnostics.push_back(
            make(Severity::kError, "binary-input", path, bytes, i,
                 c == 0 ? std::string("NUL byte: this is a binary file, not a cable")
                        : "control byte " + hex_byte(c) + ": this is a binary file, not a cable"));
        return result;
      }
      if (c == '\r') has_cr = true;
      if (c == '\n') {
        room(1);
        line_starts[line_count++] = static_cast<uint32_t>(i + 1 - start);
      }
      ++i;
      continue;
    }
    const size_t len = utf8_sequence(data + i, n - i);
    if (len == 0) {
      if (first_invalid == n) first_invalid = i;
      ++i;
    } else {
      if (first_valid_multibyte == n) first_valid_multibyte = i;
      ++valid_multibyte;
      i += len;
    }
  }
  // An LF as the last byte ends the last line; it starts none.
  if (line_count > 1 && line_starts[line_count - 1] == n - start) --line_count;
  line_starts.resize(line_count);

  const bool is_utf8 = first_invalid == n;
  if (!is_utf8 && valid_multibyte > 0) {
    // Both valid UTF-8 sequences and invalid bytes: a mixed or damaged file.
    // Guessing either way could corrupt text that a reviewer must see exactly.
    const Position v = raw_position(bytes, first_valid_multibyte);
    result.diagnostics.push_back(make(Severity::kError, "invalid-utf8", path, bytes, first_invalid,
                                      "invalid UTF-8 byte " + hex_byte(data[first_invalid]) +
                                          " in a file that is otherwise UTF-8 (valid sequence at " +
                                          std::to_string(v.line) + ":" + std::to_string(v.column) +
                                          "); re-encode the file"));
    return result;
  }

  std::string text;
  std::vector<std::pair<uint32_t, uint64_t>> map;
  const Encoding encoding = is_utf8 ? Encoding::kUtf8 : Encoding::kWindows1252;
  const bool kept = is_utf8 && !has_cr;
  if (kept) {
    if (owned != nullptr && start == 0)
      text = std::move(*owned);  // `bytes` is not read after this
    else
      text.assign(bytes.substr(start));
    if (start != 0) map.emplace_back(0, start);
  } else {
    line_starts.clear();  // transcoded or CR-normalised: the builder indexes the new text
    text.reserve(n + n / 16);
    map.emplace_back(0, start);
    for (size_t i = start; i < n; ++i) {
      // Copy the run of bytes kept as they are in one append, not byte by byte.
      size_t run = i;
      if (is_utf8) {
        const void* cr = std::memchr(data + i, '\r', n - i);
        run = cr == nullptr ? n : static_cast<size_t>(static_cast<const unsigned char*>(cr) - data);
      } else {
        run = plain_ascii_run(data, i, n);
      }
      if (run > i) {
        text.append(bytes.data() + i, run - i);
        if (run == n) break;
        i = run;
      }
      const unsigned char c = data[i];
      if (c == '\r') {
        text += '\n';
        if (i + 1 < n && data[i + 1] == '\n') ++i;
        map.emplace_back(static_cast<uint32_t>(text.size()), i + 1);
      } else if (c < 0x80 || is_utf8) {
        text += static_cast<char>(c);
      } else {
        append_utf8(text, c >= 0xA0 ? c : kCp1252High[c - 0x80]);
        map.emplace_back(static_cast<uint32_t>(text.size()), i + 1);
      }
    }
  }

  if (!is_utf8) {
    result.diagnostics.push_back(make(Severity::kWarning, "decoded-windows-1252", path, bytes,
                                      first_invalid,
                                      "file is not UTF-8; decoded as Windows-1252 (Latin-1)"));
  }
  if (has_cr) {
    Diagnostic d;
    d.severity = Severity::kNote;
    d.code = "line-ends-normalized";
    d.path = path;
    d.message = "CR or CRLF line ends read as LF";
    result.diagnostics.push_back(std::move(d));
  }
  result.value = SourceBuilder::build(std::move(path), std::move(text), encoding, has_cr, n,
                                      std::move(map), std::move(line_starts));
  return result;
}

}  // namespace

Result<Source> decode(std::string path, std::string_view bytes, const ReadOptions& options) {
  return decode_impl(std::move(path), bytes, options, nullptr);
}

Result<Source> decode_owned(std::string path, std::string bytes, const ReadOptions& options) {
  const std::string_view view = bytes;
  return decode_impl(std::move(path), view, options, &bytes);
}

}  // namespace declass::core
