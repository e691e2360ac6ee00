package mongo

import (
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// How a member is stored. Dates are "YYYY-MM-DD" strings ("" when not
// given), which sort and compare as dates in every store and read plainly
// in mongosh.

// memberState is everything UpdateMember replaces: the member document
// without _id and history, so that one type is both what CreateMember
// inserts and what UpdateMember $sets, and the two cannot drift apart.
type memberState struct {
	BranchID string   `bson:"branchId"`
	Path     []string `bson:"path"` // the branch's unitpath.Path
	FullName string   `bson:"fullName"`
	// SortKey is the official order (members.Member.SortKey); unique, so a
	// page cursor is one value of it.
	SortKey string `bson:"sortKey"`
	// ScopeWords is "<unit id>:<term>" for every unit above the member
	// (and its branch) and every search term of the name: each folded word
	// and each unordered word pair (members.SearchTerms). "Members below X
	// whose name has these words" is then {scopeWords: {$all: […]}} led by
	// the plan's leading term (members.PlanSearch), whose index range holds
	// few entries the other words reject. Never read back: projected out.
	ScopeWords []string `bson:"scopeWords"`
	// NameKey is members.Member.NameKey: the folded name and birth year an
	// import looks a row's namesakes up by (members_name_key_path).
	NameKey    string         `bson:"nameKey"`
	Gender     members.Gender `bson:"gender"`
	BirthDate  string         `bson:"birthDate"`
	NationalID string         `bson:"nationalId"`
	// ActiveNationalID is present only while the member is active and has
	// an ID (UpdateMember $unsets it otherwise): a copy of the member's
	// claim in nationalIds, which is what keeps one active holder per ID
	// (national_ids.go), read when a claim's staleness is decided.
	ActiveNationalID string         `bson:"activeNationalId,omitempty"`
	Phone            string         `bson:"phone"`
	Address          string         `bson:"address"`
	JoinedOn         string         `bson:"joinedOn"`
	MemberNo         string         `bson:"memberNo"`
	Status           members.Status `bson:"status"`
	LeftOn           string         `bson:"leftOn"`
	LeaveReason      string         `bson:"leaveReason"`
	Stints           []stintDoc     `bson:"stints"`
	Version          int            `bson:"version"`
	CreatedAt        time.Time      `bson:"createdAt"`
	UpdatedAt        time.Time      `bson:"updatedAt"`
}

// memberDoc is a whole member document. History is written by CreateMember
// and $pushed by UpdateMember, and read only by MemberHistory: every other
// read projects it out (memberProjection), so lists do not carry it.
//
// A member is kept in its province (docs/sharding.md §3): _id is
// "<province>:<member id>" (memberKey), and {province, memberId} is the
// shard key every command names. A member who left a province keeps a
// stub there (kind "stub", member_moves.go) so that the branches it left
// are still counted from that province.
type memberDoc struct {
	ID       string `bson:"_id"`
	MemberID string `bson:"memberId"`
	Province string `bson:"province"`
	Kind     string `bson:"kind"`
	// Moving is the province a live document is being moved to (§5.3), or
	// restructureLock of it when a restructure moves it (§5.4): while set,
	// no update matches it (their filters say moving: null).
	Moving string `bson:"moving,omitempty"`
	// LivesIn is, on a stub, the province of the live document.
	LivesIn string `bson:"livesIn,omitempty"`
	// State is a named field: the codec skips unexported embedded structs.
	State   memberState `bson:",inline"`
	History []eventDoc  `bson:"history,omitempty"`
}

// The kinds of member document.
const (
	kindLive = "live"
	kindStub = "stub"
)

// memberKey is the _id of member id's document in a province.
func memberKey(province, id string) string { return province + ":" + id }

// newMemberDoc is m's live document, with its history.
func newMemberDoc(m *members.Member, history []eventDoc) memberDoc {
	p := provinceOf(m)
	return memberDoc{ID: memberKey(p, m.ID), MemberID: m.ID, Province: p, Kind: kindLive, State: toMemberState(m), History: history}
}

type stintDoc struct {
	BranchID  string            `bson:"branchId"`
	From      string            `bson:"from"`
	To        string            `bson:"to"`
	StartedBy members.EventType `bson:"startedBy"`
	EndedBy   members.EventType `bson:"endedBy"`
}

// eventDoc is one entry of a member's history; the member is the document
// that holds it.
type eventDoc struct {
	Seq          int               `bson:"seq"`
	Type         members.EventType `bson:"type"`
	On           string            `bson:"on"`
	At           time.Time         `bson:"at"`
	ActorID      string            `bson:"actorId"`
	ActorName    string            `bson:"actorName"`
	Changes      []changeDoc       `bson:"changes"`
	FromBranchID string            `bson:"fromBranchId"`
	ToBranchID   string            `bson:"toBranchId"`
	Reason       string            `bson:"reason"`
	Job          string            `bson:"job,omitempty"`
}

type changeDoc struct {
	Field string `bson:"field"`
	From  string `bson:"from"`
	To    string `bson:"to"`
}

// memberProjection leaves out what only writes and searches use.
var memberProjection = bson.D{{Key: "history", Value: 0}, {Key: "scopeWords", Value: 0}}

// briefProjection is a brief list's (members.Query.Brief): no stints either.
var briefProjection = append(slices.Clone(memberProjection), bson.E{Key: "stints", Value: 0})

// scopeWords are m's search keys (members.Member.SearchKeys) as stored in
// memberState.ScopeWords.
func scopeWords(m *members.Member) []string {
	keys := m.SearchKeys()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = scopeWord(k.Unit, k.Term)
	}
	return out
}

// scopeTerms are the scopeWords of a name on a path.
func scopeTerms(path unitpath.Path, fullName string) []string {
	return scopeWords(&members.Member{FullName: fullName, Path: path})
}

func scopeWord(unitID, word string) string { return unitID + ":" + word }

func toMemberState(m *members.Member) memberState {
	stints := make([]stintDoc, 0, len(m.Stints))
	for _, s := range m.Stints {
		stints = append(stints, stintDoc{BranchID: s.BranchID, From: s.From.String(), To: s.To.String(),
			StartedBy: s.StartedBy, EndedBy: s.EndedBy})
	}
	return memberState{
		BranchID: m.BranchID, Path: nonNil(m.Path), FullName: m.FullName, SortKey: m.SortKey(),
		ScopeWords: scopeWords(m), NameKey: m.NameKey(), Gender: m.Gender, BirthDate: m.BirthDate.String(), NationalID: m.NationalID,
		ActiveNationalID: m.ActiveNationalID(), Phone: m.Phone, Address: m.Address, JoinedOn: m.JoinedOn.String(),
		MemberNo: m.MemberNo, Status: m.Status, LeftOn: m.LeftOn.String(), LeaveReason: m.LeaveReason,
		Stints: stints, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

func toEventDoc(ev *members.Event) eventDoc {
	changes := make([]changeDoc, 0, len(ev.Changes))
	for _, c := range ev.Changes {
		changes = append(changes, changeDoc(c))
	}
	return eventDoc{Seq: ev.Seq, Type: ev.Type, On: ev.On.String(), At: ev.At, ActorID: ev.ActorID, ActorName: ev.ActorName,
		Changes: changes, FromBranchID: ev.FromBranchID, ToBranchID: ev.ToBranchID, Reason: ev.Reason, Job: ev.Job}
}

func (doc *memberDoc) member() *members.Member {
	d := &doc.State
	m := &members.Member{
		ID: doc.MemberID, BranchID: d.BranchID, FullName: d.FullName, Gender: d.Gender, BirthDate: dateOf(d.BirthDate),
		NationalID: d.NationalID, Phone: d.Phone, Address: d.Address, JoinedOn: dateOf(d.JoinedOn), MemberNo: d.MemberNo,
		Status: d.Status, LeftOn: dateOf(d.LeftOn), LeaveReason: d.LeaveReason, Version: d.Version,
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt),
	}
	if len(d.Path) > 0 {
		m.Path = d.Path
	}
	for _, s := range d.Stints {
		m.Stints = append(m.Stints, members.Stint{BranchID: s.BranchID, From: dateOf(s.From), To: dateOf(s.To),
			StartedBy: s.StartedBy, EndedBy: s.EndedBy})
	}
	return m
}

func (d *eventDoc) event(memberID string) *members.Event {
	ev := &members.Event{MemberID: memberID, Seq: d.Seq, Type: d.Type, On: dateOf(d.On), At: utc(d.At), ActorID: d.ActorID,
		ActorName: d.ActorName, FromBranchID: d.FromBranchID, ToBranchID: d.ToBranchID, Reason: d.Reason, Job: d.Job}
	for _, c := range d.Changes {
		ev.Changes = append(ev.Changes, members.Change(c))
	}
	return ev
}

// dateOf reads a stored date: one we wrote, so valid or "".
func dateOf(s string) civil.Date {
	d, _ := civil.Parse(s)
	return d
}
