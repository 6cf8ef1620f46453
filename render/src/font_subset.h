// A TrueType font read once, and subsets of it for embedding (FontFile2):
// only the glyphs a release draws, renumbered 0..n-1, composite glyphs
// included, with the tables a PDF viewer needs and nothing else (no name
// table, no kerning or layout tables).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace declass::render::detail {

class TrueTypeFont {
 public:
  /// Parses `bytes` (a glyf-based TrueType font). Nothing on malformed input,
  /// with `error` set.
  static std::optional<TrueTypeFont> parse(std::string bytes, std::string* error);

  /// Glyph of code point `cp`, 0 (.notdef) if the font has none.
  uint16_t glyph(char32_t cp) const;
  uint16_t units_per_em() const { return units_per_em_; }
  /// Advance width of glyph `gid` in font units.
  uint16_t advance(uint16_t gid) const;
  int16_t ascent() const { return ascent_; }
  int16_t descent() const { return descent_; }
  int16_t cap_height() const { return cap_height_; }
  const int16_t* bbox() const { return bbox_; }

  /// A font holding `glyphs` (old ids; .notdef is always added), renumbered in
  /// ascending old-id order, plus every component of a composite glyph.
  /// `new_ids` receives, for each entry of `glyphs`, its id in the subset.
  std::string subset(const std::vector<uint16_t>& glyphs, std::vector<uint16_t>* new_ids) const;

 private:
  struct Table {
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  std::string_view table(const char* tag) const;
  std::string_view glyph_data(uint16_t gid) const;

  std::string bytes_;
  std::vector<std::pair<std::string, Table>> tables_;
  std::vector<uint32_t> loca_;                         // numGlyphs + 1 offsets into glyf
  std::vector<uint16_t> advance_;                      // per glyph
  std::vector<int16_t> lsb_;                           // per glyph
  std::vector<uint16_t> bmp_;                          // code point -> glyph, U+0000..U+FFFF
  std::vector<std::pair<char32_t, uint16_t>> astral_;  // sorted, beyond the BMP
  uint16_t num_glyphs_ = 0;
  uint16_t units_per_em_ = 1000;
  int16_t ascent_ = 0;
  int16_t descent_ = 0;
  int16_t cap_height_ = 0;
  int16_t bbox_[4] = {0, 0, 0, 0};
};

}  // namespace declass::render::detail
