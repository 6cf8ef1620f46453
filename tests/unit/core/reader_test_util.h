// Helpers shared by the reader tests: reading files, reading text, and the
// structural invariant every Document must satisfy.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "declass/core/document.h"

namespace declass::core::testing {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::filesystem::path test_data() {
  return std::filesystem::path(DECLASS_TEST_DATA);
}

/// decode() + read_document() like read_file(), with `name` as the path (stable
/// in golden files). Decoding notes come first.
inline Document read_bytes(const std::string& name, const std::string& bytes) {
  Result<Source> src = decode(name, bytes);
  if (!src.value) {
    Document doc;
    doc.diagnostics = src.diagnostics;
    return doc;
  }
  Document doc = read_document(std::move(*src.value));
  std::vector<Diagnostic> all = src.diagnostics;
  all.insert(all.end(), doc.diagnostics.begin(), doc.diagnostics.end());
  doc.diagnostics = std::move(all);
  return doc;
}

/// A Document from UTF-8 text (unit tests).
inline Document read_text(const std::string& text) {
  return read_document(Source::from_utf8("test.txt", text));
}

/// Every corpus cable (top level and raw/), sorted by path.
inline std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& dir : {test_data() / "corpus", test_data() / "corpus" / "raw"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".txt") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline bool is_blank_at(std::string_view t, size_t i, size_t* width) {
  const auto c = static_cast<unsigned char>(t[i]);
  *width = 1;
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return true;
  if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0xA0) {
    *width = 2;
    return true;
  }
  return false;
}

/// The structural invariant (document.h): every non-blank byte in exactly one
/// block's pieces; pieces inside their span and in order; blocks sorted by
/// span.begin; parents earlier; every paragraph classified. Returns "" or the
/// first violation. Memory is proportional to the number of pieces, so it
/// also runs on 100 MB inputs.
inline std::string check_invariant(const Document& doc) {
  const std::string_view t = doc.source.text();
  struct Owned {
    Span piece;
    size_t block;
  };
  std::vector<Owned> all;
  uint32_t prev_begin = 0;
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const Block& b = doc.blocks[i];
    const std::string where =
        "block #" + std::to_string(i) + " (" + std::string(to_string(b.kind)) + ")";
    if (b.span.begin < prev_begin) return where + " starts before the block ahead of it";
    prev_begin = b.span.begin;
    if (b.pieces.empty()) return where + " has no pieces";
    if (b.span.end > t.size()) return where + " ends past the text";
    if (b.parent >= static_cast<int32_t>(i)) return where + " has a later parent";
    if (b.first_line > b.last_line || b.first_line == 0) return where + " has bad lines";
    uint32_t last_end = 0;
    for (const Span& p : b.pieces) {
      if (p.empty()) return where + " has an empty piece";
      if (p.begin < b.span.begin || p.end > b.span.end)
        return where + " has a piece outside its span";
      if (p.begin < last_end) return where + " has pieces out of order";
      last_end = p.end;
      all.push_back({p, i});
    }
    if (b.pieces.front().begin != b.span.begin || b.pieces.back().end != b.span.end)
      return where + " span does not match its pieces";
    if ((b.kind == BlockKind::kParagraph || b.kind == BlockKind::kSubParagraph) &&
        b.marking == MarkingStatus::kNotPortion)
      return where + " is a paragraph without a classification";
  }
  std::sort(all.begin(), all.end(),
            [](const Owned& a, const Owned& b) { return a.piece.begin < b.piece.begin; });
  auto blank_gap = [&](size_t from, size_t to) -> std::string {
    for (size_t i = from; i < to;) {
      size_t w = 1;
      if (!is_blank_at(t, i, &w)) {
        const Position pos = doc.source.position(static_cast<uint32_t>(i));
        return "byte at " + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
               " belongs to no block";
      }
      i += w;
    }
    return "";
  };
  size_t pos = 0;
  size_t prev_block = 0;
  for (const Owned& o : all) {
    if (o.piece.begin < pos)
      return "block #" + std::to_string(o.block) + " shares bytes with block #" +
             std::to_string(prev_block);
    if (std::string gap = blank_gap(pos, o.piece.begin); !gap.empty()) return gap;
    pos = o.piece.end;
    prev_block = o.block;
  }
  return blank_gap(pos, t.size());
}

}  // namespace declass::core::testing
