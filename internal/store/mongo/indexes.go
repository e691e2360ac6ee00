package mongo

import (
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	collUnits      = "units"
	collUsers      = "users"
	collRefresh    = "refreshTokens"
	collKeys       = "signingKeys"
	collMembers    = "members"
	collBoards     = "officerBoards"
	collMigrations = "migrations"
	collCounters   = "counters"
	collMarks      = "staleMarks"
	collSnapDays   = "snapshotDays"
	collIdemKeys   = "idempotencyKeys"
	collAudit      = "audit"
	collAuditSeq   = "auditSeq"
	collImportJobs = "importJobs"
	collImportFile = "importFiles"
	collImportRows = "importRows"
	// Issue 20's records.
	collRecognitions  = "recognitions"
	collEvidenceLinks = "evidenceLinks"
	collFund          = "fundEntries"
	collAwards        = "awards"
	// GridFS's collections of the evidence bucket (evidence.go).
	collEvidenceFiles  = evidenceBucket + ".files"
	collEvidenceChunks = evidenceBucket + ".chunks"
)

// Index is one declared index. The same list creates the indexes (see
// migrations.go) and is what the coverage checker (mongotest/indexcheck.go) accepts a
// query against, so a query can only pass the tests if the index behind it
// is created in production too.
//
// Only options both MongoDB and FerretDB v1 accept are available at
// creation: no partialFilterExpression, collation or TTL. A TTL is applied
// afterwards (see ttl.go), where the server has them.
type Index struct {
	Collection string
	Name       string
	Keys       bson.D // field → 1 or -1, in index order
	Unique     bool
	// Sparse leaves documents without the field out of the index. FerretDB
	// ignores the flag, but its unique indexes already accept any number of
	// documents missing the field, so a sparse unique index behaves the same
	// on both: use it only on a field that is either absent or unique.
	Sparse bool
	// ExpireAfterSeconds, when set, makes the index (on one date field) a
	// TTL index: MongoDB deletes a document that many seconds after its
	// date. Set by a migration of its own after creation (ttl.go).
	ExpireAfterSeconds *int32
}

// Indexes is every index the adapter needs, besides the implicit _id index
// of each collection. Add one here when a new query needs it; the coverage
// test fails until you do.
var Indexes = []Index{
	// ListChildren and GetChildByCode; unique makes codes unique among
	// siblings. The root has parentId "" (never missing) so that the rule
	// holds the same on MongoDB and FerretDB.
	{Collection: collUnits, Name: "units_parent_code", Keys: bson.D{{Key: "parentId", Value: 1}, {Key: "code", Value: 1}}, Unique: true},
	// At most one root: only the root carries root: true.
	{Collection: collUnits, Name: "units_single_root", Keys: bson.D{{Key: "root", Value: 1}}, Unique: true, Sparse: true},

	// GetUserByUsername; usernames are unique.
	{Collection: collUsers, Name: "users_username", Keys: bson.D{{Key: "username", Value: 1}}, Unique: true},
	// ListUsers: grantUnits $in (equality), sorted and ranged on username.
	{Collection: collUsers, Name: "users_grant_units_username", Keys: bson.D{{Key: "grantUnits", Value: 1}, {Key: "username", Value: 1}}},

	// RevokeRefreshFamily.
	{Collection: collRefresh, Name: "refresh_family", Keys: bson.D{{Key: "familyId", Value: 1}}},
	{Collection: collRefresh, Name: "refresh_family_revoked", Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "revoked", Value: 1}}},
	// RevokeUserRefreshTokens: a deleted or disabled user's logins.
	{Collection: collRefresh, Name: "refresh_user", Keys: bson.D{{Key: "userId", Value: 1}}},
	{Collection: collRefresh, Name: "refresh_expiry", Keys: bson.D{{Key: "expiresAt", Value: 1}}},
	// MongoDB deletes a token at purgeAt: a whole token lifetime after it
	// expired, the grace the purge keeps (see access.Auth.PurgeExpired).
	{Collection: collRefresh, Name: "refresh_purge_ttl", Keys: bson.D{{Key: "purgeAt", Value: 1}}, ExpireAfterSeconds: new(int32(0))},

	// DeleteExpiredIdempotencyKeys; MongoDB itself deletes a key once it
	// expired (a TTL index where the server has them, see ttl.go). Every
	// other query of idempotency keys is by _id.
	{Collection: collIdemKeys, Name: "idempotency_keys_expiry", Keys: bson.D{{Key: "expiresAt", Value: 1}}, ExpireAfterSeconds: new(int32(0))},

	// ListSigningKeys, oldest first.
	{Collection: collKeys, Name: "signing_keys_created", Keys: bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}},

	// Members lead with their province (docs/sharding.md §4.1; member_docs.go).
	// The shard key {province, memberId}, unique (a member has at most one
	// document per province), under the name sh.shardCollection gives it:
	// by id, updates, inserts' conflicts.
	{Collection: collMembers, Name: "province_1_memberId_1", Keys: bson.D{{Key: "province", Value: 1}, {Key: "memberId", Value: 1}}, Unique: true},
	// ListMembers of a subtree: province, path (multikey) equality,
	// status $in, sorted and ranged on sortKey.
	{Collection: collMembers, Name: "members_province_path_status_sort", Keys: bson.D{{Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "status", Value: 1}, {Key: "sortKey", Value: 1}}},
	// ListMembers with words: province, scopeWords $all (equality on one
	// element), status $in, sorted and ranged on sortKey.
	{Collection: collMembers, Name: "members_province_scope_words_status_sort", Keys: bson.D{{Key: "province", Value: 1}, {Key: "scopeWords", Value: 1}, {Key: "status", Value: 1}, {Key: "sortKey", Value: 1}}},
	// One active member per national ID is the claims' rule (nationalIds,
	// national_ids.go): every command on a claim is by its _id, and no
	// query selects members by activeNationalId, so neither needs an index
	// (members_active_national_id, unique, is dropped by a data step).
	// ImportJobsWithStatus, oldest first; a job's rows in order (a file's
	// chunks are found by _id).
	{Collection: collImportJobs, Name: "import_jobs_status_created", Keys: bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collImportRows, Name: "import_rows_job_row", Keys: bson.D{{Key: "job", Value: 1}, {Key: "row", Value: 1}}},
	// MembersByName: an import finds a row's namesakes born the same year
	// below its unit (path is multikey: the member's units).
	{Collection: collMembers, Name: "members_province_name_key_path", Keys: bson.D{{Key: "province", Value: 1}, {Key: "nameKey", Value: 1}, {Key: "path", Value: 1}}},
	// MembersByNumber: an import matches a row's card number in its branch.
	{Collection: collMembers, Name: "members_province_branch_member_no", Keys: bson.D{{Key: "province", Value: 1}, {Key: "branchId", Value: 1}, {Key: "memberNo", Value: 1}}},
	// BranchEveryone: everyone with a period in a branch (multikey over
	// stints), transferred-out members included (by their stubs).
	{Collection: collMembers, Name: "members_province_stints_branch", Keys: bson.D{{Key: "province", Value: 1}, {Key: "stints.branchId", Value: 1}}},
	// Movements (movements.go, issue 15.3): periods by their first and by
	// their last day (multikey over stints), and a subtree's branches
	// created in a window.
	{Collection: collMembers, Name: "members_province_stints_from", Keys: bson.D{{Key: "province", Value: 1}, {Key: "stints.from", Value: 1}}},
	{Collection: collMembers, Name: "members_province_stints_to", Keys: bson.D{{Key: "province", Value: 1}, {Key: "stints.to", Value: 1}}},
	{Collection: collUnits, Name: "units_path_level_created", Keys: bson.D{{Key: "path", Value: 1}, {Key: "level", Value: 1}, {Key: "createdAt", Value: 1}}},

	// BoardOfOfficer: the board holding a post (multikey over posts). Not
	// unique: MongoDB indexes a board with no posts as null, and a second
	// empty board would collide.
	{Collection: collBoards, Name: "officer_boards_post_id", Keys: bson.D{{Key: "posts.id", Value: 1}}},

	// Counters and stale marks lead with their province (docs/sharding.md
	// §4.3, §4.4; rollups.go). The shard key {province, _id}: under the
	// name sh.shardCollection gives the index it makes on an empty
	// collection, so that creating it through mongos afterwards finds it
	// there (an index with the same keys under another name is refused).
	// Pages by _id of one province: the layout's data step (rollup_steps.go).
	{Collection: collCounters, Name: "province_1__id_1", Keys: bson.D{{Key: "province", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collMarks, Name: "province_1__id_1", Keys: bson.D{{Key: "province", Value: 1}, {Key: "_id", Value: 1}}},
	// ChildCounters: the tallies of a unit's children on a day.
	{Collection: collCounters, Name: "counters_province_parent_day", Keys: bson.D{{Key: "province", Value: 1}, {Key: "parentId", Value: 1}, {Key: "day", Value: 1}}},
	// DeleteCounters: a day's tallies in a subtree, by the unit id in
	// their path (multikey), as path serves members.
	{Collection: collCounters, Name: "counters_province_path_day", Keys: bson.D{{Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "day", Value: 1}}},
	// MarksUnder: a day's stale marks in a subtree, the same way.
	{Collection: collMarks, Name: "stale_marks_province_pending", Keys: bson.D{{Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "day", Value: 1}, {Key: "pending", Value: 1}}},
	// snapshotDays needs none: _id is the day, read in _id order.

	// RewritePaths (rewrite_paths.go): the documents of a moved subtree by
	// the unit id in their path (multikey), a page at a time in _id order.
	// Members and users are paged by indexes they have already.
	{Collection: collUnits, Name: "units_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collBoards, Name: "officer_boards_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},
	// Counters and marks within their province (rewrite_rollups.go).
	{Collection: collCounters, Name: "counters_province_path_id", Keys: bson.D{{Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collMarks, Name: "stale_marks_province_path_id", Keys: bson.D{{Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "_id", Value: 1}}},

	// The audit trail (audit.go, issue 18.7). ListAudit: its keys (unit,
	// object, type, actor; $all is an equality on one), newest first,
	// paged on _id, a time window last.
	{Collection: collAudit, Name: "audit_keys_id_at", Keys: bson.D{{Key: "keys", Value: 1}, {Key: "_id", Value: -1}, {Key: "at", Value: 1}}},
	// PendingAudit (Recover), oldest first.
	{Collection: collAudit, Name: "audit_state_id_at", Keys: bson.D{{Key: "state", Value: 1}, {Key: "_id", Value: 1}, {Key: "at", Value: 1}}},
	// seal: the last sealed entry.
	{Collection: collAudit, Name: "audit_sealed_id", Keys: bson.D{{Key: "sealed", Value: 1}, {Key: "_id", Value: 1}}},

	// Recognitions (recognitions.go, issue 20). One model proposed once a
	// year, and renewed once: onceKey and renews are present only while
	// the record is not refused, so sparse + unique refuses a second one.
	{Collection: collRecognitions, Name: "recognitions_once", Keys: bson.D{{Key: "onceKey", Value: 1}}, Unique: true, Sparse: true},
	{Collection: collRecognitions, Name: "recognitions_renews", Keys: bson.D{{Key: "renews", Value: 1}}, Unique: true, Sparse: true},
	// ListRecognitions: a subtree (multikey path) in list order.
	{Collection: collRecognitions, Name: "recognitions_path_list", Keys: bson.D{{Key: "path", Value: 1}, {Key: "listKey", Value: 1}}},
	// RecognisedAt: a unit's own recognised records, for a recount.
	{Collection: collRecognitions, Name: "recognitions_unit_status", Keys: bson.D{{Key: "unitId", Value: 1}, {Key: "status", Value: 1}}},
	{Collection: collRecognitions, Name: "recognitions_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},

	// Evidence (evidence.go): GridFS's own indexes, declared under the
	// names GridFS gives them so that its check finds them made (its
	// queries: a file by _id, its chunks by files_id sorted on n).
	{Collection: collEvidenceFiles, Name: "filename_1_uploadDate_1", Keys: bson.D{{Key: "filename", Value: 1}, {Key: "uploadDate", Value: 1}}},
	{Collection: collEvidenceChunks, Name: "files_id_1_n_1", Keys: bson.D{{Key: "files_id", Value: 1}, {Key: "n", Value: 1}}, Unique: true},
	// Links of a recognition and of a file, in the order linked.
	{Collection: collEvidenceLinks, Name: "evidence_links_recognition", Keys: bson.D{{Key: "recognition", Value: 1}, {Key: "linkedAt", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collEvidenceLinks, Name: "evidence_links_file", Keys: bson.D{{Key: "file", Value: 1}, {Key: "linkedAt", Value: 1}, {Key: "_id", Value: 1}}},
	{Collection: collEvidenceLinks, Name: "evidence_links_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},

	// The fund (fund.go): a receipt number once per unit, year and
	// direction; an entry reversed once (both absent when empty).
	{Collection: collFund, Name: "fund_receipt", Keys: bson.D{{Key: "receiptKey", Value: 1}}, Unique: true, Sparse: true},
	{Collection: collFund, Name: "fund_reverses", Keys: bson.D{{Key: "reverses", Value: 1}}, Unique: true, Sparse: true},
	// EntriesAt (a unit's ledger to a day) and ListEntries (a subtree's).
	{Collection: collFund, Name: "fund_unit_list", Keys: bson.D{{Key: "unitId", Value: 1}, {Key: "listKey", Value: 1}}},
	{Collection: collFund, Name: "fund_path_list", Keys: bson.D{{Key: "path", Value: 1}, {Key: "listKey", Value: 1}}},
	{Collection: collFund, Name: "fund_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},

	// Awards (awards.go): a fund entry pays one award.
	{Collection: collAwards, Name: "awards_fund_entry", Keys: bson.D{{Key: "fundEntry", Value: 1}}, Unique: true, Sparse: true},
	{Collection: collAwards, Name: "awards_unit_list", Keys: bson.D{{Key: "unitId", Value: 1}, {Key: "listKey", Value: 1}}},
	{Collection: collAwards, Name: "awards_path_list", Keys: bson.D{{Key: "path", Value: 1}, {Key: "listKey", Value: 1}}},
	{Collection: collAwards, Name: "awards_path_id", Keys: bson.D{{Key: "path", Value: 1}, {Key: "_id", Value: 1}}},
	// Issue 18.5: the moves touching a subtree since a day (MovesSince),
	// and a unit's own moves since a day (MovesOf); unit_moves.go.
	{Collection: collUnitMoves, Name: "unit_moves_touches_day", Keys: bson.D{{Key: "touches", Value: 1}, {Key: "day", Value: 1}}},
	{Collection: collUnitMoves, Name: "unit_moves_unit_day", Keys: bson.D{{Key: "unitId", Value: 1}, {Key: "day", Value: 1}}},
}

// model is the createIndexes form of ix.
func (ix Index) model() driver.IndexModel {
	o := options.Index().SetName(ix.Name)
	if ix.Unique {
		o.SetUnique(true)
	}
	if ix.Sparse {
		o.SetSparse(true)
	}
	return driver.IndexModel{Keys: ix.Keys, Options: o}
}
