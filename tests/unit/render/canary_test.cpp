// Canary leak test over the whole test corpus (tests/data/corpus, raw/ too)
// with the strict sample policy: a unique canary word is planted at the end of
// every paragraph, sub-paragraph and subject; the real `declass redact` runs
// over the planted cables; then, independently of declass's own verification,
// every output is searched for every canary by every means the issue names:
// raw bytes, decompressed streams (qpdf), ASCII / hex / UTF-16BE / glyph-id
// forms, pdftotext, and the logs. Canaries in released blocks must be found
// (proof that the search works); canaries in withheld material must not.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "declass/core/document.h"
#include "declass/policies/engine.h"
#include "test_support.h"

namespace declass::render {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run;

// "QZX" and five letters; a canary may contain "QZX" again (QZXAAQZX), so
// searches step over a whole canary.
std::string canary(size_t n) {
  std::string s = "QZX";
  for (int k = 0; k < 5; ++k) {
    s.insert(3, 1, static_cast<char>('A' + n % 26));
    n /= 26;
  }
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string hex(std::string_view bytes) {
  static const char* k = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    out += k[static_cast<unsigned char>(c) >> 4];
    out += k[static_cast<unsigned char>(c) & 15];
  }
  return out;
}

struct Planted {
  std::string word;
  std::string context;   // the source around it, for messages
  bool withheld = true;  // expected absent from every output
};

TEST(Canary, NoWithheldCanarySurvivesInAnyOutputByAnyMeans) {
  const std::string root = DECLASS_SOURCE_ROOT;
  const std::string data = DECLASS_TEST_DATA;
  const std::string policy_path = root + "/policy-samples/strict-prepublication.xml";
  testing::TempDir tmp;
  fs::create_directories(tmp.file("in"));
  const std::vector<std::string> inputs = testing::corpus_files();
  ASSERT_GE(inputs.size(), 700u);

  // Plant.
  size_t next = 0;
  std::map<std::string, std::string> planted_path;  // input -> planted copy
  for (const std::string& in : inputs) {
    auto r = core::read_file(in);
    if (!r.value) continue;
    const core::Document& doc = *r.value;
    std::string bytes = read_file(in);
    std::vector<uint64_t> at;  // original byte offsets where canaries go
    for (const core::Block& b : doc.blocks) {
      if (b.repeated || b.pieces.empty()) continue;
      if (b.kind != core::BlockKind::kParagraph && b.kind != core::BlockKind::kSubParagraph &&
          b.kind != core::BlockKind::kSubject)
        continue;
      at.push_back(doc.source.original_offset(b.pieces.back().end));
    }
    std::sort(at.rbegin(), at.rend());
    for (const uint64_t o : at) bytes.insert(static_cast<size_t>(o), " " + canary(next++));
    const std::string out = tmp.file("in/" + fs::path(in).parent_path().filename().string() + "-" +
                                     fs::path(in).filename().string());
    ASSERT_TRUE(testing::write_file(out, bytes));
    planted_path[in] = out;
  }
  ASSERT_GT(next, 5000u);

  // Release with the real binary, verification on.
  std::string files;
  for (const auto& [in, p] : planted_path) files += " " + p;
  int status = -1;
  const std::string log =
      run(std::string(DECLASS_BINARY) + " redact --policy " + policy_path +
              " --as-of 2024-05-01 --case-id F-2024-CANARY --reviewer CANARY -o " +
              tmp.file("out") + files + " 2>&1 >/dev/null",
          &status);
  ASSERT_EQ(status, 0) << log.substr(0, 4000);

  // Uncompressed copies and extracted text of every PDF, in one shell.
  run("cd " + tmp.file("out") +
      " && for f in *.pdf; do qpdf --qdf --object-streams=disable --stream-data=uncompress \"$f\" "
      "\"${f%.pdf}.qdf\";"
      " pdftotext -raw -enc UTF-8 \"$f\" \"${f%.pdf}.pdftxt\"; done 2>&1");

  // What each canary should be: withheld or released, from the decisions on the planted cable.
  auto policy = policies::load_policy(policy_path);
  ASSERT_TRUE(policy.value);
  policies::ReviewContext ctx;
  ctx.review_date = core::Date(2024, 5, 1);
  ctx.case_id = "F-2024-CANARY";
  ctx.reviewer = "CANARY";
  const std::string all_logs =
      lower(read_file(tmp.file("out/log.csv")) + read_file(tmp.file("out/log.jsonl")));
  // A ToUnicode entry: a one- or two-byte code and its UTF-16 text.
  const std::regex bfchar("<([0-9A-F]{2}|[0-9A-F]{4})> <([0-9A-F]{4})>");
  std::map<std::string, uint32_t> names;
  size_t withheld = 0;
  size_t released = 0;
  std::vector<std::string> failures;
  for (const auto& [in, p] : planted_path) {
    auto r = core::read_file(p);
    ASSERT_TRUE(r.value);
    const core::Document& doc = *r.value;
    const core::Decisions d = policies::decide(**policy.value, doc, ctx);
    std::vector<Planted> canaries;
    const std::string_view text = doc.source.text();
    for (size_t at = text.find("QZX"); at != std::string_view::npos;
         at = text.find("QZX", at + 8)) {
      Planted c;
      c.word = std::string(text.substr(at, 8));
      c.context = std::string(text.substr(at >= 20 ? at - 20 : 0, 40));
      const int32_t b = doc.block_at(static_cast<uint32_t>(at));
      bool shown = b >= 0 && static_cast<size_t>(b) < d.blocks.size() &&
                   d.disposition != core::DocumentDisposition::kDeniedInFull &&
                   (d.blocks[static_cast<size_t>(b)].action == core::Action::kRelease ||
                    d.blocks[static_cast<size_t>(b)].action == core::Action::kRedact);
      if (shown)
        for (const core::Redaction& red : d.blocks[static_cast<size_t>(b)].redactions)
          if (red.span.begin < at + 8 && red.span.end > at) shown = false;
      c.withheld = !shown;
      canaries.push_back(c);
    }
    // Output names as redact makes them.
    std::string base = doc.id;
    const uint32_t n = ++names[lower(base)];
    if (n > 1) base += "~" + std::to_string(n);
    const std::string txt = lower(read_file(tmp.file("out/" + base + ".txt")));
    const std::string pdf = read_file(tmp.file("out/" + base + ".pdf"));
    const std::string qdf = read_file(tmp.file("out/" + base + ".qdf"));
    const std::string extracted = lower(read_file(tmp.file("out/" + base + ".pdftxt")));
    if (txt.empty() || pdf.empty() || qdf.empty()) {
      failures.push_back(p + ": missing outputs");
      continue;
    }
    // The font's code for each character, from its ToUnicode map.
    std::map<char, std::string> code;
    for (std::sregex_iterator it(qdf.begin(), qdf.end(), bfchar), end; it != end; ++it) {
      const unsigned long u = std::stoul((*it)[2].str(), nullptr, 16);
      if (u < 128) code[static_cast<char>(u)] = (*it)[1].str();
    }
    const std::string qdf_upper = [&] {
      std::string s = qdf;
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return s;
    }();
    for (const Planted& c : canaries) {
      std::string glyphs;
      std::string utf16;
      std::string glyph_bytes;  // the same codes as a binary literal string writes them
      for (const char ch : c.word) {
        glyphs += code.count(ch) ? code[ch] : "????";
        utf16 += "00" + hex(std::string(1, ch));
        const bool one_byte = code.count(ch) && code[ch].size() == 2;
        const unsigned long g = code.count(ch) ? std::stoul(code[ch], nullptr, 16) : 0xFFFFu;
        const std::array<unsigned char, 2> code_bytes = {static_cast<unsigned char>(g >> 8),
                                                         static_cast<unsigned char>(g & 0xFF)};
        for (size_t k = one_byte ? 1 : 0; k < 2; ++k) {
          const unsigned char b = code_bytes[k];
          if (b == '(' || b == ')' || b == '\\') glyph_bytes += '\\';
          if (b == '\r')
            glyph_bytes += "\\r";
          else if (b == '\n')
            glyph_bytes += "\\n";
          else
            glyph_bytes += static_cast<char>(b);
        }
      }
      const std::string w = lower(c.word);
      const bool in_text = txt.find(w) != std::string::npos;
      const bool in_raw = lower(pdf).find(w) != std::string::npos;
      const bool in_qdf = lower(qdf).find(w) != std::string::npos;
      const bool in_hex = qdf_upper.find(hex(c.word)) != std::string::npos;
      const bool in_utf16 = qdf_upper.find(utf16) != std::string::npos;
      const bool in_glyphs =
          qdf_upper.find(glyphs) != std::string::npos || qdf.find(glyph_bytes) != std::string::npos;
      const bool in_extracted = extracted.find(w) != std::string::npos;
      const bool in_logs = all_logs.find(w) != std::string::npos;
      if (c.withheld) {
        ++withheld;
        if (in_text || in_raw || in_qdf || in_hex || in_utf16 || in_glyphs || in_extracted ||
            in_logs)
          failures.push_back(
              p + ": withheld canary " + c.word + " found (text " + std::to_string(in_text) +
              " raw " + std::to_string(in_raw) + " streams " + std::to_string(in_qdf) + " hex " +
              std::to_string(in_hex) + " utf16 " + std::to_string(in_utf16) + " glyphs " +
              std::to_string(in_glyphs) + " pdftotext " + std::to_string(in_extracted) + " logs " +
              std::to_string(in_logs) + ")");
      } else {
        ++released;
        // The search must be able to see a canary that is released.
        if (!in_text || !in_glyphs || !in_extracted)
          failures.push_back(p + ": released canary " + c.word + " [" + c.context +
                             "] not found (text " + std::to_string(in_text) + " glyphs " +
                             std::to_string(in_glyphs) + " pdftotext " +
                             std::to_string(in_extracted) + ")");
      }
    }
  }
  for (size_t i = 0; i < failures.size() && i < 40; ++i) ADD_FAILURE() << failures[i];
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures";
  EXPECT_GT(withheld, 4000u);
  EXPECT_GT(released, 50u);
  std::cout << "[ canaries ] " << withheld << " withheld, none found; " << released
            << " released, all found\n";
}

}  // namespace
}  // namespace declass::render
