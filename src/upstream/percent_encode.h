// Percent-encoding as AWS SigV4 (and botocore's quote()) does it.
//
// Pure functions; thread-safe.
#ifndef MEDIAGATE_AWS_ENCODE_H_
#define MEDIAGATE_AWS_ENCODE_H_

#include <string>
#include <string_view>

namespace mediagate {

// Appends `text` to *out with every byte except A-Z a-z 0-9 - . _ ~ written as
// %XX (uppercase hex). With keep_slash, '/' is kept too (object key paths).
void PercentEncode(std::string_view text, bool keep_slash, std::string* out);

}  // namespace mediagate

#endif  // MEDIAGATE_AWS_ENCODE_H_
