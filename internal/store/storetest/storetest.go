// Package storetest is the one contract every store adapter passes: each
// behaviour the domain packages expect of a store, run against a fresh
// store. internal/store/sqlite and internal/store/mongo call Run from their
// tests (the pattern of OpenFGA's pkg/storage/test).
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/backup"
	"github.com/sohoi/sohoi/internal/store"
)

// Store is everything the contract covers.
type Store interface {
	store.Store
	backup.Extra
}

// Opener returns a fresh, empty, migrated store for one test.
type Opener func(t *testing.T) Store

// Run runs the whole contract.
func Run(t *testing.T, open Opener) {
	t.Run("Units", func(t *testing.T) { testUnits(t, open) })
	t.Run("UnitPagination", func(t *testing.T) { testUnitPagination(t, open) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open) })
	t.Run("UserScopeIsolation", func(t *testing.T) { testUserScopeIsolation(t, open) })
	t.Run("UserPagination", func(t *testing.T) { testUserPagination(t, open) })
	t.Run("RefreshTokens", func(t *testing.T) { testRefreshTokens(t, open) })
	t.Run("SigningKeys", func(t *testing.T) { testSigningKeys(t, open) })
	t.Run("Members", func(t *testing.T) { testMembers(t, open) })
	t.Run("MemberLists", func(t *testing.T) { testMemberLists(t, open) })
	t.Run("MemberBatches", func(t *testing.T) { testMemberBatches(t, open) })
	t.Run("NationalIDs", func(t *testing.T) { testNationalIDs(t, open) })
	t.Run("MemberMoves", func(t *testing.T) { testMemberMoves(t, open) })
	t.Run("MembersByName", func(t *testing.T) { testMembersByName(t, open) })
	t.Run("ImportJobs", func(t *testing.T) { testImportJobs(t, open) })
	t.Run("MemberSearch", func(t *testing.T) { testMemberSearch(t, open) })
	t.Run("MemberSearchMatchesBruteForce", func(t *testing.T) { testMemberSearchMatchesBruteForce(t, open) })
	t.Run("OfficerBoards", func(t *testing.T) { testOfficerBoards(t, open) })
	t.Run("BranchEveryone", func(t *testing.T) { testBranchEveryone(t, open) })
	t.Run("Counters", func(t *testing.T) { testCounters(t, open) })
	t.Run("StaleMarks", func(t *testing.T) { testStaleMarks(t, open) })
	t.Run("ManyMarksAtOnce", func(t *testing.T) { testManyMarksAtOnce(t, open) })
	t.Run("OnwardMarks", func(t *testing.T) { testOnwardMarks(t, open) })
	t.Run("Movements", func(t *testing.T) { testMovements(t, open) })
	t.Run("Leases", func(t *testing.T) { testLeases(t, open) })
	t.Run("RewritePaths", func(t *testing.T) { testRewritePaths(t, open) })
	t.Run("RewriteKeepsBranchesCounting", func(t *testing.T) { testRewriteKeepsBranchesCounting(t, open) })
	t.Run("UnitMoves", func(t *testing.T) { testUnitMoves(t, open) })
	t.Run("IdempotencyKeys", func(t *testing.T) { testIdempotencyKeys(t, open) })
	t.Run("ErrorsNameTheOperation", func(t *testing.T) { testErrorsNameTheOperation(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	// Issue 20's records.
	t.Run("Recognitions", func(t *testing.T) { testRecognitions(t, open) })
	t.Run("Evidence", func(t *testing.T) { testEvidence(t, open) })
	t.Run("Fund", func(t *testing.T) { testFund(t, open) })
	t.Run("Awards", func(t *testing.T) { testAwards(t, open) })
	t.Run("RecordsFollowAMove", func(t *testing.T) { testRecordsFollowAMove(t, open) })
	t.Run("Backup", func(t *testing.T) { testBackup(t, open) })
}

// fixed clock: stores must keep times to the millisecond at least.
var t0 = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)

func ctx() context.Context { return context.Background() }
