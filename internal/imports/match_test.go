package imports

import (
	"reflect"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// row parses one row of the columns name, birth, ID, card number, phone.
func row(t *testing.T, cells ...string) Parsed {
	t.Helper()
	cols, err := MapColumns([]string{"Họ và tên", "Ngày sinh", "Số CCCD", "Số thẻ", "Điện thoại"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ParseRow(cols, Row{Number: 7, Cells: cells}, today)
}

func member(id, branch, name, birth, nid, no string) members.Member {
	m := members.Member{ID: id, BranchID: branch, FullName: name, NationalID: nid, MemberNo: no, Status: members.Active}
	if birth != "" {
		m.BirthDate = civil.MustParse(birth)
	}
	return m
}

func TestDecide(t *testing.T) {
	an := member("m1", "b1", "Nguyễn Văn An", "1985-09-05", "001085012345", "CH01-001")
	anNoID := member("m1", "b1", "Nguyễn Văn An", "1985-09-05", "", "")
	twin := member("m2", "b1", "Nguyễn Văn An", "1985-09-05", "", "")
	elsewhere := member("m3", "b2", "Nguyễn Văn An", "1985-03-01", "", "")
	namesake := member("m4", "b1", "Nguyễn Văn An", "1985-09-05", "001085099999", "")
	cardHolder := member("m5", "b1", "Lê Văn Bảo", "1970-01-01", "", "CH01-001")

	full := func() Parsed { return row(t, "Nguyễn Văn An", "05/09/1985", "001085012345", "CH01-001", "") }
	for _, c := range []struct {
		name       string
		p          Parsed
		branch     string
		cands      []members.Member
		ans        Answer
		action     Action
		member     string
		changes    []members.Change
		candidates []string
	}{
		{name: "nothing found: create", p: full(), branch: "b1", action: Create},
		{name: "same ID, same fields: unchanged", p: full(), branch: "b1", cands: []members.Member{an}, action: Unchanged, member: "m1"},
		{name: "same ID anywhere, other branch: update moves it", p: full(), branch: "b9", cands: []members.Member{an}, action: Update, member: "m1",
			changes: []members.Change{{Field: "branchId", From: "b1", To: "b9"}}},
		{name: "same ID, a new phone: update that field only", p: row(t, "Nguyễn Văn An", "", "001085012345", "", "0912345678"), branch: "b1",
			cands: []members.Member{an}, action: Update, member: "m1", changes: []members.Change{{Field: "phone", From: "", To: "0912345678"}}},
		{name: "same card number in the branch", p: row(t, "Nguyễn Văn An", "", "", "CH01-001"), branch: "b1",
			cands: []members.Member{an}, action: Unchanged, member: "m1"},
		{name: "same card number in another branch: no match", p: row(t, "Trần Văn Cường", "", "", "CH01-001"), branch: "b2",
			cands: []members.Member{an}, action: Create},
		{name: "same name and birth date in the branch", p: row(t, "nguyễn văn an", "05/09/1985"), branch: "b1",
			cands: []members.Member{anNoID}, action: Update, member: "m1", changes: []members.Change{{Field: "fullName", From: "Nguyễn Văn An", To: "nguyễn văn an"}}},
		{name: "two with the same name and birth date: question", p: row(t, "Nguyễn Văn An", "05/09/1985"), branch: "b1",
			cands: []members.Member{anNoID, twin}, action: Question, candidates: []string{"m1", "m2"}},
		{name: "same name and year in another branch: loose, question", p: row(t, "Nguyễn Văn An", "05/09/1985"), branch: "b1",
			cands: []members.Member{elsewhere}, action: Question, candidates: []string{"m3"}},
		{name: "name without diacritics, same year elsewhere: loose", p: row(t, "Nguyen Van An", "1985"), branch: "b1",
			cands: []members.Member{elsewhere}, action: Question, candidates: []string{"m3"}},
		{name: "birth year alone in the branch: loose, question", p: row(t, "Nguyễn Văn An", "1985"), branch: "b1",
			cands: []members.Member{anNoID}, action: Question, candidates: []string{"m1"}},
		{name: "another ID is another person, however alike", p: full(), branch: "b1",
			cands: []members.Member{namesake}, action: Create},
		{name: "ID of one and card of another: question", p: full(), branch: "b1",
			cands: []members.Member{an, cardHolder}, action: Question, candidates: []string{"m1", "m5"}},
		{name: "ID match wins over a loose namesake elsewhere", p: full(), branch: "b1",
			cands: []members.Member{an, elsewhere}, action: Unchanged, member: "m1"},
		{name: "unrelated candidates are ignored", p: full(), branch: "b1",
			cands: []members.Member{cardHolder, member("m6", "b1", "Lê Văn Bảo", "1985-09-05", "", "")}, action: Question, candidates: []string{"m5"}},
		{name: "answered new: create", p: row(t, "Nguyễn Văn An", "05/09/1985"), branch: "b1",
			cands: []members.Member{anNoID, twin}, ans: Answer{New: true}, action: Create},
		{name: "answered a candidate: update it", p: row(t, "Nguyễn Văn An", "05/09/1985", "", "", "0987654321"), branch: "b1",
			cands: []members.Member{anNoID, twin}, ans: Answer{MemberID: "m2"}, action: Update, member: "m2",
			changes: []members.Change{{Field: "phone", From: "", To: "0987654321"}}},
		{name: "answered someone not asked about: error", p: row(t, "Nguyễn Văn An", "05/09/1985"), branch: "b1",
			cands: []members.Member{anNoID, twin}, ans: Answer{MemberID: "m9"}, action: Error},
		{name: "a row with errors is an error, whatever matches", p: row(t, "Nguyễn Văn An", "31/02/1985", "001085012345"), branch: "b1",
			cands: []members.Member{an}, action: Error},
		{name: "name alone, neither knows the birth: the same member", p: row(t, "Nguyễn Văn An"), branch: "b1",
			cands: []members.Member{member("m7", "b1", "Nguyễn Văn An", "", "", "")}, action: Unchanged, member: "m7"},
		{name: "name alone, the member's birth is known: question", p: row(t, "Nguyễn Văn An"), branch: "b1",
			cands: []members.Member{anNoID}, action: Question, candidates: []string{"m1"}},
		{name: "birth known, the member's is not: question", p: row(t, "Nguyễn Văn An", "05/09/1985"), branch: "b1",
			cands: []members.Member{member("m7", "b1", "Nguyễn Văn An", "", "", "")}, action: Question, candidates: []string{"m7"}},
		{name: "a year alone changes no birth date", p: row(t, "Nguyễn Văn An", "1985", "001085012345"), branch: "b1",
			cands: []members.Member{an}, action: Unchanged, member: "m1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.p, c.branch, c.cands, c.ans)
			if d.Action != c.action || d.MemberID != c.member || d.Row != 7 {
				t.Fatalf("decided %s %q (row %d), want %s %q; %+v", d.Action, d.MemberID, d.Row, c.action, c.member, d)
			}
			if !reflect.DeepEqual(d.Changes, c.changes) {
				t.Errorf("changes %+v, want %+v", d.Changes, c.changes)
			}
			var got []string
			for _, k := range d.Candidates {
				got = append(got, k.MemberID)
			}
			if !reflect.DeepEqual(got, c.candidates) {
				t.Errorf("candidates %q, want %q", got, c.candidates)
			}
			if (d.Action == Error) != (len(d.Errors) > 0) {
				t.Errorf("errors %+v with action %s", d.Errors, d.Action)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	p := row(t, "Nguyễn Văn An", "1985", "001085012345", "CH01-001")
	want := Lookups{NationalID: "001085012345", MemberNo: "CH01-001", FullName: "Nguyễn Văn An", BirthYear: 1985}
	if got := p.Lookups(); got != want {
		t.Errorf("lookups %+v, want %+v", got, want)
	}
}
