#include "verifier/collateral/http_headers.h"

#include <cctype>

namespace ccv::collateral {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// RFC 9110 5.6.2: token = 1*tchar.
bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void HttpHeaders::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

const std::string* HttpHeaders::Find(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

Status HttpHeaders::AddLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return Status::Ok();
  if (line.substr(0, 5) == "HTTP/") {
    fields_.clear();
    return Status::Ok();
  }
  if (line.front() == ' ' || line.front() == '\t') {
    if (fields_.empty()) {
      return Status(ErrorCode::kBadValue, "header continuation line before any field");
    }
    std::string& value = fields_.back().second;
    std::string_view more = TrimBlanks(line);
    if (!more.empty()) {
      if (!value.empty()) value += ' ';
      value += more;
    }
    return Status::Ok();
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return Status(ErrorCode::kBadValue, "header line without ':'");
  }
  std::string_view name = line.substr(0, colon);
  if (name.empty()) return Status(ErrorCode::kBadValue, "header line with an empty name");
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsTokenChar(name[i])) {
      return Status(ErrorCode::kBadValue, "header name holds a character a token may not")
          .WithOffset(i);
    }
  }
  Add(std::string(name), std::string(TrimBlanks(line.substr(colon + 1))));
  return Status::Ok();
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (text.size() - i < 3 || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0) {
      return Status(ErrorCode::kBadValue, "'%' not followed by two hex digits").WithOffset(i);
    }
    out += char(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
    i += 2;
  }
  return out;
}

}  // namespace ccv::collateral
