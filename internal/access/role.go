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
)

// Objects lists every object the policy speaks of.
var Objects = []Object{ObjUnit, ObjRollup, ObjReport, ObjOfficer, ObjMember, ObjExport, ObjImport, ObjUser, ObjAudit, ObjSystem}

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
