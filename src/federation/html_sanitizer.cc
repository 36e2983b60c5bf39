#include "federation/html_sanitizer.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <unordered_set>
#include <vector>

#include "domain/text_format.h"
#include "util/utf8.h"

namespace publius::federation {
namespace {

constexpr std::array kKept = {
    GUMBO_TAG_P,      GUMBO_TAG_BR,  GUMBO_TAG_SPAN, GUMBO_TAG_A,
    GUMBO_TAG_DEL,    GUMBO_TAG_PRE, GUMBO_TAG_CODE, GUMBO_TAG_EM,
    GUMBO_TAG_STRONG, GUMBO_TAG_B,   GUMBO_TAG_I,    GUMBO_TAG_U,
    GUMBO_TAG_UL,     GUMBO_TAG_OL,  GUMBO_TAG_LI,   GUMBO_TAG_BLOCKQUOTE};
constexpr std::array kDroppedWithContents = {
    GUMBO_TAG_SCRIPT,  GUMBO_TAG_STYLE,    GUMBO_TAG_TEMPLATE, GUMBO_TAG_HEAD,
    GUMBO_TAG_TITLE,   GUMBO_TAG_IFRAME,   GUMBO_TAG_FRAME,    GUMBO_TAG_FRAMESET,
    GUMBO_TAG_OBJECT,  GUMBO_TAG_EMBED,    GUMBO_TAG_APPLET,   GUMBO_TAG_NOSCRIPT,
    GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES, GUMBO_TAG_TEXTAREA, GUMBO_TAG_SELECT,
    GUMBO_TAG_SVG,     GUMBO_TAG_MATH};
constexpr std::array<std::string_view, 11> kLinkSchemes = {
    "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini"};

template <size_t N>
bool one_of(GumboTag tag, const std::array<GumboTag, N>& tags) {
  for (GumboTag t : tags)
    if (t == tag) return true;
  return false;
}

// Gumbo's memory, all freed at once at the end: gumbo_destroy_output() frees the tree
// recursively, which deep nesting would turn into a stack overflow.
class Allocations {
 public:
  ~Allocations() {
    for (void* p : live_) std::free(p);
  }
  static void* allocate(void* self, size_t size) {
    void* p = std::malloc(size == 0 ? 1 : size);
    if (!p) std::abort();  // as gumbo's own allocator would fail
    static_cast<Allocations*>(self)->live_.insert(p);
    return p;
  }
  static void deallocate(void* self, void* p) {
    if (p && static_cast<Allocations*>(self)->live_.erase(p)) std::free(p);
  }

 private:
  std::unordered_set<void*> live_;
};

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `href` names one of the allowed schemes. A browser reads the scheme after
// stripping leading spaces and controls and tabs or newlines anywhere; any such
// character, or anything but a plain scheme before the first ':', refuses the link.
bool allowed_href(std::string_view href) {
  const size_t colon = href.find(':');
  if (colon == std::string_view::npos || colon == 0 || !ascii_alpha(href[0])) return false;
  std::string scheme;
  for (char c : href.substr(0, colon)) {
    if (!ascii_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
      return false;
    scheme += ascii_lower(c);
  }
  for (std::string_view allowed : kLinkSchemes)
    if (scheme == allowed) return true;
  return false;
}

bool allowed_class(std::string_view name) {
  for (std::string_view prefix : {"h-", "p-", "u-", "dt-", "e-"})
    if (name.size() > prefix.size() && name.starts_with(prefix)) return true;
  return name == "mention" || name == "hashtag" || name == "ellipsis" || name == "invisible";
}

// The allowed classes of `value`, space-separated; empty when none is.
std::string allowed_classes(std::string_view value) {
  std::string out;
  size_t at = 0;
  while (at < value.size()) {
    const size_t start = value.find_first_not_of(" \t\n\f\r", at);
    if (start == std::string_view::npos) break;
    const size_t end = std::min(value.find_first_of(" \t\n\f\r", start), value.size());
    const std::string_view name = value.substr(start, end - start);
    if (allowed_class(name)) {
      if (!out.empty()) out += ' ';
      out += name;
    }
    at = end;
  }
  return out;
}

std::string_view attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

// One step of the walk: a node to write, or the closing tag of a kept element.
struct Step {
  const GumboNode* node = nullptr;
  const char* closing = nullptr;
};

// Writes a kept element's opening tag; false when it is to be unwrapped after all
// (a link to a refused scheme).
bool open_tag(std::string& out, GumboTag tag, const GumboElement& e) {
  const char* name = gumbo_normalized_tagname(tag);
  if (tag == GUMBO_TAG_A) {
    const std::string_view href = attribute(e, "href");
    if (!allowed_href(href)) return false;
    out += "<a href=\"";
    domain::append_html_escaped(out, href);
    out += "\" rel=\"nofollow noopener\" target=\"_blank\"";
  } else {
    out += '<';
    out += name;
  }
  if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_SPAN) {
    const std::string classes = allowed_classes(attribute(e, "class"));
    if (!classes.empty()) {
      out += " class=\"";
      domain::append_html_escaped(out, classes);
      out += '"';
    }
  }
  out += tag == GUMBO_TAG_BR ? " />" : ">";
  return true;
}

// Whether `html` has more than kMaxSanitizedTags start tags ('<' and a letter).
bool too_many_tags(std::string_view html) {
  size_t tags = 0;
  for (size_t i = 0; i + 1 < html.size(); ++i)
    if (html[i] == '<' && ascii_alpha(html[i + 1]) && ++tags > kMaxSanitizedTags) return true;
  return false;
}

// `text` escaped in one paragraph, its line breaks as <br />.
std::string paragraph_of(std::string_view text) {
  std::string out = "<p>";
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (at > 0) out += "<br />";
    domain::append_html_escaped(out, text.substr(at, end - at));
    at = end + 1;
  }
  return out + "</p>";
}

}  // namespace

std::string sanitize_html(std::string_view html) {
  if (html.empty()) return {};
  if (too_many_tags(html)) return is_valid_utf8(html) ? paragraph_of(html_to_text(html)) : "";
  Allocations allocations;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &Allocations::allocate;
  options.deallocator = &Allocations::deallocate;
  options.userdata = &allocations;
  options.max_errors = 0;
  options.fragment_context = GUMBO_TAG_BODY;
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());

  std::string out;
  out.reserve(html.size());
  std::vector<Step> steps;
  // The fragment's nodes are the children of the root <html> element.
  const auto push_children = [&steps](const GumboNode* node) {
    const GumboVector& children = node->v.element.children;
    for (size_t i = children.length; i > 0; --i)
      steps.push_back({.node = static_cast<const GumboNode*>(children.data[i - 1])});
  };
  push_children(output->root);
  while (!steps.empty()) {
    const Step step = steps.back();
    steps.pop_back();
    if (step.closing) {
      out += "</";
      out += step.closing;
      out += '>';
      continue;
    }
    const GumboNode* node = step.node;
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        domain::append_html_escaped(out, node->v.text.text);
        break;
      case GUMBO_NODE_ELEMENT: {
        const GumboTag tag = node->v.element.tag;
        // Foreign (SVG, MathML) elements are dropped whole, whatever their tag reads as.
        if (node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML ||
            one_of(tag, kDroppedWithContents))
          break;
        if (one_of(tag, kKept) && open_tag(out, tag, node->v.element)) {
          if (tag == GUMBO_TAG_BR) break;
          steps.push_back({.closing = gumbo_normalized_tagname(tag)});
        }
        push_children(node);
        break;
      }
      default:  // comments, templates, the document
        break;
    }
  }
  return out;
}

std::string html_to_text(std::string_view html) {
  std::string out;
  size_t i = 0;
  std::string_view skipping;  // "script" or "style" while inside one
  while (i < html.size()) {
    if (html[i] == '<') {
      const size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string tag(html.substr(i + 1, end - i - 1));
      std::transform(tag.begin(), tag.end(), tag.begin(), ascii_lower);
      const bool closing = !tag.empty() && tag.front() == '/';
      std::string name = tag.substr(closing ? 1 : 0);
      name = name.substr(0, name.find_first_of(" \t\n/"));
      if (!skipping.empty()) {
        if (closing && name == skipping) skipping = {};
      } else if (!closing && (name == "script" || name == "style")) {
        skipping = name == "script" ? "script" : "style";
      } else if (name == "br" || (closing && name == "p")) {
        out += '\n';
      }
      i = end + 1;
      continue;
    }
    if (!skipping.empty()) {
      ++i;
      continue;
    }
    if (html[i] == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},  {"&quot;", "\""},
          {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}};
      bool decoded = false;
      for (const auto& [entity, text] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out += text;
          i += entity.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += html[i++];
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace publius::federation
