// ShowFromRows: the rows of show_query and episodes_query as a Show.
//
// Columns are read by name. Throws pqxx::argument_error for a missing
// column and pqxx::conversion_error for a value of the wrong type; the
// caller (PgRecordStore::FindShow) turns both into kUnavailable. Pure.
#ifndef MEDIAGATE_STORE_SHOW_ROWS_H_
#define MEDIAGATE_STORE_SHOW_ROWS_H_

#include <pqxx/pqxx>

#include "mediagate/show.h"

namespace mediagate {

Show ShowFromRows(const pqxx::row& show, const pqxx::result& episodes);

}  // namespace mediagate

#endif  // MEDIAGATE_STORE_SHOW_ROWS_H_
