// Package access is who may do what: accounts, passwords, tokens, grants,
// the caller's Scope and the one authorisation function. What each role may
// do is stated once, in the casbin policy under policies/.
package access

import "github.com/sohoi/sohoi/internal/unitpath"

// Role is what a grant allows, per policies/policy.csv.
type Role string

const (
	Admin    Role = "admin"
	Manager  Role = "manager"
	Editor   Role = "editor"
	Viewer   Role = "viewer"
	Reporter Role = "reporter"
)

// Roles lists every role, highest first.
var Roles = []Role{Admin, Manager, Editor, Viewer, Reporter}

// Object is a kind of thing an action applies to.
type Object string

const (
	ObjUnit    Object = "unit"
	ObjRollup  Object = "rollup"
	ObjReport  Object = "report"
	ObjOfficer Object = "officer"
	ObjMember  Object = "member"
	ObjExport  Object = "export"
	ObjImport  Object = "import"
	ObjUser    Object = "user"
	ObjAudit   Object = "audit"
	ObjSystem  Object = "system"
	// Issue 20's records. Reporters read none of them (the figures come
	// through rollup and report): they name households and students.
	ObjLearning    Object = "learning"    // learning-model records: read, propose, attach evidence, renew
	ObjAssessment  Object = "assessment"  // assessing a proposal's criteria
	ObjRecognition Object = "recognition" // deciding (recognise, refuse), at the deciding unit
	ObjEvidence    Object = "evidence"    // evidence files: download, upload
	ObjFund        Object = "fund"        // the fund's ledger: entries and corrections
	ObjScholarship Object = "scholarship" // awards and their students
)

// Objects lists every object the policy speaks of.
var Objects = []Object{ObjUnit, ObjRollup, ObjReport, ObjOfficer, ObjMember, ObjExport, ObjImport, ObjUser, ObjAudit, ObjSystem,
	ObjLearning, ObjAssessment, ObjRecognition, ObjEvidence, ObjFund, ObjScholarship}

// Action is read or write.
type Action string

const (
	Read  Action = "read"
	Write Action = "write"
)

// Grant gives a role on a unit and everything below it.
type Grant struct {
	Role   Role
	UnitID string
	// Path is the unit's path: it lets a store find "users with a grant
	// below X" with one indexed query.
	Path unitpath.Path
}
