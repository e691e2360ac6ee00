// Package backup writes a registry to a file that any store can read back,
// and reads it back: `sohoi backup` and `sohoi restore`, and the documented
// way to grow from the embedded store to MongoDB (or back).
//
// The file is store-independent: it holds the domain's records (units,
// members with their whole history, officers, users with their password
// hashes, the signing keys, the records of issue 20, the kept month ends and
// the audit trail as sealed), never a table or a document. What a store
// derives from those records is not in it and is rebuilt by the restore:
// the counters (a recount from the facts, which is the counting protocol's
// own rule), the search and name keys, the movements tables. Idempotency
// keys are a day long and not kept; logins are (refresh tokens, and the
// signing keys that verify the access tokens issued).
//
// Format, version 1: a gzip stream of JSON lines. The first line is the
// Header; then one Line per record, section by section in the order of
// Sections (so that a unit's parent is restored before it and a link after
// its file); the last line is the Trailer with the number of records of each
// section, so that a truncated file is refused instead of restored in part.
package backup
