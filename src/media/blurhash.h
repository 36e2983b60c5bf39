// BlurHash: a short ASCII string that clients draw as a blurred placeholder while
// an image loads (Mastodon's MediaAttachment.blurhash). Implemented from the
// public algorithm description (github.com/woltapp/blurhash, Algorithm.md): a
// few cosine components of the image in linear RGB, quantized and written in
// base 83.
//
// Pure functions, thread-safe, no allocation beyond the returned string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace publius::media {

// The BlurHash of `rgb`, tightly packed 8-bit sRGB triplets, `width` x `height`
// pixels (rgb.size() must be width * height * 3), with x_components by
// y_components cosine terms (each 1..9; Mastodon uses 4 x 3). Empty when the
// arguments are out of range.
std::string blurhash_encode(std::string_view rgb, int width, int height, int x_components = 4,
                            int y_components = 3);

}  // namespace publius::media
