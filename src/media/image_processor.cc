#include "media/image_processor.h"

#include <vips/vips.h>

#include <memory>
#include <mutex>

#include "media/blurhash.h"

namespace publius::media {
namespace {

struct ObjectUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, ObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};

constexpr std::string_view kUndecodable = "The file could not be read as an image";

Status vips_ready() {
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] {
    if (vips_init("publius") != 0) return;
    // Decoder warnings can quote bytes of the upload (text chunks, EXIF values):
    // client data stays out of the server's log (shield rule).
    g_log_set_handler(
        "VIPS",
        static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                                    G_LOG_LEVEL_DEBUG),
        [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {}, nullptr);
    // No decoded image may outlive the request that uploaded it, and the
    // cache would keep references to the uploaded bytes.
    vips_cache_set_max(0);
    // Loaders libvips itself marks untrusted (ImageMagick, PDF, ...) stay off.
    vips_block_untrusted_set(TRUE);
    vips_concurrency_set(1);
    ready = true;
  });
  if (!ready) return internal_error("the image library could not start");
  return ok_status();
}

// Drops libvips' per-call error text: it names nothing of the client's, but
// the client gets a fixed message and the log nothing.
template <typename T>
T forget_vips_error(T error) {
  vips_error_clear();
  return error;
}

struct FormatNames {
  std::string_view loader;  // the libvips loader that must accept the bytes
  std::string_view extension;
};

FormatNames names_of(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return {"VipsForeignLoadJpegBuffer", "jpg"};
    case ImageFormat::kPng:
      return {"VipsForeignLoadPngBuffer", "png"};
    case ImageFormat::kWebp:
      return {"VipsForeignLoadWebpBuffer", "webp"};
    case ImageFormat::kGif:
      return {"VipsForeignLoadNsgifBuffer", "gif"};
  }
  return {};
}

// 8-bit sRGB pixels copied into a brand-new image: whatever metadata the
// decoder attached (EXIF, XMP, IPTC, ICC, comments, text chunks) stays behind
// on `decoded`, so the encoder cannot write it even if an option is ignored.
Result<Image> pixels_only(VipsImage* decoded) {
  VipsImage* out = nullptr;
  if (vips_colourspace(decoded, &out, VIPS_INTERPRETATION_sRGB, nullptr) != 0)
    return forget_vips_error(internal_error("colour conversion failed"));
  Image srgb(out);
  if (srgb->BandFmt != VIPS_FORMAT_UCHAR) {
    if (vips_cast_uchar(srgb.get(), &out, nullptr) != 0)
      return forget_vips_error(internal_error("pixel conversion failed"));
    srgb.reset(out);
  }
  size_t size = 0;
  std::unique_ptr<void, GFree> pixels(vips_image_write_to_memory(srgb.get(), &size));
  if (!pixels) return forget_vips_error(unprocessable(std::string(kUndecodable)));
  VipsImage* fresh = vips_image_new_from_memory_copy(pixels.get(), size, srgb->Xsize, srgb->Ysize,
                                                     srgb->Bands, VIPS_FORMAT_UCHAR);
  if (!fresh) return forget_vips_error(internal_error("pixel copy failed"));
  Image fresh_image(fresh);
  if (vips_copy(fresh_image.get(), &out, "interpretation", VIPS_INTERPRETATION_sRGB, nullptr) != 0)
    return forget_vips_error(internal_error("pixel copy failed"));
  return Image(out);
}

Result<Image> flatten_alpha(VipsImage* image) {
  VipsImage* out = nullptr;
  if (image->Bands == 4 || image->Bands == 2) {
    VipsArrayDouble* white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    const int failed = vips_flatten(image, &out, "background", white, nullptr);
    vips_area_unref(VIPS_AREA(white));
    if (failed) return forget_vips_error(internal_error("flattening failed"));
  } else if (vips_copy(image, &out, nullptr) != 0) {
    return forget_vips_error(internal_error("copy failed"));
  }
  return Image(out);
}

uint32_t read_le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}

void write_le32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// libvips 8.14's WebP writer adds an EXIF chunk (orientation, resolution,
// dimensions) even with strip set; this drops the EXIF, XMP and ICC chunks of
// a WebP file and their flags in the VP8X header, keeping the image chunks.
Result<std::string> without_webp_metadata(std::string_view webp) {
  if (webp.size() < 12 || webp.substr(0, 4) != "RIFF" || webp.substr(8, 4) != "WEBP")
    return internal_error("image encoding failed");
  std::string out(webp.substr(0, 12));
  size_t at = 12;
  while (at + 8 <= webp.size()) {
    const std::string_view tag = webp.substr(at, 4);
    const size_t size = read_le32(webp, at + 4);
    const size_t padded = 8 + size + (size & 1);
    if (at + padded > webp.size()) return internal_error("image encoding failed");
    if (tag != "EXIF" && tag != "XMP " && tag != "ICCP") {
      std::string chunk(webp.substr(at, padded));
      // VP8X flags: ICC 0x20, EXIF 0x08, XMP 0x04.
      if (tag == "VP8X" && chunk.size() > 8) chunk[8] = static_cast<char>(chunk[8] & ~0x2C);
      out += chunk;
    }
    at += padded;
  }
  write_le32(out, 4, static_cast<uint32_t>(out.size() - 8));
  return out;
}

Result<EncodedImage> encode(VipsImage* image, ImageFormat format) {
  void* buffer = nullptr;
  size_t length = 0;
  int failed = 0;
  switch (format) {
    case ImageFormat::kJpeg: {
      PUBLIUS_ASSIGN_OR_RETURN(auto opaque, flatten_alpha(image));
      failed = vips_jpegsave_buffer(opaque.get(), &buffer, &length, "Q", 85, "strip", TRUE,
                                    "optimize_coding", TRUE, nullptr);
      break;
    }
    case ImageFormat::kPng:
    case ImageFormat::kGif:
      failed =
          vips_pngsave_buffer(image, &buffer, &length, "strip", TRUE, "compression", 6, nullptr);
      break;
    case ImageFormat::kWebp:
      failed = vips_webpsave_buffer(image, &buffer, &length, "Q", 85, "strip", TRUE, nullptr);
      break;
  }
  if (failed) return forget_vips_error(internal_error("image encoding failed"));
  std::unique_ptr<void, GFree> owned(buffer);
  EncodedImage encoded{std::string(static_cast<const char*>(buffer), length), image->Xsize,
                       image->Ysize};
  if (format == ImageFormat::kWebp) {
    PUBLIUS_ASSIGN_OR_RETURN(encoded.bytes, without_webp_metadata(encoded.bytes));
  }
  return encoded;
}

Result<Image> fit_within(VipsImage* image, int side) {
  VipsImage* out = nullptr;
  if (vips_thumbnail_image(image, &out, side, "height", side, "size", VIPS_SIZE_DOWN, nullptr) != 0)
    return forget_vips_error(internal_error("scaling failed"));
  return Image(out);
}

Result<std::string> blurhash_of(VipsImage* image) {
  PUBLIUS_ASSIGN_OR_RETURN(auto tiny, fit_within(image, 32));
  PUBLIUS_ASSIGN_OR_RETURN(auto opaque, flatten_alpha(tiny.get()));
  size_t size = 0;
  std::unique_ptr<void, GFree> pixels(vips_image_write_to_memory(opaque.get(), &size));
  if (!pixels || opaque->Bands != 3) return forget_vips_error(internal_error("blurhash failed"));
  return blurhash_encode(std::string_view(static_cast<const char*>(pixels.get()), size),
                         opaque->Xsize, opaque->Ysize);
}

// The format of an upload fit to decode: within the size limits, of a known
// signature that libvips' own loader agrees with, and not a decompression bomb
// by its header.
Result<ImageFormat> decodable_format(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return unprocessable("The file is empty");
  if (bytes.size() > limits.max_bytes) {
    return unprocessable("The file is larger than " +
                         std::to_string(limits.max_bytes / (1024 * 1024)) + " MB");
  }
  const auto input_format = sniff_image_format(bytes);
  if (!input_format)
    return unprocessable("Unsupported file type: only JPEG, PNG, WebP and GIF images are accepted");
  PUBLIUS_TRY(vips_ready());
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (!loader || names_of(*input_format).loader != loader)
    return forget_vips_error(unprocessable(std::string(kUndecodable)));

  // The header alone: decoders read dimensions without touching pixel data.
  VipsImage* header = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access",
                                                 VIPS_ACCESS_SEQUENTIAL, nullptr);
  if (!header) return forget_vips_error(unprocessable(std::string(kUndecodable)));
  Image owned(header);
  const int64_t width = header->Xsize, height = header->Ysize;
  if (width > limits.max_side || height > limits.max_side || width * height > limits.max_pixels) {
    return unprocessable("The image is too large: at most " +
                         std::to_string(limits.max_pixels / 1'000'000) + " megapixels and " +
                         std::to_string(limits.max_side) + " pixels a side");
  }
  return *input_format;
}

// GIF is kept as a PNG still of its first frame.
ImageFormat output_format(ImageFormat input) {
  return input == ImageFormat::kGif ? ImageFormat::kPng : input;
}

// Decodes (the first frame of an animation), turns upright by the EXIF
// orientation, converts to sRGB and scales to `width` x `height` in one
// streaming pass (`crop`: cut to that aspect around the image's `crop` point
// first; `size`: whether it may be enlarged), then keeps the pixels alone. A
// truncated or corrupt file fails instead of showing grey.
Result<Image> decode_clean(std::string_view bytes, int width, int height, VipsInteresting crop,
                           VipsSize size) {
  VipsImage* decoded = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &decoded, width,
                            "height", height, "crop", crop, "size", size, "export_profile", "srgb",
                            "option_string", "fail_on=error", nullptr) != 0)
    return forget_vips_error(unprocessable(std::string(kUndecodable)));
  Image decoded_image(decoded);
  return pixels_only(decoded_image.get());
}

}  // namespace

std::optional<ImageFormat> sniff_image_format(std::string_view b) {
  if (b.size() >= 3 && b.substr(0, 3) == "\xFF\xD8\xFF") return ImageFormat::kJpeg;
  if (b.size() >= 8 && b.substr(0, 8) == "\x89PNG\r\n\x1A\n") return ImageFormat::kPng;
  if (b.size() >= 6 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a"))
    return ImageFormat::kGif;
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP")
    return ImageFormat::kWebp;
  return std::nullopt;
}

std::string_view file_extension(ImageFormat format) { return names_of(format).extension; }

Result<ProcessedImage> process_image(std::string_view bytes, const ImageLimits& limits) {
  PUBLIUS_ASSIGN_OR_RETURN(const ImageFormat input_format, decodable_format(bytes, limits));
  PUBLIUS_ASSIGN_OR_RETURN(auto clean,
                           decode_clean(bytes, limits.original_side, limits.original_side,
                                        VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN));
  ProcessedImage out;
  out.format = output_format(input_format);
  PUBLIUS_ASSIGN_OR_RETURN(out.original, encode(clean.get(), out.format));
  PUBLIUS_ASSIGN_OR_RETURN(auto small, fit_within(clean.get(), limits.preview_side));
  PUBLIUS_ASSIGN_OR_RETURN(auto small_clean, pixels_only(small.get()));
  PUBLIUS_ASSIGN_OR_RETURN(out.preview, encode(small_clean.get(), out.format));
  PUBLIUS_ASSIGN_OR_RETURN(out.blurhash, blurhash_of(small_clean.get()));
  return out;
}

Result<CroppedImage> process_cropped_image(std::string_view bytes, int width, int height,
                                           const ImageLimits& limits) {
  PUBLIUS_ASSIGN_OR_RETURN(const ImageFormat input_format, decodable_format(bytes, limits));
  PUBLIUS_ASSIGN_OR_RETURN(
      auto clean, decode_clean(bytes, width, height, VIPS_INTERESTING_CENTRE, VIPS_SIZE_BOTH));
  CroppedImage out;
  out.format = output_format(input_format);
  PUBLIUS_ASSIGN_OR_RETURN(out.image, encode(clean.get(), out.format));
  return out;
}

}  // namespace publius::media
