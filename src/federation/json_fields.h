// Reading members of the JSON documents other servers send, which may hold anything.
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <string_view>

namespace publius::federation {

// The member `key` of `o` when it is a string; empty when absent or of another type.
std::string string_at(const boost::json::object& o, std::string_view key);

}  // namespace publius::federation
