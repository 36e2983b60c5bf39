// The image processor: turns untrusted uploaded bytes into images that carry
// pixels and nothing else. Every accepted image (JPEG, PNG, WebP, GIF) is
// decoded from memory with libvips, turned upright by its EXIF orientation,
// scaled down to a bounded size, copied into a fresh pixel buffer that has no
// metadata attached at all, and encoded again with libvips' strip option. So
// EXIF (GPS, camera serials, maker notes, embedded thumbnails), XMP, IPTC, ICC
// profiles and comments, PNG text chunks and GIF comments never reach the
// output; tests/media/image_processor_test.cc checks this for every format.
//
// GIF is re-encoded as a PNG still of its first frame (animation is not kept).
// The input's format is decided by its leading bytes, never by the client's
// Content-Type or file name. Nothing is written to disk: the bytes are decoded
// from memory, and libvips' operation cache is disabled so no decoded image
// outlives the call.
//
// Thread-safe (libvips is initialised once, on first use). Errors are Result
// values: kUnprocessable with a message fit for the client for bad input
// (unknown type, undecodable bytes, too many pixels), kInternal when encoding
// fails. This is the only translation unit that includes libvips.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace publius::media {

enum class ImageFormat { kJpeg, kPng, kWebp, kGif };

struct ImageLimits {
  size_t max_bytes = 10 * 1024 * 1024;
  // Checked on the header before any pixel is decoded: a small file claiming
  // 100000 x 100000 pixels (a decompression bomb) is refused without allocating.
  int64_t max_pixels = 40'000'000;
  int max_side = 16384;
  int original_side = 2048;  // the stored image fits in this square (never enlarged)
  int preview_side = 480;    // the preview ("small") fits in this square
};

struct EncodedImage {
  std::string bytes;
  int width = 0;
  int height = 0;
};

struct ProcessedImage {
  ImageFormat format = ImageFormat::kJpeg;  // of the output
  EncodedImage original;
  EncodedImage preview;
  std::string blurhash;
};

// The format of `bytes` from its signature; nullopt when none of the four.
std::optional<ImageFormat> sniff_image_format(std::string_view bytes);
// "jpg", "png", "webp", "gif".
std::string_view file_extension(ImageFormat format);

Result<ProcessedImage> process_image(std::string_view bytes, const ImageLimits& limits = {});

struct CroppedImage {
  ImageFormat format = ImageFormat::kJpeg;  // of the output
  EncodedImage image;
};

// An avatar or header: checked and stripped as process_image() does, cut to the
// aspect of `width` x `height` around its centre and scaled to exactly that
// size (enlarged when smaller, as Mastodon does). No preview or BlurHash.
Result<CroppedImage> process_cropped_image(std::string_view bytes, int width, int height,
                                           const ImageLimits& limits = {});

}  // namespace publius::media
