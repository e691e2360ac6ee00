package imports

import (
	"fmt"
	"strings"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Action is what an import does with a row.
type Action string

const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
	Question  Action = "question"
	Error     Action = "error"
)

// Why a candidate matched a row.
type Why string

const (
	ByNationalID Why = "nationalId"    // same national ID, anywhere
	ByMemberNo   Why = "memberNo"      // same member number in the branch
	ByNameBirth  Why = "nameBirthDate" // same name and birth date in the branch
	ByNameYear   Why = "nameBirthYear" // same name and birth year: loose
)

// Candidate is a member a row may mean.
type Candidate struct {
	MemberID string `json:"memberId"`
	FullName string `json:"fullName"`
	BranchID string `json:"branchId"`
	Why      Why    `json:"why"`
}

// Decision is what to do with one row.
type Decision struct {
	Row    int
	Action Action
	// MemberID is the member updated or left unchanged.
	MemberID string
	// Changes are the fields an update changes, from → to; a change of
	// "branchId" is a transfer.
	Changes []members.Change
	// Candidates are the members a question asks about.
	Candidates []Candidate
	Errors     []RowError
}

// Answer is a person's answer to a question: the member the row means, or
// New for a new member. The zero Answer is no answer.
type Answer struct {
	MemberID string
	New      bool
}

// Lookups are the searches whose results Decide needs; the caller runs
// them (below the import's unit, in its scope) and passes every member
// found. A search whose key the row lacks is skipped (its field is "").
type Lookups struct {
	// NationalID: members with this national ID, anywhere.
	NationalID string
	// MemberNo: members with this number in the row's branch.
	MemberNo string
	// FullName and BirthYear: members of this name (compared as
	// vntext.Fold does) born in this year or of unknown birth, anywhere in
	// the import's unit (BirthYear 0: of any year); this covers both same
	// name and birth date in the branch and the loose match elsewhere.
	FullName  string
	BirthYear int
}

// Lookups names the searches for p's candidates.
func (p *Parsed) Lookups() Lookups {
	year := p.BirthYear
	if !p.Input.BirthDate.IsZero() {
		year = p.Input.BirthDate.Year
	}
	return Lookups{NationalID: p.Input.NationalID, MemberNo: p.Input.MemberNo, FullName: p.Input.FullName, BirthYear: year}
}

// Decide decides a row, given the branch it resolves to and the members
// the caller found (Lookups); candidates that match by no rule are
// ignored, so the caller may pass more. The rules, in order:
//
//   - a row with errors is an error;
//   - an answer decides: New creates, a member id updates that member if
//     it is among the candidates (else the answer is an error);
//   - a row matches a member by national ID (anywhere), by member number
//     in the branch, or by name and birth date in the branch (neither
//     knowing the birth date counts as equal), but never by
//     name when both give national IDs and they differ (another person);
//   - exactly one member matched: update, or unchanged when no field the
//     row gives differs; more than one, or one while another holds the
//     row's card number in the branch: a question;
//   - only a loose match (same name, ignoring case and diacritics, and
//     the same birth year or one side not knowing it, in another branch or
//     with only the year known; or the card number of someone whose name
//     differs): a question;
//   - nothing matched creates.
//
// A member matched who has left or died is matched all the same: whether
// such a row re-admits them is the caller's rule, as are scope (a member
// matched by national ID outside the caller's units) and a change of
// "branchId" (a transfer).
func Decide(p Parsed, branchID string, candidates []members.Member, ans Answer) Decision {
	d := Decision{Row: p.Row}
	if !p.OK() {
		d.Action, d.Errors = Error, p.Errors
		return d
	}
	year := p.Lookups().BirthYear
	folded := vntext.Fold(p.Input.FullName)
	var strict, loose, cards []*members.Member
	var asked []Candidate
	seen := map[string]*members.Member{}
	for i := range candidates {
		m := &candidates[i]
		if seen[m.ID] != nil {
			continue
		}
		// Another national ID is another person, however alike the names.
		otherID := p.Input.NationalID != "" && m.NationalID != "" && m.NationalID != p.Input.NationalID
		var why Why
		switch {
		case p.Input.NationalID != "" && m.NationalID == p.Input.NationalID:
			why = ByNationalID
		case p.Input.MemberNo != "" && m.MemberNo == p.Input.MemberNo && m.BranchID == branchID:
			why = ByMemberNo // a card number held by another person is asked about, too
		case otherID:
			continue
		case sameName(m.FullName, p.Input.FullName) && p.BirthYear == 0 && m.BirthDate == p.Input.BirthDate && m.BranchID == branchID:
			// Equal birth dates, or neither known: a roll of names alone
			// must also read back as itself.
			why = ByNameBirth
		case vntext.Fold(m.FullName) == folded && (year == 0 || m.BirthDate.IsZero() || m.BirthDate.Year == year):
			why = ByNameYear
		default:
			continue
		}
		seen[m.ID] = m
		asked = append(asked, Candidate{MemberID: m.ID, FullName: m.FullName, BranchID: m.BranchID, Why: why})
		// A card number is typed by hand: held by someone of another name,
		// it is asked about rather than taken.
		cardOnly := why == ByMemberNo && vntext.Fold(m.FullName) != folded
		if why == ByMemberNo {
			cards = append(cards, m)
		}
		if why == ByNameYear || cardOnly {
			loose = append(loose, m)
		} else {
			strict = append(strict, m)
		}
	}
	switch {
	case ans.New:
		d.Action = Create
	case ans.MemberID != "":
		if m := seen[ans.MemberID]; m != nil {
			return update(d, p, branchID, m)
		}
		d.Action = Error
		d.Errors = []RowError{{Row: p.Row, Message: fmt.Sprintf("the answer names member %s, who is not among the members this row may mean", ans.MemberID)}}
	case len(strict) == 1 && (len(cards) == 0 || len(cards) == 1 && cards[0] == strict[0]):
		return update(d, p, branchID, strict[0])
	case len(strict) > 0, len(loose) > 0:
		d.Action, d.Candidates = Question, asked
	default:
		d.Action = Create
	}
	return d
}

// sameName compares names as stored (NFC, single spaces), ignoring case
// only: "Nguyen Van An" is not "Nguyễn Văn An", and is at most loose.
func sameName(a, b string) bool {
	return strings.EqualFold(vntext.Clean(a), vntext.Clean(b))
}

// update is the decision for a row that means m: the fields it gives that
// differ, or unchanged. A birth year alone changes nothing (it matches the
// year of any birth date): the roll keeps whole dates.
func update(d Decision, p Parsed, branchID string, m *members.Member) Decision {
	d.MemberID = m.ID
	add := func(f Field, from, to string) {
		if p.Present[f] && from != to {
			d.Changes = append(d.Changes, members.Change{Field: string(f), From: from, To: to})
		}
	}
	in := p.Input
	add(FullName, m.FullName, in.FullName)
	add(Gender, string(m.Gender), string(in.Gender))
	if p.BirthYear == 0 {
		add(BirthDate, m.BirthDate.String(), in.BirthDate.String())
	}
	add(NationalID, m.NationalID, in.NationalID)
	add(Phone, m.Phone, in.Phone)
	add(Address, m.Address, in.Address)
	add(JoinedOn, m.JoinedOn.String(), in.JoinedOn.String())
	add(MemberNo, m.MemberNo, in.MemberNo)
	if branchID != "" && branchID != m.BranchID {
		d.Changes = append(d.Changes, members.Change{Field: "branchId", From: m.BranchID, To: branchID})
	}
	d.Action = Unchanged
	if len(d.Changes) > 0 {
		d.Action = Update
	}
	return d
}
