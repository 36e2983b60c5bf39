// libFuzzer target for the image processor (src/media/image_processor.cc): the
// bytes anyone uploads, decoded by libvips and encoded again.
//
// Beyond "no crash, no sanitizer report" it checks what a stored image must be:
// a non-empty file in the format the processor says (GIF becomes PNG), never
// larger than the stored-size limit, a preview no larger than the original, and
// a BlurHash; and that a refusal is a client error with a message, never an
// internal one. Build and run: see fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "media/image_processor.h"

namespace {

using namespace publius::media;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ImageLimits limits;
  limits.max_pixels = 4'000'000;  // keeps each run fast; the checks are the same
  auto processed = process_image(input, limits);
  if (!processed.ok()) {
    check(processed.error().code == publius::ErrorCode::kUnprocessable ||
          processed.error().code == publius::ErrorCode::kInternal);
    check(!processed.error().message.empty());
    return 0;
  }
  const ProcessedImage& image = *processed;
  check(sniff_image_format(image.original.bytes) == image.format);
  check(sniff_image_format(image.preview.bytes) == image.format);
  check(image.format != ImageFormat::kGif);
  check(image.original.width > 0 && image.original.height > 0);
  check(image.original.width <= limits.original_side &&
        image.original.height <= limits.original_side);
  check(image.preview.width <= image.original.width &&
        image.preview.height <= image.original.height);
  check(!image.blurhash.empty());
  return 0;
}
