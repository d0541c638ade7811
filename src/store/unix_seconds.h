// UnixSeconds: a PostgreSQL time column, as the queries return it, to UNIX
// seconds.
//
// The queries give times as EXTRACT(EPOCH FROM ...): numeric text such as
// "1700000000.123456", or "Infinity" / "-Infinity" for PostgreSQL's infinite
// timestamps (which no cast to bigint survives), or an integer column. Pure
// function; thread-safe.
#ifndef MEDIAGATE_STORE_UNIX_SECONDS_H_
#define MEDIAGATE_STORE_UNIX_SECONDS_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>

namespace mediagate {

// The value rounded down to whole seconds; "Infinity" and "-Infinity" (and
// values beyond int64) saturate to the int64 limits. Throws
// pqxx::conversion_error naming `column` for anything else.
// REQUIRES: !f.is_null().
int64_t UnixSeconds(const pqxx::field& f, const char* column);

// As UnixSeconds, but NULL is std::nullopt.
std::optional<int64_t> OptionalUnixSeconds(const pqxx::field& f, const char* column);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_UNIX_SECONDS_H_
