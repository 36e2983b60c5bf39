// Test images built in memory: plain pictures, and "photos" carrying every kind
// of identifying metadata a phone or camera writes, each marked with a unique
// needle string so a test can prove the needle is in the input (the test can
// fail) and absent from whatever the server stores or serves. Reusable by any
// test that must show media carries nothing identifying (seizure, disclosure).
//
// Header-only; uses libvips to encode the pixels, then splices the metadata in
// byte by byte so that what is in the file does not depend on libvips' writers.
#pragma once

#include <vips/vips.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/image_processor.h"

namespace publius::testing {

using media::ImageFormat;

// Needles. Each is ASCII that occurs nowhere else in a file.
inline constexpr std::string_view kGpsNeedle = "PUBLIUS-GPS-DATUM-52N13E";           // EXIF GPS IFD
inline constexpr std::string_view kCameraSerialNeedle = "PUBLIUS-SERIAL-0042-4242";  // EXIF
inline constexpr std::string_view kCameraModelNeedle = "PUBLIUS-CAMERA-MODEL-X1";    // EXIF IFD0
inline constexpr std::string_view kMakerNoteNeedle = "PUBLIUS-MAKERNOTE-BLOB";       // EXIF
inline constexpr std::string_view kThumbnailNeedle = "PUBLIUS-EMBEDDED-THUMB";  // EXIF IFD1 JPEG
inline constexpr std::string_view kXmpNeedle = "PUBLIUS-XMP-CREATOR-TOOL";
inline constexpr std::string_view kIptcNeedle = "PUBLIUS-IPTC-CAPTION";
inline constexpr std::string_view kIccNeedle = "PUBLIUS-ICC-PROFILE-COMMENT";
inline constexpr std::string_view kCommentNeedle = "PUBLIUS-FILE-COMMENT";  // JPEG COM, GIF
inline constexpr std::string_view kPngTextNeedle = "PUBLIUS-PNG-TEXT-CHUNK";
// Every needle; a file carries those of its format (metadata_needles()).
inline const std::vector<std::string_view>& all_needles() {
  static const std::vector<std::string_view> all = {
      kGpsNeedle, kCameraSerialNeedle, kCameraModelNeedle, kMakerNoteNeedle, kThumbnailNeedle,
      kXmpNeedle, kIptcNeedle,         kIccNeedle,         kCommentNeedle,   kPngTextNeedle};
  return all;
}

namespace image_detail {

inline void init_vips() {
  static const bool ready = vips_init("publius-tests") == 0;
  (void)ready;
}

inline void put16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}
inline void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void put32be(std::string& s, uint32_t v) {
  for (int i = 3; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void put16be(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xFF));
}

// One TIFF IFD entry: tag, type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL,
// 7 UNDEFINED), count and the value bytes (little-endian).
struct Entry {
  uint16_t tag, type;
  uint32_t count;
  std::string value;
};
inline Entry ascii(uint16_t tag, std::string_view text) {
  std::string v(text);
  v.push_back('\0');
  return {tag, 2, static_cast<uint32_t>(v.size()), v};
}
inline Entry long_value(uint16_t tag, uint32_t value) {
  std::string v;
  put32(v, value);
  return {tag, 4, 1, v};
}

inline size_t ifd_size(const std::vector<Entry>& entries) {
  size_t size = 2 + 12 * entries.size() + 4;
  for (const auto& e : entries)
    if (e.value.size() > 4) size += e.value.size() + (e.value.size() & 1);
  return size;
}

// The IFD at TIFF offset `at`, its out-of-line values right after it.
inline std::string ifd(const std::vector<Entry>& entries, uint32_t at, uint32_t next = 0) {
  std::string head, data;
  put16(head, static_cast<uint16_t>(entries.size()));
  uint32_t data_at = at + 2 + 12 * static_cast<uint32_t>(entries.size()) + 4;
  for (const auto& e : entries) {
    put16(head, e.tag);
    put16(head, e.type);
    put32(head, e.count);
    if (e.value.size() <= 4) {
      std::string inline_value = e.value;
      inline_value.resize(4, '\0');
      head += inline_value;
    } else {
      put32(head, data_at + static_cast<uint32_t>(data.size()));
      data += e.value;
      if (e.value.size() & 1) data.push_back('\0');
    }
  }
  put32(head, next);
  return head + data;
}

inline std::string encode_plain(ImageFormat format, int width, int height,
                                const char* extra_field = nullptr, std::string_view extra = {}) {
  init_vips();
  std::string pixels;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      pixels.push_back(static_cast<char>(x * 255 / std::max(1, width - 1)));
      pixels.push_back(static_cast<char>(y * 255 / std::max(1, height - 1)));
      pixels.push_back(static_cast<char>(x < width / 2 ? 200 : 40));
    }
  VipsImage* image = vips_image_new_from_memory_copy(pixels.data(), pixels.size(), width, height, 3,
                                                     VIPS_FORMAT_UCHAR);
  if (extra_field) vips_image_set_blob_copy(image, extra_field, extra.data(), extra.size());
  void* buf = nullptr;
  size_t len = 0;
  int failed = 0;
  const gboolean strip = extra_field ? FALSE : TRUE;
  switch (format) {
    case ImageFormat::kJpeg:
      failed = vips_jpegsave_buffer(image, &buf, &len, "strip", strip, nullptr);
      break;
    case ImageFormat::kPng:
      failed = vips_pngsave_buffer(image, &buf, &len, "strip", strip, nullptr);
      break;
    case ImageFormat::kWebp:
      failed = vips_webpsave_buffer(image, &buf, &len, "strip", strip, nullptr);
      break;
    case ImageFormat::kGif:
      failed = vips_gifsave_buffer(image, &buf, &len, "strip", strip, nullptr);
      break;
  }
  g_object_unref(image);
  if (failed) {
    vips_error_clear();
    return "";
  }
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

// A valid ICC profile (libvips' built-in sRGB) with kIccNeedle after its
// declared end, where colour management ignores it.
inline std::string icc_profile() {
  init_vips();
  VipsBlob* blob = nullptr;
  std::string out;
  if (vips_profile_load("srgb", &blob, nullptr) == 0) {
    size_t len = 0;
    const void* data = vips_blob_get(blob, &len);
    out.assign(static_cast<const char*>(data), len);
    vips_area_unref(VIPS_AREA(blob));
  }
  vips_error_clear();
  return out + std::string(kIccNeedle);
}

// A TIFF-structured EXIF block (no "Exif\0\0" prefix): camera model, orientation,
// serial number and maker note, GPS position, and an embedded JPEG thumbnail.
inline std::string exif_tiff(int orientation) {
  std::string thumbnail = encode_plain(ImageFormat::kJpeg, 8, 8);
  // A COM segment with a needle inside the thumbnail, right after its SOI.
  std::string com = "\xFF\xFE";
  put16be(com, static_cast<uint16_t>(kThumbnailNeedle.size() + 2));
  com += kThumbnailNeedle;
  thumbnail.insert(2, com);

  std::string orient;
  put16(orient, static_cast<uint16_t>(orientation));
  std::string rationals;
  for (uint32_t v : {52u, 31u, 0u}) {
    put32(rationals, v);
    put32(rationals, 1);
  }
  std::vector<Entry> exif_ifd = {
      ascii(0xA431, kCameraSerialNeedle),
      {0x927C, 7, static_cast<uint32_t>(kMakerNoteNeedle.size()), std::string(kMakerNoteNeedle)}};
  std::vector<Entry> gps_ifd = {{0x0000, 1, 4, std::string("\x02\x03\x00\x00", 4)},
                                ascii(0x0001, "N"),
                                {0x0002, 5, 3, rationals},
                                ascii(0x0012, kGpsNeedle)};
  std::vector<Entry> ifd0 = {ascii(0x010F, "PubliusCam"),
                             ascii(0x0110, kCameraModelNeedle),
                             {0x0112, 3, 1, orient},
                             long_value(0x8769, 0),
                             long_value(0x8825, 0)};
  std::vector<Entry> ifd1 = {long_value(0x0201, 0),
                             long_value(0x0202, static_cast<uint32_t>(thumbnail.size()))};
  const uint32_t at0 = 8;
  const uint32_t at_exif = at0 + static_cast<uint32_t>(ifd_size(ifd0));
  const uint32_t at_gps = at_exif + static_cast<uint32_t>(ifd_size(exif_ifd));
  const uint32_t at1 = at_gps + static_cast<uint32_t>(ifd_size(gps_ifd));
  const uint32_t at_thumb = at1 + static_cast<uint32_t>(ifd_size(ifd1));
  ifd0[3] = long_value(0x8769, at_exif);
  ifd0[4] = long_value(0x8825, at_gps);
  ifd1[0] = long_value(0x0201, at_thumb);
  std::string tiff = "II*";
  tiff.push_back('\0');
  put32(tiff, at0);
  tiff += ifd(ifd0, at0, at1);
  tiff += ifd(exif_ifd, at_exif);
  tiff += ifd(gps_ifd, at_gps);
  tiff += ifd(ifd1, at1);
  tiff += thumbnail;
  return tiff;
}

inline std::string xmp_packet() {
  return "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>"
         "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description "
         "xmlns:xmp='http://ns.adobe.com/xap/1.0/' xmp:CreatorTool='" +
         std::string(kXmpNeedle) + "'/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>";
}

inline std::string jpeg_segment(uint8_t marker, std::string_view payload) {
  std::string s = "\xFF";
  s.push_back(static_cast<char>(marker));
  put16be(s, static_cast<uint16_t>(payload.size() + 2));
  s += payload;
  return s;
}

inline uint32_t crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline std::string png_chunk(std::string_view type, std::string_view data) {
  std::string s;
  put32be(s, static_cast<uint32_t>(data.size()));
  std::string body = std::string(type) + std::string(data);
  s += body;
  put32be(s, crc32(body));
  return s;
}

inline std::string gif_sub_blocks(std::string_view data) {
  std::string s;
  while (!data.empty()) {
    const size_t n = std::min<size_t>(255, data.size());
    s.push_back(static_cast<char>(n));
    s += data.substr(0, n);
    data.remove_prefix(n);
  }
  s.push_back('\0');
  return s;
}

}  // namespace image_detail

// A plain picture (a colour gradient, no metadata), width x height.
inline std::string plain_image(ImageFormat format, int width = 64, int height = 48) {
  return image_detail::encode_plain(format, width, height);
}

// A "photo" in `format` carrying the metadata that format can hold, with the
// needles of metadata_needles(format) inside. `orientation` is the EXIF
// orientation tag (1 upright, 6 needs a 90 degree clockwise turn).
inline std::string photo_with_metadata(ImageFormat format, int width = 64, int height = 48,
                                       int orientation = 1) {
  using namespace image_detail;
  const std::string exif = exif_tiff(orientation);
  switch (format) {
    case ImageFormat::kJpeg: {
      std::string jpeg = encode_plain(format, width, height);
      std::string iptc_record = "\x1C\x02\x78";
      put16be(iptc_record, static_cast<uint16_t>(kIptcNeedle.size()));
      iptc_record += kIptcNeedle;
      if (iptc_record.size() & 1) iptc_record.push_back('\0');
      std::string photoshop = std::string("Photoshop 3.0\0", 14) + "8BIM";
      put16be(photoshop, 0x0404);
      photoshop += std::string("\0\0", 2);
      put32be(photoshop, static_cast<uint32_t>(iptc_record.size()));
      photoshop += iptc_record;
      const std::string segments =
          jpeg_segment(0xE1, std::string("Exif\0\0", 6) + exif) +
          jpeg_segment(0xE1, std::string("http://ns.adobe.com/xap/1.0/\0", 29) + xmp_packet()) +
          jpeg_segment(0xE2, std::string("ICC_PROFILE\0\x01\x01", 14) + icc_profile()) +
          jpeg_segment(0xED, photoshop) + jpeg_segment(0xFE, kCommentNeedle);
      jpeg.insert(2, segments);
      return jpeg;
    }
    case ImageFormat::kPng: {
      // libvips writes the ICC profile (compressed iCCP); the rest is spliced after IHDR.
      std::string png = encode_plain(format, width, height, "icc-profile-data", icc_profile());
      const std::string chunks =
          png_chunk("eXIf", exif) +
          png_chunk("tEXt", std::string("Comment\0", 8) + std::string(kPngTextNeedle)) +
          png_chunk("iTXt", std::string("XML:com.adobe.xmp\0\0\0\0\0", 22) + xmp_packet());
      png.insert(8 + 25, chunks);
      return png;
    }
    case ImageFormat::kWebp: {
      // libwebpmux (through libvips) writes EXIF, XMP and ICC chunks in their own places.
      init_vips();
      std::string pixels(static_cast<size_t>(width) * height * 3, '\x80');
      VipsImage* image = vips_image_new_from_memory_copy(pixels.data(), pixels.size(), width,
                                                         height, 3, VIPS_FORMAT_UCHAR);
      const std::string exif_block = std::string("Exif\0\0", 6) + exif;
      vips_image_set_blob_copy(image, "exif-data", exif_block.data(), exif_block.size());
      const std::string xmp = xmp_packet();
      vips_image_set_blob_copy(image, "xmp-data", xmp.data(), xmp.size());
      const std::string icc = icc_profile();
      vips_image_set_blob_copy(image, "icc-profile-data", icc.data(), icc.size());
      void* buf = nullptr;
      size_t len = 0;
      std::string out;
      if (vips_webpsave_buffer(image, &buf, &len, "strip", FALSE, nullptr) == 0) {
        out.assign(static_cast<const char*>(buf), len);
        g_free(buf);
      }
      vips_error_clear();
      g_object_unref(image);
      return out;
    }
    case ImageFormat::kGif: {
      std::string gif = encode_plain(format, width, height);
      if (gif.size() < 13) return gif;
      const auto packed = static_cast<unsigned char>(gif[10]);
      const size_t palette = (packed & 0x80) ? 3u << ((packed & 7) + 1) : 0;
      const std::string extensions = std::string("\x21\xFE", 2) + gif_sub_blocks(kCommentNeedle) +
                                     std::string("\x21\xFF\x0BXMP DataXMP", 14) +
                                     gif_sub_blocks(xmp_packet());
      gif.insert(13 + palette, extensions);
      return gif;
    }
  }
  return "";
}

// The needles photo_with_metadata(format) carries.
inline std::vector<std::string_view> metadata_needles(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return {kGpsNeedle,       kCameraSerialNeedle, kCameraModelNeedle,
              kMakerNoteNeedle, kThumbnailNeedle,    kXmpNeedle,
              kIptcNeedle,      kIccNeedle,          kCommentNeedle};
    case ImageFormat::kPng:
      return {kGpsNeedle,       kCameraSerialNeedle, kCameraModelNeedle, kMakerNoteNeedle,
              kThumbnailNeedle, kXmpNeedle,          kPngTextNeedle};
    case ImageFormat::kWebp:
      return {kGpsNeedle,       kCameraSerialNeedle, kCameraModelNeedle, kMakerNoteNeedle,
              kThumbnailNeedle, kXmpNeedle,          kIccNeedle};
    case ImageFormat::kGif:
      return {kCommentNeedle, kXmpNeedle};
  }
  return {};
}

// Whether `bytes` contains any of the needles; the first one found, or "".
inline std::string_view first_needle_in(std::string_view bytes) {
  for (auto needle : all_needles())
    if (bytes.find(needle) != std::string_view::npos) return needle;
  return "";
}

}  // namespace publius::testing
