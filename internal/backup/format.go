package backup

import (
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// Format names the file; Version is the layout of its lines. A restore
// refuses a version it does not know: an older sohoi cannot guess what a
// newer one wrote.
const (
	Format  = "sohoi-backup"
	Version = 1
)

// Section is one kind of record in the file.
type Section string

// Sections in the order they are written and restored: what a record
// refers to comes before it.
const (
	SigningKeys   Section = "signingKeys"
	Units         Section = "units"
	UnitMoves     Section = "unitMoves"
	Users         Section = "users"
	RefreshTokens Section = "refreshTokens"
	Members       Section = "members"
	Boards        Section = "officerBoards"
	Recognitions  Section = "recognitions"
	EvidenceFiles Section = "evidenceFiles"
	EvidenceLinks Section = "evidenceLinks"
	FundEntries   Section = "fundEntries"
	Awards        Section = "awards"
	KeptDays      Section = "keptDays"
	Audit         Section = "audit"
)

// Sections is every section, in file order.
var Sections = []Section{SigningKeys, Units, UnitMoves, Users, RefreshTokens, Members, Boards, Recognitions,
	EvidenceFiles, EvidenceLinks, FundEntries, Awards, KeptDays, Audit}

// Header is the file's first line.
type Header struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"createdAt"`
	// Store is the kind of store the backup was read from (sqlite,
	// mongodb): for the operator, never for the restore.
	Store string `json:"store"`
	// Sohoi is the version of the program that wrote it.
	Sohoi string `json:"sohoi"`
}

// Line is one record: its section and the record as JSON.
type Line struct {
	Section Section `json:"s"`
	Record  any     `json:"r"`
}

// Trailer is the file's last line: how many records each section holds.
type Trailer struct {
	End map[Section]int `json:"end"`
}

// Member is a member with its whole history, oldest event first.
type Member struct {
	Member  *members.Member  `json:"member"`
	History []*members.Event `json:"history"`
}

// AuditEntry is an audit entry with its JSON fields as the exact bytes
// that were hashed: as json.RawMessage they would be re-encoded (compacted,
// escaped, an empty one written as null) and the restored entry would no
// longer hash to its stored hash.
type AuditEntry struct {
	audit.Entry
	Before string `json:"Before"`
	After  string `json:"After"`
	Detail string `json:"Detail"`
}

func toAuditEntry(e *audit.Entry) *AuditEntry {
	return &AuditEntry{Entry: *e, Before: string(e.Before), After: string(e.After), Detail: string(e.Detail)}
}

func (a *AuditEntry) entry() *audit.Entry {
	e := a.Entry
	e.Before, e.After, e.Detail = bytesOf(a.Before), bytesOf(a.After), bytesOf(a.Detail)
	return &e
}

// bytesOf keeps an empty field empty (nil), as the stores read it.
func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// EvidenceFile is a stored file with its content.
type EvidenceFile struct {
	File    *evidence.File `json:"file"`
	Content []byte         `json:"content"`
}

// newRecord returns a pointer to decode a record of s into.
func newRecord(s Section) (any, bool) {
	switch s {
	case SigningKeys:
		return new(access.SigningKey), true
	case Users:
		return new(access.User), true
	case RefreshTokens:
		return new(access.RefreshToken), true
	case Members:
		return new(Member), true
	case EvidenceFiles:
		return new(EvidenceFile), true
	case KeptDays:
		return new(string), true
	case Units:
		return new(units.Unit), true
	case UnitMoves:
		return new(units.MoveRecord), true
	case Boards:
		return new(officers.Board), true
	case Recognitions:
		return new(learning.Recognition), true
	case EvidenceLinks:
		return new(evidence.Link), true
	case FundEntries:
		return new(fund.Entry), true
	case Awards:
		return new(scholarships.Award), true
	case Audit:
		return new(AuditEntry), true
	}
	return nil, false
}
