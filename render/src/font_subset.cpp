#include "font_subset.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace declass::render::detail {

namespace {

uint16_t u16(std::string_view s, size_t at) {
  if (at + 2 > s.size()) return 0;
  return static_cast<uint16_t>((static_cast<unsigned char>(s[at]) << 8) |
                               static_cast<unsigned char>(s[at + 1]));
}
int16_t i16(std::string_view s, size_t at) {
  return static_cast<int16_t>(u16(s, at));
}
uint32_t u32(std::string_view s, size_t at) {
  return (static_cast<uint32_t>(u16(s, at)) << 16) | u16(s, at + 2);
}
void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v & 0xFF);
}
void put32(std::string& s, uint32_t v) {
  put16(s, static_cast<uint16_t>(v >> 16));
  put16(s, static_cast<uint16_t>(v & 0xFFFF));
}
void set16(std::string& s, size_t at, uint16_t v) {
  s[at] = static_cast<char>(v >> 8);
  s[at + 1] = static_cast<char>(v & 0xFF);
}
void set32(std::string& s, size_t at, uint32_t v) {
  set16(s, at, static_cast<uint16_t>(v >> 16));
  set16(s, at + 2, static_cast<uint16_t>(v & 0xFFFF));
}
uint32_t checksum(std::string_view s) {
  uint32_t sum = 0;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k)
      v = (v << 8) | (i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u);
    sum += v;
  }
  return sum;
}

// Composite glyph flags (TrueType 'glyf').
constexpr uint16_t kArgsAreWords = 0x0001;
constexpr uint16_t kHaveScale = 0x0008;
constexpr uint16_t kMoreComponents = 0x0020;
constexpr uint16_t kHaveXYScale = 0x0040;
constexpr uint16_t kHaveTwoByTwo = 0x0080;

// Calls f(offset of the component's glyph index) for each component of a
// composite glyph; false if the data is cut short.
template <class F>
bool for_each_component(std::string_view g, F f) {
  size_t at = 10;
  while (true) {
    if (at + 4 > g.size()) return false;
    const uint16_t flags = u16(g, at);
    f(at + 2);
    at += 4;
    at += (flags & kArgsAreWords) ? 4 : 2;
    if (flags & kHaveScale)
      at += 2;
    else if (flags & kHaveXYScale)
      at += 4;
    else if (flags & kHaveTwoByTwo)
      at += 8;
    if (!(flags & kMoreComponents)) return at <= g.size();
  }
}

}  // namespace

std::optional<TrueTypeFont> TrueTypeFont::parse(std::string bytes, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<TrueTypeFont> {
    if (error) *error = why;
    return std::nullopt;
  };
  TrueTypeFont f;
  f.bytes_ = std::move(bytes);
  const std::string_view b = f.bytes_;
  if (b.size() < 12 || (u32(b, 0) != 0x00010000 && u32(b, 0) != 0x74727565))
    return fail("not a TrueType font");
  const uint16_t n = u16(b, 4);
  if (12 + 16u * n > b.size()) return fail("truncated table directory");
  for (uint16_t i = 0; i < n; ++i) {
    const size_t e = 12 + 16u * i;
    Table t{u32(b, e + 8), u32(b, e + 12)};
    if (static_cast<uint64_t>(t.offset) + t.length > b.size())
      return fail("table outside the file");
    f.tables_.emplace_back(std::string(b.substr(e, 4)), t);
  }
  const std::string_view head = f.table("head");
  const std::string_view hhea = f.table("hhea");
  const std::string_view maxp = f.table("maxp");
  const std::string_view hmtx = f.table("hmtx");
  const std::string_view loca = f.table("loca");
  const std::string_view glyf = f.table("glyf");
  const std::string_view cmap = f.table("cmap");
  if (head.size() < 54 || hhea.size() < 36 || maxp.size() < 6 || glyf.empty() || loca.empty() ||
      cmap.size() < 4)
    return fail("missing or short head, hhea, maxp, loca, glyf or cmap table");
  f.units_per_em_ = std::max<uint16_t>(u16(head, 18), 16);
  for (int k = 0; k < 4; ++k) f.bbox_[k] = i16(head, 36 + 2 * static_cast<size_t>(k));
  const int16_t loc_format = i16(head, 50);
  f.ascent_ = i16(hhea, 4);
  f.descent_ = i16(hhea, 6);
  const uint16_t hmetrics = u16(hhea, 34);
  f.num_glyphs_ = u16(maxp, 4);
  if (f.num_glyphs_ == 0 || hmetrics == 0 || hmetrics > f.num_glyphs_)
    return fail("bad glyph counts");
  f.loca_.resize(f.num_glyphs_ + 1u);
  for (size_t g = 0; g <= f.num_glyphs_; ++g) {
    f.loca_[g] = loc_format == 0 ? 2u * u16(loca, 2 * g) : u32(loca, 4 * g);
    if (f.loca_[g] > glyf.size() || (g > 0 && f.loca_[g] < f.loca_[g - 1]))
      return fail("bad loca table");
  }
  if (hmtx.size() < 4u * hmetrics + 2u * (f.num_glyphs_ - hmetrics))
    return fail("short hmtx table");
  f.advance_.resize(f.num_glyphs_);
  f.lsb_.resize(f.num_glyphs_);
  for (size_t g = 0; g < f.num_glyphs_; ++g) {
    if (g < hmetrics) {
      f.advance_[g] = u16(hmtx, 4 * g);
      f.lsb_[g] = i16(hmtx, 4 * g + 2);
    } else {
      f.advance_[g] = f.advance_[hmetrics - 1u];
      f.lsb_[g] = i16(hmtx, 4u * hmetrics + 2 * (g - hmetrics));
    }
  }
  // cmap: prefer the full-repertoire (3,10) format 12 table, else (3,1) format 4.
  f.bmp_.assign(0x10000, 0);
  const uint16_t subtables = u16(cmap, 2);
  size_t fmt4 = 0;
  size_t fmt12 = 0;
  for (uint16_t i = 0; i < subtables; ++i) {
    const uint16_t pid = u16(cmap, 4 + 8u * i);
    const uint16_t eid = u16(cmap, 6 + 8u * i);
    const uint32_t off = u32(cmap, 8 + 8u * i);
    if (off + 4 > cmap.size()) continue;
    const uint16_t format = u16(cmap, off);
    if (format == 12 && ((pid == 3 && eid == 10) || pid == 0)) fmt12 = off;
    if (format == 4 && ((pid == 3 && eid == 1) || pid == 0)) fmt4 = off;
  }
  if (fmt12 != 0) {
    const uint32_t groups = u32(cmap, fmt12 + 12);
    if (fmt12 + 16 + 12ull * groups > cmap.size()) return fail("short cmap format 12");
    for (uint32_t i = 0; i < groups; ++i) {
      const size_t e = fmt12 + 16 + 12ull * i;
      const uint32_t start = u32(cmap, e);
      const uint32_t end = u32(cmap, e + 4);
      const uint32_t gid = u32(cmap, e + 8);
      for (uint32_t cp = start; cp <= end && cp <= 0x10FFFF && cp - start < 0x10000; ++cp) {
        const uint32_t g = gid + (cp - start);
        if (g >= f.num_glyphs_) continue;
        if (cp < 0x10000)
          f.bmp_[cp] = static_cast<uint16_t>(g);
        else
          f.astral_.emplace_back(static_cast<char32_t>(cp), static_cast<uint16_t>(g));
      }
    }
    std::sort(f.astral_.begin(), f.astral_.end());
  } else if (fmt4 != 0) {
    const uint16_t segs = u16(cmap, fmt4 + 6) / 2;
    const size_t ends = fmt4 + 14;
    const size_t starts = ends + 2u * segs + 2;
    const size_t deltas = starts + 2u * segs;
    const size_t ranges = deltas + 2u * segs;
    if (ranges + 2u * segs > cmap.size()) return fail("short cmap format 4");
    for (uint16_t s = 0; s < segs; ++s) {
      const uint16_t end = u16(cmap, ends + 2u * s);
      const uint16_t start = u16(cmap, starts + 2u * s);
      const uint16_t delta = u16(cmap, deltas + 2u * s);
      const uint16_t range = u16(cmap, ranges + 2u * s);
      for (uint32_t cp = start; cp <= end && cp != 0xFFFF; ++cp) {
        uint16_t g = 0;
        if (range == 0) {
          g = static_cast<uint16_t>(cp + delta);
        } else {
          const size_t at = ranges + 2u * s + range + 2u * (cp - start);
          g = u16(cmap, at);
          if (g != 0) g = static_cast<uint16_t>(g + delta);
        }
        if (g < f.num_glyphs_) f.bmp_[cp] = g;
      }
    }
  } else {
    return fail("no Unicode cmap");
  }
  // Cap height from the glyph 'H' when OS/2 does not give it.
  const std::string_view h = f.glyph_data(f.glyph(U'H'));
  f.cap_height_ = h.size() >= 10 ? i16(h, 8) : f.ascent_;
  return f;
}

std::string_view TrueTypeFont::table(const char* tag) const {
  for (const auto& [name, t] : tables_)
    if (name == tag) return std::string_view(bytes_).substr(t.offset, t.length);
  return {};
}

std::string_view TrueTypeFont::glyph_data(uint16_t gid) const {
  if (gid >= num_glyphs_) return {};
  return table("glyf").substr(loca_[gid], loca_[gid + 1u] - loca_[gid]);
}

uint16_t TrueTypeFont::glyph(char32_t cp) const {
  if (cp < 0x10000) return bmp_[cp];
  auto it = std::lower_bound(astral_.begin(), astral_.end(), std::make_pair(cp, uint16_t{0}));
  return it != astral_.end() && it->first == cp ? it->second : 0;
}

uint16_t TrueTypeFont::advance(uint16_t gid) const {
  return gid < num_glyphs_ ? advance_[gid] : 0;
}

std::string TrueTypeFont::subset(const std::vector<uint16_t>& glyphs,
                                 std::vector<uint16_t>* new_ids) const {
  // Closure over composite components.
  std::vector<bool> used(num_glyphs_, false);
  std::vector<uint16_t> stack(glyphs.begin(), glyphs.end());
  stack.push_back(0);
  while (!stack.empty()) {
    const uint16_t g = stack.back();
    stack.pop_back();
    if (g >= num_glyphs_ || used[g]) continue;
    used[g] = true;
    const std::string_view d = glyph_data(g);
    if (d.size() >= 10 && i16(d, 0) < 0)
      for_each_component(d, [&](size_t at) { stack.push_back(u16(d, at)); });
  }
  std::vector<uint16_t> remap(num_glyphs_, 0);
  std::vector<uint16_t> order;
  for (uint16_t g = 0; g < num_glyphs_; ++g)
    if (used[g]) {
      remap[g] = static_cast<uint16_t>(order.size());
      order.push_back(g);
    }
  if (new_ids) {
    new_ids->clear();
    for (const uint16_t g : glyphs) new_ids->push_back(g < num_glyphs_ ? remap[g] : 0);
  }
  const auto count = static_cast<uint16_t>(order.size());

  std::string glyf;
  std::string loca;
  for (const uint16_t g : order) {
    put32(loca, static_cast<uint32_t>(glyf.size()));
    std::string d(glyph_data(g));
    if (d.size() >= 10 && i16(d, 0) < 0)
      for_each_component(d, [&](size_t at) {
        const uint16_t old = u16(d, at);
        set16(d, at, old < num_glyphs_ ? remap[old] : 0);
      });
    glyf += d;
    while (glyf.size() % 4) glyf += '\0';
  }
  put32(loca, static_cast<uint32_t>(glyf.size()));

  std::string hmtx;
  for (const uint16_t g : order) {
    put16(hmtx, advance_[g]);
    put16(hmtx, static_cast<uint16_t>(lsb_[g]));
  }
  std::string head(table("head"));
  set32(head, 8, 0);   // checkSumAdjustment, set below
  set16(head, 50, 1);  // long loca offsets
  std::string hhea(table("hhea"));
  set16(hhea, 34, count);  // numberOfHMetrics: one per glyph
  std::string maxp(table("maxp"));
  set16(maxp, 4, count);
  // post format 3: no glyph names (they would only repeat the cmap).
  std::string post(table("post").substr(0, 32));
  if (post.size() == 32) {
    set32(post, 0, 0x00030000);
  } else {
    post.assign(32, '\0');
    set32(post, 0, 0x00030000);
  }
  // A (3,1) format 4 cmap for the BMP characters of the subset: viewers that
  // ignore CIDToGIDMap still find the glyphs.
  std::map<uint16_t, uint16_t> cmap_pairs;  // ordered: deterministic
  for (uint32_t cp = 0; cp < 0xFFFF; ++cp)
    if (bmp_[cp] != 0 && used[bmp_[cp]])
      cmap_pairs.emplace(static_cast<uint16_t>(cp), remap[bmp_[cp]]);
  std::string cmap;
  {
    std::vector<std::pair<uint16_t, uint16_t>> pairs(cmap_pairs.begin(), cmap_pairs.end());
    // One segment per code point keeps the table trivially correct; subsets are small.
    const auto segs = static_cast<uint16_t>(pairs.size() + 1);
    std::string sub;
    put16(sub, 4);
    put16(sub, 0);  // length, set below
    put16(sub, 0);  // language
    put16(sub, static_cast<uint16_t>(segs * 2));
    uint16_t sr = 1;
    uint16_t es = 0;
    while (sr * 2 <= segs) {
      sr = static_cast<uint16_t>(sr * 2);
      ++es;
    }
    put16(sub, static_cast<uint16_t>(sr * 2));
    put16(sub, es);
    put16(sub, static_cast<uint16_t>(segs * 2 - sr * 2));
    for (const auto& p : pairs) put16(sub, p.first);
    put16(sub, 0xFFFF);
    put16(sub, 0);  // reservedPad
    for (const auto& p : pairs) put16(sub, p.first);
    put16(sub, 0xFFFF);
    for (const auto& p : pairs) put16(sub, static_cast<uint16_t>(p.second - p.first));
    put16(sub, 1);
    for (size_t k = 0; k < segs; ++k) put16(sub, 0);
    set16(sub, 2, static_cast<uint16_t>(sub.size()));
    put16(cmap, 0);
    put16(cmap, 1);
    put16(cmap, 3);
    put16(cmap, 1);
    put32(cmap, 12);
    cmap += sub;
  }

  std::vector<std::pair<std::string, std::string>> out_tables;
  auto keep = [&](const char* tag) {
    const std::string_view t = table(tag);
    if (!t.empty()) out_tables.emplace_back(tag, std::string(t));
  };
  out_tables.emplace_back("OS/2", std::string(table("OS/2")));
  out_tables.emplace_back("cmap", cmap);
  keep("cvt ");
  keep("fpgm");
  out_tables.emplace_back("glyf", glyf);
  out_tables.emplace_back("head", head);
  out_tables.emplace_back("hhea", hhea);
  out_tables.emplace_back("hmtx", hmtx);
  out_tables.emplace_back("loca", loca);
  out_tables.emplace_back("maxp", maxp);
  out_tables.emplace_back("post", post);
  keep("prep");
  out_tables.erase(std::remove_if(out_tables.begin(), out_tables.end(),
                                  [](const auto& t) { return t.second.empty(); }),
                   out_tables.end());
  std::sort(out_tables.begin(), out_tables.end());

  const auto n = static_cast<uint16_t>(out_tables.size());
  std::string font;
  put32(font, 0x00010000);
  put16(font, n);
  uint16_t sr = 1;
  uint16_t es = 0;
  while (sr * 2 <= n) {
    sr = static_cast<uint16_t>(sr * 2);
    ++es;
  }
  put16(font, static_cast<uint16_t>(sr * 16));
  put16(font, es);
  put16(font, static_cast<uint16_t>(n * 16 - sr * 16));
  uint32_t offset = 12 + 16u * n;
  size_t head_at = 0;
  for (const auto& [tag, data] : out_tables) {
    font += tag;
    put32(font, checksum(data));
    put32(font, offset);
    put32(font, static_cast<uint32_t>(data.size()));
    if (tag == "head") head_at = offset;
    offset += static_cast<uint32_t>((data.size() + 3) / 4 * 4);
  }
  for (const auto& t : out_tables) {
    font += t.second;
    while (font.size() % 4) font += '\0';
  }
  set32(font, head_at + 8, 0xB1B0AFBAu - checksum(font));
  return font;
}

}  // namespace declass::render::detail
