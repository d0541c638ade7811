// Presigner: SigV4 canonical request, string to sign, and URL assembly.
#include "mediagate/presigner.h"

#include <cctz/time_zone.h>
#include <utf8.h>

#include <cctype>
#include <chrono>
#include <regex>

#include "base/crypto.h"
#include "mediagate/config.h"
#include "upstream/percent_encode.h"
#include "upstream/sigv4_key_cache.h"

namespace mediagate {
namespace {

constexpr int64_t kMaxExpires = 604800;  // 7 days, the SigV4 maximum
constexpr size_t kMaxKeyBytes = 1024;    // S3's object key limit

struct Endpoint {
  std::string scheme;
  std::string host;
  std::string port;          // as written in the endpoint, or empty
  bool default_port = true;  // no port, or the scheme's default
};

Result<Endpoint> ParseEndpoint(const std::string& text) {
  static const std::regex kEndpoint(
      R"(^(https?)://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?/?$)");
  std::smatch m;
  if (!std::regex_match(text, m, kEndpoint)) {
    return Status::InvalidArgument(
        "storage.endpoint: must be http(s)://host[:port] with no path, got \"" + text + "\"");
  }
  Endpoint e{m[1], m[2], m[3]};
  if (!e.port.empty()) {
    const long port = std::stol(e.port);
    if (port < 1 || port > 65535) {
      return Status::InvalidArgument("storage.endpoint: port out of range");
    }
    e.default_port = (e.scheme == "http" && port == 80) || (e.scheme == "https" && port == 443);
  }
  return e;
}

Status ValidateBucket(const std::string& bucket, bool virtual_host) {
  static const std::regex kDnsBucket(R"(^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$)");
  static const std::regex kPathBucket(R"(^[A-Za-z0-9._-]{1,255}$)");
  if (virtual_host && !std::regex_match(bucket, kDnsBucket)) {
    return Status::InvalidArgument(
        "storage.bucket: \"" + bucket +
        "\" is not a DNS-compatible name (3-63 of a-z 0-9 -); use addressing = "
        "\"path\"");
  }
  if (!virtual_host && !std::regex_match(bucket, kPathBucket)) {
    return Status::InvalidArgument("storage.bucket: \"" + bucket +
                                   "\" is not a valid bucket name");
  }
  return Status::Ok();
}

std::string AmzDate(int64_t unix_at) {
  const auto tp = std::chrono::system_clock::from_time_t(0) + std::chrono::seconds(unix_at);
  return cctz::format("%Y%m%dT%H%M%SZ", tp, cctz::utc_time_zone());
}

}  // namespace

const char* HttpMethodName(HttpMethod method) {
  return method == HttpMethod::kHead ? "HEAD" : "GET";
}

Result<int64_t> ParseAmzDate(std::string_view text) {
  std::chrono::system_clock::time_point tp;
  const std::string s(text);
  // cctz::parse normalises 20250230 to March; a round trip rejects that.
  if (s.size() != 16 || !cctz::parse("%E4Y%m%dT%H%M%SZ", s, cctz::utc_time_zone(), &tp) ||
      cctz::format("%Y%m%dT%H%M%SZ", tp, cctz::utc_time_zone()) != s) {
    return Status::InvalidArgument("expected a UTC time like 20250102T030405Z, got \"" + s +
                                   "\"");
  }
  return static_cast<int64_t>(std::chrono::system_clock::to_time_t(tp));
}

struct Presigner::Impl {
  std::string origin;       // scheme://host[:port]
  std::string host_header;  // host[:port] as signed
  std::string path_prefix;  // "/bucket" (path style) or ""
  std::string region;
  std::string access_key_id;
  std::string session_token;  // encoded for the query, or empty
  SigV4KeyCache keys;
};

Presigner::Presigner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Presigner::Presigner(Presigner&&) noexcept = default;
Presigner& Presigner::operator=(Presigner&&) noexcept = default;
Presigner::~Presigner() = default;

const std::string& Presigner::origin() const { return impl_->origin; }

Result<Presigner> Presigner::Create(const StorageConfig& config) {
  auto endpoint = ParseEndpoint(config.endpoint);
  if (!endpoint.ok()) return endpoint.status();
  const bool virtual_host = config.addressing == "virtual";
  if (!virtual_host && config.addressing != "path") {
    return Status::InvalidArgument("storage.addressing: must be \"virtual\" or \"path\"");
  }
  Status s = ValidateBucket(config.bucket, virtual_host);
  if (!s.ok()) return s;
  static const std::regex kIpHost(R"(^(\[.*\]|[0-9.]+)$)");
  if (virtual_host && std::regex_match(endpoint->host, kIpHost)) {
    return Status::InvalidArgument(
        "storage.addressing: \"virtual\" needs a host name in storage.endpoint, "
        "not an IP address; use \"path\"");
  }
  static const std::regex kRegion(R"(^[A-Za-z0-9_-]{1,64}$)");
  if (!std::regex_match(config.region, kRegion)) {
    return Status::InvalidArgument("storage.region: must be 1-64 of A-Z a-z 0-9 _ -");
  }
  static const std::regex kAccessKey(R"(^[\x21-\x7e]{1,256}$)");
  if (!std::regex_match(config.access_key_id, kAccessKey)) {
    return Status::InvalidArgument(
        "storage.access_key_id: must be 1-256 printable ASCII characters");
  }
  if (config.secret_access_key.empty()) {
    return Status::InvalidArgument("storage.secret_access_key_file: secret is empty");
  }

  // As botocore: the URL keeps the port as written; the signed Host header is
  // lowercase and omits a default port.
  std::string host = endpoint->host;
  if (virtual_host) host = config.bucket + "." + host;
  std::string host_header = host;
  for (char& c : host_header)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!endpoint->port.empty()) host += ":" + endpoint->port;
  if (!endpoint->default_port) host_header += ":" + std::to_string(std::stol(endpoint->port));
  std::string token;
  PercentEncode(config.session_token.Reveal(), false, &token);
  auto impl = std::unique_ptr<Impl>(new Impl{
      endpoint->scheme + "://" + host, host_header,
      virtual_host ? std::string() : "/" + config.bucket, config.region, config.access_key_id,
      std::move(token), SigV4KeyCache(config.secret_access_key.Reveal(), config.region)});
  return Presigner(std::move(impl));
}

Result<std::string> Presigner::Presign(HttpMethod method, std::string_view key, int64_t unix_at,
                                       int64_t expires_seconds) {
  if (key.empty() || key.size() > kMaxKeyBytes) {
    return Status::InvalidArgument("object key must be 1-1024 bytes");
  }
  if (!utf8::is_valid(key.begin(), key.end())) {
    return Status::InvalidArgument("object key is not valid UTF-8");
  }
  if (expires_seconds < 1 || expires_seconds > kMaxExpires) {
    return Status::InvalidArgument("expiry must be 1..604800 seconds");
  }
  const std::string date = AmzDate(unix_at);
  const std::string day = date.substr(0, 8);
  const std::string scope = day + "/" + impl_->region + "/s3/aws4_request";

  std::string path = impl_->path_prefix + "/";
  PercentEncode(key, true, &path);
  std::string credential;
  PercentEncode(impl_->access_key_id + "/" + scope, false, &credential);

  // The same parameters twice: sorted by name for signing (Security-Token
  // sorts before SignedHeaders), in botocore's order for the URL.
  const std::string common = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + credential +
                             "&X-Amz-Date=" + date +
                             "&X-Amz-Expires=" + std::to_string(expires_seconds);
  const std::string token = impl_->session_token.empty()
                                ? std::string()
                                : "&X-Amz-Security-Token=" + impl_->session_token;
  constexpr char kSignedHeaders[] = "&X-Amz-SignedHeaders=host";
  const std::string canonical_query = common + token + kSignedHeaders;
  const std::string query = common + kSignedHeaders + token;

  const std::string canonical_request =
      std::string(HttpMethodName(method)) + "\n" + path + "\n" + canonical_query +
      "\nhost:" + impl_->host_header + "\n\nhost\nUNSIGNED-PAYLOAD";
  auto request_hash = Digest(HashAlgorithm::kSha256, canonical_request);
  if (!request_hash.ok()) return request_hash.status();
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + HexEncode(*request_hash);
  const HmacKey* signing_key = impl_->keys.KeyFor(day);
  std::string signature;
  if (signing_key == nullptr || !signing_key->Sign(string_to_sign, &signature)) {
    return Status::Internal("SigV4 signing failed");
  }
  return impl_->origin + path + "?" + query + "&X-Amz-Signature=" + HexEncode(signature);
}

}  // namespace mediagate
