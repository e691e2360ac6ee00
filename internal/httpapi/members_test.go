package httpapi_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

type member struct {
	ID         string   `json:"id"`
	BranchID   string   `json:"branchId"`
	Ancestors  []string `json:"ancestors"`
	FullName   string   `json:"fullName"`
	Gender     string   `json:"gender"`
	NationalID string   `json:"nationalId"`
	Phone      string   `json:"phone"`
	Status     string   `json:"status"`
	LeftOn     *string  `json:"leftOn"`
	Version    int      `json:"version"`
}

type memberList struct {
	Items      []member `json:"items"`
	NextCursor string   `json:"nextCursor"`
}

// roll is a small tree with two branches in one commune, one branch in
// another province, and the chairs (editors) of the first two.
type roll struct {
	e                    *env
	prov, comm, a, b, c  unit
	chairA, chairB       string
	viewerProv, reporter string
}

func newRoll(t *testing.T) *roll {
	e := newEnv(t)
	r := &roll{e: e}
	r.prov = e.mustUnit("root", "province", "34")
	r.comm = e.mustUnit(r.prov.ID, "commune", "12436")
	r.a = e.mustUnit(r.comm.ID, "branch", "A")
	r.b = e.mustUnit(r.comm.ID, "branch", "B")
	other := e.mustUnit("root", "province", "33")
	r.c = e.mustUnit(other.ID, "branch", "C")
	r.chairA = e.mustUser("chair.a", "editor", r.a.ID)
	r.chairB = e.mustUser("chair.b", "editor", r.b.ID)
	r.viewerProv = e.mustUser("viewer.34", "viewer", r.prov.ID)
	r.reporter = e.mustUser("reporter.34", "reporter", r.prov.ID)
	return r
}

func (r *roll) add(token string, branch unit, body map[string]any) member {
	r.e.t.Helper()
	var m member
	r.e.expect(r.e.do("POST", "/api/v1/units/"+branch.ID+"/members", token, body), 201).decode(r.e.t, &m)
	return m
}

func (r *roll) list(token, unitID, query string) memberList {
	r.e.t.Helper()
	var l memberList
	r.e.expect(r.e.do("GET", "/api/v1/units/"+unitID+"/members?"+query, token, nil), 200).decode(r.e.t, &l)
	return l
}

func names(ms []member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.FullName
	}
	return out
}

func TestMemberNamesAreStoredNFC(t *testing.T) {
	r := newRoll(t)
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguye\u0302\u0303n  Va\u0306n An"})
	if m.FullName != "Nguy\u1ec5n V\u0103n An" {
		t.Fatalf("stored %q (% x)", m.FullName, m.FullName)
	}
}

func TestMemberSearch(t *testing.T) {
	r := newRoll(t)
	for _, n := range []string{"Nguyễn Văn An", "Đỗ Đình Trọng", "Trần Thị Bình", "Nguyễn Thị Hoa"} {
		r.add(r.chairA, r.a, map[string]any{"fullName": n})
	}
	r.add(r.e.admin, r.c, map[string]any{"fullName": "Nguyễn Văn An"}) // another province
	cases := []struct {
		q    string
		want []string
	}{
		{"nguyen van", []string{"Nguyễn Văn An"}},
		{"NGUYỄN", []string{"Nguyễn Văn An", "Nguyễn Thị Hoa"}},
		{"do dinh", []string{"Đỗ Đình Trọng"}},
		{"trong", []string{"Đỗ Đình Trọng"}},
		{"nguyen lan", []string{}},
		{"khong ai", []string{}},
	}
	for _, c := range cases {
		got := names(r.list(r.viewerProv, r.prov.ID, "q="+strings.ReplaceAll(c.q, " ", "+")).Items)
		if !slices.Equal(got, c.want) {
			t.Errorf("q=%q: got %v, want %v", c.q, got, c.want)
		}
	}
}

func TestOfficialOrderAcrossPages(t *testing.T) {
	r := newRoll(t)
	want := []string{"Nguyễn Văn An", "Trần Thị Ánh", "Lê Văn Ân", "Phạm Thị Bình", "Vũ Đức Dũng", "Hoàng Văn Đạt",
		"Bùi Thị Hà", "Nguyễn Thị Hạnh", "Đỗ Đình Trọng", "Trần Văn Trọng"}
	for i := range want {
		r.add(r.chairA, r.a, map[string]any{"fullName": want[(i*7)%len(want)]})
	}
	var got []string
	cursor, pages := "", 0
	for {
		l := r.list(r.chairA, r.a.ID, "sort=name&limit=4&cursor="+cursor)
		got = append(got, names(l.Items)...)
		pages++
		if l.NextCursor == "" {
			break
		}
		cursor = l.NextCursor
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Fatalf("%d pages:\n%v\nwant\n%v", pages, got, want)
	}
}

func TestMemberValidation(t *testing.T) {
	r := newRoll(t)
	cases := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"no name", map[string]any{"gender": "female"}, []string{"fullName"}},
		{"an ID of 10 digits", map[string]any{"fullName": "A B", "nationalId": "0341600000"}, []string{"nationalId"}},
		{"an ID with letters", map[string]any{"fullName": "A B", "nationalId": "03416000000x"}, []string{"nationalId"}},
		{"an unknown province code", map[string]any{"fullName": "A B", "nationalId": "099160000001"}, []string{"nationalId"}},
		{"a CCCD of a woman for a man", map[string]any{"fullName": "A B", "gender": "male", "nationalId": "034160000001"}, []string{"nationalId", "gender"}},
		{"a CCCD of another birth year", map[string]any{"fullName": "A B", "birthDate": "1961-05-19", "nationalId": "034160000001"}, []string{"nationalId", "birthDate"}},
		{"a CCCD of the 2000s for a 1960 birth", map[string]any{"fullName": "A B", "birthDate": "1960-05-19", "nationalId": "034360000001"}, []string{"nationalId", "birthDate"}},
		{"a date that does not exist", map[string]any{"fullName": "A B", "birthDate": "1960-02-30"}, []string{"birthDate"}},
		{"a date in day/month/year", map[string]any{"fullName": "A B", "joinedOn": "02/07/2022"}, []string{"joinedOn"}},
		{"a future join", map[string]any{"fullName": "A B", "joinedOn": "2999-01-01"}, []string{"joinedOn"}},
		{"joined before birth", map[string]any{"fullName": "A B", "birthDate": "1990-01-01", "joinedOn": "1980-01-01"}, []string{"joinedOn"}},
		{"a bad phone", map[string]any{"fullName": "A B", "phone": "12345"}, []string{"phone"}},
		{"an unknown gender", map[string]any{"fullName": "A B", "gender": "m"}, []string{"gender"}},
		{"a name too long", map[string]any{"fullName": strings.Repeat("Ă", 201)}, []string{"fullName"}},
		{"an unknown field", map[string]any{"fullName": "A B", "email": "a@b.vn"}, []string{"email"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := r.e.expect(r.e.do("POST", "/api/v1/units/"+r.a.ID+"/members", r.chairA, c.body), 400, "validation_failed")
			for _, f := range c.fields {
				if !strings.Contains(string(res.body), `"field":"`+f+`"`) {
					t.Errorf("no error for %s: %s", f, res.body)
				}
			}
		})
	}
	if l := r.list(r.chairA, r.a.ID, ""); len(l.Items) != 0 {
		t.Fatalf("rejected requests stored %d members", len(l.Items))
	}
	ok := r.add(r.chairA, r.a, map[string]any{"fullName": "Trần Thị Hoa", "gender": "female", "birthDate": "1960-05-19",
		"nationalId": "034160000001", "phone": "+84 912.345.678", "joinedOn": "2022-07-02"})
	if ok.Phone != "0912345678" || ok.NationalID != "034160000001" {
		t.Fatalf("stored %+v", ok)
	}
	r.add(r.chairA, r.a, map[string]any{"fullName": "Lê Văn Cũ", "nationalId": "034160001"}) // an old 9-digit CMND
	r.e.expect(r.e.do("POST", "/api/v1/units/"+r.comm.ID+"/members", r.e.admin, map[string]any{"fullName": "A B"}), 400, "validation_failed")
}

func TestConcurrentPatchesWithOneIfMatch(t *testing.T) {
	r := newRoll(t)
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	var wg sync.WaitGroup
	statuses := make([]int, 32)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = r.e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, map[string]any{"address": fmt.Sprintf("Số %d", i)}, "If-Match", `"1"`).status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[412] != 31 {
		t.Fatalf("statuses %v, want one 200 and 31 × 412", count)
	}
	var got member
	r.e.expect(r.e.do("GET", "/api/v1/members/"+m.ID, r.chairA, nil), 200).decode(t, &got)
	if got.Version != 2 {
		t.Fatalf("version %d", got.Version)
	}
}

func TestConcurrentCreatesWithOneNationalID(t *testing.T) {
	r := newRoll(t)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			branch, tok := r.a, r.chairA
			if i%2 == 1 {
				branch, tok = r.b, r.chairB
			}
			statuses[i] = r.e.do("POST", "/api/v1/units/"+branch.ID+"/members", tok, map[string]any{
				"fullName": fmt.Sprintf("Người %d", i), "nationalId": "034160000001"}).status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != 19 {
		t.Fatalf("statuses %v, want one 201 and 19 × 409", count)
	}
	all := r.list(r.e.admin, "root", "")
	if len(all.Items) != 1 {
		t.Fatalf("%d members stored", len(all.Items))
	}
}

func TestDuplicateNationalIDSaysWhereOnlyInScope(t *testing.T) {
	r := newRoll(t)
	holder := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An", "nationalId": "034160000001"})
	res := r.e.expect(r.e.do("POST", "/api/v1/units/"+r.a.ID+"/members", r.chairA, map[string]any{"fullName": "X Y", "nationalId": "034160000001"}), 409, "duplicate_national_id")
	if !strings.Contains(string(res.body), holder.ID) {
		t.Fatalf("the chair of the holder's branch is not told where: %s", res.body)
	}
	res = r.e.expect(r.e.do("POST", "/api/v1/units/"+r.b.ID+"/members", r.chairB, map[string]any{"fullName": "X Y", "nationalId": "034160000001"}), 409, "duplicate_national_id")
	if strings.Contains(string(res.body), holder.ID) || strings.Contains(string(res.body), "Nguyễn") {
		t.Fatalf("another branch's chair learns who holds the ID: %s", res.body)
	}
}

func TestTransferLeaveAndHistory(t *testing.T) {
	r := newRoll(t)
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An", "joinedOn": "2020-03-08", "nationalId": "034060000001", "gender": "male"})
	// chair A may not write branch B: a transfer needs both
	r.e.expect(r.e.do("POST", "/api/v1/members/"+m.ID+"/transfer", r.chairA, map[string]any{"toBranchId": r.b.ID, "on": "2024-01-15"}), 400, "validation_failed")
	manager := r.e.mustUser("manager.comm", "manager", r.comm.ID)
	r.e.expect(r.e.do("POST", "/api/v1/members/"+m.ID+"/transfer", manager, map[string]any{"toBranchId": r.b.ID, "on": "2019-01-01"}), 400)
	var moved member
	r.e.expect(r.e.do("POST", "/api/v1/members/"+m.ID+"/transfer", manager, map[string]any{"toBranchId": r.b.ID, "on": "2024-01-15"}), 200).decode(t, &moved)
	if moved.BranchID != r.b.ID || moved.Ancestors[len(moved.Ancestors)-1] != r.b.ID {
		t.Fatalf("after transfer %+v", moved)
	}
	if l := r.list(r.chairA, r.a.ID, ""); len(l.Items) != 0 {
		t.Fatalf("branch A still lists %v", names(l.Items))
	}
	if l := r.list(r.chairB, r.b.ID, ""); len(l.Items) != 1 || l.Items[0].ID != m.ID {
		t.Fatalf("branch B lists %v", names(l.Items))
	}
	r.e.expect(r.e.do("GET", "/api/v1/members/"+m.ID, r.chairA, nil), 404) // out of chair A's scope now

	r.e.expect(r.e.do("PATCH", "/api/v1/members/"+m.ID, r.chairB, map[string]any{"phone": "0912345678"}), 200)
	var left member
	r.e.expect(r.e.do("POST", "/api/v1/members/"+m.ID+"/leave", r.chairB, map[string]any{"status": "deceased", "on": "2025-03-01", "reason": "từ trần"}), 200).decode(t, &left)
	if left.Status != "deceased" || left.LeftOn == nil || *left.LeftOn != "2025-03-01" {
		t.Fatalf("after leaving %+v", left)
	}
	r.e.expect(r.e.do("POST", "/api/v1/members/"+m.ID+"/leave", r.chairB, map[string]any{"status": "left", "on": "2025-04-01"}), 409, "conflict")
	r.e.expect(r.e.do("GET", "/api/v1/members/"+m.ID, r.chairB, nil), 200) // the record stays
	if l := r.list(r.chairB, r.b.ID, "status=deceased"); len(l.Items) != 1 {
		t.Fatalf("deceased: %v", names(l.Items))
	}
	if l := r.list(r.chairB, r.b.ID, "status=active"); len(l.Items) != 0 {
		t.Fatalf("active: %v", names(l.Items))
	}

	var hist struct {
		Items []struct {
			Seq   int    `json:"seq"`
			Type  string `json:"type"`
			On    string `json:"on"`
			At    string `json:"at"`
			Actor struct {
				Username string `json:"username"`
			} `json:"actor"`
			Changes []struct{ Field, From, To string } `json:"changes"`
		} `json:"items"`
	}
	// read by the commune's manager, whose scope holds every actor and branch
	// (TestHistoryHidesWhatIsOutsideTheReadersScope reads it from branch B)
	r.e.expect(r.e.do("GET", "/api/v1/members/"+m.ID+"/history", manager, nil), 200).decode(t, &hist)
	var got []string
	for _, h := range hist.Items {
		if h.At == "" || h.Actor.Username == "" {
			t.Fatalf("an event without actor or time: %+v", h)
		}
		got = append(got, fmt.Sprintf("%d %s %s by %s", h.Seq, h.Type, h.On, h.Actor.Username))
	}
	want := []string{"1 joined 2020-03-08 by chair.a", "2 transferred 2024-01-15 by manager.comm", "3 updated  by chair.b", "4 died 2025-03-01 by chair.b"}
	if !slices.Equal(got, want) {
		t.Fatalf("history:\n%v\nwant\n%v", got, want)
	}
	if c := hist.Items[2].Changes; len(c) != 1 || c[0].Field != "phone" || c[0].To != "0912345678" {
		t.Fatalf("changes %+v", c)
	}
	// the ID is free again: the person may rejoin, as a new record
	r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An", "nationalId": "034060000001"})
}

func TestMembersOutsideScope(t *testing.T) {
	r := newRoll(t)
	inA := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	inC := r.add(r.e.admin, r.c, map[string]any{"fullName": "Nguyễn Văn An"})
	for _, path := range []string{"/api/v1/members/" + inC.ID, "/api/v1/members/" + inC.ID + "/history"} {
		r.e.expect(r.e.do("GET", path, r.chairA, nil), 404, "not_found")
	}
	r.e.expect(r.e.do("PATCH", "/api/v1/members/"+inC.ID, r.chairA, map[string]any{"phone": "0912345678"}), 404)
	r.e.expect(r.e.do("GET", "/api/v1/members/"+inA.ID, r.chairB, nil), 404)
	if l := r.list(r.viewerProv, r.prov.ID, "q=nguyen+van+an"); len(l.Items) != 1 || l.Items[0].ID != inA.ID {
		t.Fatalf("search leaks across provinces: %+v", l.Items)
	}
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.c.ID+"/members", r.viewerProv, nil), 404)
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/members?branchId="+r.c.ID, r.viewerProv, nil), 400)
	// a reporter sees no personal data; a viewer reads but does not write
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/members", r.reporter, nil), 403, "forbidden")
	r.e.expect(r.e.do("GET", "/api/v1/members/"+inA.ID, r.reporter, nil), 403)
	r.e.expect(r.e.do("POST", "/api/v1/units/"+r.a.ID+"/members", r.viewerProv, map[string]any{"fullName": "X"}), 403)
	if l := r.list(r.viewerProv, r.prov.ID, "branchId="+r.a.ID); len(l.Items) != 1 {
		t.Fatalf("branch filter: %v", names(l.Items))
	}
}

// movingStore moves a member to another branch just before the first
// update of it is stored, as a manager's transfer racing a chair's
// correction would.
type movingStore struct {
	app.Store
	to    *units.Unit
	moved atomic.Bool
}

func (s *movingStore) UpdateMember(ctx context.Context, m *members.Member, ev *members.Event) error {
	if s.to != nil && !s.moved.Swap(true) {
		cur, err := s.Store.GetMember(ctx, m.ID, members.Everywhere)
		if err != nil {
			return err
		}
		next := *cur
		next.BranchID, next.Path, next.Version = s.to.ID, s.to.Path, cur.Version+1
		if err := s.Store.UpdateMember(ctx, &next, &members.Event{MemberID: m.ID, Seq: next.Version, Type: members.Transferred,
			On: civil.Today(time.Now()), At: time.Now(), FromBranchID: cur.BranchID, ToBranchID: s.to.ID}); err != nil {
			return err
		}
	}
	return s.Store.UpdateMember(ctx, m, ev)
}

// A correction that loses a race to a transfer out of the caller's scope
// is not retried there.
func TestARetriedWriteStaysInScope(t *testing.T) {
	var ms *movingStore
	e := newEnvOn(t, func(s app.Store) app.Store { ms = &movingStore{Store: s}; return ms })
	prov := e.mustUnit("root", "province", "34")
	a := e.mustUnit(prov.ID, "branch", "A")
	b := e.mustUnit(prov.ID, "branch", "B")
	chairA := e.mustUser("chair.a", "editor", a.ID)
	var m member
	e.expect(e.do("POST", "/api/v1/units/"+a.ID+"/members", chairA, map[string]any{"fullName": "Nguyễn Văn An"}), 201).decode(t, &m)
	ms.to = mustUnit(t, e, b.ID)
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, chairA, map[string]any{"phone": "0912345678"}), 412, "version_mismatch")
	var got member
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil), 200).decode(t, &got)
	if got.BranchID != b.ID || got.Phone != "" {
		t.Fatalf("the chair of A changed a member of B: %+v", got)
	}
}
