#include "declass/core/document.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "source_internal.h"

namespace declass::core {

namespace {

constexpr std::array<std::string_view, 15> kBlockKindNames = {
    "preamble",      "notice",    "routing",       "banner",    "caption",
    "addressee",     "eo-line",   "tags",          "subject",   "ref",
    "classified-by", "paragraph", "sub-paragraph", "signature", "page-break"};

bool is_blank(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v';
}

// Width of a blank at text[i]: 1 for ASCII blanks, 2 for U+00A0 (NBSP, common in
// the HTML-derived files), 0 if not a blank.
size_t blank_width(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (is_blank(c)) return 1;
  if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) return 2;
  return 0;
}

bool is_word_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

std::string_view to_string(BlockKind k) {
  return kBlockKindNames[static_cast<size_t>(k)];
}

std::optional<BlockKind> block_kind_from_string(std::string_view s) {
  for (size_t i = 0; i < kBlockKindNames.size(); ++i)
    if (kBlockKindNames[i] == s) return static_cast<BlockKind>(i);
  return std::nullopt;
}

std::string_view to_string(Layout l) {
  switch (l) {
    case Layout::kPageTable:
      return "page-table";
    case Layout::kPreamble:
      return "preamble";
    case Layout::kBare:
      return "bare";
  }
  return "bare";
}

int32_t Document::block_at(uint32_t offset) const {
  // Blocks are sorted by span.begin; interruptions nest inside their parent's
  // span, so search back from the last block starting at or before offset.
  auto it = std::upper_bound(blocks.begin(), blocks.end(), offset,
                             [](uint32_t o, const Block& b) { return o < b.span.begin; });
  while (it != blocks.begin()) {
    --it;
    for (const Span& p : it->pieces)
      if (p.contains(offset)) return static_cast<int32_t>(it - blocks.begin());
    if (it->parent < 0 && it->span.end <= offset) {
      // A top-level block that ends before offset: nothing earlier can contain it
      // unless it encloses this one, which top-level blocks never do.
      break;
    }
  }
  return -1;
}

namespace {

// The text of normalize() into `out`, and with kOrigins its origin map (all but
// the final entry). Returns the source offset just after the last byte emitted.
template <bool kOrigins>
uint32_t normalize_into(std::string_view text, const std::vector<Span>& pieces,
                        NormalizeOptions options, std::string& out, std::vector<uint32_t>& origin) {
  bool pending_space = false;
  uint32_t space_origin = 0;
  uint32_t last_end = 0;  // source offset just after the last byte emitted
  for (const Span& piece : pieces) {
    if (!out.empty() && !pending_space) {
      pending_space = true;
      // From the end of the last piece, so that a line break between pieces
      // counts for the hyphen join below ("US-\nLATIN").
      space_origin = last_end;
    }
    for (size_t i = piece.begin; i < piece.end && i < text.size();) {
      const size_t w = blank_width(text, i);
      if (w > 0) {
        if (!pending_space && !out.empty()) {
          pending_space = true;
          space_origin = static_cast<uint32_t>(i);
        }
        i += w;
        continue;
      }
      if (pending_space) {
        // A hyphen ending a line, between word characters, joins the two lines:
        // "Six-\nParty" -> "Six-Party"; with drop_line_end_hyphens "gov-\nernment"
        // -> "government".
        const size_t n = out.size();
        const bool hyphen_join =
            n >= 2 && out[n - 1] == '-' && is_word_byte(static_cast<unsigned char>(out[n - 2])) &&
            is_word_byte(static_cast<unsigned char>(text[i])) &&
            text.substr(space_origin, i - space_origin).find('\n') != std::string_view::npos;
        if (hyphen_join) {
          if (options.drop_line_end_hyphens) {
            out.pop_back();
            if constexpr (kOrigins) origin.pop_back();
          }
        } else {
          out += ' ';
          if constexpr (kOrigins) origin.push_back(space_origin);
        }
        pending_space = false;
      }
      out += text[i];
      if constexpr (kOrigins) origin.push_back(static_cast<uint32_t>(i));
      last_end = static_cast<uint32_t>(i + 1);
      ++i;
    }
  }
  return last_end;
}

}  // namespace

NormalizedText normalize(const Source& source, const std::vector<Span>& pieces,
                         NormalizeOptions options) {
  NormalizedText out;
  size_t total = 0;
  for (const Span& p : pieces) total += p.size() + 1;
  out.text.reserve(total);
  out.origin.reserve(total + 1);
  const uint32_t last_end =
      normalize_into<true>(source.text(), pieces, options, out.text, out.origin);
  out.origin.push_back(last_end);
  return out;
}

std::string normalize_text(const Source& source, const std::vector<Span>& pieces,
                           NormalizeOptions options) {
  std::string out;
  size_t total = 0;
  for (const Span& p : pieces) total += p.size() + 1;
  out.reserve(total);
  std::vector<uint32_t> unused;
  normalize_into<false>(source.text(), pieces, options, out, unused);
  return out;
}

std::vector<Span> NormalizedText::source_spans(const Source& source, uint32_t begin,
                                               uint32_t end) const {
  const std::string_view src = source.text();
  std::vector<Span> spans;
  end = std::min<uint32_t>(end, static_cast<uint32_t>(text.size()));
  for (uint32_t i = begin; i < end; ++i) {
    if (text[i] == ' ') continue;  // separators are covered only between words on one line
    const uint32_t o = origin[i];
    if (!spans.empty()) {
      Span& cur = spans.back();
      if (o == cur.end) {
        cur.end = o + 1;
        continue;
      }
      if (o > cur.end) {
        const std::string_view gap = src.substr(cur.end, o - cur.end);
        if (gap.find_first_not_of(" \t") == std::string_view::npos ||
            (gap.size() >= 2 && gap == std::string_view("\xC2\xA0"))) {
          cur.end = o + 1;
          continue;
        }
        // A dropped line-end hyphen belongs to the word it splits.
        if (gap[0] == '-' && gap.find('\n') != std::string_view::npos) cur.end += 1;
      }
    }
    spans.push_back({o, o + 1});
  }
  return spans;
}

std::vector<Span> body_pieces(const Block& block) {
  uint32_t skip_to = block.label_span.end;
  if (block.mark) skip_to = std::max(skip_to, block.mark->span.end);
  if (skip_to == 0) return block.pieces;
  std::vector<Span> out;
  out.reserve(block.pieces.size());
  for (Span p : block.pieces) {
    if (p.end <= skip_to) continue;
    if (p.begin < skip_to) p.begin = skip_to;
    out.push_back(p);
  }
  return out;
}

void body_pieces(const Block& block, std::vector<Span>& out) {
  out.clear();
  uint32_t skip_to = block.label_span.end;
  if (block.mark) skip_to = std::max(skip_to, block.mark->span.end);
  if (skip_to == 0) {
    out.assign(block.pieces.begin(), block.pieces.end());
    return;
  }
  for (Span p : block.pieces) {
    if (p.end <= skip_to) continue;
    if (p.begin < skip_to) p.begin = skip_to;
    out.push_back(p);
  }
}

std::string block_text(const Document& doc, const Block& block) {
  return normalize_text(doc.source, body_pieces(block));
}

Result<Document> read_file(const std::string& path, const ReadOptions& options) {
  Result<Document> result;
  auto io_error = [&](std::string message) {
    Diagnostic d;
    d.code = "io-error";
    d.path = path;
    d.message = std::move(message);
    result.diagnostics.push_back(std::move(d));
    return result;
  };
  auto too_large = [&](const struct stat& st) {
    Diagnostic d;
    d.code = "input-too-large";
    d.path = path;
    d.message = "file is " + std::to_string(st.st_size) + " bytes; the limit is " +
                std::to_string(options.max_bytes);
    result.diagnostics.push_back(std::move(d));
    return result;
  };
  // Opened first and fstat'ed: one path lookup, not a stat() and an open().
  struct stat st {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // The same diagnostics, in the same order, as stat() then open() gave.
    const int open_errno = errno;
    if (::stat(path.c_str(), &st) != 0)
      return io_error(std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return io_error("is a directory, not a cable");
    if (static_cast<uint64_t>(st.st_size) > options.max_bytes) return too_large(st);
    return io_error(std::string("cannot open: ") + std::strerror(open_errno));
  }
  std::string bytes;
  {
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};  // closed before the text is parsed
    if (::fstat(fd, &st) != 0) return io_error(std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return io_error("is a directory, not a cable");
    if (static_cast<uint64_t>(st.st_size) > options.max_bytes) return too_large(st);

    // One read of the size plus one byte: a regular file that stops short at
    // exactly its size is at its end (no second read to see 0 bytes). A file
    // that fills the extra byte grew since fstat(), and a pipe or special file
    // (size 0) has no size to trust: those are read until EOF, bounded.
    const auto expect = static_cast<size_t>(st.st_size);
    const uint64_t limit = options.max_bytes;  // more than this is an error
    bytes.resize(expect + 1);
    size_t got = 0;
    for (;;) {
      if (got == bytes.size()) {
        const uint64_t grown = std::max<uint64_t>(uint64_t{got} * 2, 64 * 1024);
        bytes.resize(static_cast<size_t>(limit < grown ? limit + 1 : grown));
      }
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("read error");
      if (n == 0) break;
      got += static_cast<size_t>(n);
      if (got > limit) return io_error("file grew past the size limit while being read");
      if (S_ISREG(st.st_mode) && expect > 0 && got == expect) break;
    }
    bytes.resize(got);
  }

  Result<Source> src = decode_owned(path, std::move(bytes), options);
  if (!src.value) {
    result.diagnostics = std::move(src.diagnostics);
    return result;
  }
  Document doc = read_document(std::move(*src.value));
  // Decoding notes come first, then the reader's own findings; the document and
  // the result each hold the whole list (moved in, then copied once).
  if (!src.diagnostics.empty())
    doc.diagnostics.insert(doc.diagnostics.begin(),
                           std::make_move_iterator(src.diagnostics.begin()),
                           std::make_move_iterator(src.diagnostics.end()));
  result.diagnostics = doc.diagnostics;
  result.value = std::move(doc);
  return result;
}

}  // namespace declass::core
