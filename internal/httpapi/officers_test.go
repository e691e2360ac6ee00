package httpapi_test

import (
	"fmt"
	"github.com/sohoi/sohoi/internal/civil"
	"slices"
	"testing"
	"time"
)

type officer struct {
	ID        string  `json:"id"`
	UnitID    string  `json:"unitId"`
	MemberID  string  `json:"memberId"`
	FullName  string  `json:"fullName"`
	Position  string  `json:"position"`
	TermLabel string  `json:"termLabel"`
	From      string  `json:"from"`
	To        *string `json:"to"`
	Current   bool    `json:"current"`
	Version   int     `json:"version"`
}

func TestOfficersTermsAndCurrentPosts(t *testing.T) {
	r := newRoll(t)
	manager := r.e.mustUser("manager.34", "manager", r.prov.ID)
	an := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	path := "/api/v1/units/" + r.prov.ID + "/officers"
	year := civil.Today(time.Now()).Year // Vietnam's year, as the server counts it
	cur := fmt.Sprintf("%d-%d", year-2, year+3)
	post := func(body map[string]any, status int, code ...string) officer {
		t.Helper()
		var o officer
		res := r.e.expect(r.e.do("POST", path, manager, body), status, code...)
		if status == 201 {
			res.decode(t, &o)
		}
		return o
	}
	past := post(map[string]any{"fullName": "Trần Văn Cũ", "position": "chair", "termLabel": "2016-2021", "from": "2016-06-01", "to": "2021-05-31"}, 201)
	chair := post(map[string]any{"memberId": an.ID, "position": "chair", "termLabel": cur, "from": fmt.Sprintf("%d-06-01", year-2)}, 201)
	if chair.FullName != "Nguyễn Văn An" || chair.MemberID != an.ID || !chair.Current || chair.To != nil {
		t.Fatalf("chair %+v", chair)
	}
	// a second chair whose term overlaps is refused; vice-chairs may overlap
	post(map[string]any{"fullName": "Lê Thị Hai", "position": "chair", "from": fmt.Sprintf("%d-01-01", year)}, 409, "conflict")
	post(map[string]any{"fullName": "Lê Thị Hai", "position": "vice_chair", "termLabel": cur, "from": fmt.Sprintf("%d-06-01", year-2)}, 201)
	post(map[string]any{"fullName": "Phạm Văn Ba", "position": "vice_chair", "termLabel": cur, "from": fmt.Sprintf("%d-06-01", year-2)}, 201)
	// the same person holds a post at another level too
	r.e.expect(r.e.do("POST", "/api/v1/units/"+r.a.ID+"/officers", r.chairA, map[string]any{"memberId": an.ID, "position": "chair", "from": "2020-01-01"}), 201)

	var all, current struct{ Items []officer }
	r.e.expect(r.e.do("GET", path, r.viewerProv, nil), 200).decode(t, &all)
	r.e.expect(r.e.do("GET", path+"?current=true", r.viewerProv, nil), 200).decode(t, &current)
	if len(all.Items) != 4 || len(current.Items) != 3 {
		t.Fatalf("%d posts, %d current", len(all.Items), len(current.Items))
	}
	if current.Items[0].ID != chair.ID || slices.ContainsFunc(current.Items, func(o officer) bool { return o.ID == past.ID }) {
		t.Fatalf("current posts %+v", current.Items)
	}
	// the list pages like every list
	var first, second struct {
		Items      []officer
		NextCursor string
	}
	r.e.expect(r.e.do("GET", path+"?limit=3", r.viewerProv, nil), 200).decode(t, &first)
	r.e.expect(r.e.do("GET", path+"?limit=3&cursor="+first.NextCursor, r.viewerProv, nil), 200).decode(t, &second)
	if len(first.Items) != 3 || first.NextCursor == "" || len(second.Items) != 1 || second.NextCursor != "" || second.Items[0].ID != all.Items[3].ID {
		t.Fatalf("pages %+v / %+v", first, second)
	}

	// ending the chair's term lets a successor start the next day
	var ended officer
	end := fmt.Sprintf("%d-12-31", year)
	r.e.expect(r.e.do("PATCH", "/api/v1/officers/"+chair.ID, manager, map[string]any{"to": end}, "If-Match", `"1"`), 200).decode(t, &ended)
	if ended.To == nil || *ended.To != end || ended.Version != 2 {
		t.Fatalf("ended %+v", ended)
	}
	r.e.expect(r.e.do("PATCH", "/api/v1/officers/"+chair.ID, manager, map[string]any{"termLabel": "x"}, "If-Match", `"1"`), 412)
	next := post(map[string]any{"fullName": "Lê Thị Hai", "position": "chair", "from": fmt.Sprintf("%d-01-01", year+1)}, 201)
	if next.Current {
		t.Fatal("a term that starts next year is current")
	}
	r.e.expect(r.e.do("PATCH", "/api/v1/officers/"+next.ID, manager, map[string]any{"from": fmt.Sprintf("%d-12-01", year)}), 409, "conflict")
	r.e.expect(r.e.do("PATCH", "/api/v1/officers/"+chair.ID, manager, map[string]any{"fullName": "Đổi"}), 400)
	// a post held by a member shows the name as corrected on the roll
	r.e.expect(r.e.do("PATCH", "/api/v1/members/"+an.ID, r.chairA, map[string]any{"fullName": "Nguyễn Văn Ân"}), 200)
	var renamed officer
	r.e.expect(r.e.do("GET", "/api/v1/officers/"+chair.ID, manager, nil), 200).decode(t, &renamed)
	if renamed.FullName != "Nguyễn Văn Ân" {
		t.Fatalf("the post still shows %q", renamed.FullName)
	}

	// scope: editors keep officers, viewers read, other provinces see nothing
	r.e.expect(r.e.do("POST", path, r.viewerProv, map[string]any{"fullName": "X", "position": "committee", "from": "2021-06-01"}), 403)
	other := r.e.mustUser("manager.33", "manager", r.c.Ancestors[1])
	r.e.expect(r.e.do("GET", path, other, nil), 404)
	r.e.expect(r.e.do("DELETE", "/api/v1/officers/"+past.ID, other, nil), 404)
	r.e.expect(r.e.do("POST", "/api/v1/units/"+r.c.Ancestors[1]+"/officers", other, map[string]any{"memberId": an.ID, "position": "committee", "from": "2021-06-01"}), 400)
	r.e.expect(r.e.do("GET", "/api/v1/officers/"+past.ID, r.viewerProv, nil), 200)
	r.e.expect(r.e.do("GET", "/api/v1/officers/"+past.ID, other, nil), 404)
	r.e.expect(r.e.do("DELETE", "/api/v1/officers/"+past.ID, manager, nil), 204)
	r.e.expect(r.e.do("PATCH", "/api/v1/officers/"+past.ID, manager, map[string]any{"termLabel": "x"}), 404)
	r.e.expect(r.e.do("POST", path, manager, map[string]any{"fullName": "X", "position": "boss", "from": "2021-13-01"}), 400, "validation_failed")
}
