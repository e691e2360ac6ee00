// Package store names what a store adapter is: every store interface the
// domain packages declare. internal/store/sqlite and internal/store/mongo
// implement it; internal/store/storetest checks that they do it alike.
package store

import (
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/idempotency"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// Store is every store interface of the domain.
type Store interface {
	units.Store
	access.UserStore
	access.RefreshStore
	access.KeyStore
	members.Store
	officers.Store
	rollups.Store
	idempotency.Store
	// The audit trail: entries written with the changes they record.
	audit.Store
	importjobs.JobStore
	// Issue 20's records: recognitions, their evidence, the fund, awards.
	learning.Store
	evidence.Store
	fund.Store
	scholarships.Store
	// RewritePaths rewrites every copy of a moved subtree's path: the
	// one list of the records that carry a unitpath.Path.
	units.PathRewriter
}
